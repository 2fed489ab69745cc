#!/usr/bin/env python3
"""Lifecycle tests against the real binary: graceful shutdown on SIGTERM keeps every hold with its expiry, a hold
whose time ran out while the server was down is expired at start, idle and half-open connections do not starve
service, and `boxoffice backup` copies the database while it serves.

    python3 e2e/crash/lifecycle_test.py [path/to/boxoffice] [--postgres URL]

With `--postgres URL` (a cluster's URL) each server gets a fresh database of that cluster instead of a SQLite file,
and the SQLite-only backup test is left out.

stdlib only; ends with `lifecycle: N passed, M failed`.
"""
import os
import resource
import signal
import socket
import subprocess
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from crash_test import Server, call, free_port, shows_on_sale  # noqa: E402

BIN = next((a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] != "--postgres"),
           ".build/debug/boxoffice")
POSTGRES = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else None
import crash_test  # noqa: E402

crash_test.BIN = BIN
results = []
SEATS = []


def test(name):
    def wrap(function):
        def run():
            try:
                function()
                results.append((name, None))
                print(f"ok   {name}")
            except AssertionError as error:
                results.append((name, str(error)))
                print(f"FAIL {name}: {error}")
        return run
    return wrap


def fresh_database(workdir):
    """A new SQLite file, or a new database of the PostgreSQL cluster."""
    if not POSTGRES:
        return os.path.join(workdir, "boxoffice.sqlite")
    name = "boxoffice_life_" + os.path.basename(workdir).replace("-", "_").lower()
    subprocess.run(["psql", POSTGRES, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def fresh_server(args=()):
    workdir = tempfile.mkdtemp(prefix="boxoffice-life-")
    server = Server(fresh_database(workdir), free_port(), log=os.path.join(workdir, "server.log"), args=args)
    server.start()
    status, body = call("POST", server.port, "/api/auth/register", {"name": "L", "email": "life@example.com", "password": "password-123"})
    assert status == 201, body
    show = shows_on_sale(server.port)[0]["id"]
    # Seats by the layout (some layouts block A1), so the test does not depend on which show comes first.
    status, detail = call("GET", server.port, f"/api/shows/{show}")
    global SEATS
    SEATS = [seat["seatNumber"] for seat in detail["seats"]][:4]
    return server, body["token"], show


@test("SIGTERM: exits 0 within 10 s, and a restart keeps every hold")
def graceful_shutdown():
    server, token, show = fresh_server()
    status, booking = call("POST", server.port, "/api/bookings/lock-seats", {"showId": show, "seats": SEATS[:2]}, token)
    assert status == 201, booking
    started = time.time()
    server.process.send_signal(signal.SIGTERM)
    code = server.process.wait(timeout=15)
    elapsed = time.time() - started
    assert code == 0, f"exit code {code}"
    assert elapsed < 10, f"took {elapsed:.1f} s"
    server.start()
    status, after = call("GET", server.port, f"/api/bookings/{booking['id']}", token=token)
    assert after["bookingStatus"] == "pending" and after["expiresAt"] == booking["expiresAt"], after
    status, detail = call("GET", server.port, f"/api/shows/{show}")
    held = {s["seatNumber"] for s in detail["seats"] if s["status"] == "held"}
    assert held == set(SEATS[:2]), held
    server.kill()


@test("kill -9, then a restart after the hold's time ran out: the booking is expired and its seats free")
def overdue_hold_expires_at_start():
    server, token, show = fresh_server(args=("--hold-seconds", "5"))
    status, booking = call("POST", server.port, "/api/bookings/lock-seats", {"showId": show, "seats": SEATS[:2]}, token)
    assert status == 201, booking
    server.kill()
    time.sleep(5.5)
    server.start()  # returns once /readyz says start-up recovery is done
    status, after = call("GET", server.port, f"/api/bookings/{booking['id']}", token=token)
    assert status == 200 and after["bookingStatus"] == "expired", after
    status, detail = call("GET", server.port, f"/api/shows/{show}")
    statuses = {s["seatNumber"]: s["status"] for s in detail["seats"]}
    assert all(statuses[seat] == "available" for seat in SEATS[:2]), [statuses[seat] for seat in SEATS[:2]]
    status, again = call("POST", server.port, "/api/bookings/lock-seats", {"showId": show, "seats": SEATS[:2]}, token)
    assert status == 201, again
    server.kill()


@test("started from another folder, the binary finds its pages and says where; with none it says so")
def pages_anywhere():
    repo_public = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "public"))
    elsewhere = tempfile.mkdtemp(prefix="boxoffice-elsewhere-")
    port = free_port()
    log = os.path.join(elsewhere, "server.log")
    env = {k: v for k, v in os.environ.items() if k != "BOXOFFICE_PUBLIC_DIR"}
    env.update(BOXOFFICE_JWT_SECRET="lifecycle-secret-that-is-long-enough-0123456789", BOXOFFICE_LOG_LEVEL="info")
    binary = os.path.abspath(BIN)
    process = subprocess.Popen([binary, "serve", "--port", str(port), "--db", os.path.join(elsewhere, "db.sqlite")], cwd=elsewhere,
                               env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if call("GET", port, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        connection.close()
        assert answer.startswith(b"HTTP/1.1 200") and b"<html" in answer.lower(), answer[:200]
        text = open(log).read()
        assert "serving pages" in text and repo_public in text, text[-600:]
    finally:
        process.kill()
        process.wait(timeout=10)
    # A copy of the binary with no pages anywhere near it still serves the API, and says it has no pages.
    lonely = os.path.join(elsewhere, "bin")
    os.makedirs(lonely)
    copy = os.path.join(lonely, "boxoffice")
    subprocess.run(["cp", binary, copy], check=True)
    port = free_port()
    process = subprocess.Popen([copy, "serve", "--port", str(port), "--db", os.path.join(elsewhere, "db2.sqlite")], cwd=elsewhere,
                               env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        deadline = time.time() + 60
        ready = False
        while time.time() < deadline and not ready:
            try:
                ready = call("GET", port, "/readyz")[0] == 200
            except OSError:
                time.sleep(0.1)
        assert ready, "not ready"
        text = open(log).read()
        assert "no pages found" in text, text[-600:]
    finally:
        process.kill()
        process.wait(timeout=10)


@test("1,000 idle and half-open connections do not starve service")
def idle_connections():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    server, token, show = fresh_server()
    sockets = []
    try:
        for index in range(1000):
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            if index % 2:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # half a request, never finished
            sockets.append(connection)
        started = time.time()
        status, _ = call("GET", server.port, "/healthz")
        assert status == 200
        status, booking = call("POST", server.port, "/api/bookings/lock-seats", {"showId": show, "seats": [SEATS[2]]}, token)
        assert status == 201, booking
        elapsed = time.time() - started
        assert elapsed < 2, f"service took {elapsed:.2f} s with 1,000 idle sockets open"
    finally:
        for connection in sockets:
            connection.close()
        server.kill()


@test("idle timeout (2 s here): a silent connection, a half-sent request and an idle keep-alive are closed; a live socket is not")
def idle_timeout():
    workdir = tempfile.mkdtemp(prefix="boxoffice-idle-")
    server = Server(os.path.join(workdir, "boxoffice.sqlite"), free_port(), env={"BOXOFFICE_IDLE_TIMEOUT_SECONDS": "2"})
    server.start()
    try:
        silent = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        half = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        half.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        kept = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:  # the whole answer: head, then Content-Length bytes of body
            answer += kept.recv(4096)
        head, body = answer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 200"), "the kept-alive connection got no answer"
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        while len(body) < length:
            body += kept.recv(4096)
        live = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        live.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        assert live.recv(4096).startswith(b"HTTP/1.1 101"), "no upgrade"
        started = time.time()
        for name, connection in (("silent", silent), ("half-sent", half), ("kept-alive", kept)):
            try:
                assert connection.recv(4096) == b"", f"the {name} connection got data instead of being closed"
            except socket.timeout:
                raise AssertionError(f"the {name} connection was still open after {time.time() - started:.1f} s")
            elapsed = time.time() - started
            assert elapsed < 6, f"the {name} connection was closed after {elapsed:.1f} s"
        live.settimeout(1)
        try:
            assert live.recv(4096) != b"", "the live socket was closed by the HTTP idle timeout"
        except socket.timeout:
            pass  # still open and quiet: right
        for connection in (silent, half, kept, live):
            connection.close()
    finally:
        server.kill()


@test("boxoffice backup copies the database while the server writes, readable by its owner only")
def backup():
    server, token, show = fresh_server()
    status, booking = call("POST", server.port, "/api/bookings/lock-seats", {"showId": show, "seats": [SEATS[3]]}, token)
    assert status == 201
    target = server.db + ".backup"
    import subprocess
    result = subprocess.run([BIN, "backup", "--db", server.db, target], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    import os, stat
    for path in (target, server.db):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == 0o600, f"{path} is mode {oct(mode)}; it holds password hashes, so it must be 0600"
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT bookingStatus FROM bookings WHERE id = ?", (booking["id"],)).fetchone()[0] == "pending"
    again = subprocess.run([BIN, "backup", "--db", server.db, target], capture_output=True, text=True, timeout=60)
    assert again.returncode != 0, "a backup must not overwrite a file"
    server.kill()


cases = (graceful_shutdown, overdue_hold_expires_at_start, idle_connections, idle_timeout) + (() if POSTGRES else (backup, pages_anywhere))
for case in cases:
    case()
failed = sum(1 for _, error in results if error)
print(f"{'lifecycle-postgres' if POSTGRES else 'lifecycle'}: {len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
