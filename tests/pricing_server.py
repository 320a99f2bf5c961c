"""A tiny AWS Price List endpoint on 127.0.0.1 speaking the AWS JSON 1.1 protocol.

``POST /`` with ``X-Amz-Target: AWSPriceListService.GetProducts`` and a JSON body
(ServiceCode, Filters, MaxResults, NextToken) answers with the records it holds that match
every TERM_MATCH filter (case-insensitive, on product attributes or productFamily), one page
of MaxResults at a time. ``mode`` scripts failures: ``throttle-first`` (the first call gets
HTTP 400 ThrottlingException), ``throttle-always``, ``http-500``, ``bad-json`` (a body that
is not JSON), ``no-pricelist`` (a page without PriceList), ``same-token`` (every page says
NextToken "again"), ``hang`` (never answers until the server stops).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from planner.prices.records import region_of


class PricingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, records: dict[str, list[dict[str, Any]]], mode: str = "") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.records = records
        self.mode = mode
        self.calls: list[dict[str, Any]] = []
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def _matches(record: dict[str, Any], filters: list[dict[str, str]]) -> bool:
    product = record["product"]
    attrs = dict(product["attributes"])
    attrs.setdefault("regionCode", region_of(attrs))
    attrs["productFamily"] = product.get("productFamily", "")
    for f in filters:
        if f.get("Type") != "TERM_MATCH":
            return False
        if str(attrs.get(f["Field"], "")).lower() != str(f["Value"]).lower():
            return False
    return True


class _Handler(BaseHTTPRequestHandler):
    server: PricingServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        server = self.server
        server.calls.append({"target": self.headers.get("X-Amz-Target"), **body})
        mode = server.mode
        if mode == "hang":
            server.stopping.wait(120)
            return
        if (mode == "throttle-first" and len(server.calls) == 1) or mode == "throttle-always":
            error = {"__type": "ThrottlingException", "message": "Rate exceeded"}
            self._send(400, json.dumps(error).encode())
            return
        if mode == "http-500":
            self._send(500, b'{"__type": "InternalErrorException", "message": "internal"}')
            return
        if mode == "bad-json":
            self._send(200, b'{"FormatVersion": "aws_v1", "PriceList": [')
            return
        if mode == "no-pricelist":
            self._send(200, b'{"FormatVersion": "aws_v1"}')
            return
        records = [
            r
            for r in server.records.get(body.get("ServiceCode", ""), [])
            if _matches(r, body.get("Filters", []))
        ]
        start = int(body.get("NextToken") or 0) if mode != "same-token" else 0
        size = int(body.get("MaxResults", 100))
        page = records[start : start + size]
        reply: dict[str, Any] = {
            "FormatVersion": "aws_v1",
            "PriceList": [json.dumps(r) for r in page],
        }
        if mode == "same-token":
            reply["NextToken"] = "again"
        elif start + size < len(records):
            reply["NextToken"] = str(start + size)
        self._send(200, json.dumps(reply).encode())


@contextmanager
def pricing_server(
    records: dict[str, list[dict[str, Any]]], mode: str = ""
) -> Iterator[PricingServer]:
    server = PricingServer(records, mode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
