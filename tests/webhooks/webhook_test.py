#!/usr/bin/env python3
"""Webhooks against the real binary and a real HTTP receiver on loopback (http.server):

- every delivery is signed (`BoxOffice-Signature: t=…,v1=…`, HMAC-SHA256 of "<t>.<body>" with the secret shown once),
  carries `BoxOffice-Event-Id`, and is `{id, type, createdAt, data}` with the booking;
- events of one webhook arrive in the order they happened (confirmed before cancelled), each at least once;
- a receiver that fails the first attempts (500) gets the event on a later try, about a second after the first;
- an expired hold is `booking.expired`; a webhook asking for one type gets only that type;
- the receiver is down while a booking is paid, the box office is killed with kill -9 and started again, the
  receiver comes back: the event still arrives; the delivery log shows the failed attempts and the success.

    python3 tests/webhooks/webhook_test.py path/to/boxoffice

stdlib only; ends with `webhooks: N passed, M failed`.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "crash"))
import crash_test  # noqa: E402
from crash_test import Server, book_seats, call, free_port  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
crash_test.BIN = BIN
ADMIN = ("admin@boxoffice.test", "admin-password-123")
results = []


def check(name, condition, detail=""):
    results.append((name, None if condition else detail))
    print(f"{'ok  ' if condition else 'FAIL'} {name}" + ("" if condition else f": {detail}"))


class Receiver:
    """An HTTP server keeping every request per path; `fail[path] = n` answers 500 to the next n requests there."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.got = {}
        self.fail = {}
        self.server = None

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    failing = receiver.fail.get(self.path, 0) > 0
                    if failing:
                        receiver.fail[self.path] -= 1
                    receiver.got.setdefault(self.path, []).append((time.time(), dict(self.headers), body, 500 if failing else 200))
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def accepted(self, path):
        with self.lock:
            return [r for r in self.got.get(path, []) if r[3] == 200]

    def wait(self, path, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self.accepted(path)):
                return True
            time.sleep(0.1)
        return False


def verified(record, secret):
    """The event if its signature is right for `secret`, else None."""
    _, headers, body, _ = record
    parts = dict(item.split("=", 1) for item in headers.get("BoxOffice-Signature", "").split(","))
    expected = hmac.new(secret.encode(), f"{parts.get('t')}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts.get("v1", "")) or abs(time.time() - int(parts.get("t", "0"))) > 300:
        return None
    event = json.loads(body)
    return event if headers.get("BoxOffice-Event-Id") == event["id"] and headers.get("Content-Type") == "application/json" else None


def book(port, token, show, seats, pay=True):
    return book_seats(port, token, show, seats, pay=pay)[0]


def main():
    folder = tempfile.mkdtemp(prefix="boxoffice-webhooks-")
    receiver = Receiver(free_port()).start()
    port = free_port()
    server = Server(os.path.join(folder, "boxoffice.sqlite"), port, log=os.path.join(folder, "server.log"), args=("--hold-seconds", "5"),
                    env={"BOXOFFICE_ADMIN_EMAIL": ADMIN[0], "BOXOFFICE_ADMIN_PASSWORD": ADMIN[1], "BOXOFFICE_PAYMENT_LATENCY_MS": "0"})
    try:
        server.start()
        status, login = call("POST", port, "/api/auth/login", {"email": ADMIN[0], "password": ADMIN[1]})
        admin = login["token"]
        base = f"http://127.0.0.1:{receiver.port}"
        status, everything = call("POST", port, "/api/admin/webhooks", {"url": f"{base}/all", "events": ["*"]}, token=admin)
        status, expiries = call("POST", port, "/api/admin/webhooks", {"url": f"{base}/expired", "events": ["booking.expired"]}, token=admin)
        status, flaky = call("POST", port, "/api/admin/webhooks", {"url": f"{base}/flaky", "events": ["booking.confirmed"]}, token=admin)
        check("three webhooks registered, each with its secret", all(w.get("secret", "").startswith("whsec_") for w in (everything, expiries, flaky)),
              f"{everything} {expiries} {flaky}")
        with receiver.lock:
            receiver.fail["/flaky"] = 2

        status, body = call("POST", port, "/api/auth/register", {"name": "Hook User", "email": "hook@example.com", "password": "password-123"})
        token = body["token"]
        status, page = call("GET", port, "/api/shows?limit=3")
        show = page["items"][0]["id"]
        status, detail = call("GET", port, f"/api/shows/{show}")
        free = [s["seatNumber"] for s in detail["seats"] if s["status"] == "available"]

        paid_at = time.time()
        first = book(port, token, show, free[:2])
        status, _ = call("POST", port, f"/api/bookings/{first}/cancel", token=token)
        assert status == 200
        expiring = book(port, token, show, free[2:3], pay=False)

        done = receiver.wait("/all", lambda got: len(got) >= 3, 15)
        events = [verified(r, everything["secret"]) for r in receiver.accepted("/all")]
        check("every delivery is signed with the webhook's secret and carries its event id", done and all(events), f"{len(events)} deliveries")
        mine = [(e["type"], e["data"]["id"]) for e in events if e]
        check("in the order they happened: confirmed, cancelled, then the expiry",
              mine[:3] == [("booking.confirmed", first), ("booking.cancelled", first), ("booking.expired", expiring)], f"{mine}")
        confirmed = next((e for e in events if e and e["type"] == "booking.confirmed"), None)
        check("an event is {id, type, createdAt, data} with the booking",
              confirmed and set(confirmed) == {"id", "type", "createdAt", "data"} and confirmed["data"]["ticketCode"], f"{confirmed}")
        receiver.wait("/expired", lambda got: len(got) >= 1, 10)
        only = [verified(r, expiries["secret"]) for r in receiver.accepted("/expired")]
        check("a webhook asking for booking.expired gets only that", only and all(e and e["type"] == "booking.expired" for e in only),
              f"{[e and e['type'] for e in only]}")
        receiver.wait("/flaky", lambda got: len(got) >= 1, 15)
        with receiver.lock:
            tries = list(receiver.got.get("/flaky", []))
        check("a receiver that fails twice (500) gets the event on the third try",
              [t[3] for t in tries][:3] == [500, 500, 200] and verified(tries[2], flaky["secret"]), f"{[t[3] for t in tries]}")
        if len(tries) >= 2:
            check(f"... the first retry about a second after the first try ({tries[1][0] - tries[0][0]:.1f} s)", 0.5 <= tries[1][0] - tries[0][0] <= 3.0,
                  f"{tries[1][0] - tries[0][0]:.2f} s")
        status, log = call("GET", port, f"/api/admin/webhooks/{flaky['id']}/deliveries", token=admin)
        codes = [a["statusCode"] for a in log["items"]]
        check("the delivery log shows the attempts, newest first", codes[:3] == [200, 500, 500], f"{codes}")

        # The receiver is down while a booking is paid; the box office is killed and started again.
        receiver.stop()
        late = book(port, token, show, free[3:5])
        time.sleep(2.0)
        server.kill()
        server.start()
        receiver = Receiver(receiver.port).start()
        arrived = receiver.wait("/all", lambda got: any((verified(r, everything["secret"]) or {}).get("data", {}).get("id") == late for r in got), 40)
        check("after the receiver was down and the server was killed and restarted, the event arrives", arrived, "not in 40 s")
    except Exception as error:  # a broken harness is a failure, not a crash of the run
        check("the webhook test ran to the end", False, repr(error))
    finally:
        if server.process and server.process.poll() is None:
            server.kill()
        try:
            receiver.stop()
        except Exception:  # noqa: BLE001 - already stopped
            pass
    failed = sum(1 for _, problem in results if problem is not None)
    print(f"webhooks: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
