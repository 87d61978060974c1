#!/usr/bin/env bash
# Issue 4's cost target: the same small-object load against Granary with metering on and off, alternating, in one
# run; prints each run and the on/off ratios of throughput and of server CPU per operation. Loopback only; every
# server it starts is stopped by PID.
#   bench/metering.sh [--rounds 3] [--workload get] [--size 4KiB] [--duration 20s] [--warmup 10s] [--port 9510]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3; workload=get; size=4KiB; duration=20s; warmup=10s; port=9510
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --workload) workload="$2"; shift ;;
    --size) size="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --port) port="$2"; shift ;;
    *) echo "metering: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
pid=""
cleanup() { if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=""; }
trap cleanup EXIT
results="$(mktemp)"
for round in $(seq 1 "$rounds"); do
  for mode in on off; do
    data="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-metering.XXXXXX")"
    java -jar "$ROOT/api-server/target/granary.jar" server --address 127.0.0.1 --port "$port" --admin-port 0 \
      --data "$data" --metering "$mode" > "$data.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    line=$("$ROOT/bench/load" --endpoint "http://127.0.0.1:$port" --access-key granaryadmin --secret-key granaryadmin \
      --server-pid "$pid" --workload "$workload" --size "$size" --concurrency 16 --duration "$duration" \
      --warmup "$warmup" --objects 500 | grep -E "^$workload ")
    echo "round $round metering $mode: $line"
    echo "$mode $line" >> "$results"
    cleanup
    rm -rf "$data" "$data.log"
  done
done
# columns of the load table: workload size conc ops ops/s MiB/s p50 p99 max errors srv-us/op cli-us/op host%
awk '{ ops[$1] += $6; cpu[$1] += $12; n[$1]++ }
     END { printf "metering on/off: throughput %.3f, server CPU per op %.3f (means of %d runs each)\n",
           (ops["on"]/n["on"]) / (ops["off"]/n["off"]), (cpu["on"]/n["on"]) / (cpu["off"]/n["off"]), n["on"] }' "$results"
rm -f "$results"
