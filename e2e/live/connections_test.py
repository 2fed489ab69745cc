#!/usr/bin/env python3
"""Connection limits against the real binary (BOXOFFICE_MAX_CONNECTIONS, the open-file limit): past the live cap a
WebSocket upgrade is answered 503 `overloaded` with Retry-After, REST keeps answering, existing sockets keep working,
and at the process's real descriptor limit the server neither spins nor stops answering.

    python3 e2e/live/connections_test.py [path/to/boxoffice]

stdlib only, loopback only; ends with `connections: N passed, M failed`.
"""
import base64
import json
import os
import resource
import socket
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "crash"))
import crash_test  # noqa: E402
from crash_test import Server, free_port  # noqa: E402

crash_test.BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
results = []

# The client holds well over a thousand sockets at once.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192) if hard != resource.RLIM_INFINITY else 8192, hard))


def test(name):
    def wrap(function):
        def run():
            try:
                function()
                results.append((name, None))
                print(f"ok   {name}")
            except (AssertionError, OSError, RuntimeError) as error:
                results.append((name, repr(error)))
                print(f"FAIL {name}: {error!r}")
        run.__name__ = function.__name__
        return run
    return wrap


def start(env=None, nofile=None):
    workdir = tempfile.mkdtemp(prefix="boxoffice-conn-")
    server = Server(os.path.join(workdir, "boxoffice.sqlite"), free_port(), env=env, nofile=nofile)
    server.start()
    return server


def read_answer(sock, timeout=3):
    """(status, headers, body, closed): a whole HTTP answer, and whether the server then closed the connection."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"closed before a whole answer head: {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {line.split(":", 1)[0].strip().lower(): line.split(":", 1)[1].strip() for line in lines[1:]}
    if status == 101:
        return status, headers, rest, False
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    closed = False
    if headers.get("connection", "").lower() == "close":
        try:
            closed = sock.recv(1) == b""
        except socket.timeout:
            closed = False
    return status, headers, rest[:length], closed


def upgrade(port, timeout=3):
    """A WebSocket handshake on a new connection: (socket, status, headers, body, closed)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    status, headers, body, closed = read_answer(sock, timeout)
    return sock, status, headers, body, closed


def healthz(port, timeout=3):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    try:
        return read_answer(sock, timeout)
    finally:
        sock.close()


def ping(sock):
    """Sends a masked {"op":"ping"} text frame and reads the pong message."""
    payload = json.dumps({"op": "ping"}).encode()
    mask = os.urandom(4)
    sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    sock.settimeout(3)
    data = b""
    while True:
        while len(data) < 2:
            chunk = sock.recv(65536)
            assert chunk, "the live socket closed"
            data += chunk
        length = data[1] & 0x7F
        offset = 2 if length < 126 else 4
        if length == 126:
            while len(data) < 4:
                data += sock.recv(65536)
            length = struct.unpack(">H", data[2:4])[0]
        while len(data) < offset + length:
            data += sock.recv(65536)
        opcode, body, data = data[0] & 0x0F, data[offset:offset + length], data[offset + length:]
        if opcode == 0x1:
            return json.loads(body)


def assert_overloaded(status, headers, body, closed):
    assert status == 503, f"status {status}, wanted 503"
    error = json.loads(body)["error"]
    assert error["code"] == "overloaded" and error["message"], error
    assert headers.get("retry-after", "").isdigit() and int(headers["retry-after"]) >= 1, headers
    assert headers.get("content-type", "").startswith("application/json"), headers
    assert closed, "the connection stays open after a 503"


def cpu_seconds(pid):
    """User plus system CPU time of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


@test("BOXOFFICE_MAX_CONNECTIONS=50: 50 live sockets; the 51st upgrade is 503 overloaded with Retry-After and closed; "
      "/healthz and the 50 still answer; idle HTTP connections take no live place; after 5 close, new upgrades work")
def small_cap():
    server = start(env={"BOXOFFICE_MAX_CONNECTIONS": "50"})
    sockets = []
    try:
        for index in range(50):
            sock, status, headers, _, _ = upgrade(server.port)
            assert status == 101, f"upgrade {index + 1}: {status} {headers}"
            sockets.append(sock)
        extra, *answer = upgrade(server.port)
        assert_overloaded(*answer)
        extra.close()
        status, _, body, _ = healthz(server.port)
        assert status == 200, (status, body)
        assert ping(sockets[0]) == {"type": "pong"} and ping(sockets[-1]) == {"type": "pong"}
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(20)]
        for sock in sockets[:5]:
            sock.close()
        del sockets[:5]
        deadline = time.time() + 3
        while True:
            sock, status, _, _, _ = upgrade(server.port)
            if status == 101 or time.time() > deadline:
                break
            sock.close()
            time.sleep(0.1)
        assert status == 101, f"a place freed by a closed socket is not given again: {status}"
        sockets.append(sock)
        for _ in range(4):
            sock, status, _, _, _ = upgrade(server.port)
            assert status == 101, status
            sockets.append(sock)
        extra, *answer = upgrade(server.port)
        assert_overloaded(*answer)
        extra.close()
        for sock in idle:
            sock.close()
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=3)
        sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        status, _, text, _ = read_answer(sock)
        sock.close()
        line = next((l for l in text.decode().splitlines() if l.startswith("boxoffice_connections_refused_total") and "live_sockets" in l), "")
        assert line and float(line.split()[-1]) >= 2, f"refusals not counted: {line!r}"
    finally:
        for sock in sockets:
            sock.close()
        server.kill()


@test("open-file limit 1,024 (soft and hard): 768 live sockets, then 503 overloaded; 1,300 more connections (upgrades and "
      "silent sockets) held open by the client: the server stays under its limit, does not spin (CPU over 3 s at the cap), "
      "its live sockets answer, /healthz answers at once and is 200 again once the silent ones go")
def real_limit():
    server = start(nofile=1024)
    pid = server.process.pid
    live, refused, silent = [], [], []
    try:
        for _ in range(1100):
            sock, status, headers, body, closed = upgrade(server.port)
            if status != 101:
                assert_overloaded(status, headers, body, closed)
                refused.append(sock)
                break
            live.append(sock)
        assert len(live) == 768, f"{len(live)} live sockets before the first refusal, wanted 768 (1,024 less the reserve)"
        # Refused upgrades the client never closes.
        for _ in range(300):
            sock, *answer = upgrade(server.port)
            assert_overloaded(*answer)
            refused.append(sock)
        status, _, body, _ = healthz(server.port)
        assert status == 200, f"/healthz at the live cap: {status} {body!r}"
        # Connections that say nothing: they fill the rest, then are refused or closed at once.
        for _ in range(1000):
            try:
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=2)
            except OSError:
                break
            silent.append(sock)
        time.sleep(0.5)
        descriptors = open_descriptors(pid)
        assert descriptors < 1024, f"{descriptors} descriptors open: at the limit"
        before, started = cpu_seconds(pid), time.time()
        time.sleep(3)
        used = cpu_seconds(pid) - before
        share = used / (time.time() - started)
        print(f"     at the cap: {len(live)} live, {len(refused)} refused upgrades, {len(silent)} silent sockets held by the client; "
              f"server: {descriptors} descriptors, {used:.2f} s CPU in 3 s ({share:.0%} of a core)")
        assert share < 0.10, f"the server spins: {share:.0%} of a core while at the cap"
        assert ping(live[0]) == {"type": "pong"} and ping(live[-1]) == {"type": "pong"}
        started = time.time()
        status, headers, body, closed = healthz(server.port)
        assert time.time() - started < 2, "/healthz took over 2 s at the cap"
        assert status == 200 or (status == 503 and json.loads(body)["error"]["code"] == "overloaded"), (status, body)
        for sock in silent:
            sock.close()
        silent.clear()
        deadline = time.time() + 5
        while True:
            status, _, body, _ = healthz(server.port)
            if status == 200 or time.time() > deadline:
                break
            time.sleep(0.2)
        assert status == 200, f"/healthz after the silent sockets went: {status} {body!r}"
        assert ping(live[len(live) // 2]) == {"type": "pong"}
    finally:
        for sock in live + refused + silent:
            sock.close()
        server.kill()


for case in (small_cap, real_limit):
    case()
failed = sum(1 for _, error in results if error)
print(f"connections: {len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
