#!/usr/bin/env python3
"""Runs the browser tests against a server of their own and ends with `browser: N passed, M failed`.

    python3 e2e/browser/run.py [--bin .build/debug/boxoffice] [--artifacts test-artifacts] [--docs] [-k WORD]

--docs also copies the screenshots to docs/screenshots/ (seat-picker.png, kiosk.png, admin-report.png, …)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from harness import Rest, Server, ShowPool, chrome  # noqa: E402
import test_admin  # noqa: E402
import test_pages  # noqa: E402


class Context:
    def __init__(self, server: Server, artifacts: str, public_dir: str):
        self.server = server
        self.base = server.base
        self.rest = Rest(server.base)
        self.pool = ShowPool(self.rest)
        self.artifacts = artifacts
        self.public_dir = public_dir
        self.browsers = []
        self.notes = []
        self.screenshots = []
        self.servers = []

    def browser(self, width=1280, height=900):
        browser = chrome(self.base, width, height)
        self.browsers.append(browser)
        return browser

    def screenshot(self, browser, name):
        path = os.path.join(self.artifacts, name)
        browser.screenshot(path)
        self.screenshots.append(path)

    def extra_server(self, *args, name="browser-server-2"):
        """Another server (e.g. with a short hold); stopped at the end of the run."""
        server = Server(self.server.binary, self.public_dir, self.artifacts, extra_args=args, name=name)
        self.servers.append(server)
        server.start()
        return server

    def note(self, text):
        self.notes.append(text)

    def close_browsers(self, test_name):
        for index, browser in enumerate(self.browsers):
            try:
                with open(os.path.join(self.artifacts, f"browser-{test_name}-{index}.log"), "w") as log:
                    for entry in browser.seen_logs + browser.driver.get_log("browser"):
                        log.write(f"{entry.get('level')} {entry.get('message')}\n")
            except Exception:
                pass
            browser.quit()
        self.browsers = []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.environ.get("BOXOFFICE_BIN", os.path.join(ROOT, ".build/debug/boxoffice")))
    parser.add_argument("--artifacts", default=os.environ.get("TEST_ARTIFACTS", os.path.join(ROOT, "test-artifacts")))
    parser.add_argument("--public", default=os.path.join(ROOT, "public"))
    parser.add_argument("--docs", action="store_true", help="copy the screenshots into docs/screenshots")
    parser.add_argument("-k", dest="only", default=None, help="run only tests whose name contains this")
    args = parser.parse_args()

    os.makedirs(args.artifacts, exist_ok=True)
    tests = [t for t in test_pages.TESTS + test_admin.TESTS if not args.only or args.only in t.__name__]
    server = Server(os.path.abspath(args.bin), os.path.abspath(args.public), os.path.abspath(args.artifacts))
    passed, failed = 0, 0
    began = time.monotonic()
    try:
        server.start()
        context = Context(server, os.path.abspath(args.artifacts), os.path.abspath(args.public))
        print(f"browser tests against {server.base} ({len(tests)} tests)", flush=True)
        for test in tests:
            name = test.__name__.removeprefix("test_")
            started = time.monotonic()
            context.notes = []
            try:
                test(context)
                passed += 1
                outcome = "PASS"
                detail = ""
            except Exception as error:
                failed += 1
                outcome = "FAIL"
                detail = f"\n      {type(error).__name__}: {error}"
                with open(os.path.join(args.artifacts, f"browser-{name}.failure.txt"), "w") as out:
                    out.write(traceback.format_exc())
                for index, browser in enumerate(context.browsers):
                    try:
                        browser.screenshot(os.path.join(args.artifacts, f"browser-{name}-failure-{index}.png"))
                    except Exception:
                        pass
            finally:
                context.close_browsers(name)
            notes = "".join(f"\n      {n}" for n in context.notes)
            print(f"  {outcome} {name} ({time.monotonic() - started:.1f}s){detail}{notes}", flush=True)
        if args.docs:
            target = os.path.join(ROOT, "docs", "screenshots")
            os.makedirs(target, exist_ok=True)
            for path in context.screenshots:
                if os.path.basename(path) in ("seat-picker.png", "kiosk.png"):
                    shutil.copy(path, target)
    except Exception as error:
        failed += 1
        print(f"  FAIL setup: {error}", flush=True)
        traceback.print_exc()
    finally:
        for extra in getattr(locals().get("context"), "servers", []):
            extra.stop()
        server.stop()
    print(f"({time.monotonic() - began:.0f}s)")
    print(f"browser: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
