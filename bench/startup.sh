#!/usr/bin/env bash
# Issue 3's start-up target: time from launching the server to its first healthy answer, on an existing data
# folder of 100,000 objects (filled once through the storage API). Prints each run and the median. Loopback only;
# every server it starts is stopped by PID.
#   bench/startup.sh [--objects 100000] [--runs 5] [--port 9530]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
objects=100000; runs=5; port=9530
while [[ $# -gt 0 ]]; do
  case "$1" in
    --objects) objects="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --port) port="$2"; shift ;;
    *) echo "startup: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
data="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-startup.XXXXXX")"
pid=""
cleanup() { if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$data" "$data.log"; }
trap cleanup EXIT
java -cp "$ROOT/bench/target/benchmarks.jar" dev.granary.bench.startup.FillFolder "$data" "$objects" 1024
times=()
# Run 0 is not counted: it makes the launcher's class data sharing archive (once per build) and warms the page cache.
for run in $(seq 0 "$runs"); do
  start=$(date +%s%N)
  "$ROOT/granary" server --address 127.0.0.1 --port "$port" --admin-port 0 \
    --data "$data" > "$data.log" 2>&1 &
  pid=$!
  ready=""
  for _ in $(seq 1 1000); do
    if curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1; then ready=$(date +%s%N); break; fi
    sleep 0.01
  done
  if [[ -z "$ready" ]]; then echo "server did not become ready; log:" >&2; cat "$data.log" >&2; exit 1; fi
  ms=$(( (ready - start) / 1000000 ))
  if [[ "$run" -gt 0 ]]; then times+=("$ms"); fi
  echo "run $run: ready in $ms ms ($(grep -o 'ready in [0-9]* ms' "$data.log" | head -1 || true) by the server's own clock)"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "start-up on $objects objects: median $median ms over $runs runs (target 1500 ms)"
