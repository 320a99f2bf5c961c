"""`planner lab` security that no Jupyter config can undo.

A user config that turns the token off and allows every origin used to win: a request without
the token got 200 and any web page could drive the kernel. Now the token and the origin policy
are on the command line (which outranks config files), and planner checks from outside after
the start: no token must get 403, another origin no CORS grant. A config that still defeats
that (a tornado_settings header granting every origin) makes planner stop the server and
refuse to run. Each case starts a real JupyterLab (about 10-30 s).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.notebook

PLANNER = Path(sys.executable).parent / "planner"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _home(tmp: Path, config: str) -> dict[str, str]:
    home = tmp / "home"
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "jupyter_server_config.py").write_text(config)
    return dict(
        os.environ,
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_TOKEN="planner-hostile-" + "x" * 24,
    )


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


def _stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return process.stderr.read() if process.stderr else ""


def test_a_config_that_turns_the_token_off_does_not_open_the_server(tmp_path: Path) -> None:
    env = _home(
        tmp_path,
        "c.IdentityProvider.token = ''\nc.ServerApp.token = ''\n"
        "c.ServerApp.allow_origin = '*'\nc.ServerApp.disable_check_xsrf = True\n",
    )
    port = _free_port()
    log = tmp_path / "lab.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [str(PLANNER), "lab", "--port", str(port), "--no-user-kernel"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while "checked: no access without the token" not in log.read_text():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        token = {"Authorization": f"token {env['JUPYTER_TOKEN']}"}
        assert _get(f"{base}/api/status", token)[0] == 200
        code, headers = _get(f"{base}/api/contents", {"Origin": "http://evil.example"})
        assert code == 403
        assert headers.get("access-control-allow-origin") not in ("*", "http://evil.example")
    finally:
        _stop(process)


def test_a_config_that_still_grants_every_origin_makes_planner_refuse(tmp_path: Path) -> None:
    env = _home(
        tmp_path,
        "c.ServerApp.tornado_settings = {'headers': {'Access-Control-Allow-Origin': '*'}}\n",
    )
    port = _free_port()
    result = subprocess.run(
        [str(PLANNER), "lab", "--port", str(port), "--no-user-kernel"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 2, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "planner: error: planner lab refused to run: the server grants cross-origin access"
    ), last
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))  # the server was stopped: nothing listens
