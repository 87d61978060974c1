#!/usr/bin/env python3
"""CPU time per thread name of one process over a window, from /proc/PID/task/*/stat (user and system ticks).

    bench/threads.py PID [SECONDS]

Thread names have their digits folded (XNIO-1 I/O-2 -> XNIO-N I/O-N), so pools add up. Run it while a load driver
runs against the process; bench/RESULTS.md uses it to say which threads a cluster node's CPU per request goes to.
"""
import collections
import os
import re
import sys
import time


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended meanwhile
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        threads[tid] = (re.sub(r"\d+", "N", name), int(fields[11]), int(fields[12]))
    return threads


def main():
    pid = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    hz = os.sysconf("SC_CLK_TCK")
    before = snapshot(pid)
    time.sleep(seconds)
    after = snapshot(pid)
    total = collections.Counter()
    system = collections.Counter()
    for tid, (name, user, sys_ticks) in after.items():
        user0, sys0 = before[tid][1:] if tid in before else (0, 0)
        total[name] += user - user0 + sys_ticks - sys0
        system[name] += sys_ticks - sys0
    all_ticks = sum(total.values())
    print(f"{all_ticks} ticks in {seconds:g} s: {all_ticks / hz / seconds:.2f} cores")
    for name, ticks in total.most_common(15):
        print(f"{ticks:7d} {100 * ticks / max(all_ticks, 1):5.1f}%  system {system[name]:6d}  {name}")


if __name__ == "__main__":
    main()
