#!/usr/bin/env python3
"""Crash test: book under load, kill -9 the real server, restart it on the same file, and check that
every acknowledged hold and booking is still there, exactly as acknowledged, and no seat is sold twice.

    python3 tests/crash/crash_test.py [path/to/boxoffice] [--cycles N]

Starts the binary itself on 127.0.0.1 with a fresh database; stdlib only. Ends with
`crash: N passed, M failed` and exits non-zero on any failure.
"""
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BIN = next((a for a in sys.argv[1:] if not a.startswith("--")), ".build/debug/boxoffice")
CYCLES = int(sys.argv[sys.argv.index("--cycles") + 1]) if "--cycles" in sys.argv else 3
USERS = 40
SHOWS = 4
LOAD_SECONDS = 2.5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db, port, log=None, args=(), env=None):
        self.db, self.port, self.process = db, port, None
        self.log = log or db + ".log"
        self.args = list(args)
        self.env = dict(env or {})

    def start(self):
        env = dict(os.environ, BOXOFFICE_BCRYPT_COST="4", BOXOFFICE_RATE_LIMITS="off", BOXOFFICE_LOG_LEVEL="warning",
                   BOXOFFICE_JWT_SECRET="crash-test-secret-that-is-long-enough-0123456789", **self.env)
        self.process = subprocess.Popen([BIN, "serve", "--port", str(self.port), "--db", self.db, "--demo", *self.args], env=env,
                                        stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))
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


def call(method, port, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Ledger:
    """What the server acknowledged: booking id -> (user token, show, seats, expected state, expiresAt)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.bookings = {}

    def record(self, booking_id, **fields):
        with self.lock:
            self.bookings.setdefault(booking_id, {}).update(fields)


USED = set()  # (user index, show): each pair is tried once over all cycles
USED_LOCK = threading.Lock()


def load(port, users, shows, seats_by_show, ledger, stop, rng_seed):
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
        try:
            status, body = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": seats}, user["token"])
        except OSError:
            return  # the server was killed
        if status == 201:
            ledger.record(body["id"], token=user["token"], show=show, seats=sorted(seats), state="pending", expiresAt=body["expiresAt"])
            if rng.random() < 0.5:
                try:
                    status, payment = call("POST", port, "/api/payments/initiate", {"bookingId": body["id"], "paymentMethod": "upi"}, user["token"])
                    if status == 201:
                        status, paid = call("POST", port, f"/api/payments/{payment['id']}/process", {}, user["token"])
                        if status == 200:
                            ledger.record(body["id"], state="confirmed")
                except OSError:
                    return


def check(port, users, shows, ledger, failures):
    # Every acknowledged booking is there as acknowledged.
    for booking_id, expected in ledger.bookings.items():
        status, booking = call("GET", port, f"/api/bookings/{booking_id}", token=expected["token"])
        if status != 200:
            failures.append(f"acknowledged booking {booking_id} is missing ({status})")
            continue
        seats = sorted(s["seatNumber"] for s in booking["seats"])
        if seats != expected["seats"]:
            failures.append(f"{booking_id}: seats {seats} != acknowledged {expected['seats']}")
        if expected["state"] == "confirmed" and booking["bookingStatus"] != "confirmed":
            failures.append(f"{booking_id}: paid and acknowledged, but {booking['bookingStatus']}")
        if expected["state"] == "pending":
            if booking["bookingStatus"] not in ("pending", "confirmed"):
                failures.append(f"{booking_id}: acknowledged hold is {booking['bookingStatus']}")
            if booking["bookingStatus"] == "pending" and booking["expiresAt"] != expected["expiresAt"]:
                failures.append(f"{booking_id}: expiresAt changed across the crash")
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
    port = free_port()
    server = Server(db, port)
    server.start()
    users = []
    for index in range(USERS):
        status, body = call("POST", port, "/api/auth/register",
                            {"name": f"Crash {index}", "email": f"crash{index}@example.com", "password": "password-123"})
        assert status == 201, body
        users.append({"token": body["token"], "index": index})
    status, page = call("GET", port, "/api/shows?limit=50")
    shows = [s["id"] for s in page["items"] if s["availability"]["total"] >= 60][:SHOWS]
    seats_by_show = {}
    for show in shows:
        status, detail = call("GET", port, f"/api/shows/{show}")
        seats_by_show[show] = [s["seatNumber"] for s in detail["seats"]][:40]  # a small area, so users collide
    ledger = Ledger()
    passed, failed = 0, 0
    for cycle in range(CYCLES):
        stop = threading.Event()
        threads = [threading.Thread(target=load, args=(port, users[i::4], shows, seats_by_show, ledger, stop, cycle * 10 + i)) for i in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS * random.Random(cycle).uniform(0.5, 1.0))
        server.kill()  # mid-load: requests are in flight
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        with sqlite3.connect(db) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        server.start()
        failures = [] if integrity == "ok" else [f"integrity_check: {integrity}"]
        check(port, users, shows, ledger, failures)
        acknowledged = len(ledger.bookings)
        confirmed = sum(1 for b in ledger.bookings.values() if b["state"] == "confirmed")
        if failures:
            failed += 1
            print(f"cycle {cycle + 1}: FAILED after {acknowledged} acknowledged bookings ({confirmed} paid)")
            for failure in failures[:20]:
                print("   ", failure)
        else:
            passed += 1
            print(f"cycle {cycle + 1}: ok — {acknowledged} acknowledged bookings ({confirmed} paid) all intact after SIGKILL")
    server.kill()
    print(f"crash: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
