#!/usr/bin/env python3
"""The live socket's wire protocol against the real binary, byte by byte (RFC 6455, RFC 7692): what a raw client
sees for the handshake, permessage-deflate, fragments, control frames, every way to break the protocol, and a
SIGTERM with sockets open; and HTTP/1.1 that the server cannot parse or will not read, answered and closed.

    python3 e2e/live/wire_test.py [path/to/boxoffice]

stdlib only; ends with `live-wire: N passed, M failed`.
"""
import base64
import json
import os
import signal
import socket
import struct
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "crash"))
import crash_test  # noqa: E402
from crash_test import Server, call, free_port  # noqa: E402

crash_test.BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/boxoffice"
results = []


def test(name):
    def wrap(function):
        def run(server):
            try:
                function(server)
                results.append((name, None))
                print(f"ok   {name}")
            except (AssertionError, OSError) as error:
                results.append((name, repr(error)))
                print(f"FAIL {name}: {error!r}")
        run.__name__ = function.__name__
        return run
    return wrap


class Socket:
    """A raw WebSocket client: it frames, masks and compresses by hand, so it can also break every rule."""

    def __init__(self, port, path="/ws", extensions=None, handshake=True):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buffer = b""
        self.status = None
        self.headers = {}
        if handshake:
            self.handshake(path, extensions)

    def handshake(self, path="/ws", extensions=None, first=b""):
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
        if extensions:
            request += f"Sec-WebSocket-Extensions: {extensions}\r\n"
        self.sock.sendall(first + (request + "\r\n").encode())
        self.read_head()

    def read_head(self):
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed before the response head")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in lines[1:]}

    def read_error_code(self):
        """The answer's body, which must be the contract's error shape; returns its code."""
        length = int(self.headers.get("content-length", "0"))
        while len(self.buffer) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buffer += chunk
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        error = json.loads(body or b"null")
        assert isinstance(error, dict) and isinstance(error.get("error"), dict), f"not the error shape: {body!r}"
        assert error["error"].get("code") and error["error"].get("message"), f"not the error shape: {body!r}"
        return error["error"]["code"]

    def send_frame(self, opcode, payload, fin=True, rsv1=False, rsv2=False, masked=True):
        first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | (0x20 if rsv2 else 0) | opcode
        length = len(payload)
        if length < 126:
            header = bytes([first, (0x80 if masked else 0) | length])
        elif length < 65536:
            header = bytes([first, (0x80 if masked else 0) | 126]) + struct.pack(">H", length)
        else:
            header = bytes([first, (0x80 if masked else 0) | 127]) + struct.pack(">Q", length)
        if masked:
            mask = os.urandom(4)
            payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
            header += mask
        self.sock.sendall(header + payload)

    def send_text(self, message, **options):
        self.send_frame(0x1, json.dumps(message).encode() if not isinstance(message, bytes) else message, **options)

    def send_compressed(self, message, split=None):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = compressor.compress(message if isinstance(message, bytes) else json.dumps(message).encode())
        data += compressor.flush(zlib.Z_SYNC_FLUSH)
        assert data.endswith(b"\x00\x00\xff\xff")
        data = data[:-4]
        if split is None:
            self.send_frame(0x1, data, rsv1=True)
        else:
            self.send_frame(0x1, data[:split], fin=False, rsv1=True)
            self.send_frame(0x0, data[split:])

    def read_frame(self, timeout=5):
        """(opcode, payload), or None when the connection closed."""
        self.sock.settimeout(timeout)
        while True:
            frame = self.parse()
            if frame:
                return frame
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buffer += chunk

    def parse(self):
        if len(self.buffer) < 2:
            return None
        first, second = self.buffer[0], self.buffer[1]
        assert second & 0x80 == 0, "server frames are never masked"
        length, offset = second & 0x7F, 2
        if length == 126:
            if len(self.buffer) < 4:
                return None
            length, offset = struct.unpack(">H", self.buffer[2:4])[0], 4
        elif length == 127:
            if len(self.buffer) < 10:
                return None
            length, offset = struct.unpack(">Q", self.buffer[2:10])[0], 10
        if len(self.buffer) < offset + length:
            return None
        payload = self.buffer[offset:offset + length]
        self.buffer = self.buffer[offset + length:]
        assert first & 0x70 == 0, "the server sends its messages uncompressed, RSV bits clear"
        return first & 0x0F, payload

    def read_message(self):
        """The next text message as JSON, skipping control frames."""
        while True:
            frame = self.read_frame()
            assert frame is not None, "closed while waiting for a message"
            if frame[0] == 0x1:
                return json.loads(frame[1])
            assert frame[0] in (0x9, 0xA), f"unexpected frame {frame}"

    def expect_close(self, code):
        """Reads until the close frame; checks its code and that the server then ends the connection."""
        while True:
            frame = self.read_frame()
            assert frame is not None, f"connection dropped without a close frame (wanted {code})"
            if frame[0] == 0x8:
                got = struct.unpack(">H", frame[1][:2])[0] if len(frame[1]) >= 2 else None
                assert got == code, f"close code {got}, wanted {code}: {frame[1][2:]!r}"
                break
        assert self.read_frame() is None, "the server keeps the connection open after its close frame"

    def close(self):
        self.sock.close()


PING = {"op": "ping"}


@test("handshake: 101 with no extension unless asked; a permessage-deflate offer is accepted without context takeover")
def handshake(server):
    plain = Socket(server.port)
    assert plain.status == 101, plain.status
    assert "sec-websocket-extensions" not in plain.headers, plain.headers
    plain.close()
    browser = Socket(server.port, extensions="permessage-deflate; client_max_window_bits")
    answer = browser.headers.get("sec-websocket-extensions", "")
    params = {part.strip() for part in answer.split(";")}
    assert {"permessage-deflate", "client_no_context_takeover", "server_no_context_takeover"} <= params, answer
    browser.close()
    asked = Socket(server.port, extensions="permessage-deflate; server_max_window_bits=10")
    assert "server_max_window_bits=10" in asked.headers.get("sec-websocket-extensions", ""), asked.headers
    asked.close()
    malformed = ("permessage-deflate; foo=1", "permessage-deflate; server_max_window_bits=20", "x-webkit-deflate-frame",
                 "permessage-deflate;=", "permessage-deflate; ; x", "permessage-deflate; =9",
                 "permessage-deflate; server_max_window_bits=+10", "permessage-deflate; client_max_window_bits=010",
                 "permessage-deflate; client_no_context_takeover; client_no_context_takeover")
    for offer in malformed:
        declined = Socket(server.port, extensions=offer)
        assert declined.status == 101 and "sec-websocket-extensions" not in declined.headers, (offer, declined.headers)
        declined.close()
    second = Socket(server.port, extensions="permessage-deflate; foo, permessage-deflate; client_max_window_bits=9")
    assert second.headers.get("sec-websocket-extensions", "").startswith("permessage-deflate"), second.headers
    second.close()


@test("compressed messages, whole or in fragments, are inflated and answered; exactly 64 KiB fits, compressed or not")
def compressed(server):
    client = Socket(server.port, extensions="permessage-deflate; client_max_window_bits")
    client.send_compressed(PING)
    assert client.read_message() == {"type": "pong"}
    client.send_compressed(PING, split=3)
    assert client.read_message() == {"type": "pong"}
    client.send_compressed(b'{"op":"subscribe","show":"shw_nope"}')
    reply = client.read_message()
    assert reply["type"] == "error" and reply["code"] == "unknown_show", reply
    client.send_text(PING)  # uncompressed on a deflate socket is fine too
    assert client.read_message() == {"type": "pong"}
    largest = b'{"op":"ping","pad":"' + b"x" * (65536 - 22) + b'"}'
    assert len(largest) == 65536
    client.send_compressed(largest)
    assert client.read_message() == {"type": "pong"}
    client.send_text(largest)
    assert client.read_message() == {"type": "pong"}
    client.close()


@test("a text message in three fragments with a ping between them: the pong first, then the answer")
def fragments(server):
    client = Socket(server.port)
    data = json.dumps(PING).encode()
    client.send_frame(0x1, data[:4], fin=False)
    client.send_frame(0x0, data[4:8], fin=False)
    client.send_frame(0x9, b"hello")
    client.send_frame(0x0, data[8:])
    assert client.read_frame() == (0xA, b"hello")
    assert client.read_message() == {"type": "pong"}
    client.close()


@test("protocol errors close with 1002: unmasked, RSV1 without deflate, RSV2, stray continuation, new message mid-fragment, long ping")
def protocol_errors(server):
    cases = [
        lambda c: c.send_text(PING, masked=False),
        lambda c: c.send_text(PING, rsv1=True),
        lambda c: c.send_text(PING, rsv2=True),
        lambda c: c.send_frame(0x0, b"{}"),
        lambda c: (c.send_frame(0x1, b"{", fin=False), c.send_frame(0x1, b"}")),
        lambda c: c.send_frame(0x9, b"x" * 126),
        lambda c: c.send_frame(0x3, b"reserved opcode"),
    ]
    for index, case in enumerate(cases):
        client = Socket(server.port)
        case(client)
        try:
            client.expect_close(1002)
        except AssertionError as error:
            raise AssertionError(f"case {index}: {error}")
        client.close()


@test("invalid UTF-8 closes with 1007; over 64 KiB, in fragments or inflated, closes with 1009")
def payload_errors(server):
    client = Socket(server.port)
    client.send_text(b'{"op":"\xff\xfe"}')
    client.expect_close(1007)
    client.close()
    client = Socket(server.port)
    client.send_frame(0x1, b"[" * 40000, fin=False)
    client.send_frame(0x0, b"[" * 40000)
    client.expect_close(1009)
    client.close()
    bomb = Socket(server.port, extensions="permessage-deflate")
    bomb.send_compressed(b" " * 300000)  # a few hundred bytes on the wire
    bomb.expect_close(1009)
    bomb.close()
    garbage = Socket(server.port, extensions="permessage-deflate")
    garbage.send_frame(0x1, b"\xff\xff\xff\xff not deflate", rsv1=True)
    garbage.expect_close(1002)
    garbage.close()


@test("a client's close is answered with its code (an invalid code with 1002) and the connection ends; so does a FIN")
def client_close(server):
    for sent, answered in ((1000, 1000), (4000, 4000), (1005, 1002)):
        client = Socket(server.port)
        client.send_frame(0x8, struct.pack(">H", sent) + b"bye")
        client.expect_close(answered)
        client.close()
    half = Socket(server.port)
    half.sock.shutdown(socket.SHUT_WR)
    assert half.read_frame(timeout=3) is None, "a client that sent FIN is still connected"
    half.close()
    other = Socket(server.port)
    other.send_text(PING)
    assert other.read_message() == {"type": "pong"}
    other.close()


@test("upgrades the server does not do: another path, a bad key or no Connection: Upgrade gets 400, another version 426, each in the error shape; a late upgrade 307; h2c is served as HTTP/1.1")
def refused(server):
    other = Socket(server.port, path="/api/shows")
    assert other.status == 400, other.status
    assert other.read_error_code() == "not_a_websocket"
    other.close()
    late = Socket(server.port, handshake=False)
    late.handshake(first=b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert late.status == 200, late.status  # the /healthz answer first
    length = int(late.headers.get("content-length", "0"))
    while len(late.buffer) < length:
        late.buffer += late.sock.recv(65536)
    late.buffer = late.buffer[length:]
    late.read_head()
    assert late.status == 307 and late.headers.get("location") == "/ws", (late.status, late.headers)
    late.close()
    late_bad = Socket(server.port, handshake=False)
    late_bad.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                          b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
    late_bad.read_head()
    # The /healthz answer first, then the refusal.
    length = int(late_bad.headers.get("content-length", "0"))
    while len(late_bad.buffer) < length:
        late_bad.buffer += late_bad.sock.recv(65536)
    late_bad.buffer = late_bad.buffer[length:]
    late_bad.read_head()
    assert late_bad.status == 426, f"a late upgrade of another version is refused, got {late_bad.status}"
    assert late_bad.read_error_code() == "unsupported_websocket_version"
    late_bad.close()
    h2c = Socket(server.port, handshake=False)
    h2c.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                     b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n")
    h2c.read_head()
    assert h2c.status == 200, f"an h2c upgrade (curl --http2) is served as HTTP/1.1, got {h2c.status}"
    h2c.close()
    good_key = "Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)).decode()
    no_connection = Socket(server.port, handshake=False)
    no_connection.sock.sendall(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
                                f"{good_key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    no_connection.read_head()
    assert no_connection.status == 400, f"an upgrade without Connection: Upgrade is refused, got {no_connection.status}"
    assert no_connection.read_error_code() == "invalid_handshake"
    no_connection.close()
    bad_handshakes = (
        (["Sec-WebSocket-Version: 8", good_key], 426),
        ([good_key], 426),
        (["Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: short"], 400),
        (["Sec-WebSocket-Version: 13"], 400),
    )
    for headers, status in bad_handshakes:
        bad = Socket(server.port, handshake=False)
        lines = ["GET /ws HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade", *headers]
        header = headers
        bad.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        bad.read_head()
        assert bad.status == status, (header, bad.status, bad.headers)
        if status == 426:
            assert bad.headers.get("sec-websocket-version") == "13", bad.headers
        assert bad.read_error_code() == ("unsupported_websocket_version" if status == 426 else "invalid_handshake")
        bad.close()


def raw_exchange(port, data, timeout=3):
    """Sends raw bytes; returns (status, headers, body, closed, seconds): the whole answer, whether the server closed the
    connection after it, and how long that took. Reads at most `timeout` seconds."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    started = time.time()
    try:
        sock.sendall(data)
        received, closed = b"", False
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
        elapsed = time.time() - started
    finally:
        sock.close()
    assert b"\r\n\r\n" in received, f"no answer within {timeout} s: {received[:200]!r}"
    head, body = received.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {line.split(":", 1)[0].strip().lower(): line.split(":", 1)[1].strip() for line in lines[1:]}
    return int(lines[0].split()[1]), headers, body, closed, elapsed


def expect_refusal(port, data, status, code, name):
    """The answer to `data` is `status` with the error `code` in the contract's shape, JSON, `Connection: close`, and
    the connection is closed at once (not after the 60 s idle timeout)."""
    got, headers, body, closed, elapsed = raw_exchange(port, data)
    assert got == status, f"{name}: status {got}, wanted {status}: {body[:200]!r}"
    assert headers.get("content-type", "").startswith("application/json"), f"{name}: {headers}"
    assert headers.get("connection", "").lower() == "close", f"{name}: no Connection: close: {headers}"
    assert int(headers.get("content-length", "-1")) == len(body), f"{name}: body {len(body)} bytes, Content-Length {headers}"
    error = json.loads(body)
    assert isinstance(error.get("error"), dict) and error["error"].get("message"), f"{name}: not the error shape: {body!r}"
    assert error["error"].get("code") == code, f"{name}: code {error['error'].get('code')}, wanted {code}"
    assert closed and elapsed < 2, f"{name}: connection closed={closed} after {elapsed:.1f} s"


LOGIN = b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"


@test("HTTP the decoder cannot parse is answered in the error shape with Connection: close and closed at once: a request "
      "line or a header over 80 KiB or over 100 fields 431; Content-Length with Transfer-Encoding, two Content-Lengths, bare "
      "LF line endings, a NUL in the path, the HTTP/2 preface, a TLS ClientHello 400")
def unparsable_http(server):
    client_hello = bytes.fromhex("16030100c4010000c00303") + os.urandom(32) + bytes.fromhex("000002130101000095")
    cases = [
        ("request line over the limit", b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 431, "headers_too_large"),
        ("header over the limit", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n", 431,
         "headers_too_large"),
        ("too many headers", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(200))
         + b"\r\n", 431, "headers_too_large"),
        ("Content-Length and Transfer-Encoding", LOGIN + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
         "malformed_request"),
        ("two Content-Lengths", LOGIN + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", 400, "malformed_request"),
        ("bare LF line endings", b"GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n", 400, "malformed_request"),
        ("NUL in the path", b"GET /heal\x00thz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "malformed_request"),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, "malformed_request"),
        ("TLS ClientHello", client_hello, 400, "malformed_request"),
    ]
    for name, data, status, code in cases:
        expect_refusal(server.port, data, status, code, name)
    # The server is unharmed.
    status, _ = call("GET", server.port, "/healthz")
    assert status == 200, status


@test("requests the server will not read: a huge Content-Length with Expect: 100-continue is 413 at once (no 100 first), "
      "without Expect too; a chunk size of FFFFFFFFFFFFFFFFF1 is 400 (not 500); %00 in a static path is 400; HTTP/1.1 "
      "without Host is 400; each closed")
def refused_requests(server):
    expect_refusal(server.port, LOGIN + b"Expect: 100-continue\r\nContent-Length: 10000000000\r\n\r\n", 413, "payload_too_large",
                   "Expect with a huge Content-Length")
    expect_refusal(server.port, LOGIN + b"Content-Length: 2000000\r\n\r\n" + b"x" * 1000, 413, "payload_too_large",
                   "Content-Length over 1 MiB")
    expect_refusal(server.port, LOGIN + b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF1\r\n{}\r\n0\r\n\r\n", 400,
                   "malformed_request", "chunk size FFFFFFFFFFFFFFFFF1")
    expect_refusal(server.port, b"GET /index.html%00.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "malformed_request",
                   "%00 in a static path")
    expect_refusal(server.port, b"GET /css/app.css%00.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "malformed_request",
                   "%00 at the end of a static path")
    expect_refusal(server.port, b"GET /healthz HTTP/1.1\r\n\r\n", 400, "malformed_request", "HTTP/1.1 without Host")
    # A Content-Length of exactly the limit is read (and refused only for its content).
    status, _, body, _, _ = raw_exchange(server.port, LOGIN + b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
    assert status == 422, (status, body)


@test("Expect: 100-continue within the limit gets 100 Continue, then the answer; HTTP/1.0 without keep-alive is closed "
      "after its answer, with keep-alive it stays; a bad second request on a kept-alive connection is answered after the first")
def http_keepalive_and_continue(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=3)
    sock.sendall(LOGIN + b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\n")
    interim = sock.recv(65536)
    assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
    sock.sendall(b"{}")
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 422"), answer[:100]
    sock.close()
    status, headers, body, closed, elapsed = raw_exchange(server.port, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert status == 200 and closed and elapsed < 2, (status, headers, closed, elapsed)
    kept = socket.create_connection(("127.0.0.1", server.port), timeout=3)
    kept.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    data = b""
    while b'{"status":"ok"}' not in data:
        data += kept.recv(65536)
    kept.settimeout(1)
    try:
        assert kept.recv(1) != b"", "an HTTP/1.0 keep-alive connection was closed"
    except socket.timeout:
        pass
    kept.close()
    status, headers, body, closed, _ = raw_exchange(
        server.port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad : 1\r\n\r\n")
    assert status == 200, status
    assert b"HTTP/1.1 400" in body and b"malformed_request" in body and closed, (body[:400], closed)


def sigterm(server):
    """Run last: it stops the server."""
    name = ("SIGTERM with 150 live sockets open, one of them stuck (not reading, its close unanswerable): each reading"
            " socket gets a close frame (1001) before the process ends, and the server exits 0 within 10 s")
    try:
        # Many sockets over both event loops: the process must not end before every loop has written its 1001s
        # (with 20 sockets that race was lost about once in 15 runs; with 150, four times in ten).
        clients = [Socket(server.port) for _ in range(150)]
        for client in clients:
            client.send_text(PING)
            assert client.read_message() == {"type": "pong"}
        # A client that stopped reading: ~400 KB of pongs owed to it fill both kernel buffers, and then it closes, so
        # the server's answering close frame can never be written.
        stuck = socket.socket()
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.connect(("127.0.0.1", server.port))
        stuck_client = Socket.__new__(Socket)
        stuck_client.sock, stuck_client.buffer = stuck, b""
        stuck_client.handshake()
        stuck.settimeout(5)
        for _ in range(3000):
            stuck_client.send_frame(0x9, b"p" * 125)
        stuck_client.send_frame(0x8, struct.pack(">H", 1000))
        time.sleep(0.5)
        started = time.time()
        server.process.send_signal(signal.SIGTERM)
        for client in clients:
            client.expect_close(1001)
        code = server.process.wait(timeout=15)
        assert code == 0, f"exit code {code}"
        assert time.time() - started < 10, f"took {time.time() - started:.1f} s"
        results.append((name, None))
        print(f"ok   {name}")
    except (AssertionError, OSError) as error:
        results.append((name, repr(error)))
        print(f"FAIL {name}: {error!r}")


workdir = tempfile.mkdtemp(prefix="boxoffice-wire-")
server = Server(os.path.join(workdir, "boxoffice.sqlite"), free_port())
server.start()
try:
    for case in (handshake, compressed, fragments, protocol_errors, payload_errors, client_close, refused, unparsable_http,
                 refused_requests, http_keepalive_and_continue):
        case(server)
    sigterm(server)
finally:
    if server.process.poll() is None:
        server.kill()
failed = sum(1 for _, error in results if error)
print(f"live-wire: {len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
