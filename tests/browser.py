"""A small headless-Chromium driver over the DevTools protocol (tornado's websocket client).

Used by tests/test_report_browser.py: load a page from file://, collect console errors and
uncaught exceptions, evaluate JavaScript, emulate print media and print to PDF.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import shutil
import subprocess
import tempfile
import time
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


class Page:
    """One browser tab: ``call`` sends a DevTools command and waits for its answer."""

    def __init__(self, ws_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.ws: Any = self.loop.run_until_complete(self._connect(ws_url))
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    async def _connect(self, url: str) -> Any:
        from tornado.websocket import websocket_connect

        return await websocket_connect(url, max_message_size=64 * 1024 * 1024)

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        ident = self.next_id
        self.ws.write_message(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(deadline - time.monotonic())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_event(self, name: str, timeout: float = 30) -> dict[str, Any]:
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
        raw = self.loop.run_until_complete(asyncio.wait_for(self.ws.read_message(), timeout))
        if raw is None:
            raise RuntimeError("the browser closed the connection")
        return dict(json.loads(raw))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, settle_s: float = 0.5) -> None:
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        time.sleep(settle_s)  # plotly draws on load; give it a moment

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions seen so far."""
        with contextlib.suppress(TimeoutError):
            while True:
                self.events.append(self._read(0.2))
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
            timeout=60,
        )
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self) -> None:
        self.ws.close()
        self.loop.run_until_complete(asyncio.sleep(0))
        self.loop.close()


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
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
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
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
        if match:
            return int(match.group(1))
    raise RuntimeError("Chromium did not start its DevTools endpoint")
