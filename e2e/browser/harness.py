"""What the browser tests stand on: a BoxOffice server of their own, headless Chromium through Selenium,
REST helpers, and bounded waits. Nothing here reaches past 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "adminpass123-browser"


class CheckFailed(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def wait_until(probe, timeout=5.0, interval=0.05, message="condition"):
    """Polls `probe` until it returns something truthy; fails after `timeout` seconds. Returns that value."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Exception as error:  # a page still loading may throw; keep polling until the deadline
            last_error = error
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise CheckFailed(f"timed out after {timeout:.1f}s waiting for {message}{detail}")
        time.sleep(interval)


# MARK: the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`boxoffice serve --demo` on a fresh database and a free port, stopped at the end."""

    def __init__(self, binary: str, public_dir: str, artifacts: str, extra_args=(), name="browser-server"):
        self.extra_args = list(extra_args)
        self.binary = binary
        self.public_dir = public_dir
        self.artifacts = artifacts
        self.dir = tempfile.mkdtemp(prefix="boxoffice-browser-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = os.path.join(artifacts, f"{name}.log")

    def start(self, timeout=30.0):
        env = dict(os.environ)
        env.update({
            "BOXOFFICE_ADMIN_EMAIL": ADMIN_EMAIL,
            "BOXOFFICE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "BOXOFFICE_PUBLIC_DIR": self.public_dir,
            "BOXOFFICE_BCRYPT_COST": "4",
            "BOXOFFICE_RATE_LIMITS": "off",
            "BOXOFFICE_JWT_SECRET": "browser-tests-secret-" + uuid.uuid4().hex,
        })
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--db", os.path.join(self.dir, "bo.sqlite"), "--demo", *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server was not ready within {timeout}s; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)


# MARK: REST


class ApiFailure(Exception):
    def __init__(self, status, body):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


class Rest:
    def __init__(self, base: str):
        self.base = base

    def call(self, method, path, body=None, token=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            raise ApiFailure(error.code, json.loads(text) if text else None) from None

    def head(self, path):
        request = urllib.request.Request(self.base + path, method="GET")
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()
            return dict(answer.headers)

    def register(self, name="Test Person"):
        email = f"t{uuid.uuid4().hex[:12]}@example.com"
        answer = self.call("POST", "/api/auth/register", {"name": name, "email": email, "password": "password123"})
        return User(answer["user"], answer["token"], email, "password123")

    def admin(self):
        answer = self.call("POST", "/api/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        return User(answer["user"], answer["token"], ADMIN_EMAIL, ADMIN_PASSWORD)

    def lock(self, user, show_id, seats):
        return self.call("POST", "/api/bookings/lock-seats", {"showId": show_id, "seats": seats}, token=user.token)

    def pay(self, user, booking_id, method="upi", card=None):
        payment = self.call("POST", "/api/payments/initiate", {"bookingId": booking_id, "paymentMethod": method}, token=user.token)
        return self.call("POST", f"/api/payments/{payment['id']}/process", {"card": card} if card else {}, token=user.token)

    def show(self, show_id):
        return self.call("GET", f"/api/shows/{show_id}")

    def all(self, path):
        items, cursor = [], None
        for _ in range(20):
            sep = "&" if "?" in path else "?"
            answer = self.call("GET", f"{path}{sep}limit=200" + (f"&cursor={cursor}" if cursor else ""))
            items += answer["items"]
            cursor = answer.get("nextCursor")
            if not cursor:
                break
        return items


@dataclass
class User:
    user: dict
    token: str
    email: str
    password: str


class ShowPool:
    """Hands each test its own future shows, so no test sees another's seats."""

    def __init__(self, rest: Rest, min_lead_seconds=3600):
        now = time.time()
        shows = rest.all("/api/shows")
        self.shows = [s for s in shows if parse_time(s["startsAt"]) - now > min_lead_seconds]
        self.shows.sort(key=lambda s: s["startsAt"])
        self.used = set()

    def take(self, where=lambda s: True):
        for show in self.shows:
            if show["id"] not in self.used and where(show):
                self.used.add(show["id"])
                return show
        raise CheckFailed("no unused show left in the demo catalog")


def parse_time(text):
    import datetime
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


# MARK: the browser


@dataclass
class Browser:
    driver: webdriver.Chrome
    base: str
    seen_logs: list = field(default_factory=list)

    def open(self, path):
        self.driver.get(self.base + path)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def sign_in_as(self, user: User):
        """Puts the user's JWT where the pages keep it (localStorage["boxoffice.token"])."""
        if not self.driver.current_url.startswith(self.base):
            self.open("/kiosk.html")  # any page of the origin; without a show it fetches nothing
        self.js("localStorage.setItem('boxoffice.token', arguments[0])", user.token)

    def status_of(self, seat):
        return self.js("const b = document.querySelector(`[data-seat=\"${arguments[0]}\"]`); return b ? b.dataset.status : null", seat)

    def wait_status(self, seat, status, timeout=2.0):
        return wait_until(lambda: self.status_of(seat) == status, timeout, message=f"seat {seat} to be {status} (it is {self.status_of(seat)})")

    def click(self, selector):
        element = wait_until(lambda: self.driver.find_element("css selector", selector), 5, message=selector)
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        return element

    def text(self, selector):
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", selector)

    def visible(self, selector):
        return self.js("const e = document.querySelector(arguments[0]); return !!e && !e.hidden && e.getClientRects().length > 0", selector)

    def logs(self):
        entries = self.driver.get_log("browser")
        self.seen_logs += entries
        return entries

    def severe(self, allow=()):
        """Browser log entries at SEVERE (uncaught errors, console.error, CSP violations, failed loads), less the allowed substrings."""
        self.logs()
        return [e for e in self.seen_logs if e.get("level") == "SEVERE" and not any(a in e.get("message", "") for a in allow)]

    def screenshot(self, path):
        self.driver.save_screenshot(path)

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass


def chrome(base: str, width=1280, height=900) -> Browser:
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
                     "--force-device-scale-factor=1", "--lang=en-IN", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    binary = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER_BIN") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(10)
    return Browser(driver, base)


def set_viewport(browser: Browser, width, height):
    """Exact CSS viewport (the window size of headless Chromium includes invisible browser chrome)."""
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600,
    })
