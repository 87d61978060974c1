# Sourced by the cluster benchmarks. free_base FIRST prints a port P from FIRST on (steps of 300) with the ports of a
# three-node cluster on loopback free: S3 on P..P+2, admin on P+100..P+102, Raft on P+200..P+202; fails without one.
free_base() {
  local base busy off
  for base in $(seq "$1" 300 20000); do
    busy=false
    for off in 0 1 2 100 101 102 200 201 202; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$((base + off))") 2>/dev/null; then busy=true; break; fi
    done
    [[ "$busy" == false ]] && { echo "$base"; return 0; }
  done
  echo "no free ports for a cluster from $1 on" >&2
  return 1
}

# Node processes of a benchmark, by number, in the caller's associative array `pid` (declare -A pid), with `base` the
# port base and `tmp` the folder of their logs: stop_all stops each by its PID (SIGTERM, 40 s, then SIGKILL);
# await_ready I SECONDS waits until node I's /health/ready answers 200, and fails with its log when it exited.
stop_all() {
  local i
  for i in "${!pid[@]}"; do kill "${pid[$i]}" 2>/dev/null || true; done
  for i in "${!pid[@]}"; do
    for _ in $(seq 1 80); do kill -0 "${pid[$i]}" 2>/dev/null || break; sleep 0.5; done
    kill -9 "${pid[$i]}" 2>/dev/null || true
  done
}
ready() { # i -> 0 when /health/ready answers 200
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((base + 100 + $1))/health/ready" || true)" == 200 ]]
}
await_ready() { # i, seconds
  local i="$1" limit="$2" n
  for n in $(seq 1 $((limit * 10))); do
    kill -0 "${pid[$i]}" 2>/dev/null || { echo "node-$i exited; its log:" >&2; tail -20 "$tmp/node-$i.log" >&2; exit 1; }
    ready "$i" && return 0
    sleep 0.1
  done
  echo "node-$i not ready in $limit s" >&2; exit 1
}

# build_jar BUILD: builds api-server/target/granary.jar (offline) when BUILD is true or the jar is missing.
build_jar() {
  if [[ "$1" == true || ! -f "$ROOT/api-server/target/granary.jar" ]]; then
    echo "building granary.jar" >&2
    (cd "$ROOT" && mvn -B -q -o -DskipTests -DskipITs package -pl api-server -am) >&2
  fi
}
