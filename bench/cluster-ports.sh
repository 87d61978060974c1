# Sourced by the cluster benchmarks: free_base FIRST prints a port P from FIRST on (steps of 300) with the ports of a
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
