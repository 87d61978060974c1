#!/usr/bin/env python3
"""A node killed under load, read back everywhere: the by-hand check of a cluster's failover.

  bench/cluster_kill.py write BASE_PORT VICTIM_PID   # 4 boto3 writers through nodes 0-2 for 10 s, SIGKILL of the
                                                     # victim, 20 s more; prints acknowledged / failed writes and the
                                                     # longest wait between two acknowledgements of one writer
  bench/cluster_kill.py verify BASE_PORT NODES       # every acknowledged object read back through each node (MD5),
                                                     # and each node's listing counted

Credentials from GRANARY_ROOT_USER / GRANARY_ROOT_PASSWORD; the acknowledged keys are kept in
${TMPDIR:-/tmp}/cluster-kill-acked.json between the two steps. Writes are not retried by the client (a failure is
counted), so the figures are the server's. Loopback only.
"""
import hashlib
import json
import os
import random
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

ACKED = os.path.join(tempfile.gettempdir(), "cluster-kill-acked.json")


def client(port, retries=1):
    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id=os.environ.get("GRANARY_ROOT_USER", "granaryadmin"),
        aws_secret_access_key=os.environ.get("GRANARY_ROOT_PASSWORD", "granaryadmin"),
        region_name="us-east-1",
        config=Config(retries={"max_attempts": retries}, connect_timeout=5, read_timeout=30,
                      s3={"addressing_style": "path"}),
    )


def write(base, victim):
    clients = [client(base + i) for i in range(3)]
    clients[0].create_bucket(Bucket="cluster-kill")
    acked, lock, stop, gaps, failed = {}, threading.Lock(), threading.Event(), [], [0]

    def writer(w):
        n, last = 0, time.time()
        while not stop.is_set():
            key, body = f"w{w}/k{n}", os.urandom(random.choice([100, 5000, 300000]))
            try:
                clients[(w + n) % 3].put_object(Bucket="cluster-kill", Key=key, Body=body)
                now = time.time()
                gaps.append(now - last)
                last = now
                with lock:
                    acked[key] = hashlib.md5(body).hexdigest()
            except Exception:  # counted: the client does not retry
                failed[0] += 1
            n += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    time.sleep(10)
    os.kill(victim, 9)
    print(f"killed {victim}", flush=True)
    time.sleep(20)
    stop.set()
    for t in threads:
        t.join()
    print(f"acknowledged {len(acked)}, failed {failed[0]}, longest wait between acknowledgements of one writer "
          f"{max(gaps):.2f} s")
    with open(ACKED, "w") as out:
        json.dump(acked, out)


def verify(base, nodes):
    with open(ACKED) as f:
        acked = json.load(f)
    for i in range(nodes):
        c = client(base + i, retries=3)
        wrong = sum(1 for key, md5 in acked.items()
                    if hashlib.md5(c.get_object(Bucket="cluster-kill", Key=key)["Body"].read()).hexdigest() != md5)
        listed = sum(len(page.get("Contents", []))
                     for page in c.get_paginator("list_objects_v2").paginate(Bucket="cluster-kill"))
        print(f"node-{i}: {len(acked)} acknowledged objects read back, {wrong} wrong; {listed} listed")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("write", "verify"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    (write if sys.argv[1] == "write" else verify)(int(sys.argv[2]), int(sys.argv[3]))
