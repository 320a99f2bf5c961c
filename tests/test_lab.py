"""``planner lab``: JupyterLab on 127.0.0.1 with a token, the planner kernel, and a real page.

The server is started the way ``make lab`` starts it (``planner lab``) on a free port, with a
token from ``JUPYTER_TOKEN``; the test talks to its REST API and to a kernel over the kernel
WebSocket protocol, then loads the lab page in headless Chromium.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import browser, chromium_path
from conftest import REPO

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("lab")]

TOKEN = "planner-test-" + uuid.uuid4().hex


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _api(base: str, path: str, method: str = "GET", body: Any = None, token: str = TOKEN) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}{path}", data=data, method=method, headers={"Authorization": f"token {token}"}
    )
    with urllib.request.urlopen(request, timeout=300) as answer:
        return json.load(answer)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    home = tmp_path_factory.mktemp("lab-home")
    env = dict(os.environ, JUPYTER_TOKEN=TOKEN, HOME=str(home), JUPYTER_RUNTIME_DIR=str(home))
    planner = Path(sys.executable).parent / "planner"
    log = home / "lab.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [str(planner), "lab", "--port", str(port), "--no-user-kernel"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                _api(base, "/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"planner lab did not start: {log.read_text()}") from None
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=120)  # a hang guard, not a timing check
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise AssertionError("planner lab did not stop on Ctrl-C (waited 120 s)") from None


def test_lab_needs_the_token_and_listens_on_loopback_only(lab: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        _api(lab, "/api/contents", token="wrong")
    refused.value.close()
    assert refused.value.code == 403
    assert lab.startswith("http://127.0.0.1:")


def test_lab_lists_the_notebooks_and_runs_planner_in_the_planner_kernel(lab: str) -> None:
    import websocket

    listed = {item["name"] for item in _api(lab, "/api/contents")["content"]}
    bundled = {p.name for p in (REPO / "notebooks").glob("*.ipynb")}
    assert bundled and bundled <= listed, listed
    assert "planner" in _api(lab, "/api/kernelspecs")["kernelspecs"]

    kernel = _api(lab, "/api/kernels", "POST", {"name": "planner"})
    try:
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{lab.rsplit(':', 1)[1]}/api/kernels/{kernel['id']}/channels"
            f"?token={TOKEN}",
            timeout=60,
            suppress_origin=True,
        )
        msg_id = uuid.uuid4().hex
        code = (
            "from planner.pricing import price_scenario\n"
            "from planner.scenario import load_scenario\n"
            "print(price_scenario(load_scenario('staging')).total_monthly_usd)"
        )
        ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "test",
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {"code": code, "silent": False},
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        out, status = "", None
        deadline = time.monotonic() + 300
        while status is None and time.monotonic() < deadline:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                out += message["content"]["text"]
            elif message["msg_type"] == "error":
                out += "\n".join(message["content"]["traceback"])
            elif message["msg_type"] == "execute_reply":
                status = message["content"]["status"]
        ws.close()
    finally:
        stop = urllib.request.Request(
            f"{lab}/api/kernels/{kernel['id']}",
            method="DELETE",
            headers={"Authorization": f"token {TOKEN}"},
        )
        with urllib.request.urlopen(stop, timeout=300) as answer:
            assert answer.status == 204
    assert status == "ok", out
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    assert out.strip() == str(price_scenario(load_scenario("staging")).total_monthly_usd)


@pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed; .ci/run installs it"
)
def test_lab_page_renders_the_notebook_list_without_console_errors(
    lab: str, tmp_path: Path
) -> None:
    chromium = chromium_path()
    assert chromium is not None
    listing = (
        "Array.from(document.querySelectorAll('.jp-DirListing-itemText'))"
        ".map(e => e.textContent).join('|')"
    )
    with browser(chromium) as page:
        page.open(f"{lab}/lab?token={TOKEN}")
        deadline = time.monotonic() + 300
        names = ""
        while "cost_overview.ipynb" not in names and time.monotonic() < deadline:
            time.sleep(0.5)
            names = page.evaluate(listing) or ""
        time.sleep(2.0)  # let the lab settle before looking for errors and dialogs
        dialogs = page.evaluate("document.querySelectorAll('.jp-Dialog').length")
        shot = tmp_path / "lab.png"
        page.screenshot(shot)
        errors = page.errors()
    assert dialogs == 0, "JupyterLab shows a dialog over the page"
    assert "cost_overview.ipynb" in names and "explore.ipynb" in names, names
    assert shot.stat().st_size > 10_000
    assert errors == [], errors
