#!/usr/bin/env python3
"""Webhooks against the real binary and a real HTTP receiver on loopback (http.server):

- every delivery is signed (`BoxOffice-Signature: t=…,v1=…`, HMAC-SHA256 of "<t>.<body>" with the secret shown once),
  carries `BoxOffice-Event-Id`, and is `{id, type, createdAt, data}` with the booking;
- events of one webhook arrive in the order they happened (confirmed before cancelled), each at least once;
- a receiver that fails the first attempts (500) gets the event on a later try, about a second after the first;
- an expired hold is `booking.expired`; a webhook asking for one type gets only that type;
- the receiver is down while a booking is paid, the box office is killed with kill -9 and started again, the
  receiver comes back: the event still arrives; the delivery log shows the failed attempts and the success;
- the booking that takes a show's last seat sends `show.sold_out` with `{show}` (nothing available), once;
- an admin deactivating a show with a hold and a paid booking: a subscriber sees both end live (release, cancel),
  each is a `booking.cancelled` event, the paid one refunded.

    python3 e2e/webhooks/webhook_test.py path/to/boxoffice

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
from crash_test import LiveSocket, Server, book_seats, call, free_port, shows_on_sale  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
crash_test.BIN = BIN
ADMIN = ("admin@boxoffice.test", "admin-password-123")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from checks import check, results  # noqa: E402


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


def tiny_show(port, admin, seats=3):
    """A show on a new screen of `seats` seats in one row, of a demo movie in one of its cities; returns its id."""
    status, movies = call("GET", port, "/api/admin/movies?limit=200", token=admin)
    movie = next(m for m in movies["items"] if m["isActive"] and m["cityIds"])
    layout = {"rows": ["A"], "columns": seats, "aisles": [], "blocked": [],
              "categories": [{"name": "Standard", "price": 15000, "rows": ["A"]}]}
    status, theatre = call("POST", port, "/api/admin/theatres", {
        "name": f"Tiny Hall {time.time_ns()}", "cityId": movie["cityIds"][0], "address": "1 Small Street", "amenities": [],
        "screens": [{"screenNumber": 1, "name": "Box", "layout": layout}]}, token=admin)
    assert status == 201, (status, theatre)
    starts = time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(time.time() + 3 * 86400))
    status, show = call("POST", port, "/api/admin/shows", {"movieId": movie["id"], "theatreId": theatre["id"], "screenNumber": 1,
                                                           "startsAt": starts, "language": movie["languages"][0], "format": "2D"}, token=admin)
    assert status == 201, (status, show)
    return show["id"]


def register(port, name):
    status, body = call("POST", port, "/api/auth/register",
                        {"name": name, "email": f"{name.lower().replace(' ', '-')}-{time.time_ns()}@example.com", "password": "password-123"})
    assert status == 201, (status, body)
    return body["token"]


def sold_out_and_deactivation(port, admin, base, receiver):
    status, hook = call("POST", port, "/api/admin/webhooks", {"url": f"{base}/shows", "events": ["show.sold_out", "booking.cancelled"]}, token=admin)
    assert status == 201, (status, hook)

    def events():
        return [e for e in (verified(r, hook["secret"]) for r in receiver.accepted("/shows")) if e]

    # Two buyers take the three seats: the second booking sells the show out.
    show = tiny_show(port, admin)
    book(port, register(port, "First Buyer"), show, ["A1", "A2"])
    time.sleep(1.0)
    check("no show.sold_out while a seat is left", not any(e["type"] == "show.sold_out" for e in events()), f"{[e['type'] for e in events()]}")
    book(port, register(port, "Last Buyer"), show, ["A3"])
    receiver.wait("/shows", lambda got: any((verified(r, hook["secret"]) or {}).get("type") == "show.sold_out" for r in got), 10)
    sold = [e for e in events() if e["type"] == "show.sold_out"]
    data = sold[0]["data"] if sold else {}
    check("the booking that takes the last seat sends show.sold_out with {show}",
          len(sold) == 1 and data.get("show", {}).get("id") == show and data["show"].get("availability", {}).get("available") == 0
          and data["show"]["availability"].get("booked") == 3, f"{sold}")

    # A hold and a paid booking on another show; an admin deactivates it while a subscriber watches.
    show = tiny_show(port, admin, seats=6)
    buyer = register(port, "Refunded Buyer")
    paid = book(port, buyer, show, ["A1", "A2"])
    holder = register(port, "Released Holder")
    held = book(port, holder, show, ["A5"], pay=False)
    live = LiveSocket(port)
    try:
        live.send({"op": "subscribe", "show": show})
        snapshot = live.receive(5)
        status, closed = call("PATCH", port, f"/api/admin/shows/{show}", {"isActive": False}, token=admin)
        check("deactivating a show with bookings answers 200 with every seat free",
              status == 200 and closed.get("availability", {}).get("available") == 6, f"{status} {closed}")
        deltas = []
        deadline = time.time() + 5
        while time.time() < deadline and len(deltas) < 2:
            message = live.receive(deadline - time.time())
            if message and message.get("type") == "delta":
                deltas.append(message)
        causes = sorted(d["cause"] for d in deltas)
        freed = sorted(c["seat"] for d in deltas for c in d["changes"] if c["status"] == "available")
        check("a subscriber sees the hold released and the booking cancelled, live, in version order",
              snapshot and snapshot.get("type") == "snapshot" and causes == ["cancel", "release"] and freed == ["A1", "A2", "A5"]
              and [d["version"] for d in deltas] == [snapshot["version"] + 1, snapshot["version"] + 2], f"{snapshot} {deltas}")
    finally:
        live.close()
    receiver.wait("/shows", lambda got: {paid, held} <= {(verified(r, hook["secret"]) or {}).get("data", {}).get("id") for r in got}, 10)
    cancelled = {e["data"]["id"]: e["data"] for e in events() if e["type"] == "booking.cancelled"}
    check("each ended booking is a booking.cancelled event; the paid one refunded, the hold never charged",
          cancelled.get(paid, {}).get("paymentStatus") == "refunded" and cancelled.get(held, {}).get("bookingStatus") == "cancelled"
          and cancelled.get(held, {}).get("paymentStatus") == "pending", f"{ {k: (v['bookingStatus'], v['paymentStatus']) for k, v in cancelled.items()} }")
    status, refunded = call("GET", port, f"/api/bookings/{paid}", token=buyer)
    check("the buyer's booking reads cancelled and refunded", refunded.get("bookingStatus") == "cancelled" and refunded.get("paymentStatus") == "refunded",
          f"{refunded}")


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
        show = shows_on_sale(port)[0]["id"]
        status, detail = call("GET", port, f"/api/shows/{show}")
        free = [s["seatNumber"] for s in detail["seats"] if s["status"] == "available"]

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
        sold_out_and_deactivation(port, admin, base, receiver)
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
