#!/usr/bin/env python3
"""Disk-full test against the real binary: `boxoffice serve` keeps its database on a small tmpfs, the test fills
that filesystem with a ballast file while the server runs, then deletes the ballast.

While the disk is full, writes (lock-seats, payments, register) answer 503 `unavailable` in the contract's error
shape, never 500; the server stays up and reads still work; a refused lock leaves no hold. Once space returns the
same server (no restart) takes writes again, and after a SIGKILL and a restart everything it acknowledged is there.

    python3 e2e/crash/disk_full_test.py [path/to/boxoffice]

Needs to mount a tmpfs (root or CAP_SYS_ADMIN); where that is impossible it says so and skips. A read-only
remount is no substitute: Linux refuses it while the server holds the database open for writing.
stdlib only; ends with `disk-full: N passed, M failed`.
"""
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import crash_test  # noqa: E402
from crash_test import Server, call, free_port, shows_on_sale  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
crash_test.BIN = BIN
DISK_MB = 32  # the demo catalog takes about 2.5 MB with its WAL
CARD = {"card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}}
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from checks import check, results  # noqa: E402


def register(port, name):
    status, body = call("POST", port, "/api/auth/register", {"name": name, "email": f"{name.lower()}@example.com", "password": "password-123"})
    assert status == 201, (status, body)
    return body["token"]


def seat_statuses(port, show):
    status, detail = call("GET", port, f"/api/shows/{show}")
    assert status == 200, (status, detail)
    return {s["seatNumber"]: s["status"] for s in detail["seats"]}, detail["version"]


def is_contract_error(body, code):
    return isinstance(body, dict) and isinstance(body.get("error"), dict) and body["error"].get("code") == code \
        and isinstance(body["error"].get("message"), str)


def fill(folder):
    """Writes a ballast file until the filesystem has no free block left; returns its path."""
    path = os.path.join(folder, "ballast")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 8, 1):
            chunk = b"\0" * size
            while True:
                try:
                    os.write(descriptor, chunk)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(descriptor)
    return path


def mount_tmpfs():
    folder = tempfile.mkdtemp(prefix="boxoffice-disk-full-")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m,mode=0700", "boxoffice-disk-full", folder],
                            capture_output=True, text=True)
    if result.returncode != 0:
        os.rmdir(folder)
        return None, (result.stderr or result.stdout).strip()
    return folder, None


def unmount(folder):
    if subprocess.run(["umount", folder], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", folder], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def scenario(folder, logs):
    db = os.path.join(folder, "boxoffice.sqlite")
    server = Server(db, free_port(), log=os.path.join(logs, "server.log"))  # the log lives off the full disk
    server.start()
    try:
        port = server.port
        alice, bob = register(port, "Alice"), register(port, "Bob")
        show = shows_on_sale(port)[0]["id"]
        seats = list(seat_statuses(port, show)[0])[:3]  # from the layout: some layouts block A1
        status, held = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": [seats[0]]}, alice)
        assert status == 201, (status, held)
        _, version = seat_statuses(port, show)

        # Fill the disk. The WAL is checkpointed into the main file and truncated first, so every later commit
        # must grow a file: the state of a server that has not written since its last checkpoint.
        with sqlite3.connect(db, timeout=10) as connection:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, "the WAL could not be truncated"
        ballast = fill(folder)
        free = os.statvfs(folder).f_bavail
        check("the filesystem is full", free == 0, f"{free} blocks still free")

        status, body = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": [seats[1]]}, bob)
        check("disk full: lock-seats answers 503 unavailable in the contract's shape", status == 503 and is_contract_error(body, "unavailable"),
              f"{status} {body}")
        statuses, after = seat_statuses(port, show)
        check("disk full: the refused lock left no hold (seat available, version unchanged)",
              statuses[seats[1]] == "available" and after == version, f"{seats[1]} {statuses[seats[1]]}, version {version} -> {after}")
        status, page = call("GET", port, "/api/bookings", token=bob)
        check("disk full: the refused lock left no booking", status == 200 and page["items"] == [], f"{status} {page}")
        status, body = call("POST", port, "/api/payments/initiate", {"bookingId": held["id"], "paymentMethod": "credit_card"}, alice)
        check("disk full: a payment answers 503 unavailable", status == 503 and is_contract_error(body, "unavailable"), f"{status} {body}")
        status, body = call("POST", port, "/api/auth/register", {"name": "Carol", "email": "carol@example.com", "password": "password-123"})
        check("disk full: register answers 503 unavailable, not 500", status == 503 and is_contract_error(body, "unavailable"), f"{status} {body}")
        refusals = [call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": [seats[2]]}, bob)[0] for _ in range(5)]
        check("disk full: every retry answers 503", refusals == [503] * 5, f"{refusals}")
        status, booking = call("GET", port, f"/api/bookings/{held['id']}", token=alice)
        reads = status == 200 and booking["bookingStatus"] == "pending" and statuses[seats[0]] == "held"
        check("disk full: reads still work; the earlier hold is intact", reads, f"{status} {booking}")
        health, ready = call("GET", port, "/healthz")[0], call("GET", port, "/readyz")[0]
        check("disk full: the server stays up (healthz 200, readyz 200: the database still answers reads)",
              server.process.poll() is None and health == 200 and ready == 200, f"healthz {health}, readyz {ready}")

        # Space returns: the same process takes writes again.
        os.remove(ballast)
        status, locked = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": [seats[1]]}, bob)
        statuses, recovered = seat_statuses(port, show)
        check("space back: the same server locks the refused seat, reusing the refused version",
              status == 201 and statuses[seats[1]] == "held" and recovered == version + 1, f"{status} {locked} version {recovered}")
        status, payment = call("POST", port, "/api/payments/initiate", {"bookingId": held["id"], "paymentMethod": "credit_card"}, alice)
        paid = status == 201 and call("POST", port, f"/api/payments/{payment['id']}/process", CARD, alice)
        check("space back: a payment completes", paid and paid[0] == 200 and paid[1]["paymentStatus"] == "completed", f"{status} {payment} {paid}")
        status, _ = call("POST", port, "/api/auth/register", {"name": "Carol", "email": "carol@example.com", "password": "password-123"})
        check("space back: register works", status == 201, f"{status}")

        # Nothing acknowledged is lost across a crash and a restart.
        server.kill()
        with sqlite3.connect(db) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            versions = [row[0] for row in connection.execute("SELECT version FROM seatChanges WHERE showId = ? ORDER BY version", (show,))]
        check("after SIGKILL: the database is intact and the show's versions have no gap",
              integrity == "ok" and versions == list(range(1, len(versions) + 1)), f"{integrity} {versions}")
        server.start()
        statuses, _ = seat_statuses(port, show)
        status, alices = call("GET", port, f"/api/bookings/{held['id']}", token=alice)
        status_b, bobs = call("GET", port, f"/api/bookings/{locked['id']}", token=bob)
        taken = {seat: state for seat, state in statuses.items() if state != "available"}
        check("after restart: every acknowledged booking is there and the map matches",
              alices.get("bookingStatus") == "confirmed" and bobs.get("bookingStatus") == "pending"
              and taken == {seats[0]: "booked", seats[1]: "held"}, f"{alices.get('bookingStatus')} {bobs.get('bookingStatus')} {taken}")
        server.kill()

        # A hold that falls due while the disk is full stays held (its expiry could not be written) and is
        # released by the expiry timer's retries once space returns, with no request and no restart.
        server.args = ["--hold-seconds", "5"]  # the shortest hold serve accepts
        server.start()
        # A user with no other hold on the show: a lock replacing Bob's pending one would keep its 5-minute expiry.
        dave = register(port, "Dave")
        status, short = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": [seats[2]]}, dave)
        assert status == 201, (status, short)
        with sqlite3.connect(db, timeout=10) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        ballast = fill(folder)
        time.sleep(6.5)
        statuses, _ = seat_statuses(port, show)
        check("disk full: a hold past its time stays held while its expiry cannot be written", statuses[seats[2]] == "held",
              statuses[seats[2]])
        os.remove(ballast)
        deadline = time.time() + 10
        while time.time() < deadline and seat_statuses(port, show)[0][seats[2]] != "available":
            time.sleep(0.2)
        status, expired = call("GET", port, f"/api/bookings/{short['id']}", token=dave)
        check("space back: the overdue hold expires by itself", expired.get("bookingStatus") == "expired"
              and seat_statuses(port, show)[0][seats[2]] == "available", f"{expired}")
    finally:
        if server.process and server.process.poll() is None:
            server.kill()


def main():
    folder, why = mount_tmpfs()
    if folder is None:
        print(f"SKIP disk-full: cannot mount a tmpfs here ({why}); run as root or with CAP_SYS_ADMIN to test a full disk")
        print("disk-full: 0 passed, 0 failed")
        return 0
    logs = tempfile.mkdtemp(prefix="boxoffice-disk-full-logs-")
    try:
        scenario(folder, logs)
    except Exception as error:  # a broken step fails the test, with the server's log to read
        results.append(("scenario", repr(error)))
        print(f"FAIL scenario: {error!r} (server log: {logs}/server.log)")
    finally:
        unmount(folder)
    failed = sum(1 for _, error in results if error)
    if failed:
        print(f"server log: {logs}/server.log")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    print(f"disk-full: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
