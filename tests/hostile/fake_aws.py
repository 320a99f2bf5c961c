"""A misbehaving AWS endpoint on 127.0.0.1, shared by the hostile suite.

Every AWS client planner makes honours ``AWS_ENDPOINT_URL``; point it here and every call
(Cost Explorer, CloudWatch, Budgets, Price List, STS, ...) gets the scripted misbehaviour:

- ``truncated``: HTTP 200 with the first half of a well-formed JSON/CBOR reply;
- ``html``: HTTP 200 with an HTML captive-portal page (``text/html``);
- ``http-500``: HTTP 500 InternalFailure on every call (botocore retries, then gives up);
- ``token-loop``: a well-formed, empty page that always names the same next-page token;
- ``new-token``: a well-formed, empty page that always names a NEW next-page token;
- ``drip``: a 200 reply whose body arrives one byte at a time, ``drip_s`` apart (defeats a
  per-read socket timeout; only a total deadline stops it);
- ``wrong-shape``: HTTP 200, valid JSON, but not the operation's shape (a list, not a map).

The CloudWatch client speaks Smithy RPC v2 CBOR; the endpoint encodes the few types it needs
(maps, arrays, text, integers) itself. It counts calls in ``server.calls`` and stops its
threads when the context manager exits, so a test never leaves a listener behind.
"""

from __future__ import annotations

import json
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("truncated", "html", "http-500", "token-loop", "new-token", "drip", "wrong-shape")

HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Wi-Fi login</body></html>"

# One empty, well-formed page per operation, with the field that carries the next token.
_PAGES: dict[str, tuple[dict[str, Any], str]] = {
    "GetCostAndUsage": (
        {"ResultsByTime": [], "DimensionValueAttributes": [], "GroupDefinitions": []},
        "NextPageToken",
    ),
    "GetProducts": ({"PriceList": [], "FormatVersion": "aws_v1"}, "NextToken"),
    "DescribeBudgets": ({"Budgets": []}, "NextToken"),
    "DescribeNotificationsForBudget": ({"Notifications": []}, "NextToken"),
    "DescribeSubscribersForNotification": ({"Subscribers": []}, "NextToken"),
    "GetMetricData": ({"MetricDataResults": [], "Messages": []}, "NextToken"),
    "DescribeAlarms": ({"MetricAlarms": [], "CompositeAlarms": []}, "NextToken"),
    "GetAnomalyMonitors": ({"AnomalyMonitors": []}, "NextPageToken"),
    "GetAnomalySubscriptions": ({"AnomalySubscriptions": []}, "NextPageToken"),
    "DescribeSpotPriceHistory": ({"SpotPriceHistory": []}, "NextToken"),
}


def cbor(value: Any) -> bytes:
    """Encode maps, arrays, text, integers, floats and booleans as CBOR (RFC 8949)."""

    def head(major: int, n: int) -> bytes:
        if n < 24:
            return bytes([major << 5 | n])
        for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | extra]) + struct.pack(fmt, n)
        raise ValueError(n)

    if value is True or value is False:
        return bytes([0xF5 if value else 0xF4])
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return head(3, len(raw)) + raw
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(type(value))


class FakeAws(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, mode: str, drip_s: float = 1.0) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode
        self.drip_s = drip_s
        self.calls = 0
        self.operations: list[str] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gives up mid-reply (the point of the drip) is expected


class _Handler(BaseHTTPRequestHandler):
    server: FakeAws
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _operation(self) -> tuple[str, bool]:
        target = self.headers.get("X-Amz-Target", "")
        if target:
            return target.rsplit(".", 1)[-1], False
        if "/operation/" in self.path:  # Smithy RPC v2 CBOR: /service/X/operation/Op
            return self.path.rsplit("/", 1)[-1], True
        return "Query", False

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        op, is_cbor = self._operation()
        with self.server.lock:
            self.server.calls += 1
            self.server.operations.append(op)
            n = self.server.calls
        mode = self.server.mode
        content_type = "application/cbor" if is_cbor else "application/x-amz-json-1.1"
        page, token_field = _PAGES.get(op, ({}, "NextToken"))
        if mode == "http-500":
            body = json.dumps({"__type": "InternalFailure", "message": "boom"}).encode()
            self._send(500, body, "application/x-amz-json-1.1")
            return
        if mode == "html":
            self._send(200, HTML, "text/html")
            return
        if mode == "wrong-shape":
            self._send(
                200, cbor(["not", "a", "map"]) if is_cbor else b'["not", "a", "map"]', content_type
            )
            return
        reply = dict(page)
        if mode == "token-loop":
            reply[token_field] = "again"
        elif mode == "new-token":
            reply[token_field] = f"page-{n}"
        body = cbor(reply) if is_cbor else json.dumps(reply).encode()
        if mode == "truncated":
            self._send(200, body[: max(1, len(body) // 2)], content_type, length=len(body) // 2)
            return
        if mode == "drip":
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                if self.server.stopping.wait(self.server.drip_s):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
            return
        self._send(200, body, content_type)

    def _send(self, status: int, body: bytes, content_type: str, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("x-amzn-RequestId", "fake-aws")
        if content_type == "application/cbor":
            self.send_header("smithy-protocol", "rpc-v2-cbor")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        with suppress(OSError):
            self.wfile.write(body)


@contextmanager
def fake_aws(mode: str, drip_s: float = 1.0) -> Iterator[FakeAws]:
    """Serve ``mode`` on a free port of 127.0.0.1 until the block ends."""
    server = FakeAws(mode, drip_s)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        time.sleep(0)


if __name__ == "__main__":  # manual probing: python tests/hostile/fake_aws.py MODE
    import sys

    with fake_aws(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 5.0) as s:
        print(s.url, flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
