#!/usr/bin/env bash
# Issue 15's move target: moving one partition's replica of 1 GiB takes <= 30 s on loopback, and clients' p99 latency
# during the move stays <= 2x the quiet p99.
# One node (node-0) founds a cluster of two partitions (the catalog and one object partition); SIZE MiB of 1 MiB
# objects are written into it (8 writers, boto3). A probe then PUTs and GETs 4 KiB objects through node-0 (2 threads,
# each request timed) for a quiet window, node-1 joins (`granary server --join`), and the controller adds a replica of
# the object partition on node-1: a copy of the partition (its RocksDB checkpoint and its data files) sent by the
# leader and installed, then the new configuration committed. The move's time is from node-1's start to the object
# partition listing node-1 among its replicas (GET /admin/v1/cluster, as its leader reports it); the probe's p50/p99
# before and during it are compared, the window split at node-1's /health/ready: before it, node-1's JVM starts and
# joins (on this one machine it takes CPU from node-0, which a node of its own would not), after it the copy arrives
# at node-1's bound (GRANARY_MOVE_BANDWIDTH MiB/s, default 64; 0 for none). Prints one line and keeps it in
# bench/results/move-<date>.txt. Every process it starts is stopped by PID.
#   [GRANARY_MOVE_BANDWIDTH=32] bench/move.sh [--size-mib 1024] [--quiet-s 20] [--no-build]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-/usr/bin/python3}"
GRANARY_JAR="$ROOT/api-server/target/granary.jar"
size_mib=1024
quiet_s=20
build=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mib) size_mib="$2"; shift ;;
    --quiet-s) quiet_s="$2"; shift ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "move: unknown flag $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "move: $*" >&2; }

export GRANARY_ROOT_USER=moveaccesskey GRANARY_ROOT_PASSWORD=movesecretkey123
export GRANARY_CLUSTER_SECRET=move-benchmark-cluster-secret
tmp="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-move.XXXXXX")"
declare -A pid
# shellcheck source=bench/cluster-ports.sh
source "$ROOT/bench/cluster-ports.sh"
trap 'stop_all; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

build_jar "$build"

base="$(free_base 9700)"
founder="node-0=127.0.0.1:$((base + 200))"

start_node() { # i
  local i="$1" membership=(--members "$founder")
  [[ "$i" != 0 ]] && membership=(--join "$founder" --raft-address "127.0.0.1:$((base + 200 + i))")
  "$JAVA" -jar "$GRANARY_JAR" server --address 127.0.0.1 --port $((base + i)) --admin-port $((base + 100 + i)) \
    --data "$tmp/node-$i" --node-id "node-$i" "${membership[@]}" --partitions 2 >>"$tmp/node-$i.log" 2>&1 &
  pid[$i]=$!
}
replicas_of_1() { # the object partition's replicas, as node-0 reports them
  curl -s --aws-sigv4 "aws:amz:us-east-1:s3" --user "$GRANARY_ROOT_USER:$GRANARY_ROOT_PASSWORD" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "http://127.0.0.1:$((base + 100))/admin/v1/cluster" \
    | "$PYTHON" -c 'import json,sys; s=json.load(sys.stdin); print(",".join(sorted(next(p for p in s["partitions"] if p["id"]==1)["replicas"])))' \
    2>/dev/null || true
}

start_node 0
await_ready 0 120

cat >"$tmp/client.py" <<'EOF'
import concurrent.futures, hashlib, os, sys, threading, time
import boto3
from botocore.config import Config
mode, endpoint = sys.argv[1], sys.argv[2]
if mode != "stats":
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=os.environ["GRANARY_ROOT_USER"],
                      aws_secret_access_key=os.environ["GRANARY_ROOT_PASSWORD"],
                      config=Config(retries={"max_attempts": 10, "mode": "standard"}, max_pool_connections=16))
if mode == "write":
    size_mib = int(sys.argv[3])
    s3.create_bucket(Bucket="move")
    def body(n):
        seed = hashlib.sha256(str(n).encode()).digest()
        return (seed * (1048576 // len(seed) + 1))[:1048576]
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: s3.put_object(Bucket="move", Key="big/o%05d" % n, Body=body(n)), range(size_mib)))
    took = time.monotonic() - began
    print("%.1f %.1f" % (took, size_mib / took))
elif mode == "probe":
    # Until the stop file appears: PUT then GET a 4 KiB object, each timed; "<epoch seconds> <ms>" per request.
    out, stop = open(sys.argv[3], "w", buffering=1), sys.argv[4]
    body = os.urandom(4096)
    lock = threading.Lock()
    def run(t):
        n = 0
        while not os.path.exists(stop):
            for op in ("put", "get"):
                began = time.monotonic()
                key = "probe/%d-%d" % (t, n % 200)
                if op == "put":
                    s3.put_object(Bucket="move", Key=key, Body=body)
                else:
                    s3.get_object(Bucket="move", Key=key)["Body"].read()
                with lock:
                    out.write("%.3f %.3f\n" % (time.time(), (time.monotonic() - began) * 1000))
            n += 1
    threads = [threading.Thread(target=run, args=(t,)) for t in range(2)]
    for t in threads: t.start()
    for t in threads: t.join()
else:  # stats: file from to -> count p50 p99 (ms) of the requests that began in [from, to)
    lat = sorted(float(l.split()[1]) for l in open(sys.argv[3])
                 if float(sys.argv[4]) <= float(l.split()[0]) - float(l.split()[1]) / 1000 < float(sys.argv[5]))
    pick = lambda q: lat[min(len(lat) - 1, int(len(lat) * q))] if lat else float("nan")
    print("%d %.2f %.2f" % (len(lat), pick(0.50), pick(0.99)))
EOF

log "writing $size_mib MiB of 1 MiB objects into node-0"
read -r write_s write_mibs < <("$PYTHON" "$tmp/client.py" write "http://127.0.0.1:$base" "$size_mib")
log "written in $write_s s ($write_mibs MiB/s); probing 4 KiB PUT/GET for $quiet_s s before the move"
"$PYTHON" "$tmp/client.py" probe "http://127.0.0.1:$base" "$tmp/probe.txt" "$tmp/stop" &
pid[probe]=$!
sleep 2
quiet_from=$(date +%s.%N)
sleep "$quiet_s"
started=$(date +%s.%N)
start_node 1
moved=""
joined=""
for _ in $(seq 1 1200); do
  [[ -z "$joined" ]] && ready 1 && joined=$(date +%s.%N)
  [[ "$(replicas_of_1)" == "node-0,node-1" ]] && { moved=$(date +%s.%N); break; }
  kill -0 "${pid[1]}" 2>/dev/null || { log "node-1 exited; its log:"; tail -20 "$tmp/node-1.log" >&2; exit 1; }
  sleep 0.25
done
touch "$tmp/stop"; wait "${pid[probe]}" 2>/dev/null || true; unset 'pid[probe]'
[[ -n "$moved" ]] || { log "the replica did not move in 300 s"; exit 1; }
took=$(printf "%.1f" "$(echo "$moved - $started" | bc)")
[[ -n "$joined" ]] || joined="$moved"
copy_s=$(printf "%.1f" "$(echo "$moved - $joined" | bc)")
read -r qn q50 q99 < <("$PYTHON" "$tmp/client.py" stats x "$tmp/probe.txt" "$quiet_from" "$started")
read -r mn m50 m99 < <("$PYTHON" "$tmp/client.py" stats x "$tmp/probe.txt" "$started" "$moved")
ratio=$(printf "%.2f" "$(echo "$m99 / $q99" | bc -l)")
read -r jn j50 j99 < <("$PYTHON" "$tmp/client.py" stats x "$tmp/probe.txt" "$started" "$joined")
read -r cn c50 c99 < <("$PYTHON" "$tmp/client.py" stats x "$tmp/probe.txt" "$joined" "$moved")
cratio=$(printf "%.2f" "$(echo "$c99 / $q99" | bc -l)")
bound="${GRANARY_MOVE_BANDWIDTH:-64}"
[[ "$bound" == 0 ]] && bound="none" || bound="$bound MiB/s"

line="$(date -u +%Y-%m-%dT%H:%M:%SZ) move of a ${size_mib} MiB partition's replica to a joining node (1 MiB objects,"
line+=" written at ${write_mibs} MiB/s): ${took} s from node-1's start to the object partition's new configuration"
line+=" (JVM start and join included); 4 KiB PUT/GET through node-0, quiet: ${qn} requests p50 ${q50} ms p99 ${q99} ms;"
line+=" during the move: ${mn} requests p50 ${m50} ms p99 ${m99} ms (p99 ${ratio}x quiet); of which node-1's JVM"
line+=" start and join, ${jn} requests p99 ${j99} ms, then the copy (bound ${bound}, ${copy_s} s from node-1 ready):"
line+=" ${cn} requests p50 ${c50} ms p99 ${c99} ms (p99 ${cratio}x quiet)"
echo "$line"
mkdir -p "$ROOT/bench/results"
echo "$line" >"$ROOT/bench/results/move-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
