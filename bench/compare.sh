#!/usr/bin/env bash
# Granary side by side with s3proxy (filesystem backend) and with this machine's limits, in one run.
#
#   bench/compare.sh --quick     a smoke run of about three minutes: short windows, fewer workloads and sizes
#   bench/compare.sh             the full run (about 25 minutes): every workload, 4KiB to 64MiB, two rounds
#
# It builds what it needs, measures the limits (fsync'd writes on the disk of its temporary folder, one core's
# MD5/CRC32C), then for each workload and size starts Granary (sync on, the default) and s3proxy afresh on free
# loopback ports, with empty data folders in that temporary folder (same disk), runs the workload against both
# in turn (granary, s3proxy, granary, s3proxy...) with the same driver flags, and stops them; it writes
# bench/results/<date>.json and .md with the ratios. Every process it starts is stopped on exit, by PID.
#
# Flags: --quick, --duration D, --warmup D, --concurrency N, --rounds N, --sizes "4KiB 1MiB 64MiB",
#        --workloads "put get", --small-workloads "stat list delete mixed" (run at the smallest size only),
#        --client lean|sdk, --no-build, --keep (keep the data folder), --out DIR.
# Environment: S3PROXY_VERSION (default 2.6.0), BENCH_TMP (parent of the temporary folder, default /tmp),
#              GRANARY_JAVA_OPTS and S3PROXY_JAVA_OPTS (extra JVM flags for each server), JAVA (the java
#              binary both servers, the driver and the probes run on; default: java on the PATH).
set -euo pipefail

ORIGINAL_ARGS=("$@")
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_JAR="$ROOT/bench/target/benchmarks.jar"
GRANARY_JAR="$ROOT/api-server/target/granary.jar"
S3PROXY_VERSION="${S3PROXY_VERSION:-2.6.0}"
S3PROXY_DIR="$ROOT/bench/target/s3proxy"
S3PROXY_JAR="$S3PROXY_DIR/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
JAVA="${JAVA:-java}"
ACCESS_KEY="benchadmin"
SECRET_KEY="benchadmin-secret"

quick=false
duration=30s
warmup=5s
concurrency=16
rounds=2
sizes="4KiB 1MiB 64MiB"
workloads="put get"
small_workloads="stat list delete mixed"
client=lean
build=true
keep=false
out="$ROOT/bench/results"
limit_seconds=3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=true; duration=3s; warmup=1s; rounds=1; sizes="4KiB 1MiB"; small_workloads="stat mixed"
             limit_seconds=1 ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --concurrency) concurrency="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --sizes) sizes="$2"; shift ;;
    --workloads) workloads="$2"; shift ;;
    --small-workloads) small_workloads="$2"; shift ;;
    --client) client="$2"; shift ;;
    --no-build) build=false ;;
    --keep) keep=true ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "compare: unknown flag $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "compare: $*" >&2; }

# ---- processes we start, stopped on any exit ----------------------------------------------------------------
granary_pid=""
s3proxy_pid=""
tmp=""
stop_server() { # pid: SIGTERM lets Granary close RocksDB cleanly; up to 30 s, then SIGKILL
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_server "$granary_pid"
  stop_server "$s3proxy_pid"
  if [[ -n "$tmp" && "$keep" == false ]]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build --------------------------------------------------------------------------------------------------
if [[ "$build" == true || ! -f "$BENCH_JAR" || ! -f "$GRANARY_JAR" ]]; then
  log "building granary.jar and benchmarks.jar"
  (cd "$ROOT" && { mvn -B -q -o -DskipTests -DskipITs package -pl api-server,bench -am \
      || mvn -B -q -DskipTests -DskipITs package -pl api-server,bench -am; }) >&2
fi
if [[ ! -f "$S3PROXY_JAR" ]]; then
  log "fetching s3proxy $S3PROXY_VERSION from Maven Central"
  mvn -B -q dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
      -DoutputDirectory="$S3PROXY_DIR" >&2
fi

# ---- servers ------------------------------------------------------------------------------------------------
tmp="$(mktemp -d "${BENCH_TMP:-/tmp}/granary-compare.XXXXXX")"
mkdir -p "$tmp/granary" "$tmp/s3proxy" "$tmp/runs"

free_port() { # first port from $1 up that nothing listens on
  local port="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

wait_for() { # url, name, pid: until any HTTP answer, at most 60 s
  local url="$1" name="$2" pid="$3"
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then log "$name exited at start; its log:"; tail -20 "$tmp/$name.log" >&2; exit 1; fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" != "000" ]]; then return 0; fi
    sleep 0.5
  done
  log "$name did not answer on $url within 60 s"; exit 1
}

# Each workload and size runs on fresh servers over empty data folders: what earlier runs wrote (tens of GiB after
# the 64 MiB PUTs) neither fills the disk nor weighs on the next run.
start_servers() {
  rm -rf "$tmp/granary/data" "$tmp/s3proxy/data"
  mkdir -p "$tmp/s3proxy/data"
  granary_port="$(free_port 9400)"
  # Through the launcher, as a user starts it (its JVM flags and class-data archive included); it execs the JVM,
  # so the PID is the server's.
  GRANARY_ROOT_USER="$ACCESS_KEY" GRANARY_ROOT_PASSWORD="$SECRET_KEY" GRANARY_JAVA="$JAVA" \
    "$ROOT/granary" server --port "$granary_port" --address 127.0.0.1 \
    --data "$tmp/granary/data" >>"$tmp/granary.log" 2>&1 &
  granary_pid=$!
  wait_for "http://127.0.0.1:$granary_port/health" granary "$granary_pid"

  s3proxy_port="$(free_port $((granary_port + 1)))"
  cat >"$tmp/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3proxy_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$tmp/s3proxy/data
EOF
  "$JAVA" ${S3PROXY_JAVA_OPTS:-} -jar "$S3PROXY_JAR" --properties "$tmp/s3proxy.conf" >>"$tmp/s3proxy.log" 2>&1 &
  s3proxy_pid=$!
  wait_for "http://127.0.0.1:$s3proxy_port/" s3proxy "$s3proxy_pid"
  log "granary pid $granary_pid on :$granary_port, s3proxy $S3PROXY_VERSION pid $s3proxy_pid on :$s3proxy_port, data in $tmp"
}

stop_servers() {
  stop_server "$granary_pid"
  granary_pid=""
  stop_server "$s3proxy_pid"
  s3proxy_pid=""
}

# ---- machine limits -----------------------------------------------------------------------------------------
log "measuring the machine's limits (${limit_seconds}s per probe)"
"$JAVA" -cp "$BENCH_JAR" dev.granary.bench.limits.MachineLimits --dir "$tmp" --size "${sizes// /,}" \
  --seconds "$limit_seconds" --json "$tmp/limits.json" --tsv "$tmp/limits.tsv" >&2

# ---- workloads, alternating targets -------------------------------------------------------------------------
smallest="${sizes%% *}"
plan=()
for w in $workloads; do for s in $sizes; do plan+=("$w $s"); done; done
for w in $small_workloads; do plan+=("$w $smallest"); done

run_driver() { # label port pid workload size round
  local label="$1" port="$2" pid="$3" workload="$4" size="$5" round="$6"
  # s3proxy does not fsync: without this its dirty pages would be written back during the next run (Granary's),
  # whose fsyncs then queue behind them. Nobody's window pays for the flush.
  sync
  log "round $round: $workload $size -> $label"
  "$JAVA" -cp "$BENCH_JAR" dev.granary.bench.load.LoadDriver --endpoint "http://127.0.0.1:$port" \
    --label "$label" --server-pid "$pid" --client "$client" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
    --workload "$workload" --size "$size" --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" \
    --prefix "r$round" --json "$tmp/runs/$label-$workload-$size-$round.json" --tsv "$tmp/runs.tsv" >&2 \
    || log "the $workload $size run against $label failed; see above"
}

for item in "${plan[@]}"; do
  read -r workload size <<<"$item"
  start_servers
  for round in $(seq 1 "$rounds"); do
    run_driver granary "$granary_port" "$granary_pid" "$workload" "$size" "$round"
    run_driver s3proxy "$s3proxy_port" "$s3proxy_pid" "$workload" "$size" "$round"
  done
  stop_servers
done

# ---- results ------------------------------------------------------------------------------------------------
mkdir -p "$out"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
json="$out/$stamp.json"
md="$out/$stamp.md"
command="bench/compare.sh${ORIGINAL_ARGS[*]:+ ${ORIGINAL_ARGS[*]}}"

{
  echo "{"
  echo "  \"date\": \"$stamp\","
  echo "  \"command\": \"$command\","
  echo "  \"machine\": {\"cores\": $(nproc), \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\", \"memGiB\": $(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)},"
  echo "  \"settings\": {\"quick\": $quick, \"duration\": \"$duration\", \"warmup\": \"$warmup\", \"concurrency\": $concurrency, \"rounds\": $rounds, \"client\": \"$client\", \"s3proxy\": \"$S3PROXY_VERSION\"},"
  echo "  \"limits\": $(cat "$tmp/limits.json"),"
  echo "  \"runs\": ["
  first=true
  for f in "$tmp"/runs/*.json; do
    [[ -f "$f" ]] || continue
    $first || echo ","
    cat "$f"
    first=false
  done
  echo "  ]"
  echo "}"
} >"$json"

# Averages over rounds per target, workload and size, then one markdown row per workload and size with the
# ratios granary/s3proxy (latency and CPU: s3proxy/granary, so above 1 means Granary is better everywhere).
awk -F'\t' -v limits="$tmp/limits.tsv" -v quick="$quick" -v duration="$duration" -v warmup="$warmup" \
    -v conc="$concurrency" -v rounds="$rounds" '
  BEGIN {
    while ((getline line < limits) > 0) {
      split(line, f, "\t")
      if (f[1] == "disk") { disk[f[2]] = f[4]; diskops[f[2]] = f[5] }
      else if (f[3] ~ /^MD5/) { md5 = f[4] } else if (f[3] ~ /^CRC32C/) { crc = f[4] }
    }
  }
  {
    k = $1 SUBSEP $2 SUBSEP $3
    n[k]++; ops[k] += $5; mib[k] += $6; p50[k] += $7; p99[k] += $8; err[k] += $10
    if ($11 != "-") { srv[k] += $11; srvn[k]++ }
    cli[k] += $12
    if (!((($2 SUBSEP $3) in seen))) { seen[$2 SUBSEP $3] = 1; order[++rows] = $2 SUBSEP $3 }
  }
  function avg(a, k) { return n[k] ? a[k] / n[k] : 0 }
  function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "-" }
  function cpu(k) { return srvn[k] ? sprintf("%.0f", srv[k] / srvn[k]) : "-" }
  END {
    printf "| workload | size | Granary ops/s | s3proxy ops/s | ratio | Granary MiB/s | s3proxy MiB/s | ratio |"
    printf " Granary p50 / p99 ms | s3proxy p50 / p99 ms | Granary srv us/op | s3proxy srv us/op |"
    printf " driver us/op (G / s3p) | errors (G / s3p) | limit |\n"
    printf "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    for (i = 1; i <= rows; i++) {
      split(order[i], ws, SUBSEP); w = ws[1]; s = ws[2]
      g = "granary" SUBSEP w SUBSEP s; p = "s3proxy" SUBSEP w SUBSEP s
      limit = "-"
      if (w == "put" && (s in disk)) {
        binding = (disk[s] < md5) ? "disk" : "MD5"
        floor = (disk[s] < md5) ? disk[s] : md5
        limit = sprintf("fsync %.0f MiB/s (%.0f op/s), MD5 %.0f MiB/s: Granary at %.0f%% of %s", disk[s], diskops[s], md5, 100 * avg(mib, g) / floor, binding)
      } else if (w == "get") {
        limit = sprintf("MD5 %.0f, CRC32C %.0f MiB/s (one core)", md5, crc)
      }
      printf "| %s | %s | %.0f | %.0f | %s | %.1f | %.1f | %s | %.2f / %.2f | %.2f / %.2f | %s | %s | %.0f / %.0f | %d / %d | %s |\n",
        w, s, avg(ops, g), avg(ops, p), ratio(avg(ops, g), avg(ops, p)), avg(mib, g), avg(mib, p),
        ratio(avg(mib, g), avg(mib, p)), avg(p50, g), avg(p99, g), avg(p50, p), avg(p99, p), cpu(g), cpu(p),
        avg(cli, g), avg(cli, p), err[g], err[p], limit
    }
  }' "$tmp/runs.tsv" >"$tmp/table.md"

{
  echo "# Granary vs s3proxy $S3PROXY_VERSION (filesystem) - $stamp"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); client and servers on loopback."
  echo "Command: \`$command\`"
  echo "Settings: $([[ $quick == true ]] && echo 'QUICK (smoke) run, ')${warmup} warm-up + ${duration} measured per run, ${concurrency} workers, ${rounds} round(s) alternating granary/s3proxy, ${client} client, Granary sync on, $("$JAVA" -version 2>&1 | head -1) for every JVM."
  echo
  cat "$tmp/table.md"
  echo
  echo "Limits measured in the same run:"
  echo
  echo '```'
  awk -F'\t' '{ printf "%-40s %10.1f MiB/s %10.1f ops/s\n", $3, $4, $5 }' "$tmp/limits.tsv"
  echo '```'
} >"$md"

cat "$md"
log "wrote $json and $md"
