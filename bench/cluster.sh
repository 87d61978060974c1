#!/usr/bin/env bash
# Issue 14's targets, side by side in one run: a standalone server against one node in cluster mode (R=1: the Raft
# log in place of the RocksDB WAL) and against three node processes at R=3 (every write on three disks), with the
# same load driver and flags, alternating targets per workload, each on fresh data folders. Prints a table of
# throughput, p50/p99 and server CPU per operation with the ratios to standalone, and keeps the raw lines in
# bench/results/cluster-<date>.tsv. Loopback only; every process it starts is stopped by PID.
#   bench/cluster.sh [--duration 15s] [--warmup 20s] [--concurrency 16] [--sizes "4KiB 1MiB"] [--workloads "put get"]
#                    [--targets "standalone r1 r3"] [--cluster-warmup 60s] [--no-build]
# Targets: standalone; r1 (one node, R=1); r3 (three nodes, R=3); r2of3 (three nodes at R=2: the node the driver talks
# to holds 4 of the 7 object partitions and reaches the other 3 on the other nodes).
# For R=3 the CPU column is the node the driver talks to (node-0); the other two nodes work too.
# Three-node targets warm up for --cluster-warmup instead of --warmup: three JVMs share the two cores' JIT compiler time,
# and measured 10-50 s into a 4 KiB PUT load, a third to a half of node-0's CPU was still C2 compiling (R=3 138 ops/s
# after 10 s against 515 once the compiler was quiet, session 14).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA:-java}"
BENCH_JAR="$ROOT/bench/target/benchmarks.jar"
GRANARY_JAR="$ROOT/api-server/target/granary.jar"
ACCESS_KEY=benchaccess
SECRET_KEY=benchsecretkey
duration=15s; warmup=20s; cluster_warmup=60s; concurrency=16; sizes="4KiB 1MiB"; workloads="put get"; targets="standalone r1 r3"
build=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --cluster-warmup) cluster_warmup="$2"; shift ;;
    --concurrency) concurrency="$2"; shift ;;
    --sizes) sizes="$2"; shift ;;
    --workloads) workloads="$2"; shift ;;
    --targets) targets="$2"; shift ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "cluster: unknown flag $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "cluster-bench: $*" >&2; }

pids=()
tmp="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-cluster-bench.XXXXXX")"
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_all; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

if [[ "$build" == true || ! -f "$BENCH_JAR" || ! -f "$GRANARY_JAR" ]]; then
  log "building granary.jar and benchmarks.jar"
  (cd "$ROOT" && mvn -B -q -o -DskipTests -DskipITs package -pl api-server,bench -am) >&2
fi

# shellcheck source=bench/cluster-ports.sh
source "$ROOT/bench/cluster-ports.sh"

wait_ready() { # admin port, pid
  for _ in $(seq 1 240); do
    kill -0 "$2" 2>/dev/null || { log "a server exited at start; logs in $tmp"; tail -20 "$tmp"/*.log >&2; exit 1; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/health/ready" || true)" == "200" ]] && return 0
    sleep 0.5
  done
  log "not ready in 120 s"; exit 1
}

start_target() { # target -> sets port and pid (the process the driver talks to)
  local target="$1" base data="$tmp/data-$1"
  rm -rf "$data"; mkdir -p "$data"
  base="$(free_base 9600)"
  port="$base"
  export GRANARY_ROOT_USER="$ACCESS_KEY" GRANARY_ROOT_PASSWORD="$SECRET_KEY"
  case "$target" in
    standalone)
      "$JAVA" -jar "$GRANARY_JAR" server --address 127.0.0.1 --port "$base" --admin-port $((base + 100)) \
        --data "$data" >>"$tmp/$target.log" 2>&1 &
      pid=$!; pids+=("$pid") ;;
    r1)
      GRANARY_CLUSTER_SECRET=benchmark-cluster-secret "$JAVA" -jar "$GRANARY_JAR" server --address 127.0.0.1 \
        --port "$base" --admin-port $((base + 100)) --data "$data" --node-id node-0 \
        --members "node-0=127.0.0.1:$((base + 200))" --replicas 1 >>"$tmp/$target.log" 2>&1 &
      pid=$!; pids+=("$pid") ;;
    r3|r2of3)
      local members="node-0=127.0.0.1:$((base + 200)),node-1=127.0.0.1:$((base + 201)),node-2=127.0.0.1:$((base + 202))" i
      local replicas=3
      [[ "$target" == r2of3 ]] && replicas=2
      for i in 2 1 0; do
        GRANARY_CLUSTER_SECRET=benchmark-cluster-secret "$JAVA" -jar "$GRANARY_JAR" server --address 127.0.0.1 \
          --port $((base + i)) --admin-port $((base + 100 + i)) --data "$data/node-$i" --node-id "node-$i" \
          --members "$members" --replicas "$replicas" >>"$tmp/$target-$i.log" 2>&1 &
        pid=$!; pids+=("$pid")
      done ;;
    *) log "unknown target $target"; exit 2 ;;
  esac
  wait_ready $((base + 100)) "$pid"
  if [[ "$target" == r3 || "$target" == r2of3 ]]; then wait_ready $((base + 101)) "${pids[1]}"; wait_ready $((base + 102)) "${pids[0]}"; fi
}

tsv="$tmp/runs.tsv"
for workload in $workloads; do
  for size in $sizes; do
    for target in $targets; do
      start_target "$target"
      sync
      target_warmup="$warmup"
      [[ "$target" == r3 || "$target" == r2of3 ]] && target_warmup="$cluster_warmup"
      log "$workload $size -> $target (pid $pid, port $port, warm-up $target_warmup)"
      "$JAVA" -cp "$BENCH_JAR" dev.granary.bench.load.LoadDriver --endpoint "http://127.0.0.1:$port" \
        --label "$target" --server-pid "$pid" --client lean --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
        --workload "$workload" --size "$size" --concurrency "$concurrency" --duration "$duration" \
        --warmup "$target_warmup" --prefix c --tsv "$tsv" >&2 || log "the $workload $size run against $target failed"
      stop_all
    done
  done
done

mkdir -p "$ROOT/bench/results"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
cp "$tsv" "$ROOT/bench/results/cluster-$stamp.tsv"
# label workload size ops opsPerSec mibPerSec p50Ms p99Ms maxMs errors serverCpuUsPerOp clientCpuUsPerOp hostBusy
awk -F'\t' -v targets="$targets" '
  { key = $2 " " $3; ops[key, $1] = $5; p50[key, $1] = $7; p99[key, $1] = $8; cpu[key, $1] = $11; err[key, $1] = $10
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  END {
    printf "| workload | target | ops/s | vs standalone | p50 / p99 ms | p50 vs standalone | server CPU/op (us) | errors |\n"
    printf "|---|---|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= n; i++) {
      k = order[i]
      m = split(targets, list, " ")
      for (j = 1; j <= m; j++) {
        l = list[j]
        if (ops[k, l] == "") continue
        ratio = ops[k, "standalone"] > 0 ? sprintf("%.2fx", ops[k, l] / ops[k, "standalone"]) : "-"
        lat = p50[k, "standalone"] > 0 ? sprintf("%.2fx", p50[k, l] / p50[k, "standalone"]) : "-"
        printf "| %s | %s | %s | %s | %s / %s | %s | %s | %s |\n", k, l, ops[k, l], ratio, p50[k, l], p99[k, l], lat, cpu[k, l], err[k, l]
      }
    }
  }' "$tsv" | tee "$ROOT/bench/results/cluster-$stamp.md"
log "raw lines: bench/results/cluster-$stamp.tsv"
