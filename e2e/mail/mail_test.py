#!/usr/bin/env python3
"""The confirmation email, end to end, against the real binary and a real SMTP server on loopback (aiosmtpd):

- a confirmed booking sends one email to the user: the film and the show's local date and time in the subject; the
  theatre, screen, seats, amount, ticket code and the ticket link in the plain text and the HTML; a cancellation sends
  a cancellation email;
- a mail server that refuses a recipient for a while (450): the email is retried and arrives;
- emails due together go over one connection, and one refused there (its recipient, or its content) does not stop the
  others: with a mail server that offers PIPELINING (RFC 2920), whose commands then come a message at a time in one
  write, and with one that does not;
- the mail server is down while a booking is paid (the payment is not slowed), the box office is killed with kill -9
  and started again, then the mail server comes back: the email still arrives.

    python3 e2e/mail/mail_test.py path/to/boxoffice

Installs aiosmtpd from PyPI when it is missing. Ends with `mail: N passed, M failed`.
"""
import email
import email.policy
import os
import subprocess
import sys
import tempfile
import threading
import time

try:
    import aiosmtpd  # noqa: F401
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--root-user-action=ignore", "aiosmtpd"], check=True)
from aiosmtpd.controller import Controller  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "crash"))
import crash_test  # noqa: E402
from crash_test import Server, book_seats as book, call, free_port, shows_on_sale  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
crash_test.BIN = BIN
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from checks import check, results  # noqa: E402


class Inbox:
    """An SMTP server's handler: keeps every accepted message; can refuse chosen recipients, or their content, for a
    while; offers PIPELINING in its EHLO reply while `pipelining` is set (aiosmtpd reads pipelined commands either way,
    but does not offer it by itself)."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.refuse = {}  # address -> how many more times to answer 450 to RCPT
        self.refuse_content = {}  # address -> how many more times to answer 451 to the content
        self.refused_ids = {}  # address -> the Message-IDs of its contents answered 451
        self.connection_of = []  # (recipients, the client's address and port): which connection each message came over
        self.pipelining = False
        self.mail_with_rest = []  # for each MAIL: whether its RCPT and DATA had come with it (in the server's buffer)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        waiting = bytes(getattr(server._reader, "_buffer", b""))  # what the client sent after MAIL and the server has not read
        with self.lock:
            self.mail_with_rest.append(b"RCPT TO:" in waiting and b"DATA" in waiting)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.refuse.get(address, 0) > 0:
                self.refuse[address] -= 1
                return "450 4.2.0 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            if any(self.refuse_content.get(address, 0) > 0 for address in envelope.rcpt_tos):
                for address in envelope.rcpt_tos:
                    self.refuse_content[address] = self.refuse_content.get(address, 0) - 1
                    self.refused_ids.setdefault(address, []).append(message["Message-ID"])
                return "451 4.3.0 Try that one again later"
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            self.connection_of.append((list(envelope.rcpt_tos), session.peer))
        return "250 Message accepted"

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address in m[1]]

    def wait(self, address, count, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.to(address)) >= count:
                return self.to(address)
            time.sleep(0.1)
        return self.to(address)


def parts(message):
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (text.get_content() if text else ""), (html.get_content() if html else "")


def user(port, name):
    address = f"{name}-{os.urandom(3).hex()}@example.com"
    status, body = call("POST", port, "/api/auth/register", {"name": name.title(), "email": address, "password": "password-123"})
    assert status == 201, body
    return address, body["token"]


def start_smtp(inbox, port):
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def main():
    folder = tempfile.mkdtemp(prefix="boxoffice-mail-")
    smtp_port = free_port()
    inbox = Inbox()
    inbox.pipelining = True
    smtp = start_smtp(inbox, smtp_port)
    port = free_port()
    server = Server(os.path.join(folder, "boxoffice.sqlite"), port, log=os.path.join(folder, "server.log"), env={
        "BOXOFFICE_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "BOXOFFICE_MAIL_FROM": "Test Cinemas <tickets@cinema.example>",
        "BOXOFFICE_PUBLIC_URL": "https://cinema.example", "BOXOFFICE_LOG_LEVEL": "info", "BOXOFFICE_PAYMENT_LATENCY_MS": "0"})
    try:
        server.start()
        show = shows_on_sale(port)[0]
        status, detail = call("GET", port, f"/api/shows/{show['id']}")
        free = [s["seatNumber"] for s in detail["seats"] if s["status"] == "available"]
        status, movie = call("GET", port, f"/api/movies/{show['movieId']}")

        address, token = user(port, "alice")
        booking_id, _ = book(port, token, show["id"], free[:2])
        status, booking = call("GET", port, f"/api/bookings/{booking_id}", token=token)
        got = inbox.wait(address, 1, 10)
        check("a confirmed booking sends one email to the user", len(got) == 1, f"{len(got)} emails")
        if got:
            sender, _, message = got[0]
            text, html = parts(message)
            subject = message["subject"]
            check("... from BOXOFFICE_MAIL_FROM, the film and the show's local date and time in the subject",
                  sender == "tickets@cinema.example" and movie["title"] in subject and booking["showDate"] in subject and booking["showTime"] in subject,
                  f"{sender!r} {subject!r}")
            link = f"https://cinema.example/ticket.html?booking={booking_id}"
            wanted = [booking["ticketCode"], link, *free[:2], "Screen"]
            check("... its text gives the ticket code, the seats, the screen and the ticket link",
                  all(w in text for w in wanted), f"missing {[w for w in wanted if w not in text]} in {text[:300]!r}")
            check("... and so does its HTML", all(w.replace("&", "&amp;") in html for w in wanted), f"{html[:300]!r}")

        status, _ = call("POST", port, f"/api/bookings/{booking_id}/cancel", token=token)
        assert status == 200
        got = inbox.wait(address, 2, 10)
        check("a cancellation sends a cancellation email", len(got) == 2 and "Cancelled" in got[-1][2]["subject"],
              f"{[m[2]['subject'] for m in got]}")

        refused, token = user(port, "bob")
        with inbox.lock:
            inbox.refuse[refused] = 2
        book(port, token, show["id"], free[2:4])
        got = inbox.wait(refused, 1, 15)
        check("a recipient refused twice (450) gets the email on a later try", len(got) == 1, f"{len(got)} emails")

        # Emails due together go over one connection; one the server refuses there (its recipient, or its content)
        # does not stop the others. Once with PIPELINING offered, once without.
        for pipelining in (True, False):
            offered = "offered" if pipelining else "not offered"
            smtp.stop()
            inbox.pipelining = pipelining
            burst = [user(port, f"batch{index}") for index in range(6)]
            for index, (_, burst_token) in enumerate(burst):
                seats = free[6 + 12 * pipelining + 2 * index:8 + 12 * pipelining + 2 * index]
                book(port, burst_token, show["id"], seats)
            time.sleep(2.5)
            with inbox.lock:
                inbox.refuse[burst[2][0]] = 1
                inbox.refuse_content[burst[4][0]] = 1
                first_mail = len(inbox.mail_with_rest)
            smtp = start_smtp(inbox, smtp_port)
            arrived = [inbox.wait(address, 1, 20) for address, _ in burst]
            time.sleep(1.0)
            counts = [len(inbox.to(address)) for address, _ in burst]
            check(f"PIPELINING {offered}: six emails due together all arrive, each once, the two refused (450 to RCPT, 451 to the content) on a later try",
                  counts == [1] * 6, f"{counts}")
            ids = [got[0][2]["Message-ID"] if got else None for got in arrived]
            with inbox.lock:
                refused_ids = list(inbox.refused_ids.get(burst[4][0], []))
            check("... each with its own Message-ID, and the one whose content was refused sent again with the same one",
                  None not in ids and len(set(ids)) == 6 and refused_ids == [ids[4]], f"{ids}, refused {refused_ids}")
            with inbox.lock:
                connections = {peer for recipients, peer in inbox.connection_of if any(address in recipients for address, _ in burst)}
                with_rest = inbox.mail_with_rest[first_mail:]
            check(f"... over fewer connections than emails ({len(connections)} for 6): a batch shares one, RSET after a refusal",
                  all(arrived) and len(connections) < 6, f"{len(connections)} connections")
            if pipelining:
                check("... each MAIL FROM came in one write with its RCPT TO and DATA",
                      len(with_rest) >= 8 and all(with_rest), f"{with_rest}")
            else:
                check("... each MAIL FROM alone, its reply awaited", len(with_rest) >= 8 and not any(with_rest), f"{with_rest}")
        inbox.pipelining = True

        # The mail server is down while a booking is paid; the box office is killed and started again.
        smtp.stop()
        late, token = user(port, "carol")
        _, took = book(port, token, show["id"], free[4:6])
        check(f"with the mail server down, paying is not slowed ({took:.2f} s)", took < 2.0, f"{took:.2f} s")
        time.sleep(2.0)
        server.kill()
        server.start()
        smtp = start_smtp(inbox, smtp_port)
        got = inbox.wait(late, 1, 30)
        check("... and after kill -9 and a restart, once the mail server is back, the email arrives", len(got) >= 1, "none in 30 s")
    except Exception as error:  # a broken harness is a failure, not a crash of the run
        check("the mail test ran to the end", False, repr(error))
    finally:
        if server.process and server.process.poll() is None:
            server.kill()
        try:
            smtp.stop()
        except Exception:  # noqa: BLE001 - already stopped
            pass
    failed = sum(1 for _, problem in results if problem is not None)
    print(f"mail: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
