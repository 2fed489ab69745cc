#!/usr/bin/env python3
"""The SMTP client over TLS, against the real binary and aiosmtpd on loopback with a throwaway CA:

- STARTTLS required by the mail server (`smtp://user:secret@…`, BOXOFFICE_SMTP_CA_FILE = the CA): the confirmation
  arrives, and AUTH PLAIN happened with user/secret inside TLS;
- implicit TLS (`smtps://user:secret@…`): the same; in both, the server offers PIPELINING and the message goes out
  pipelined inside TLS;
- the same smtps server without BOXOFFICE_SMTP_CA_FILE (the system's roots only): the certificate is refused, nothing
  is sent, and the delivery stays undelivered and is tried again (the server's log says why).

The CA and the server's certificate (for 127.0.0.1 and localhost) are made with the `openssl` command in a temporary
folder and thrown away; no key is committed.

    python3 e2e/mail/mail_tls_test.py path/to/boxoffice

Installs aiosmtpd from PyPI when it is missing. Bounded to about a minute. Ends with `mail-tls: N passed, M failed`.
"""
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time

try:
    import aiosmtpd  # noqa: F401
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--root-user-action=ignore", "aiosmtpd"], check=True)
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "crash"))
import crash_test  # noqa: E402
from crash_test import Server, call, free_port, shows_on_sale  # noqa: E402
from mail_test import Inbox, book, user  # noqa: E402

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
crash_test.BIN = BIN
DEADLINE = time.time() + 55
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from checks import check, results  # noqa: E402


def left(at_most):
    """Seconds to wait, never past the test's deadline."""
    return max(0.5, min(at_most, DEADLINE - time.time()))


def make_certificates(folder):
    """A CA, a certificate it signs for 127.0.0.1 and localhost, and one for another name only."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=BoxOffice mail test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name, names in (("server", "IP:127.0.0.1,DNS:localhost"), ("elsewhere", "DNS:mail.elsewhere.example")):
        openssl("req", *curve, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={names.split(':')[1].split(',')[0]}")
        with open(os.path.join(folder, f"{name}.ext"), "w") as ext:
            ext.write(f"subjectAltName={names}\nbasicConstraints=CA:FALSE\n"
                      "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", f"{name}.pem",
                "-days", "1", "-extfile", f"{name}.ext")
    return [os.path.join(folder, name) for name in ("ca.pem", "server.pem", "server.key", "elsewhere.pem", "elsewhere.key")]


def in_tls(server, session):
    """Whether this SMTP session runs inside TLS: from the transport itself, so implicit TLS counts as well as STARTTLS."""
    transport = getattr(server, "transport", None)
    return session.ssl is not None or (transport is not None and transport.get_extra_info("ssl_object") is not None)


class Authenticator:
    """Accepts user/secret; remembers every attempt: (mechanism, login, whether the session was in TLS)."""

    def __init__(self):
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, "login", b"") or b""
        password = getattr(auth_data, "password", b"") or b""
        self.attempts.append((mechanism, login.decode(), in_tls(server, session)))
        return AuthResult(success=login == b"user" and password == b"secret")


class TLSInbox(Inbox):
    """An inbox that also notes whether each message came in over TLS, and as whom; it offers PIPELINING, so the
    messages go out pipelined inside TLS."""

    def __init__(self):
        super().__init__()
        self.pipelining = True
        self.sessions = []

    async def handle_DATA(self, server, session, envelope):
        self.sessions.append((in_tls(server, session), session.authenticated))
        return await super().handle_DATA(server, session, envelope)


class TLSController(Controller):
    """aiosmtpd's readiness probe wraps its socket with the server's own context, which a server-side context cannot
    do for implicit TLS; probe as a client instead."""

    def _trigger_server(self):
        probe = ssl.create_default_context()
        probe.check_hostname = False
        probe.verify_mode = ssl.CERT_NONE
        with socket.create_connection((self.hostname, self.port), 1.0) as raw:
            if self.ssl_context:
                with probe.wrap_socket(raw, server_hostname=self.hostname) as wrapped:
                    wrapped.recv(1024)
            else:
                raw.recv(1024)


def start_smtp(inbox, authenticator, context, implicit):
    port = free_port()
    common = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, ready_timeout=10)
    if implicit:
        # aiosmtpd's auth_require_tls only knows STARTTLS and would refuse AUTH on an implicit-TLS connection (538);
        # the authenticator checks that the session is in TLS instead.
        controller = TLSController(inbox, ssl_context=context, auth_require_tls=False, **common)
    else:
        controller = TLSController(inbox, tls_context=context, require_starttls=True, auth_require_tls=True, **common)
    controller.start()
    return controller, port


def undelivered(db):
    """(undelivered email deliveries, the most attempts of one, its last error) from the server's database."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
        count, attempts = connection.execute(
            "SELECT COUNT(*), COALESCE(MAX(attempts), 0) FROM outboxDeliveries WHERE channel = 'email' AND deliveredAt IS NULL").fetchone()
        error = connection.execute("SELECT lastError FROM outboxDeliveries WHERE deliveredAt IS NULL ORDER BY attempts DESC LIMIT 1").fetchone()
    return count, attempts, (error[0] if error else None)


def run_case(folder, name, scheme, ca_file, context, implicit):
    """One box office against one TLS mail server; returns (inbox, authenticator, server, address, db, log)."""
    inbox, authenticator = TLSInbox(), Authenticator()
    smtp, smtp_port = start_smtp(inbox, authenticator, context, implicit)
    port = free_port()
    db = os.path.join(folder, f"{name}.sqlite")
    log = os.path.join(folder, f"{name}.log")
    env = {"BOXOFFICE_SMTP_URL": f"{scheme}://user:secret@127.0.0.1:{smtp_port}", "BOXOFFICE_LOG_LEVEL": "info",
           "BOXOFFICE_PAYMENT_LATENCY_MS": "0", "BOXOFFICE_MAIL_FROM": "Test Cinemas <tickets@cinema.example>"}
    if ca_file:
        env["BOXOFFICE_SMTP_CA_FILE"] = ca_file
    server = Server(db, port, log=log, env=env)
    server.start()
    show = shows_on_sale(port)[0]["id"]
    status, detail = call("GET", port, f"/api/shows/{show}")
    seat = next(s["seatNumber"] for s in detail["seats"] if s["status"] == "available")
    address, token = user(port, name)
    booking_id, _ = book(port, token, show, [seat])
    return smtp, inbox, authenticator, server, address, db, log, booking_id


def main():
    folder = tempfile.mkdtemp(prefix="boxoffice-mail-tls-")
    running = []
    try:
        ca, certificate, key, elsewhere, elsewhere_key = make_certificates(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate, key)

        for name, scheme, implicit in (("starttls", "smtp", False), ("smtps", "smtps", True)):
            smtp, inbox, authenticator, server, address, db, log, booking_id = run_case(folder, name, scheme, ca, context, implicit)
            running += [smtp, server]
            got = inbox.wait(address, 1, left(15))
            check(f"{name}: the confirmation arrives through a TLS mail server trusted by BOXOFFICE_SMTP_CA_FILE", len(got) == 1,
                  f"{len(got)} emails; log: {open(log).read()[-600:]!r}")
            if got:
                check(f"{name}: ... with its booking's ticket link", booking_id in got[0][2].get_body(preferencelist=("plain",)).get_content())
            check(f"{name}: AUTH PLAIN as user/secret, accepted, inside TLS", authenticator.attempts == [("PLAIN", "user", True)],
                  f"{authenticator.attempts}")
            check(f"{name}: the message itself went over TLS, authenticated", inbox.sessions == [(True, True)], f"{inbox.sessions}")
            check(f"{name}: ... pipelined (PIPELINING offered): its MAIL FROM came with its RCPT TO and DATA", inbox.mail_with_rest == [True],
                  f"{inbox.mail_with_rest}")
            server.kill()
            smtp.stop()
            running = []

        # The system's roots only: our throwaway CA is not among them. Then the trusted CA, but a certificate for
        # another name than the address the client connects to.
        other = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        other.load_cert_chain(elsewhere, elsewhere_key)
        for name, ca_file, server_context, what in (("untrusted", None, context, "without BOXOFFICE_SMTP_CA_FILE the certificate is refused"),
                                                    ("wrong-name", ca, other, "a certificate of the trusted CA for another name is refused")):
            smtp, inbox, authenticator, server, address, db, log, _ = run_case(folder, name, "smtps", ca_file, server_context, True)
            running += [smtp, server]
            deadline = time.time() + left(8)
            count, attempts, error = undelivered(db)
            while time.time() < deadline and attempts < 2:
                time.sleep(0.25)
                count, attempts, error = undelivered(db)
            check(f"{what}: nothing is sent, no AUTH is tried",
                  inbox.to(address) == [] and authenticator.attempts == [], f"{len(inbox.to(address))} emails, AUTH {authenticator.attempts}")
            check(f"{name}: ... the delivery stays undelivered and is tried again (not lost)", count == 1 and attempts >= 2,
                  f"{count} undelivered, {attempts} attempts")
            text = open(log).read()
            check(f"{name}: ... and the server's log says why (the certificate)", "email not sent" in text and "CERTIFICATE" in ((error or "") + text).upper(),
                  f"lastError {error!r}; log {text[-600:]!r}")
            server.kill()
            smtp.stop()
            running = []
    except Exception as error:  # a broken harness is a failure, not a crash of the run
        check("the mail TLS test ran to the end", False, repr(error))
    finally:
        for thing in running:
            try:
                thing.kill() if isinstance(thing, Server) else thing.stop()
            except Exception:  # noqa: BLE001 - already stopped
                pass
    failed = sum(1 for _, problem in results if problem is not None)
    if failed:
        print(f"(the servers' logs are in {folder})")
    else:
        shutil.rmtree(folder, ignore_errors=True)  # the throwaway keys with it
    print(f"mail-tls: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
