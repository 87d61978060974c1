#!/usr/bin/env bash
# Issue 4's cost target: the same small-object load against Granary with metering on and off, alternating, in one
# run; prints each run and the on/off ratios of throughput and of server CPU per operation. Loopback only; every
# server it starts is stopped by PID.
# With --pin (the default when the machine has 2+ cores) the server runs on CPU 0 and the load driver on CPU 1,
# so that the two do not steal each other's core and the server's own throughput is what is compared. Each round
# runs on and off back to back in alternating order; the ratio is taken per round and the median is reported.
#   bench/metering.sh [--rounds 5] [--workload get] [--size 4KiB] [--duration 20s] [--warmup 10s] [--port 9510]
#                     [--pin|--no-pin]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=5; workload=get; size=4KiB; duration=20s; warmup=10s; port=9510
pin=$([[ $(nproc) -ge 2 ]] && echo 1 || echo 0)
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --workload) workload="$2"; shift ;;
    --size) size="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --port) port="$2"; shift ;;
    --pin) pin=1 ;;
    --no-pin) pin=0 ;;
    *) echo "metering: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
pid=""
cleanup() { if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=""; }
trap cleanup EXIT
results="$(mktemp)"
server_cpu=(); driver_cpu=()
if [[ "$pin" == 1 ]]; then server_cpu=(taskset -c 0); driver_cpu=(taskset -c 1); fi
for round in $(seq 1 "$rounds"); do
  order="on off"; if (( round % 2 == 0 )); then order="off on"; fi
  for mode in $order; do
    data="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-metering.XXXXXX")"
    "${server_cpu[@]}" java -jar "$ROOT/api-server/target/granary.jar" server --address 127.0.0.1 --port "$port" --admin-port 0 \
      --data "$data" --metering "$mode" > "$data.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    line=$("${driver_cpu[@]}" "$ROOT/bench/load" --endpoint "http://127.0.0.1:$port" --access-key granaryadmin --secret-key granaryadmin \
      --server-pid "$pid" --workload "$workload" --size "$size" --concurrency 16 --duration "$duration" \
      --warmup "$warmup" --objects 500 | grep -E "^$workload ")
    echo "round $round metering $mode: $line"
    echo "$round $mode $line" >> "$results"
    cleanup
    rm -rf "$data" "$data.log"
  done
done
# columns of the load table: workload size conc ops ops/s MiB/s p50 p99 max errors srv-us/op cli-us/op host%
# (after the round and mode columns: ops/s is $7, server us/op is $13)
ratios="$(awk '{ ops[$1 " " $2] = $7; cpu[$1 " " $2] = $13; if ($1 > n) n = $1 }
     END { for (r = 1; r <= n; r++) printf "%d %.3f %.3f\n", r, ops[r " on"] / ops[r " off"], cpu[r " on"] / cpu[r " off"] }' "$results")"
echo "$ratios" | awk '{ printf "round %d: throughput on/off %s, server CPU per op on/off %s\n", $1, $2, $3 }'
n=$(echo "$ratios" | wc -l); m=$(( (n + 1) / 2 ))
echo "metering on/off, median of $n rounds: throughput $(echo "$ratios" | awk '{print $2}' | sort -n | sed -n "${m}p")," \
  "server CPU per op $(echo "$ratios" | awk '{print $3}' | sort -n | sed -n "${m}p")"
rm -f "$results"
