#!/usr/bin/env python3
"""The shipped deploy/ folder against real processes: deploy/nginx/boxoffice.conf in front of three nodes installed
with scripts/install, on one PostgreSQL database (docs/DEPLOY.md).

- installs the binary and its pages into a temporary PREFIX (`scripts/install PREFIX --binary BIN`) and starts three
  nodes from there, in a working directory with no public/ in it: each finds its pages beside the binary and says so;
- runs nginx (Debian's, installed when missing) on the shipped deploy/nginx/boxoffice.conf and boxoffice-nodes.conf,
  changed only where an operator changes them: the nodes' addresses, the `listen` port and the log folder; checks
  their timeouts, failover and limits as written;
- through nginx: the pages, register, login, a show, lock, pay, the confirmed booking; request ids; nginx's own
  413 and 429 in the API's JSON shape; a WebSocket subscriber through nginx gets every delta, in order, of locks made
  through nginx and directly on each node;
- kill -9 of a node while users book through nginx: every GET still answered 200 (retried on another node), a lock
  cut off mid-way answered 502 at most once per writer and never done twice (checked in the database, and its retry
  with the same Idempotency-Key done once); a new socket through nginx resumes with `since`.

    python3 e2e/cluster/nginx_test.py path/to/boxoffice --postgres URL

stdlib only; needs root to install nginx when it is missing; ends with `nginx: N passed, M failed`.
"""
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "crash"))
import crash_test  # noqa: E402
from crash_test import Server, call, free_port, shows_on_sale  # noqa: E402
import cluster_test  # noqa: E402
from cluster_test import LiveSocket, psql, start_all  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.abspath(next((a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] != "--postgres"),
                           ".build/debug/boxoffice"))
POSTGRES = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else os.environ.get("BOXOFFICE_TEST_POSTGRES_URL")
CONF = os.path.join(ROOT, "deploy", "nginx", "boxoffice.conf")
NODES = os.path.join(ROOT, "deploy", "nginx", "boxoffice-nodes.conf")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from checks import check, results  # noqa: E402


def finish():
    failed = sum(1 for _, problem in results if problem is not None)
    print(f"nginx: {len(results) - failed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


def nginx_binary():
    """nginx's path, installing Debian's package when it is missing (as scripts/postgres-cluster does PostgreSQL)."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found:
        return found
    if os.geteuid() != 0:
        check("nginx is installed (installing Debian's needs root: run as root, or `apt-get install nginx` first)", False,
              "nginx is missing and this is not root")
        finish()
    print("nginx is missing; installing Debian's", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], env=env, check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(found, os.X_OK):
        check("nginx installed with apt-get", False, "no nginx binary after installing")
        finish()
    return found


def render(conf, nodes_conf, node_ports, listen_port, log_dir):
    """The shipped files with only what an operator changes: the nodes' addresses, the listen port, the log folder.
    Each substitution must hit exactly as often as the shipped files have it, so a change of their shape fails here."""
    ports = iter(node_ports)
    nodes, servers = re.subn(r"(?m)^(server )127\.0\.0\.1:808[1-3]( )", lambda m: f"{m.group(1)}127.0.0.1:{next(ports)}{m.group(2)}", nodes_conf)
    rendered, listens = re.subn(r"(?m)^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{listen_port};", conf)
    rendered, logs = re.subn(r"/var/log/nginx/", log_dir.rstrip("/") + "/", rendered)
    return rendered, nodes, (servers, listens, logs)


def block(text, opening):
    """The text of the `{ … }` block that follows `opening` (no nested braces inside it)."""
    start = text.index(opening)
    return text[start:text.index("}", start)]


def seconds(value):
    match = re.fullmatch(r"(\d+)(ms|s|m)?", value)
    number, unit = int(match.group(1)), match.group(2) or "s"
    return number / 1000 if unit == "ms" else number * 60 if unit == "m" else number


def directive(text, name):
    found = re.findall(rf"(?m)^\s*{name}\s+([^;]+);", text)
    return found[0].strip() if len(found) == 1 else None


def raw_get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_exchange(port, data):
    """Sends bytes and reads the answer until the server closes (or 5 s pass)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        answer = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except (socket.timeout, TimeoutError, ConnectionResetError):
            pass
    return answer


def next_delta(live, timeout=3):
    while True:
        message = live.receive(timeout)
        if message is None or message.get("type") in ("delta", "snapshot"):
            return message


def config_checks(rendered, nodes, counts):
    check(f"the shipped nginx files need only their 3 node addresses, 1 listen and 2 log paths changed ({counts})",
          counts == (3, 1, 2), f"{counts}")
    ping = int(re.search(r"pings every socket every (\d+) s", open(os.path.join(ROOT, "docs", "PROTOCOL.md")).read()).group(1))
    ws = block(rendered, "location = /ws")
    read, send = directive(ws, "proxy_read_timeout"), directive(ws, "proxy_send_timeout")
    check(f"/ws: proxy_read_timeout {read} and proxy_send_timeout {send}: above two ping intervals ({ping} s, docs/PROTOCOL.md)",
          read and send and seconds(read) > 2 * ping and seconds(send) > 2 * ping, f"{read} {send}")
    check("/ws: proxy_buffering off, Upgrade and Connection passed on, HTTP/1.1",
          directive(ws, "proxy_buffering") == "off" and "proxy_set_header Upgrade $http_upgrade;" in rendered
          and "proxy_set_header Connection $connection_upgrade;" in rendered and directive(rendered, "proxy_http_version") == "1.1",
          "a WebSocket directive is missing")
    retry = directive(rendered, "proxy_next_upstream")
    check(f"proxy_next_upstream `{retry}`: connection failures only, never non_idempotent",
          retry and set(retry.split()) == {"error", "timeout"}, f"{retry}")
    body = directive(rendered, "client_max_body_size")
    server_limit = "a body of at most 1 MiB" in open(os.path.join(ROOT, "docs", "CONFIGURATION.md")).read()
    check(f"client_max_body_size {body}: the node's 1 MiB", body == "1m" and server_limit, f"{body}")
    upstream = block(rendered, "upstream boxoffice {")
    keepalive = directive(upstream, "keepalive_timeout")
    check(f"upstream keepalive_timeout {keepalive}: below the nodes' idle timeout (60 s)", keepalive and seconds(keepalive) < 60, f"{keepalive}")
    live = directive(ws, "proxy_pass").removeprefix("http://")
    check(f"/ws goes to an upstream with no kept-alive connections ({live}): a node upgrades only a connection's first request",
          live != "boxoffice" and "keepalive" not in block(rendered, f"upstream {live} {{") and "include boxoffice-nodes.conf;" in block(rendered, f"upstream {live} {{"),
          f"{live}")
    fails = re.findall(r"(?m)^server \S+ max_fails=\d+ fail_timeout=\d+s;", nodes)
    check("every node has passive health checks (max_fails, fail_timeout)", len(fails) == 3, f"{fails}")


def pages_checks(port, prefix):
    index = open(os.path.join(prefix, "share", "boxoffice", "public", "index.html"), "rb").read()
    status, headers, body = raw_get(port, "/")
    check(f"GET / through nginx: 200 {headers.get('content-type')}, the installed index.html",
          status == 200 and headers.get("content-type", "").startswith("text/html") and body == index, f"{status} {headers.get('content-type')}")
    scripts = sorted(set(re.findall(rb'src="(/js/[^"]+)"', index)) | {b"/js/api.js"})
    bad = []
    for path in scripts:
        status, headers, body = raw_get(port, path.decode())
        if status != 200 or "javascript" not in headers.get("content-type", "") or not body:
            bad.append((path.decode(), status, headers.get("content-type")))
    check(f"the pages' scripts through nginx: 200, JavaScript ({', '.join(p.decode() for p in scripts)})", not bad, f"{bad}")
    status, headers, _ = raw_get(port, "/css/app.css")
    check("/css/app.css through nginx: 200 text/css", status == 200 and headers.get("content-type", "").startswith("text/css"), f"{status} {headers}")


def booking_flow(port, show, seats):
    email = f"nginx-{uuid.uuid4().hex[:8]}@example.com"
    status, body = call("POST", port, "/api/auth/register", {"name": "Through nginx", "email": email, "password": "password-123"})
    check("register through nginx: 201", status == 201, f"{status} {body}")
    status, body = call("POST", port, "/api/auth/login", {"email": email, "password": "password-123"})
    check("login through nginx: 200 with a token", status == 200 and body.get("token"), f"{status} {body}")
    token = body["token"]
    status, booking = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": seats}, token=token)
    check(f"lock {seats} through nginx: 201 pending", status == 201 and booking.get("bookingStatus") == "pending", f"{status} {booking}")
    status, payment = call("POST", port, "/api/payments/initiate", {"bookingId": booking["id"], "paymentMethod": "credit_card"}, token=token)
    status, paid = call("POST", port, f"/api/payments/{payment['id']}/process",
                        {"card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2030, "cvc": "123"}}, token=token)
    check("pay with the test card through nginx: 200", status == 200, f"{status} {paid}")
    status, view = call("GET", port, f"/api/bookings/{booking['id']}", token=token)
    check("the booking through nginx is confirmed and paid",
          status == 200 and view.get("bookingStatus") == "confirmed" and view.get("paymentStatus") == "completed", f"{status} {view}")


def edge_checks(port, nodes, log_dir):
    mine = f"nginx-test-{uuid.uuid4().hex[:12]}"
    status, headers, _ = raw_get(port, "/healthz", {"X-Request-Id": mine})
    check("a client's X-Request-Id reaches the node through nginx and comes back", status == 200 and headers.get("x-request-id") == mine,
          f"{status} {headers.get('x-request-id')}")
    status, headers, _ = raw_get(port, "/healthz")
    check(f"without one, nginx's own id reaches the node and comes back ({headers.get('x-request-id')})",
          status == 200 and re.fullmatch(r"[0-9a-f]{32}", headers.get("x-request-id", "")), f"{headers.get('x-request-id')}")
    time.sleep(0.3)  # the access log is written as each request ends
    lines = [line for line in open(os.path.join(log_dir, "boxoffice.access.log")) if f"id={mine} " in line]
    check("the access log names the request id and the node that answered",
          len(lines) == 1 and re.search(r"node=127\.0\.0\.1:(\d+) node_status=200", lines[0])
          and int(re.search(r"node=127\.0\.0\.1:(\d+)", lines[0]).group(1)) in [n.port for n in nodes], f"{lines}")
    answer = raw_exchange(port, b"POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                b"Content-Length: 2000000\r\nConnection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    check("a body over 1 MiB: 413 from nginx, in the API's JSON shape",
          head.startswith(b"HTTP/1.1 413") and b'"code":"payload_too_large"' in body, f"{head[:60]} {body[:120]}")
    status, headers, _ = raw_get(port, "/metrics")
    check("/metrics is not served through nginx (403): scrape each node directly", status == 403, f"{status}")


def routing_checks(port, tokens, shows, log_dir):
    """Locks through nginx go to their show's node (upstream boxoffice_by_show); other shows to other nodes too."""
    def lock(token, show, seat):
        mine = f"route-{uuid.uuid4().hex[:12]}"
        status, booking = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": [seat]}, token=token,
                               headers={"X-Request-Id": mine})
        return mine, status, booking

    def free_seats(show, count):
        _, detail = call("GET", port, f"/api/shows/{show}")
        return [s["seatNumber"] for s in detail["seats"] if s["status"] == "available"][:count]

    made = []
    one = shows[0]
    for token, seat in zip(tokens, free_seats(one, len(tokens))):
        made.append((token,) + lock(token, one, seat))
    for show in shows[1:]:
        made.append((tokens[0],) + lock(tokens[0], show, free_seats(show, 1)[0]))
    time.sleep(0.3)  # the access log is written as each request ends
    node_of = {}
    for line in open(os.path.join(log_dir, "boxoffice.access.log")):
        found = re.search(r"id=(route-[0-9a-f]{12}) node=(\S+) ", line)
        if found:
            node_of[found.group(1)] = found.group(2)
    same = {node_of.get(mine) for _, mine, _, _ in made[:len(tokens)]}
    check(f"{len(tokens)} users' locks of one show through nginx: 201 each, all answered by one node ({same})",
          all(status == 201 for _, _, status, _ in made[:len(tokens)]) and len(same) == 1 and None not in same,
          f"{[(mine, status, node_of.get(mine)) for _, mine, status, _ in made[:len(tokens)]]}")
    spread = {node_of.get(mine) for _, mine, _, _ in made[len(tokens):]}
    check(f"locks of {len(shows) - 1} other shows through nginx: 201 each, answered by more than one node ({len(spread)})",
          all(status == 201 for _, _, status, _ in made[len(tokens):]) and len(spread) > 1 and None not in spread,
          f"{[(mine, status, node_of.get(mine)) for _, mine, status, _ in made[len(tokens):]]}")
    for token, _, status, booking in made:  # leave the seats as they were
        if status == 201:
            call("POST", port, f"/api/bookings/{booking['id']}/cancel", token=token)


def rate_limit_check(port):
    """Registrations per client at the edge: 30 a minute with a burst of 30. Bad bodies (the node answers 400 at
    once) fill the zone; past it nginx answers 429 in the API's shape with Retry-After."""
    answers = []
    for _ in range(45):
        status, body = call("POST", port, "/api/auth/register", {"nope": True})
        answers.append((status, body))
        if status == 429:
            break
    statuses = [s for s, _ in answers]
    status, body = answers[-1]
    check(f"nginx limits registrations per client: {len(statuses) - 1} passed on to the nodes, then 429 rate_limited",
          status == 429 and isinstance(body, dict) and body.get("error", {}).get("code") == "rate_limited"
          and 25 <= len(statuses) <= 35 and set(statuses[:-1]) <= {400, 422}, f"{statuses}")


def live_checks(port, nodes, tokens, show):
    """A subscriber through nginx; locks through nginx and directly on each node reach it, every one, in order."""
    upgraded = []
    for _ in range(6):  # after REST traffic: nginx holds kept-alive connections to every node by now
        try:
            LiveSocket(port).close()
            upgraded.append(101)
        except AssertionError as refused:
            upgraded.append(str(refused)[:40])
    check("six WebSockets opened through nginx after REST traffic: every one upgraded (101)", upgraded == [101] * 6, f"{upgraded}")
    live = LiveSocket(port)
    live.send({"op": "subscribe", "show": show})
    snapshot = next_delta(live, 5)
    check("a WebSocket through nginx: upgraded, subscribed, snapshot", snapshot and snapshot.get("type") == "snapshot", f"{snapshot}")
    version = snapshot["version"]
    free = list(snapshot["seats"]["available"])
    received, expected, problems = [], [], []
    for index, target in enumerate([port] + [n.port for n in nodes]):
        seat = free[-1 - index]
        status, booking = call("POST", target, "/api/bookings/lock-seats", {"showId": show, "seats": [seat]}, token=tokens[index])
        if status != 201:
            problems.append((target, status, booking))
            continue
        expected.append(seat)
        delta = next_delta(live)
        if delta:
            received.append((delta["version"], [c["seat"] for c in delta.get("changes", []) if c.get("status") == "held"]))
    versions = [v for v, _ in received]
    check(f"locks through nginx and on each node reach the subscriber through nginx, in order (versions {versions})",
          not problems and versions == list(range(version + 1, version + 5)) and [s for _, s in received] == [[s] for s in expected],
          f"{problems} {received} expected {expected} from {version}")
    live.close()
    return versions[-1] if versions else version, free[:-4]


class Traffic:
    """Users reading and booking through nginx while a node is killed: each writer locks one seat of each of its shows
    with an Idempotency-Key; a reader fetches shows, cities and pages."""

    def __init__(self, port, writers, shows):
        self.port, self.writers, self.shows = port, writers, shows
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers = []  # (time, method, path, status)
        self.locked = {}  # booking id -> (user index, show, seat)
        self.cut = []  # (user index, show, seat, key) answered 502 (or not at all)
        self.threads = [threading.Thread(target=self.write, args=(i,), daemon=True) for i in range(len(writers))]
        self.threads.append(threading.Thread(target=self.read, daemon=True))

    def note(self, method, path, status):
        with self.lock:
            self.answers.append((time.time(), method, path, status))

    def get(self, path, token=None):
        try:
            status, body = call("GET", self.port, path, token=token)
        except Exception:  # noqa: BLE001 - cut off, or an answer that is not the API's JSON: a failure either way
            status, body = -1, None
        self.note("GET", path, status)
        return status, body

    def write(self, index):
        token = self.writers[index]
        for show in self.shows[index::len(self.writers)]:
            if self.stop.is_set():
                return
            status, detail = self.get(f"/api/shows/{show}")
            if status != 200:
                continue
            seat = next(s["seatNumber"] for s in detail["seats"] if s["status"] == "available")
            key = f"nginx-kill-{index}-{show}"
            try:
                status, body = call("POST", self.port, "/api/bookings/lock-seats", {"showId": show, "seats": [seat]}, token=token,
                                    headers={"Idempotency-Key": key})
            except Exception:  # noqa: BLE001 - as in get
                status, body = -1, None
            self.note("POST", "/api/bookings/lock-seats", status)
            if status == 201:
                with self.lock:
                    self.locked[body["id"]] = (index, show, seat)
            elif status in (502, 504, -1):
                with self.lock:
                    self.cut.append((index, show, seat, key))
            time.sleep(0.02)

    def read(self):
        paths = ["/api/cities", f"/api/shows/{self.shows[0]}", "/", "/js/api.js", "/api/shows?limit=5", "/readyz"]
        turn = 0
        while not self.stop.is_set():
            path = paths[turn % len(paths)]
            try:
                status = raw_get(self.port, path)[0]
            except (OSError, http.client.HTTPException):
                status = -1
            self.note("GET", path, status)
            turn += 1
            time.sleep(0.01)

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def kill_checks(port, url, nodes, writers, writer_ids, shows, live_show, last_version, free, tokens):
    traffic = Traffic(port, writers, shows)
    traffic.start()
    time.sleep(1.0)
    victim = nodes[0]
    victim.kill()
    killed_at = time.time()
    time.sleep(2.5)
    traffic.finish()
    gets = [a for a in traffic.answers if a[1] == "GET"]
    posts = [a for a in traffic.answers if a[1] == "POST"]
    after = [a for a in traffic.answers if a[0] > killed_at]
    bad_gets = [(round(a[0] - killed_at, 2), a[2], a[3]) for a in gets if a[3] != 200]
    check(f"kill -9 of a node under traffic through nginx: all {len(gets)} GETs answered 200 "
          f"({sum(1 for a in after if a[1] == 'GET')} after the kill)", gets and not bad_gets and any(a[1] == "GET" for a in after),
          f"{bad_gets[:5]}")
    cut = [a for a in posts if a[3] != 201]
    check(f"... {sum(1 for a in posts if a[3] == 201)} locks answered 201 ({sum(1 for a in after if a[1] == 'POST' and a[3] == 201)} "
          f"after the kill); {len(cut)} cut off mid-way (502), at most one per writer",
          any(a[1] == "POST" and a[3] == 201 for a in after) and all(a[3] in (201, 502) for a in posts) and len(cut) <= len(writers),
          f"{[(round(a[0] - killed_at, 2), a[3]) for a in cut]}")
    # A lock cut off may or may not have been done: its retry with the same key tells, and does it at most once.
    retried = []
    for index, show, seat, key in traffic.cut:
        status, body = call("POST", port, "/api/bookings/lock-seats", {"showId": show, "seats": [seat]}, token=writers[index],
                            headers={"Idempotency-Key": key})
        retried.append(status)
        if status == 201:
            traffic.locked[body["id"]] = (index, show, seat)
    check(f"a cut-off lock retried through nginx with its Idempotency-Key: 201 ({retried})", all(s == 201 for s in retried), f"{retried}")
    ids = ",".join(f"'{u}'" for u in writer_ids)
    rows = psql(url, f"SELECT b.userId, b.showId, COUNT(*), string_agg(b.id, ',') FROM bookings b WHERE b.userId IN ({ids}) "
                     "AND b.bookingStatus <> 'cancelled' GROUP BY b.userId, b.showId")
    twice = [r for r in rows if int(r[2]) != 1]
    held = {r[0]: r[1] for r in psql(url, f"SELECT bookingId, string_agg(seatNumber, ',') FROM bookingSeats WHERE bookingId IN "
                                          f"(SELECT id FROM bookings WHERE userId IN ({ids})) AND state = 'held' GROUP BY bookingId")}
    missing = [b for b, (_, _, seat) in traffic.locked.items() if held.get(b) != seat]
    check(f"the database: {len(rows)} locks, each done once (no user holds a show twice), every acknowledged hold there",
          not twice and not missing and len(rows) == len(traffic.locked), f"twice {twice[:3]}; missing {missing[:3]}; {len(rows)} rows, {len(traffic.locked)} acknowledged")

    # Changes the old subscriber missed: on a surviving node directly, and through nginx.
    seats = []
    for index, target in enumerate([nodes[1].port, port]):
        seat = free[-1 - index]
        status, _ = call("POST", target, "/api/bookings/lock-seats", {"showId": live_show, "seats": [seat]}, token=tokens[4 + index])
        if status == 201:
            seats.append(seat)
    live = LiveSocket(port)
    live.send({"op": "subscribe", "show": live_show, "since": last_version})
    received = []
    while True:
        message = next_delta(live, 2)
        if message is None or message.get("type") != "delta":
            if message is not None:
                received.append((message.get("type"), message.get("version")))
            break
        received.append((message["version"], [c["seat"] for c in message.get("changes", []) if c.get("status") == "held"]))
        if len(received) == 2:
            break
    live.close()
    check(f"after the kill, a new socket through nginx resumes with since={last_version}: the deltas it missed, in order ({received})",
          len(seats) == 2 and received == [(last_version + 1, [seats[0]]), (last_version + 2, [seats[1]])], f"{received}, locked {seats}")


def main():
    if not POSTGRES:
        print("nginx: needs --postgres URL (or BOXOFFICE_TEST_POSTGRES_URL)")
        sys.exit(1)
    began = time.time()
    nginx = nginx_binary()
    workdir = tempfile.mkdtemp(prefix="boxoffice-nginx-")
    prefix, rundir, nginx_dir = (os.path.join(workdir, d) for d in ("prefix", "run", "nginx"))
    for folder in (rundir, os.path.join(nginx_dir, "logs"), os.path.join(nginx_dir, "temp")):
        os.makedirs(folder)
    os.chmod(workdir, 0o755)  # nginx's workers (nobody, when run as root) reach their temp folders
    os.chmod(nginx_dir, 0o755)

    installed = subprocess.run([os.path.join(ROOT, "scripts", "install"), prefix, "--binary", BIN], capture_output=True, text=True)
    binary = os.path.join(prefix, "bin", "boxoffice")
    check("scripts/install PREFIX --binary: PREFIX/bin/boxoffice and PREFIX/share/boxoffice/public/index.html",
          installed.returncode == 0 and os.access(binary, os.X_OK) and os.path.isfile(os.path.join(prefix, "share", "boxoffice", "public", "index.html")),
          installed.stderr.strip()[-300:])
    if installed.returncode != 0:
        finish()
    crash_test.BIN = binary
    cluster_test.BIN = binary

    name = "boxoffice_nginx_" + os.path.basename(workdir).replace("-", "_").lower()
    subprocess.run(["psql", POSTGRES, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    os.chdir(rundir)  # the nodes run here, where there is no public/: they must find the installed pages
    nodes = [Server(url, free_port(), log=os.path.join(workdir, f"node{i}.log"), args=("--hold-seconds", "60"),
                    env={"BOXOFFICE_JWT_SECRET": "", "BOXOFFICE_LOG_LEVEL": "info", "BOXOFFICE_PUBLIC_DIR": ""}) for i in range(3)]
    process = None
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("the nginx test ran over 110 s")))
    signal.alarm(110)
    try:
        errors = start_all(nodes)
        check("three installed nodes on one fresh database are ready", not errors, f"{errors}")
        if errors:
            raise RuntimeError(f"{errors}")
        pages = os.path.join(prefix, "share", "boxoffice", "public")
        said = [[line.strip() for line in open(n.log) if "serving pages" in line] for n in nodes]
        check(f"each node started in a folder without public/ logs that it serves the installed pages ({pages})",
              all(len(s) == 1 and f"from={pages}" in s[0] for s in said), f"{said}")

        listen = free_port()
        rendered, node_list, counts = render(open(CONF).read(), open(NODES).read(), [n.port for n in nodes], listen,
                                             os.path.join(nginx_dir, "logs"))
        config_checks(rendered, node_list, counts)
        os.makedirs(os.path.join(nginx_dir, "conf.d"))
        with open(os.path.join(nginx_dir, "conf.d", "boxoffice.conf"), "w") as out:
            out.write(rendered)
        with open(os.path.join(nginx_dir, "boxoffice-nodes.conf"), "w") as out:  # beside nginx.conf, as /etc/nginx/
            out.write(node_list)
        temp = os.path.join(nginx_dir, "temp")
        # What Debian's /etc/nginx/nginx.conf wraps conf.d/*.conf in, with this run's own paths.
        with open(os.path.join(nginx_dir, "nginx.conf"), "w") as out:
            out.write(f"pid {nginx_dir}/nginx.pid;\nerror_log {nginx_dir}/logs/error.log warn;\nworker_processes 1;\n"
                      "events { worker_connections 1024; }\n"
                      f"http {{\n    access_log off;\n    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
                      f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n    scgi_temp_path {temp}/scgi;\n"
                      f"    include {nginx_dir}/conf.d/*.conf;\n}}\n")
        command = [nginx, "-p", nginx_dir + "/", "-e", os.path.join(nginx_dir, "logs", "error.log"), "-c", os.path.join(nginx_dir, "nginx.conf")]
        tested = subprocess.run(command + ["-t"], capture_output=True, text=True)
        check("nginx -t accepts the shipped file", tested.returncode == 0, tested.stderr.strip()[-400:])
        process = subprocess.Popen(command + ["-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=open(os.path.join(nginx_dir, "logs", "stderr.log"), "w"))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if call("GET", listen, "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
            if process.poll() is not None:
                raise RuntimeError("nginx exited: see " + nginx_dir + "/logs")
        check("nginx answers /readyz from the nodes", call("GET", listen, "/readyz")[0] == 200)

        pages_checks(listen, prefix)
        status, page = call("GET", listen, "/api/shows?limit=200")
        shows = [s["id"] for s in page["items"] if s["availability"]["available"] >= 10]
        check(f"browse through nginx: {len(shows)} shows with room", status == 200 and len(shows) >= 60, f"{status} {len(shows)}")
        shows = [s["id"] for s in shows_on_sale(listen) if s["availability"]["available"] >= 10]
        status, detail = call("GET", listen, f"/api/shows/{shows[0]}")
        booking_flow(listen, shows[0], [s["seatNumber"] for s in detail["seats"] if s["status"] == "available"][:2])
        edge_checks(listen, nodes, os.path.join(nginx_dir, "logs"))

        users = []
        for i in range(8):  # directly on the nodes: the nginx zone for registrations is for the rate-limit check
            status, body = call("POST", nodes[i % 3].port, "/api/auth/register",
                                {"name": f"Nginx user {i}", "email": f"nginx{i}-{uuid.uuid4().hex[:6]}@example.com", "password": "password-123"})
            assert status == 201, body
            users.append((body["token"], body["user"]["id"]))
        tokens = [t for t, _ in users]
        routing_checks(listen, tokens[:6], shows[-13:], os.path.join(nginx_dir, "logs"))
        last_version, free = live_checks(listen, nodes, tokens, shows[1])
        kill_checks(listen, url, nodes, tokens[6:8], [u for _, u in users[6:8]], shows[2:], shows[1], last_version, free, tokens)
        rate_limit_check(listen)
    except Exception as error:  # a broken harness is a failure, not a crash of the run
        check("the nginx test ran to the end", False, repr(error))
    finally:
        signal.alarm(0)
        if process and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # nginx's fast shutdown; its workers go with it
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for server in nodes:
            if server.process and server.process.poll() is None:
                server.kill()
        subprocess.run(["psql", POSTGRES, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
        shutil.rmtree(prefix, ignore_errors=True)  # a copy of the binary; the logs stay in the work folder
    print(f"nginx: ran in {time.time() - began:.1f} s; logs in {workdir}")
    finish()


if __name__ == "__main__":
    main()
