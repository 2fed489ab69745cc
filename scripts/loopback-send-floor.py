#!/usr/bin/env python3
"""The kernel's floor for fan-out on this machine: CPU per small TCP send over loopback.

Opens N loopback TCP connections (a forked child reads them all), then writes one 150-byte message to each
connection in turn, ROUNDS times, with TCP_NODELAY as the server's sockets have, and prints the sender's
system and user CPU per send. A server delivering one frame per subscriber per change cannot do it for less
than the system part. Usage: scripts/loopback-send-floor.py [connections] [rounds]
"""
import os
import resource
import selectors
import socket
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
MSG = b"x" * 150

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]
pid = os.fork()
if pid == 0:
    readers = [socket.create_connection(("127.0.0.1", port)) for _ in range(N)]
    sel = selectors.DefaultSelector()
    for r in readers:
        r.setblocking(False)
        sel.register(r, selectors.EVENT_READ)
    total, want = 0, N * ROUNDS * len(MSG)
    while total < want:
        for key, _ in sel.select(5):
            try:
                total += len(key.fileobj.recv(65536))
            except BlockingIOError:
                pass
    os._exit(0)

conns = [srv.accept()[0] for _ in range(N)]
for c in conns:
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
for _ in range(ROUNDS):
    for c in conns:
        c.sendall(MSG)
t1, r1 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
os.waitpid(pid, 0)
n = N * ROUNDS
print(f"{n} sends over {N} connections in {t1 - t0:.2f} s ({n / (t1 - t0):,.0f}/s): "
      f"sender system CPU {1e6 * (r1.ru_stime - r0.ru_stime) / n:.1f} µs a send, user {1e6 * (r1.ru_utime - r0.ru_utime) / n:.1f} µs")
