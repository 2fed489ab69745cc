#!/usr/bin/env python3
"""PostgreSQL outage test against the real binary: `boxoffice serve` runs on a throwaway cluster of its own; the test
takes the cluster down under load (`pg_ctl stop -m fast`, then, in a second round, `-m immediate`: a crash), keeps it
down a few seconds, and brings it back on the same port.

While the database is down: writes answer 503 `unavailable` in the contract's shape — quickly, not after a minute
in a queue — never 500; `/readyz` says not ready; the seat map is still served (from memory). Once the database is
back the same process (no restart) takes writes again by itself. Afterwards every hold the server acknowledged is in
the database exactly as acknowledged, nothing it refused is there, the seat map in memory equals the database, each
show's versions are gap-free, and `boxoffice check` finds the ledger whole.

    python3 e2e/crash/postgres_outage_test.py [path/to/boxoffice]

stdlib only (plus the cluster script); ends with `postgres-outage: N passed, M failed`.
"""
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import crash_test  # noqa: E402
from crash_test import Server, call, free_port, shows_on_sale  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
crash_test.BIN = BIN
CLUSTER = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "postgres-cluster")
USERS = 24
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from checks import check, results  # noqa: E402


def cluster(*args):
    return subprocess.run([CLUSTER, *args], check=True, capture_output=True, text=True, timeout=120).stdout.strip()


def psql(url, sql):
    result = subprocess.run(["psql", url, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip())
    return [line.split("|") for line in result.stdout.splitlines() if line]


def is_unavailable(body):
    return isinstance(body, dict) and isinstance(body.get("error"), dict) and body["error"].get("code") == "unavailable" \
        and isinstance(body["error"].get("message"), str)


class Load:
    """Users locking and releasing seats of a few shows, as fast as the server answers, until stopped. Records every
    answer; a 201 is an acknowledged hold, a 200 to a cancel an acknowledged release."""

    def __init__(self, port, tokens, shows, seats):
        self.port, self.tokens, self.shows, self.seats = port, tokens, shows, seats
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers = []  # (time, status, body-code, seconds)
        self.held = {}  # booking id -> (show, seats), acknowledged and not released
        self.released = set()
        self.odd_cancels = []  # a cancel answered 200 whose booking is not cancelled
        self.uncertain = set()  # bookings a request was cut off for (client timeout): it may or may not have happened
        self.cancel_answers = {}  # booking id -> statuses of its cancel requests
        self.threads = [threading.Thread(target=self.user, args=(i,), daemon=True) for i in range(len(tokens))]

    def user(self, index):
        rng = random.Random(index)
        token = self.tokens[index]
        mine = {}  # show -> this user's pending booking there (a new lock on the show replaces it)
        while not self.stop.is_set():
            show = rng.choice(self.shows)
            started = time.time()
            try:
                if show in mine and rng.random() < 0.4:
                    booking = mine[show]
                    try:
                        status, body = call("POST", self.port, f"/api/bookings/{booking}/cancel", token=token)
                    except OSError:
                        with self.lock:
                            self.uncertain.add(booking)
                        raise
                    with self.lock:
                        self.cancel_answers.setdefault(booking, []).append(status)
                    if status == 200:
                        if body.get("bookingStatus") != "cancelled":
                            with self.lock:
                                self.odd_cancels.append((booking, body.get("bookingStatus")))
                        del mine[show]
                        with self.lock:
                            self.released.add(booking)
                            self.held.pop(booking, None)
                else:
                    seats = rng.sample(self.seats[show], 2)
                    try:
                        status, body = call("POST", self.port, "/api/bookings/lock-seats", {"showId": show, "seats": seats}, token=token)
                    except OSError:
                        # A lock cut off may have been made, and may have replaced this user's booking on the show.
                        with self.lock:
                            if show in mine:
                                self.uncertain.add(mine[show])
                            self.uncertain.add(("lock", show, index))
                        raise
                    if status == 201:
                        with self.lock:
                            if show in mine:  # replaced in the same step
                                self.released.add(mine[show])
                                self.held.pop(mine[show], None)
                            self.held[body["id"]] = (show, sorted(seats))
                        mine[show] = body["id"]
            except OSError as error:
                status, body = -1, {"error": {"code": repr(error)}}
            code = body.get("error", {}).get("code") if isinstance(body, dict) and isinstance(body.get("error"), dict) else None
            with self.lock:
                self.answers.append((started, status, code, time.time() - started, body))
            if status == 503:
                time.sleep(0.05)

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def since(self, moment):
        with self.lock:
            return [a for a in self.answers if a[0] >= moment]


def outage(port, url, folder, mode, load, pid):
    label = f"[{mode}]"
    time.sleep(1.0)
    before = load.since(0)
    check(f"{label} writes succeed before the outage", any(a[1] == 201 for a in before), f"{len(before)} answers, none 201")

    down_at = time.time()
    cluster("halt", folder, mode)
    time.sleep(4.0)  # the first requests wait for a connection at most the lease timeout (5 s); then refusals are immediate
    status, body = call("GET", port, "/readyz")
    check(f"{label} /readyz is 503 while the database is down", status == 503, f"{status} {body}")
    status, detail = call("GET", port, f"/api/shows/{load.shows[0]}")
    check(f"{label} the seat map is still served from memory", status == 200 and "seats" in detail, f"{status}")
    probe_at = time.time()
    status, body = call("POST", port, "/api/bookings/lock-seats", {"showId": load.shows[0], "seats": load.seats[load.shows[0]][-2:]},
                        token=load.tokens[0])
    took = time.time() - probe_at
    check(f"{label} a write while down is 503 unavailable in the contract's shape", status == 503 and is_unavailable(body), f"{status} {body}")
    time.sleep(2.5)
    late = [a for a in load.since(down_at + 6.0) ]
    slow = [a for a in late if a[3] > 1.0]
    check(f"{label} once known down, writes are refused at once (none of {len(late)} took over 1 s)", late and not slow,
          f"{len(slow)} slow: {[round(a[3], 2) for a in slow[:5]]}; {timeline(load, down_at - 1)}")
    check(f"{label} ... and the refusal above took {took:.2f} s", took < 1.0, f"{took:.2f} s")
    during = load.since(down_at)
    odd = [(a[1], a[2]) for a in during if a[1] not in (200, 201, 409, 503) or (a[1] == 503 and a[2] != "unavailable")]
    check(f"{label} every answer during the outage is 200/201/409 or 503 unavailable, never 500 ({len(during)} answers)", not odd,
          f"{odd[:5]}")

    up_at = time.time()
    cluster("resume", folder)
    deadline = time.time() + 15
    ready = False
    while time.time() < deadline:
        status, _ = call("GET", port, "/readyz")
        if status == 200:
            ready = True
            break
        time.sleep(0.1)
    check(f"{label} /readyz is 200 again {time.time() - up_at:.1f} s after the database is back", ready, "not ready in 15 s")
    # A batch stuck on a connection the server dropped is given up after 5 s (PostgresBatchWriter); writes may wait
    # for that before they flow again.
    deadline = time.time() + 20
    while time.time() < deadline and not any(a[1] == 201 for a in load.since(up_at)):
        time.sleep(0.2)
    resumed = [a[0] for a in load.since(up_at) if a[1] == 201]
    check(f"{label} writes succeed again without a restart" + (f", {min(resumed) - up_at:.1f} s after the database is back" if resumed else ""),
          bool(resumed), timeline(load, down_at - 1))
    check(f"{label} the same process serves throughout", pid_alive(pid), "the server exited")


def timeline(load, start):
    """Answers per second since `start`, by status: what a failure message shows."""
    buckets = {}
    for moment, status, code, seconds, _ in load.since(start):
        key = int(moment - start)
        buckets.setdefault(key, {}).setdefault(f"{status}{'/' + code if code else ''}", 0)
        buckets[key][f"{status}{'/' + code if code else ''}"] += 1
    return "; ".join(f"t+{k}s {v}" for k, v in sorted(buckets.items()))


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def owner_index(url, booking):
    """The load's index of the user who owns `booking` (emails are outage<i>@example.com)."""
    rows = psql(url, f"SELECT u.email FROM bookings b JOIN users u ON u.id = b.userId WHERE b.id = '{booking}'")
    return int(rows[0][0].split("@")[0].removeprefix("outage")) if rows else -1


def verify(port, url, load):
    held = psql(url, "SELECT b.id, b.showId, string_agg(s.seatNumber, ',' ORDER BY s.seatNumber) FROM bookings b "
                     "JOIN bookingSeats s ON s.bookingId = b.id WHERE s.state = 'held' GROUP BY b.id, b.showId")
    stored = {row[0]: (row[1], sorted(row[2].split(","))) for row in held}
    missing = [b for b, v in load.held.items() if stored.get(b) != v and b not in load.uncertain]
    detail = ""
    if missing:
        rows = psql(url, "SELECT id, bookingStatus, userId FROM bookings WHERE id IN (" + ",".join(f"'{b}'" for b in missing[:3]) + ")")
        users = {row[2] for row in rows}
        others = psql(url, "SELECT id, bookingStatus, createdAt, updatedAt FROM bookings WHERE userId IN (" + ",".join(f"'{u}'" for u in users) +
                      ") ORDER BY createdAt") if users else []
        detail = f"; rows {rows}; the users' bookings {others}; cancels {[load.cancel_answers.get(b) for b in missing[:3]]}"
    check(f"every acknowledged, unreleased hold is in the database as acknowledged ({len(load.held)})", not missing,
          f"{len(missing)} missing or different, e.g. {missing[:3]}: {[stored.get(b) for b in missing[:3]]}{detail}")
    check("every cancel answered 200 says the booking is cancelled", not load.odd_cancels, f"{load.odd_cancels[:3]}")
    released = [b for b in load.released if b in stored and b not in load.uncertain]
    history = ""
    if released:
        rows = psql(url, f"SELECT id, bookingStatus, userId, showId FROM bookings WHERE id = '{released[0]}'")
        owner = psql(url, f"SELECT email FROM users WHERE id = '{rows[0][2]}'")[0][0]
        index = int(owner.split("@")[0].removeprefix("outage"))
        again = call("POST", port, f"/api/bookings/{released[0]}/cancel", token=load.tokens[index])
        seat_view = {s["seatNumber"]: s["status"] for s in call("GET", port, f"/api/shows/{rows[0][3]}")[1]["seats"]}
        history = f"; cancel now: {again[0]} {again[1].get('bookingStatus') if isinstance(again[1], dict) else again[1]}; seats now {[seat_view.get(x) for x in sorted(stored[released[0]][1])]}; {rows}; answers {[(round(a[0], 2), a[1], a[2], a[4].get('bookingStatus'), a[4].get('seats')) for a in load.since(0) if isinstance(a[4], dict) and a[4].get('id') == released[0]]}"
    check(f"no acknowledged release is still held in the database ({len(load.released)})", not released, f"{released[:3]}{history}")
    # A hold whose 201 was cut off by a client timeout is the only legitimate extra (one per user and show at most).
    cut_off = {(entry[1], entry[2]) for entry in load.uncertain if isinstance(entry, tuple)}
    unknown = [b for b in stored if b not in load.held and b not in load.released and (stored[b][0], owner_index(url, b)) not in cut_off]
    check("nothing the server refused is held in the database", not unknown, f"{len(unknown)}: {unknown[:3]}")
    for show in load.shows:
        status, detail = call("GET", port, f"/api/shows/{show}")
        memory = {s["seatNumber"] for s in detail["seats"] if s["status"] != "available"}
        rows = psql(url, f"SELECT seatNumber FROM bookingSeats WHERE showId = '{show}' AND state IN ('held', 'booked')")
        database = {row[0] for row in rows}
        check(f"show {show}: the seat map in memory equals the database", memory == database,
              f"memory-only {sorted(memory - database)[:5]}, database-only {sorted(database - memory)[:5]}")
        versions = [int(r[0]) for r in psql(url, f"SELECT version FROM seatChanges WHERE showId = '{show}' ORDER BY version")]
        check(f"show {show}: versions 1…{len(versions)} with no gap, and the map's version is the last",
              versions == list(range(1, len(versions) + 1)) and detail["version"] == len(versions),
              f"{len(versions)} rows, last {versions[-1:]}, map {detail['version']}")
    result = subprocess.run([BIN, "check", "--db", url], capture_output=True, text=True, timeout=60)
    check("boxoffice check finds the ledger whole", result.returncode == 0, (result.stdout + result.stderr).strip()[:300])


def bad_urls(url):
    """A wrong or unreachable connection string stops start-up at once with one clear line, never the password."""
    base = url.rsplit("/", 1)[0].replace("postgres@", "postgres:s3cret-pass@")
    port = free_port()
    cases = [
        ("a database that does not exist", base + "/no_such_database", "does not exist"),
        ("a port nobody listens on", f"postgres://postgres:s3cret-pass@127.0.0.1:{free_port()}/boxoffice", "cannot use PostgreSQL"),
        ("a malformed URL", "postgres://postgres:s3cret-pass@127.0.0.1:99999/boxoffice", "port"),
    ]
    # A role that must give its password (scripts/postgres-cluster asks SCRAM of it), owning a database of its own.
    psql(url, "CREATE ROLE boxoffice_password LOGIN PASSWORD 'right-pass'")
    psql(url, "CREATE DATABASE password_check OWNER boxoffice_password")
    with_password = url.rsplit("@", 1)[1].rsplit("/", 1)[0]
    cases.append(("a wrong password", f"postgres://boxoffice_password:s3cret-pass@{with_password}/password_check",
                  "password authentication failed"))
    for index, (name, text, expected) in enumerate(cases):
        started = time.time()
        # The last case names the database in BOXOFFICE_DB instead of --db: the same line either way.
        via_env = index == len(cases) - 1
        args = [BIN, "serve", "--port", str(port)] + ([] if via_env else ["--db", text])
        env = dict(os.environ, BOXOFFICE_LOG_LEVEL="warning", **({"BOXOFFICE_DB": text} if via_env else {}))
        result = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
        lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
        check(f"start-up with {name}{' (BOXOFFICE_DB)' if via_env else ''}: exits non-zero in {time.time() - started:.1f} s "
              "with one line saying why, no password in it",
              result.returncode != 0 and len(lines) == 1 and expected in lines[0] and "s3cret" not in lines[0]
              and time.time() - started < 15, f"exit {result.returncode}: {lines[:4]}")
    # The right password (SCRAM-SHA-256 through postgres-nio): the server starts and is ready.
    right = Server(f"postgres://boxoffice_password:right-pass@{with_password}/password_check", free_port(),
                   log=os.path.join(tempfile.gettempdir(), "boxoffice-outage-password.log"), env={"BOXOFFICE_LOG_LEVEL": "warning"})
    try:
        right.start()  # waits for /readyz to answer 200
        check("start-up with the right password (SCRAM): ready", True)
    except RuntimeError as error:
        check("start-up with the right password (SCRAM): ready", False, f"{error}")
    finally:
        if right.process and right.process.poll() is None:
            right.kill()


def main():
    folder = tempfile.mkdtemp(prefix="boxoffice-outage-")
    os.rmdir(folder)
    server = None
    try:
        url = cluster("start", folder)
        bad_urls(url)
        port = free_port()
        server = Server(url, port, log=os.path.join(tempfile.gettempdir(), f"boxoffice-outage-{port}.log"),
                        env={"BOXOFFICE_LOG_LEVEL": os.environ.get("OUTAGE_LOG_LEVEL", "notice")})
        server.start()
        tokens = []
        for i in range(USERS):
            status, body = call("POST", port, "/api/auth/register",
                                {"name": f"Outage {i}", "email": f"outage{i}@example.com", "password": "password-123"})
            assert status == 201, (status, body)
            tokens.append(body["token"])
        show_ids = [s["id"] for s in shows_on_sale(port)][:3]
        seats = {}
        for show in show_ids:
            status, detail = call("GET", port, f"/api/shows/{show}")
            seats[show] = [s["seatNumber"] for s in detail["seats"] if s["status"] == "available"]
        load = Load(port, tokens, show_ids, seats)
        load.start()
        try:
            outage(port, url, folder, "fast", load, server.process.pid)
            outage(port, url, folder, "immediate", load, server.process.pid)
        finally:
            load.finish()
        verify(port, url, load)
    except Exception as error:  # a broken harness is a failure, not a crash of the test run
        check("the outage test ran to the end", False, repr(error))
    finally:
        if server and server.process and server.process.poll() is None:
            server.kill()
        subprocess.run([CLUSTER, "stop", folder], capture_output=True, timeout=120)
    failed = sum(1 for _, problem in results if problem is not None)
    print(f"postgres-outage: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
