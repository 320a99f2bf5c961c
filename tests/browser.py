"""A small headless-Chromium driver over the DevTools protocol (a minimal websocket client).

Used by tests/test_report_browser.py: load a page from file://, collect console errors and
uncaught exceptions, evaluate JavaScript, emulate print media and print to PDF.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
    "--window-size=1200,900",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """Chromium's path, or skip the test that needs it (``.ci/run`` installs it)."""
    import pytest

    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run does)")
    return path


# Waits are hang guards, not timings: a loaded two-core machine may take a minute for what
# takes a second when idle (issue 19: no test depends on timing under load).
HANG_GUARD_S = 300.0

# True once the page has loaded and each plotly chart on it has drawn its SVG.
_CHARTS_DRAWN = (
    "document.readyState === 'complete' && Array.from("
    "document.querySelectorAll('.plotly-graph-div')).every(d => d.querySelector('.main-svg'))"
)
_UNTIL_CHARTS_DRAWN = (
    "new Promise(done => { const check = () => (" + _CHARTS_DRAWN + ") ? done(true) "
    ": setTimeout(check, 20); check(); })"
)
_TWO_FRAMES = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


class WebSocket:
    """Just enough of RFC 6455 for DevTools: text frames, client-side masking, no extensions."""

    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parsed.hostname, parsed.port), timeout=HANG_GUARD_S)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {parsed.path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("the browser closed the connection during the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"websocket handshake refused: {head[:80]!r}")

    def send(self, text: str) -> None:
        data = text.encode()
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes(header) + mask + masked)

    def _exact(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise RuntimeError("the browser closed the connection")
            out += chunk
        return out

    def receive(self, timeout: float) -> str:
        self.sock.settimeout(timeout)
        parts: list[bytes] = []
        while True:
            first, second = self._exact(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exact(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise RuntimeError("the browser closed the connection")
            if opcode in (0x9, 0xA):  # ping / pong: not used by DevTools
                continue
            parts.append(payload)
            if first & 0x80:
                return b"".join(parts).decode()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


class Page:
    """One browser tab: ``call`` sends a DevTools command and waits for its answer."""

    def __init__(self, ws_url: str) -> None:
        self.ws = WebSocket(ws_url)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, timeout: float = HANG_GUARD_S, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(deadline - time.monotonic())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_event(self, name: str, timeout: float = HANG_GUARD_S) -> dict[str, Any]:
        for i, event in enumerate(self.events):
            if event.get("method") == name:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(deadline - time.monotonic())
            if message.get("method") == name:
                return message
            self.events.append(message)

    def _read(self, timeout: float) -> dict[str, Any]:
        if timeout <= 0:
            raise TimeoutError("no answer from the browser")
        try:
            raw = self.ws.receive(timeout)
        except TimeoutError:
            raise TimeoutError("no answer from the browser") from None
        return dict(json.loads(raw))

    def evaluate(self, expression: str, wait: bool = False) -> Any:
        """The expression's value; with ``wait``, the value its promise resolves to."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=wait
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        # plotly draws after load: the page itself waits (within the hang guard, not a timing)
        # until every chart has its SVG, so a busy machine is slower but never fails for it
        self.evaluate(_UNTIL_CHARTS_DRAWN, wait=True)

    def settle(self) -> None:
        """Return once the page has rendered twice: a change made before (the emulated media,
        the viewport) has fired its listeners (media queries are evaluated in a rendering
        update before its animation frame callbacks) and what they drew is laid out."""
        self.evaluate(_TWO_FRAMES, wait=True)

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions seen so far: the page renders two more
        frames, and the browser sends the answer to that after every event logged before it
        (a reply is never overtaken: no quiet spell to wait out)."""
        self.settle()
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args", []))[:500])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(str(params["entry"].get("text", ""))[:500])
        return found

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(data["data"]))

    def pdf(self, path: Path) -> None:
        data = self.call(
            "Page.printToPDF",
            paperWidth=8.27,  # A4 in inches
            paperHeight=11.69,
            preferCSSPageSize=True,
            printBackground=True,
            timeout=HANG_GUARD_S,
        )
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self) -> None:
        self.ws.close()


@contextlib.contextmanager
def browser(executable: str) -> Iterator[Page]:
    """Start headless Chromium with a new empty profile; yield its first tab."""
    profile = tempfile.mkdtemp(prefix="planner-chromium-")
    proc = subprocess.Popen(
        [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    page: Page | None = None
    try:
        port = _devtools_port(proc)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/json/list", timeout=HANG_GUARD_S
        ) as answer:
            targets = json.load(answer)
        url = next(t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page")
        page = Page(url)
        for domain in ("Page", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        yield page
    finally:
        if page is not None:
            page.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_port(proc: subprocess.Popen[str]) -> int:
    assert proc.stderr is not None
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
        if match:
            return int(match.group(1))
    raise RuntimeError("Chromium did not start its DevTools endpoint")
