#!/usr/bin/env bash
# Issue 14's catch-up target: a replica that was down while 1 GiB was written catches up in <= 30 s on loopback.
# Three node processes at R=3 on 127.0.0.1; node-2 is killed with SIGKILL, SIZE MiB of 1 MiB objects are written
# through node-0 and node-1 (8 writers, boto3), node-2 is started again, and the script measures the time from its
# start to its /health/ready answering 200 (ready = its replicas applied everything their leaders had applied when it
# started), then reads a sample of the objects back through node-2 and compares their MD5s. Prints one line of
# results and keeps it in bench/results/catchup-<date>.txt. Every process it starts is stopped by PID.
#   bench/catchup.sh [--size-mib 1024] [--no-build]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-/usr/bin/python3}"
GRANARY_JAR="$ROOT/api-server/target/granary.jar"
size_mib=1024
build=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mib) size_mib="$2"; shift ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "catchup: unknown flag $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "catchup: $*" >&2; }

export GRANARY_ROOT_USER=catchupaccess GRANARY_ROOT_PASSWORD=catchupsecretkey
export GRANARY_CLUSTER_SECRET=catch-up-benchmark-secret
tmp="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-catchup.XXXXXX")"
declare -A pid
# shellcheck source=bench/cluster-ports.sh
source "$ROOT/bench/cluster-ports.sh"
trap 'stop_all; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

build_jar "$build"

base="$(free_base 9900)"
members="node-0=127.0.0.1:$((base + 200)),node-1=127.0.0.1:$((base + 201)),node-2=127.0.0.1:$((base + 202))"

start_node() { # i
  local i="$1"
  "$JAVA" -jar "$GRANARY_JAR" server --address 127.0.0.1 --port $((base + i)) --admin-port $((base + 100 + i)) \
    --data "$tmp/node-$i" --node-id "node-$i" --members "$members" >>"$tmp/node-$i.log" 2>&1 &
  pid[$i]=$!
}

for i in 2 1 0; do start_node "$i"; done
for i in 0 1 2; do await_ready "$i" 120; done
log "three nodes ready (ports $base..$((base + 2))); killing node-2 (pid ${pid[2]})"
kill -9 "${pid[2]}"; wait "${pid[2]}" 2>/dev/null || true; unset 'pid[2]'

cat >"$tmp/client.py" <<'EOF'
import concurrent.futures, hashlib, os, sys, time
import boto3
from botocore.config import Config
mode, size_mib = sys.argv[1], int(sys.argv[2])
endpoints = sys.argv[3].split(",")
def client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=os.environ["GRANARY_ROOT_USER"],
                        aws_secret_access_key=os.environ["GRANARY_ROOT_PASSWORD"],
                        config=Config(retries={"max_attempts": 10, "mode": "standard"}))
clients = [client(e) for e in endpoints]
def body(n):
    seed = hashlib.sha256(str(n).encode()).digest()
    return (seed * (1048576 // len(seed) + 1))[:1048576]
if mode == "write":
    clients[0].create_bucket(Bucket="catchup")
    began = time.monotonic()
    def put(n):
        clients[n % len(clients)].put_object(Bucket="catchup", Key="o%05d" % n, Body=body(n))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(put, range(size_mib)))
    took = time.monotonic() - began
    print("%.1f %.1f" % (took, size_mib / took))
else:
    bad = 0
    for n in range(0, size_mib, max(1, size_mib // 32)):
        got = clients[0].get_object(Bucket="catchup", Key="o%05d" % n)["Body"].read()
        bad += hashlib.md5(got).digest() != hashlib.md5(body(n)).digest()
    print(bad)
EOF

log "writing $size_mib MiB through node-0 and node-1 while node-2 is down"
read -r write_s write_mibs < <("$PYTHON" "$tmp/client.py" write "$size_mib" \
  "http://127.0.0.1:$base,http://127.0.0.1:$((base + 1))")
log "written in $write_s s ($write_mibs MiB/s); starting node-2 again"
started=$(date +%s.%N)
start_node 2
await_ready 2 600
caught_up=$(printf "%.1f" "$(echo "$(date +%s.%N) - $started" | bc)")
bad=$("$PYTHON" "$tmp/client.py" verify "$size_mib" "http://127.0.0.1:$((base + 2))")

line="$(date -u +%Y-%m-%dT%H:%M:%SZ) catch-up of node-2 after ${size_mib} MiB written while it was down (1 MiB objects, R=3,"
line+=" written in ${write_s} s at ${write_mibs} MiB/s): ready ${caught_up} s after its start (JVM start included);"
line+=" sampled objects read back through it with a wrong MD5: ${bad}"
echo "$line"
mkdir -p "$ROOT/bench/results"
echo "$line" >"$ROOT/bench/results/catchup-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
[[ "$bad" == 0 ]]
