#!/usr/bin/env python3
"""Crash test: book and pay under load (double clicks, two payments of one booking, refunds), kill -9 the real
server, restart it on the same file, and check that every acknowledged hold and booking is still there, exactly
as acknowledged, no seat is sold twice, and the money agrees: every confirmed booking paid by exactly one
completed payment (its paymentId), every refund matched, no completed payment without its booking.

    python3 e2e/crash/crash_test.py [path/to/boxoffice] [--cycles N]

Starts the binary itself on 127.0.0.1 with a fresh database; stdlib only. Ends with
`crash: N passed, M failed` and exits non-zero on any failure.
"""
import base64
import calendar
import http.client
import json
import os
import random
import resource
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BIN = next((a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] not in ("--cycles", "--postgres")),
           ".build/debug/boxoffice")
CYCLES = int(sys.argv[sys.argv.index("--cycles") + 1]) if "--cycles" in sys.argv else 3
# With `--postgres URL` (a cluster's URL) the server runs on a fresh database of that cluster instead of a SQLite file.
POSTGRES = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else None
USERS = 40
SHOWS = 4
LOAD_SECONDS = 2.5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db, port, log=None, args=(), env=None, nofile=None):
        self.db, self.port, self.process = db, port, None
        self.log = log or db + ".log"
        self.args = list(args)
        self.env = dict(env or {})
        self.nofile = nofile  # an open-file limit of its own (soft and hard), as `ulimit -n` would set it

    def start(self):
        # A slow gateway widens the window between a charge and its confirmation, so kills land inside it.
        env = dict(os.environ, BOXOFFICE_BCRYPT_COST="4", BOXOFFICE_RATE_LIMITS="off", BOXOFFICE_LOG_LEVEL="warning",
                   BOXOFFICE_PAYMENT_LATENCY_MS=os.environ.get("BOXOFFICE_PAYMENT_LATENCY_MS", "40"),
                   BOXOFFICE_JWT_SECRET="crash-test-secret-that-is-long-enough-0123456789")
        env.update(self.env)
        limit = self.nofile
        self.process = subprocess.Popen([BIN, "serve", "--port", str(self.port), "--db", self.db, "--demo", *self.args], env=env,
                                        stdout=subprocess.DEVNULL, stderr=open(self.log, "a"),
                                        preexec_fn=None if limit is None else lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = call("GET", self.port, "/readyz")
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("server exited: see " + self.log)
            time.sleep(0.1)
        raise RuntimeError("server not ready in 60 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def call(method, port, path, body=None, token=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except http.client.HTTPException as cut:  # the server died while answering
            raise OSError(repr(cut)) from cut
    except http.client.HTTPException as cut:
        raise OSError(repr(cut)) from cut


class LiveSocket:
    """A minimal WebSocket client (RFC 6455: masked text frames out, unmasked frames in), enough to subscribe."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.buffer = b""

    def send(self, message):
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (bytes([0x80 | len(payload)]) if len(payload) < 126 else bytes([0x80 | 126]) + struct.pack("!H", len(payload)))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self, timeout):
        """The next text message as JSON (pings are answered), or None after `timeout` seconds."""
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                first, second = self._read(2)
            except (socket.timeout, TimeoutError):
                return None
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 0x1:
                return json.loads(payload)
            if opcode == 0x9:  # ping: answer, masked
                mask = os.urandom(4)
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def close(self):
        self.sock.close()


def shows_on_sale(port, lead_seconds=3 * 3600, limit=200):
    """The listed shows that start at least `lead_seconds` from now, soonest first. A test's bookings must not meet its
    show going off sale halfway through: the first show listed can start within minutes (seen in CI, at 07:59 UTC, as
    409 show_closed in the middle of the mail test)."""
    status, page = call("GET", port, f"/api/shows?limit={limit}")
    assert status == 200, page
    now = time.time()
    shows = [s for s in page["items"] if starts(s) - now >= lead_seconds]
    assert shows, f"no listed show starts {lead_seconds} s or more from now"
    return shows


def starts(show):
    """A show's `startsAt` (RFC 3339, UTC) as seconds since the epoch."""
    return calendar.timegm(time.strptime(show["startsAt"], "%Y-%m-%dT%H:%M:%SZ"))


def book_seats(port, token, show, seats, pay=True):
    """Locks `seats` and (with `pay`) pays by UPI, asserting each step; returns (booking id, seconds the charge took).
    The other tests' plain booking, without this file's ledger."""
    status, booking = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": seats}, token=token)
    assert status == 201, (status, booking)
    if not pay:
        return booking["id"], 0.0
    status, payment = call("POST", port, "/api/payments/initiate", {"bookingId": booking["id"], "paymentMethod": "upi"}, token=token)
    assert status == 201, (status, payment)
    started = time.time()
    status, paid = call("POST", port, f"/api/payments/{payment['id']}/process", {}, token=token)
    assert status == 200, (status, paid)
    return booking["id"], time.time() - started


class Ledger:
    """What the server acknowledged: booking id -> (user token, show, seats, expected state, expiresAt)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.bookings = {}
        self.unanswered = []  # locks sent with an Idempotency-Key whose answer the kill cut off

    def lost(self, **fields):
        with self.lock:
            self.unanswered.append(fields)

    def record(self, booking_id, **fields):
        with self.lock:
            self.bookings.setdefault(booking_id, {}).update(fields)


USED = set()  # (user index, show): each pair is tried once over all cycles
USED_LOCK = threading.Lock()


def lock(port, user, show, seats, ledger, state):
    """Locks with an Idempotency-Key; a 201 goes into the ledger in `state`. None when the server was killed: the
    lock may or may not have happened, and its retry after the restart must tell (`retry_lost`)."""
    key = f"lock-{user['index']}-{show}"
    try:
        status, body = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": seats}, user["token"],
                            headers={"Idempotency-Key": key})
    except OSError:
        ledger.lost(token=user["token"], show=show, seats=seats, key=key)
        return None
    if status == 201:
        ledger.record(body["id"], token=user["token"], show=show, seats=sorted(seats), state=state, expiresAt=body["expiresAt"])
    return status, body


def newcomers(port, users, shows, seats_by_show, ledger, stop, rng_seed):
    """New users arriving back to back until the kill: each registers, locks one seat with an Idempotency-Key and
    releases it again (so the hall does not fill), so kills often cut a lock off mid-way: its retry after the restart
    must return what happened, never make a second booking."""
    rng = random.Random(rng_seed)
    count = 0
    stop.wait(1.0)  # the kill comes 1.25-2.5 s into the cycle: arrive around then, at most 150 a cycle
    while not stop.is_set() and count < 150:
        count += 1
        try:
            status, body = call("POST", port, "/api/auth/register",
                                {"name": "Newcomer", "email": f"new-{rng_seed}-{count}@example.com", "password": "password-123"})
            if status != 201:
                return
            user = {"token": body["token"], "index": f"n{rng_seed}-{count}"}
            show = rng.choice(shows)
            with USED_LOCK:
                users.append(user)
                USED.add((user["index"], show))  # no later lock of the load replaces this one
            seats = [rng.choice(seats_by_show[show])]
            answer = lock(port, user, show, seats, ledger, state="releasing")
            if answer is None:
                return
            status, body = answer
            if status == 201:
                status, _ = call("POST", port, f"/api/bookings/{body['id']}/cancel", {}, user["token"])
                if status == 200:
                    ledger.record(body["id"], state="released")
        except OSError:
            return


def load(port, users, shows, seats_by_show, ledger, stop, rng_seed, pay_share=0.6):
    rng = random.Random(rng_seed)
    # Each user locks each show at most once in the whole run, so no lock replaces an earlier acknowledged one.
    plan = [(user, show) for user in users for show in shows]
    rng.shuffle(plan)
    budget = len(plan) // CYCLES + 1  # spread the pairs over the cycles
    for user, show in plan:
        if stop.is_set():
            return
        with USED_LOCK:
            if budget == 0:
                return
            if (user["index"], show) in USED:
                continue
            USED.add((user["index"], show))
            budget -= 1
        seats = rng.sample(seats_by_show[show], rng.randint(1, 3))
        answer = lock(port, user, show, seats, ledger, state="pending")
        if answer is None:
            return
        status, body = answer
        if status == 201:
            if rng.random() < pay_share:
                try:
                    if not pay(port, user["token"], body["id"], ledger, rng):
                        return
                except OSError:
                    return


def pay(port, token, booking_id, ledger, rng):
    """Pays as unlucky users do: one or two payments of the booking, each sent once or twice at the same moment
    (a double click); sometimes cancels the confirmed booking (a refund). False when the server is gone."""
    payments = []
    for method in ("upi", "wallet")[: rng.choice((1, 2))]:
        status, payment = call("POST", port, "/api/payments/initiate", {"bookingId": booking_id, "paymentMethod": method}, token)
        if status != 201:
            return True
        payments.append(payment["id"])
    calls = [p for p in payments for _ in range(rng.choice((1, 2)))]
    replies = [None] * len(calls)

    def process(index):
        try:
            replies[index] = call("POST", port, f"/api/payments/{calls[index]}/process", {}, token)
        except OSError:
            replies[index] = (None, None)

    threads = [threading.Thread(target=process, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    paid_by = {reply[1]["id"] for reply in replies if reply and reply[0] == 200}
    for reply in replies:
        if reply and reply[0] not in (None, 200, 409, 503):
            ledger.record(booking_id, problem=f"process answered {reply[0]}: {reply[1]}")
    if len(paid_by) > 1:
        ledger.record(booking_id, problem=f"charged by two payments: {sorted(paid_by)}")
    if paid_by:
        ledger.record(booking_id, state="confirmed", paid_by=min(paid_by))
        if rng.random() < 0.25:
            # Sent but not yet answered, a cancel may or may not have happened when the server dies.
            ledger.record(booking_id, state="cancelling")
            status, cancelled = call("POST", port, f"/api/bookings/{booking_id}/cancel", {}, token)
            ledger.record(booking_id, state="cancelled" if status == 200 else "confirmed")
    return all(reply and reply[0] is not None for reply in replies)


# The money rules, read straight from the file after every restart (stdlib sqlite3, not the server's code).
LEDGER_RULES = {
    "confirmed booking not paid by its completed paymentId": """
        SELECT b.id FROM bookings b LEFT JOIN payments p ON p.id = b.paymentId
        WHERE b.bookingStatus = 'confirmed' AND (p.id IS NULL OR p.paymentStatus <> 'completed' OR p.bookingId <> b.id)""",
    "booking with more than one completed payment": """
        SELECT bookingId FROM payments WHERE paymentStatus = 'completed' GROUP BY bookingId HAVING COUNT(*) > 1""",
    "refunded booking without its refunded payment": """
        SELECT b.id FROM bookings b LEFT JOIN payments p ON p.id = b.paymentId
        WHERE b.paymentStatus = 'refunded' AND (p.id IS NULL OR p.paymentStatus <> 'refunded')""",
    "completed payment without a confirmed booking naming it": """
        SELECT p.id FROM payments p LEFT JOIN bookings b ON b.id = p.bookingId
        WHERE p.paymentStatus = 'completed' AND (b.id IS NULL OR b.bookingStatus <> 'confirmed' OR b.paymentId <> p.id)""",
    "payment still processing after the restart": "SELECT id FROM payments WHERE paymentStatus = 'processing'",
}


def check_ledger(db, failures):
    if POSTGRES:
        for rule, sql in LEDGER_RULES.items():
            result = subprocess.run(["psql", db, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                failures.append(f"{rule}: psql failed: {result.stderr.strip()[:300]}")
            for row_id in result.stdout.split()[:10]:
                failures.append(f"{rule}: {row_id}")
        return
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        for rule, sql in LEDGER_RULES.items():
            for (row_id,) in connection.execute(sql).fetchall()[:10]:
                failures.append(f"{rule}: {row_id}")
    result = subprocess.run([BIN, "check", "--db", db], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        failures.append("boxoffice check: " + (result.stdout + result.stderr).strip()[:500])


def retry_lost(port, ledger, failures):
    """A lock whose answer a kill cut off is retried with its key: it either happened (the retry returns that booking,
    stored with it in one transaction) or it did not (the retry locks now) — never both, so never two bookings."""
    with ledger.lock:
        lost, ledger.unanswered = ledger.unanswered, []
    ledger.retried = getattr(ledger, "retried", 0) + len(lost)
    for request in lost:
        status, body = call("POST", port, "/api/bookings/lock-seats", {"showId": request["show"], "seats": request["seats"]},
                            request["token"], headers={"Idempotency-Key": request["key"]})
        if status not in (201, 409):
            failures.append(f"retry of {request['key']}: {status} {body}")
            continue
        status, page = call("GET", port, "/api/bookings?limit=200", token=request["token"])
        mine = [b for b in page["items"] if b["showId"] == request["show"]]
        if len(mine) > 1:
            failures.append(f"retry of {request['key']} made a second booking: {[(b['id'], b['bookingStatus']) for b in mine]}")
        if status == 201:
            ledger.record(body["id"], token=request["token"], show=request["show"], seats=sorted(request["seats"]),
                          state="pending" if body["bookingStatus"] == "pending" else "confirmed", expiresAt=body["expiresAt"])


def check(port, users, shows, ledger, failures):
    # Every acknowledged booking is there as acknowledged.
    verified = []
    for booking_id, expected in ledger.bookings.items():
        status, booking = call("GET", port, f"/api/bookings/{booking_id}", token=expected["token"])
        if status != 200:
            failures.append(f"acknowledged booking {booking_id} is missing ({status})")
            continue
        seats = sorted(s["seatNumber"] for s in booking["seats"])
        if seats != expected["seats"]:
            failures.append(f"{booking_id}: seats {seats} != acknowledged {expected['seats']}")
        if "problem" in expected:
            failures.append(f"{booking_id}: {expected['problem']}")
        if expected["state"] == "released":
            if booking["bookingStatus"] != "cancelled":
                failures.append(f"{booking_id}: release acknowledged, but {booking['bookingStatus']}")
            else:
                verified.append(booking_id)  # settled for good: not read again
        if expected["state"] == "releasing" and booking["bookingStatus"] not in ("pending", "cancelled"):
            failures.append(f"{booking_id}: hold being released is {booking['bookingStatus']}")
        if expected["state"] == "cancelling" and booking["bookingStatus"] == "cancelled":
            expected = dict(expected, state="cancelled")
        if expected["state"] in ("confirmed", "cancelling"):
            if booking["bookingStatus"] != "confirmed":
                failures.append(f"{booking_id}: paid and acknowledged, but {booking['bookingStatus']}")
            elif booking["paymentId"] != expected["paid_by"]:
                failures.append(f"{booking_id}: paid by {expected['paid_by']}, but names {booking['paymentId']}")
        if expected["state"] == "cancelled" and (booking["bookingStatus"], booking["paymentStatus"]) != ("cancelled", "refunded"):
            failures.append(f"{booking_id}: cancel acknowledged, but {booking['bookingStatus']}/{booking['paymentStatus']}")
        if expected["state"] == "pending":
            if booking["bookingStatus"] not in ("pending", "confirmed"):
                failures.append(f"{booking_id}: acknowledged hold is {booking['bookingStatus']}")
            if booking["bookingStatus"] == "pending" and booking["expiresAt"] != expected["expiresAt"]:
                failures.append(f"{booking_id}: expiresAt changed across the crash")
    for booking_id in verified:
        del ledger.bookings[booking_id]
    ledger.settled = getattr(ledger, "settled", 0) + len(verified)
    # No seat in two live bookings; the maps agree with the bookings.
    live = {show: {} for show in shows}
    for user in users:
        status, page = call("GET", port, "/api/bookings?limit=200", token=user["token"])
        for booking in page["items"]:
            if booking["showId"] in live and booking["bookingStatus"] in ("pending", "confirmed"):
                state = "held" if booking["bookingStatus"] == "pending" else "booked"
                for seat in booking["seats"]:
                    number = seat["seatNumber"]
                    if number in live[booking["showId"]]:
                        failures.append(f"seat {number} of {booking['showId']} is in two live bookings")
                    live[booking["showId"]][number] = state
    for show in shows:
        status, detail = call("GET", port, f"/api/shows/{show}")
        taken = {s["seatNumber"]: s["status"] for s in detail["seats"] if s["status"] != "available"}
        if taken != live[show]:
            failures.append(f"show {show}: map {len(taken)} taken seats != bookings {len(live[show])}")


def main():
    workdir = tempfile.mkdtemp(prefix="boxoffice-crash-")
    db = os.path.join(workdir, "boxoffice.sqlite")
    if POSTGRES:
        name = "boxoffice_crash_" + os.path.basename(workdir).replace("-", "_").lower()
        subprocess.run(["psql", POSTGRES, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        db = POSTGRES.rsplit("/", 1)[0] + "/" + name
    port = free_port()
    server = Server(db, port, log=os.path.join(workdir, "server.log"))
    server.start()
    users = []
    for index in range(USERS):
        status, body = call("POST", port, "/api/auth/register",
                            {"name": f"Crash {index}", "email": f"crash{index}@example.com", "password": "password-123"})
        assert status == 201, body
        users.append({"token": body["token"], "index": index})
    shows = [s["id"] for s in shows_on_sale(port) if s["availability"]["total"] >= 60][:SHOWS]
    seats_by_show, all_seats_by_show = {}, {}
    for show in shows:
        status, detail = call("GET", port, f"/api/shows/{show}")
        all_seats_by_show[show] = [s["seatNumber"] for s in detail["seats"]]
        seats_by_show[show] = all_seats_by_show[show][:40]  # a small area, so users collide
    ledger = Ledger()
    passed, failed = 0, 0
    for cycle in range(CYCLES):
        stop = threading.Event()
        threads = [threading.Thread(target=load, args=(port, users[i::4], shows, seats_by_show, ledger, stop, cycle * 10 + i)) for i in range(4)]
        threads.append(threading.Thread(target=newcomers, args=(port, users, shows, all_seats_by_show, ledger, stop, cycle * 10 + 9)))

        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS * random.Random(cycle).uniform(0.5, 1.0))
        server.kill()  # mid-load: requests are in flight
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        integrity = "ok"
        if not POSTGRES:  # PostgreSQL checks its own pages; SQLite's file is checked here
            with sqlite3.connect(db) as connection:
                integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        server.start()
        failures = [] if integrity == "ok" else [f"integrity_check: {integrity}"]
        retry_lost(port, ledger, failures)
        check(port, users, shows, ledger, failures)
        check_ledger(db, failures)
        acknowledged = len(ledger.bookings) + getattr(ledger, "settled", 0)
        confirmed = sum(1 for b in ledger.bookings.values() if b["state"] not in ("pending", "released", "releasing"))
        if failures:
            failed += 1
            print(f"cycle {cycle + 1}: FAILED after {acknowledged} acknowledged bookings ({confirmed} paid)")
            for failure in failures[:20]:
                print("   ", failure)
        else:
            passed += 1
            print(f"cycle {cycle + 1}: ok — {acknowledged} acknowledged bookings ({confirmed} paid) all intact after SIGKILL; "
                  f"{getattr(ledger, 'retried', 0)} locks cut off by the kills retried with their keys so far")
    server.kill()
    print(f"{'crash-postgres' if POSTGRES else 'crash'}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
