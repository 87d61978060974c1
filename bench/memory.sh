#!/usr/bin/env bash
# Issue 3's memory target: 64 concurrent 64 MiB uploads against a Granary limited to -Xmx512m; prints the load
# table and the server's peak RSS. Loopback only; stops the server it started (by PID) on exit.
#   bench/memory.sh [--duration 75s] [--port 9500]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration=75s; port=9500
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --port) port="$2"; shift ;;
    *) echo "memory: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
data="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-memory.XXXXXX")"
java -Xmx512m -jar "$ROOT/api-server/target/granary.jar" server --address 127.0.0.1 --port "$port" \
  --admin-port 0 --data "$data" > "$data.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -rf "$data" "$data.log" "$data.rss"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
peak=0
( while kill -0 $pid 2>/dev/null; do
    rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    [[ -n "$rss" && "$rss" -gt "$peak" ]] && peak=$rss && echo "$peak" > "$data.rss"
    sleep 0.5
  done ) &
"$ROOT/bench/load" --endpoint "http://127.0.0.1:$port" --access-key granaryadmin --secret-key granaryadmin \
  --server-pid $pid --workload put --size 64MiB --concurrency 64 --duration "$duration" --warmup 1s
echo "server peak RSS: $(( $(cat "$data.rss") / 1024 )) MiB (-Xmx512m)"
echo "OutOfMemory lines in the server log: $(grep -c OutOfMemory "$data.log" || true)"
