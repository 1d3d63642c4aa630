#!/usr/bin/env bash
# Sourced by pg-cluster.sh and redis-server.sh. free_port prints a free loopback port below the kernel's ephemeral
# range (/proc/sys/net/ipv4/ip_local_port_range), where no outgoing connection is ever given a port: the server binds it
# seconds later (PostgreSQL runs initdb first), and a port from the ephemeral range could be taken meanwhile (the test
# suite's FreePorts does the same for its server processes). The ephemeral range only when there is no room below it.
free_port() {
    python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 12000))
import random, socket
try:
    top = min(int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0]), 32768)
except (OSError, ValueError, IndexError):
    top = 0
for attempt in range(1000):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", random.randrange(20000, top) if top > 20000 and attempt < 999 else 0))
    except OSError:
        continue
    print(s.getsockname()[1])
    break
PY
}
