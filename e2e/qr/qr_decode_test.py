#!/usr/bin/env python3
"""The QR encoder proven by a real decoder: for hundreds of seeded random inputs — ticket codes in the API's format,
ticket links of every length up to version 10's capacity, arbitrary UTF-8 text, and the boundary lengths of every
version — runs `boxoffice qr`, renders the SVG with rsvg-convert at three scales, decodes the PNGs with zbarimg
and compares the bytes exactly. Also checks that every version 1–10 and every mask 0–7 was exercised, that a
text too long for version 10 is refused, and that the QR codes a demo server serves on its tickets
(`GET /api/bookings/:id/ticket`) read back as their ticket codes.

    python3 e2e/qr/qr_decode_test.py [path/to/boxoffice] [--seed N] [--count N]

Installs Debian's zbar-tools and librsvg2-bin when zbarimg or rsvg-convert is missing (needs root). stdlib only;
ends with `qr: N passed, M failed`.
"""
import argparse
import collections
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree

# Byte mode capacities at level M, versions 1–10 (ISO/IEC 18004 Table 7).
CAPACITIES = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# How each input is rendered: pixels per module 3 and 5 (rsvg-convert --zoom; the SVG's size is its viewBox, in
# modules), and a fixed 301 px width, which makes modules a fraction of a pixel wide at every version.
SCALES = [["--zoom", "3"], ["--zoom", "5"], ["--width", "301"]]
# Separates images in one zbarimg run: with -Sbinary it prints each symbol's bytes with nothing between them.
SEPARATOR = "~~qr-test-separator~~"
BATCH = 60
SVG_NS = "{http://www.w3.org/2000/svg}"


def ensure_tools():
    """zbarimg and rsvg-convert, installed from Debian when missing; False with a message when that cannot be done."""
    if shutil.which("zbarimg") and shutil.which("rsvg-convert"):
        return True
    print("qr: zbarimg or rsvg-convert is missing; installing Debian's zbar-tools and librsvg2-bin", file=sys.stderr)
    if os.geteuid() != 0:
        print("qr: installing needs root: run `apt-get install zbar-tools librsvg2-bin` and try again", file=sys.stderr)
        return False
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "zbar-tools", "librsvg2-bin"]):
        if subprocess.run(command, env=environment, stdout=subprocess.DEVNULL).returncode != 0:
            print(f"qr: `{' '.join(command)}` failed", file=sys.stderr)
            return False
    return bool(shutil.which("zbarimg") and shutil.which("rsvg-convert"))


# MARK: inputs

def ticket_code(rng):
    """A ticket code as the API writes them: 60 to 80 random bits in Crockford base32, in groups of four."""
    bits = rng.randint(60, 80)
    characters = "".join(rng.choice(CROCKFORD) for _ in range((bits + 4) // 5))
    return "-".join(characters[index:index + 4] for index in range(0, len(characters), 4))


def ticket_link(rng, length):
    """A link to a ticket page, `length` bytes long (at least the bare link's length)."""
    base = "https://cinema.example.com/ticket.html?booking=bkg_" + "".join(rng.choice(CROCKFORD) for _ in range(26))
    extra = length - len(base)
    if extra >= 8:
        tail = "&utm=" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-_.~%") for _ in range(extra - 5))
        return base + tail
    return base + "".join(rng.choice(CROCKFORD) for _ in range(max(0, extra)))


def utf8_text(rng, max_bytes):
    """Arbitrary text: ASCII, Latin, Greek, Cyrillic, CJK, emoji, tabs and newlines, at most `max_bytes` of UTF-8."""
    ranges = [(0x20, 0x7E), (0x20, 0x7E), (0xA0, 0x17F), (0x391, 0x3C9), (0x410, 0x44F), (0x4E00, 0x9FFF),
              (0x3040, 0x30FF), (0x1F300, 0x1F64F), (0x09, 0x0A)]
    text = ""
    target = rng.randint(1, max_bytes)
    while True:
        low, high = rng.choice(ranges)
        character = chr(rng.randint(low, high))
        if len((text + character).encode()) > target:
            return text or "x"
        text += character


def ascii_of_length(rng, length):
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -./:?&=") for _ in range(length))


def inputs(rng, count):
    """(kind, text) pairs: the boundary lengths of every version first, then random tickets, links and text."""
    cases = []
    for capacity in CAPACITIES:
        cases.append(("boundary", ascii_of_length(rng, capacity)))
        if capacity < CAPACITIES[-1]:
            cases.append(("boundary", ascii_of_length(rng, capacity + 1)))
    cases.append(("boundary", "7"))
    while len(cases) < count:
        kind = rng.choice(["ticket", "link", "link", "text"])
        if kind == "ticket":
            cases.append((kind, ticket_code(rng)))
        elif kind == "link":
            cases.append((kind, ticket_link(rng, rng.randint(78, CAPACITIES[-1]))))
        else:
            cases.append((kind, utf8_text(rng, CAPACITIES[-1])))
    return cases


# MARK: the pipeline

def encode(binary, index, text, directory):
    """Runs `boxoffice qr --describe`; returns (svg path, version, mask) or raises with what went wrong."""
    result = subprocess.run([binary, "qr", "--describe", "--", text], capture_output=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"boxoffice qr exited {result.returncode}: {result.stderr.decode(errors='replace')[-300:]}")
    described = re.search(rb"version (\d+), mask (\d), (\d+) modules", result.stderr)
    if not described:
        raise AssertionError(f"no --describe line in {result.stderr[-200:]!r}")
    version, mask, size = (int(group) for group in described.groups())
    # The document must parse as XML and measure the symbol plus a 4-module quiet zone on each side.
    root = ElementTree.fromstring(result.stdout)
    side = size + 8
    if root.tag != SVG_NS + "svg" or root.get("viewBox") != f"0 0 {side} {side}" or size != 17 + 4 * version:
        raise AssertionError(f"unexpected svg root {root.tag} viewBox={root.get('viewBox')} size={size}")
    # The inputs hold no characters XML cannot carry, so the title is the text itself.
    if root.find(SVG_NS + "title").text != text:
        raise AssertionError("the title is not the text")
    path = os.path.join(directory, f"{index}.svg")
    with open(path, "wb") as file:
        file.write(result.stdout)
    return path, version, mask


def render(svg, scale, png):
    result = subprocess.run(["rsvg-convert", *scale, "--output", png, svg], capture_output=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"rsvg-convert {' '.join(scale)} failed: {result.stderr.decode(errors='replace')[-300:]}")


def decode(pngs, separator_png):
    """The bytes zbarimg reads from each PNG (b"" when it finds nothing), in one zbarimg run."""
    arguments = []
    for png in pngs:
        arguments += [png, separator_png]
    result = subprocess.run(
        ["zbarimg", "--nodbus", "--raw", "-q", "-Sbinary", "-Sdisable", "-Sqrcode.enable", *arguments],
        capture_output=True, timeout=120)
    parts = result.stdout.split(SEPARATOR.encode())
    if len(parts) != len(pngs) + 1 or parts[-1].strip():
        raise AssertionError(f"zbarimg output does not split into {len(pngs)} images (exit {result.returncode})")
    return parts[:-1]


def served_tickets(binary, directory, separator_png, count=12):
    """The QR codes the server serves: books and pays `count` tickets on a demo server, renders each ticket's `qr`
    and decodes it. Returns the failures (empty when every one reads back as its booking's ticket code)."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "crash"))
    import crash_test
    from crash_test import Server, book_seats, call, free_port, shows_on_sale
    crash_test.BIN = binary
    port = free_port()
    server = Server(os.path.join(directory, "tickets.sqlite"), port, log=os.path.join(directory, "server.log"))
    failures = []
    try:
        server.start()
        status, body = call("POST", port, "/api/auth/register", {"name": "Q", "email": "qr@example.com", "password": "password-123"})
        token = body["token"]
        show = shows_on_sale(port)[0]["id"]
        status, detail = call("GET", port, f"/api/shows/{show}")
        free = [seat["seatNumber"] for seat in detail["seats"] if seat["status"] == "available"]
        tickets = []
        for number in range(count):
            booking = {"id": book_seats(port, token, show, [free[number]])[0]}
            status, ticket = call("GET", port, f"/api/bookings/{booking['id']}/ticket", token=token)
            if status != 200:
                failures.append(f"ticket {booking['id']}: {status} {str(ticket)[:200]}")
                continue
            svg = os.path.join(directory, f"served-{number}.svg")
            with open(svg, "w") as file:
                file.write(ticket["qr"])
            png = os.path.join(directory, f"served-{number}.png")
            render(svg, ["--zoom", "4"], png)
            tickets.append((ticket["ticketCode"], png))
        for (code, _), data in zip(tickets, decode([png for _, png in tickets], separator_png)):
            if data != code.encode():
                failures.append(f"served ticket {code}: zbarimg read {data[:40]!r}")
    finally:
        if server.process and server.process.poll() is None:
            server.kill()
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", nargs="?", default=".build/debug/boxoffice")
    parser.add_argument("--seed", type=int, default=20261215)
    parser.add_argument("--count", type=int, default=240, help="inputs, boundary lengths included")
    options = parser.parse_args()
    if not ensure_tools():
        print("qr: 0 passed, 1 failed")
        return 1
    started = time.monotonic()
    rng = random.Random(options.seed)
    cases = inputs(rng, options.count)
    failures = {}  # case index → reason
    passed_checks = 0
    failed_checks = 0
    versions = collections.Counter()
    masks = collections.Counter()
    workers = max(2, os.cpu_count() or 2)
    with tempfile.TemporaryDirectory(prefix="boxoffice-qr.") as directory, \
            concurrent.futures.ThreadPoolExecutor(workers) as pool:
        separator_svg = encode(options.binary, "separator", SEPARATOR, directory)[0]
        separator_png = os.path.join(directory, "separator.png")
        render(separator_svg, ["--zoom", "4"], separator_png)

        stages = [("encoded", time.monotonic())]
        encoded = {}
        for index, future in [(index, pool.submit(encode, options.binary, index, text, directory))
                              for index, (_, text) in enumerate(cases)]:
            try:
                encoded[index] = future.result()
            except Exception as error:  # noqa: BLE001 - any failure of one input is that input's failure
                failures[index] = f"encode: {error}"

        stages.append(("rendered", time.monotonic()))
        jobs = []  # (case index, png)
        renders = []
        for index, (svg, version, mask) in encoded.items():
            versions[version] += 1
            masks[mask] += 1
            for number, scale in enumerate(SCALES):
                png = os.path.join(directory, f"{index}-{number}.png")
                jobs.append((index, png, " ".join(scale)))
                renders.append((index, pool.submit(render, svg, scale, png)))
        for index, future in renders:
            try:
                future.result()
            except Exception as error:  # noqa: BLE001
                failures.setdefault(index, f"render: {error}")

        stages.append(("decoded", time.monotonic()))
        jobs = [job for job in jobs if job[0] not in failures]
        batches = [jobs[start:start + BATCH] for start in range(0, len(jobs), BATCH)]
        decoded = [(batch, pool.submit(decode, [png for _, png, _ in batch], separator_png)) for batch in batches]
        for batch, future in decoded:
            try:
                results = future.result()
            except Exception as error:  # noqa: BLE001
                for index, _, _ in batch:
                    failures.setdefault(index, f"decode: {error}")
                continue
            for (index, _, scale), data in zip(batch, results):
                expected = cases[index][1].encode()
                if data != expected and index not in failures:
                    failures[index] = f"at {scale} zbarimg read {data[:80]!r}, expected {expected[:80]!r}"

        stages.append(("done", time.monotonic()))
        for index, (kind, text) in enumerate(cases):
            if index in failures:
                failed_checks += 1
                version = encoded.get(index, (None, "?", "?"))
                print(f"FAIL {kind} #{index} ({len(text.encode())} bytes, version {version[1]}, mask {version[2]}): "
                      f"{failures[index]}")
            else:
                passed_checks += 1

        try:
            served = served_tickets(options.binary, directory, separator_png)
        except Exception as error:  # noqa: BLE001 - a broken harness is a failure
            served = [f"served tickets: {error!r}"]
        if served:
            failed_checks += 1
            print(f"FAIL the QR codes the server serves on tickets: {served[:3]}")
        else:
            passed_checks += 1
            print("ok   the QR code of each of 12 tickets the server issued (GET /api/bookings/:id/ticket) reads back as its code")

        # A text one byte past version 10 is refused with a message, and nothing is printed.
        too_long = subprocess.run([options.binary, "qr", "--", "x" * (CAPACITIES[-1] + 1)], capture_output=True, timeout=30)
        if too_long.returncode != 0 and not too_long.stdout and b"at most 213" in too_long.stderr:
            passed_checks += 1
        else:
            failed_checks += 1
            print(f"FAIL 214 bytes: exit {too_long.returncode}, stderr {too_long.stderr[-200:]!r}")

    for name, seen, wanted in [("versions", versions, set(range(1, 11))), ("masks", masks, set(range(8)))]:
        counts = ", ".join(f"{key}: {seen[key]}" for key in sorted(seen))
        if set(seen) >= wanted:
            passed_checks += 1
            print(f"ok   every one of the {name} exercised ({counts})")
        else:
            failed_checks += 1
            print(f"FAIL {name} never exercised: {sorted(wanted - set(seen))} ({counts})")

    kinds = {kind: sum(1 for k, _ in cases if k == kind) for kind in ("ticket", "link", "text", "boundary")}
    print(f"decoded {len(cases)} inputs ({', '.join(f'{n} {k}' for k, n in kinds.items())}) at {len(SCALES)} scales "
          f"each, seed {options.seed}, in {time.monotonic() - started:.1f} s ("
          + ", ".join(f"{name} in {end - start:.1f} s" for (name, start), (_, end) in zip(stages, stages[1:])) + ")")
    print(f"qr: {passed_checks} passed, {failed_checks} failed")
    return 1 if failed_checks else 0


if __name__ == "__main__":
    sys.exit(main())
