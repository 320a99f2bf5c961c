"""``planner lab``'s guards, in-process: the server command line (loopback only, a token, no
cross-origin access, settings no config file can undo), the token rules, the port range, and
the check from outside that refuses to run a server a config has opened up.

No server is started here: ``subprocess.Popen`` and ``urllib`` are replaced by fakes that
record what planner asked for (the end-to-end runs are tests/test_lab.py and
tests/hostile/test_hostile_lab.py, in subprocesses).
"""

from __future__ import annotations

import argparse
import email.message
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from planner.errors import PlannerError
from planner.notebooks import lab

TOKEN = "t" * 20


def _expected_command(port: int, root: Path, token: str) -> list[str]:
    """Every setting written out: each one is a guard (see the lab module docstring)."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",  # the loopback interface only
        f"--port={port}",
        "--ServerApp.port_retries=0",  # the port asked for, or fail: never another one
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_remote_access=False",
        "--ServerApp.password=",
        f"--IdentityProvider.token={token}",
        "--ServerApp.identity_provider_class=jupyter_server.auth.identity.PasswordIdentityProvider",
        "--ServerApp.authorizer_class=jupyter_server.auth.authorizer.AllowAllAuthorizer",
        "--ServerApp.allow_unauthenticated_access=False",
        "--ServerApp.allow_origin=",  # no cross-origin access
        "--ServerApp.allow_origin_pat=",
        "--ServerApp.allow_credentials=False",
        "--ServerApp.disable_check_xsrf=False",
        "--ServerApp.trust_xheaders=False",
        "--MappingKernelManager.default_kernel_name=planner",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]


def test_command_line_is_loopback_token_and_no_cross_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    command = lab.lab_command(9123, tmp_path, browser=False, token=TOKEN)
    assert command == [*_expected_command(9123, tmp_path, TOKEN), "--no-browser"]
    with_browser = lab.lab_command(9123, tmp_path, browser=True, token=TOKEN)
    assert with_browser == _expected_command(9123, tmp_path, TOKEN)


def test_allow_root_only_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    command = lab.lab_command(8888, tmp_path, browser=True, token=TOKEN)
    assert command == [*_expected_command(8888, tmp_path, TOKEN), "--allow-root"]


# --- run(): port, folder, token ---------------------------------------------------------


class FakeProcess:
    def __init__(self, returncode: int | None = None, *, hangs: bool = False) -> None:
        self.returncode = returncode
        self.hangs = hangs
        self.calls: list[str] = []

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.calls.append("terminate")

    def kill(self) -> None:
        self.calls.append("kill")

    def wait(self, timeout: float | None = None) -> int:
        self.calls.append(f"wait {timeout}")
        if self.hangs and timeout is not None:
            raise subprocess.TimeoutExpired("jupyter", timeout)
        return 0 if self.returncode is None else self.returncode


class Started:
    """What run() started: the command, the environment, and the process."""

    def __init__(self, process: FakeProcess) -> None:
        self.process = process
        self.command: list[str] = []
        self.env: dict[str, str] = {}
        self.checked: list[tuple[int, str]] = []
        self.opened: list[str] = []


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Started:
    record = Started(FakeProcess())

    def popen(command: list[str], env: dict[str, str]) -> FakeProcess:
        record.command = command
        record.env = env
        return record.process

    def verify(process: Any, port: int, token: str) -> str | None:
        assert process is record.process
        record.checked.append((port, token))
        return None

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(lab, "install_kernel", lambda user: [tmp_path / "kernels" / "planner"])
    monkeypatch.setattr(lab, "verify_locked", verify)
    monkeypatch.setattr("webbrowser.open", record.opened.append)
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    return record


def _args(folder: Path, port: int = 8888, *, browser: bool = False) -> argparse.Namespace:
    return argparse.Namespace(
        port=port, notebooks=str(folder), browser=browser, no_user_kernel=True
    )


@pytest.mark.parametrize("port", [1, 65535])
def test_the_port_range_is_1_to_65535_inclusive(
    port: int, started: Started, tmp_path: Path
) -> None:
    assert lab.run(_args(tmp_path, port)) == 0
    assert f"--port={port}" in started.command
    assert started.checked[0][0] == port


@pytest.mark.parametrize("port", [0, 65536, -1])
def test_a_port_outside_the_range_is_refused(port: int, started: Started, tmp_path: Path) -> None:
    with pytest.raises(PlannerError, match=f"--port {port}: give a port from 1 to 65535"):
        lab.run(_args(tmp_path, port))
    assert started.command == []  # nothing started


def test_notebooks_must_be_a_folder(started: Started, tmp_path: Path) -> None:
    file = tmp_path / "x.txt"
    file.write_text("x")
    with pytest.raises(PlannerError, match="--notebooks is not a folder"):
        lab.run(_args(file))
    assert started.command == []


def test_a_random_token_is_made_and_given_to_the_server(started: Started, tmp_path: Path) -> None:
    assert lab.run(_args(tmp_path)) == 0
    token = started.env["JUPYTER_TOKEN"]
    # secrets.token_urlsafe(24): 24 random bytes in URL-safe base64 = 24 x 8 / 6 = 32 chars
    assert len(token) == 32
    assert f"--IdentityProvider.token={token}" in started.command
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in started.command
    assert "--no-browser" in started.command  # planner opens the browser itself, if asked
    assert started.checked == [(8888, token)]
    assert started.opened == []


def test_two_runs_get_different_tokens(started: Started, tmp_path: Path) -> None:
    lab.run(_args(tmp_path))
    first = started.env["JUPYTER_TOKEN"]
    lab.run(_args(tmp_path))
    assert started.env["JUPYTER_TOKEN"] != first


def test_jupyter_token_from_the_environment_is_used(
    started: Started, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sixteen = "abcdefghijklmnop"  # 16 characters: the shortest accepted
    monkeypatch.setenv("JUPYTER_TOKEN", sixteen)
    assert lab.run(_args(tmp_path)) == 0
    assert started.env["JUPYTER_TOKEN"] == sixteen
    assert f"--IdentityProvider.token={sixteen}" in started.command


@pytest.mark.parametrize(
    "token",
    [
        "abcdefghijklmno",  # 15 characters: one short of 16
        "abcdefgh ijklmnopq",  # a space
        "abcdefghijklmnop\n",  # not printable
    ],
)
def test_a_weak_or_odd_jupyter_token_is_refused(
    token: str, started: Started, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_TOKEN", token)
    with pytest.raises(PlannerError, match="JUPYTER_TOKEN is shorter than 16 characters"):
        lab.run(_args(tmp_path))
    assert started.command == []


def test_a_failed_check_stops_the_server_and_refuses(
    started: Started, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lab, "verify_locked", lambda process, port, token: "it is open")
    with pytest.raises(PlannerError, match=r"^planner lab refused to run: it is open$"):
        lab.run(_args(tmp_path))
    assert started.process.calls[:2] == ["terminate", "wait 10"]


def test_an_interrupt_stops_the_server(
    started: Started, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(process: Any, port: int, token: str) -> str | None:
        raise KeyboardInterrupt

    monkeypatch.setattr(lab, "verify_locked", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lab.run(_args(tmp_path))
    assert started.process.calls[:2] == ["terminate", "wait 10"]


def test_browser_opens_the_url_with_the_token(started: Started, tmp_path: Path) -> None:
    lab.run(_args(tmp_path, 9001, browser=True))
    token = started.env["JUPYTER_TOKEN"]
    assert started.opened == [f"http://127.0.0.1:9001/lab?token={token}"]
    assert "--no-browser" in started.command  # the server itself never opens one


def test_stop() -> None:
    done = FakeProcess(returncode=3)
    assert lab._stop(done) == 3 and done.calls == []  # already exited: its code
    running = FakeProcess()
    assert lab._stop(running) == 130
    assert running.calls == ["terminate", "wait 10"]
    stuck = FakeProcess(hangs=True)
    assert lab._stop(stuck) == 130
    assert stuck.calls == ["terminate", "wait 10", "kill", "wait None"]


# --- verify_locked: the check from outside -------------------------------------------------


class Server:
    """A fake server behind urlopen: the answer with the token, and without it."""

    def __init__(self, with_token: int = 200, without: int = 403, grant: str | None = None) -> None:
        self.with_token = with_token
        self.without = without
        self.grant = grant
        self.requests: list[tuple[str, dict[str, str], float]] = []
        self.refusals = 0

    def urlopen(self, request: urllib.request.Request, timeout: float) -> Any:
        if self.refusals:
            self.refusals -= 1
            raise urllib.error.URLError("connection refused")
        headers = {k.lower(): v for k, v in request.header_items()}
        self.requests.append((request.full_url, headers, timeout))
        code = self.with_token if "authorization" in headers else self.without
        answer = email.message.Message()
        if self.grant is not None:
            answer["Access-Control-Allow-Origin"] = self.grant
        if code >= 400:
            raise urllib.error.HTTPError(request.full_url, code, "no", answer, None)
        return _Answer(code, answer)


class _Answer:
    def __init__(self, status: int, headers: email.message.Message) -> None:
        self.status = status
        self.headers = headers

    def __enter__(self) -> _Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Server:
    fake = Server()
    monkeypatch.setattr(urllib.request, "urlopen", fake.urlopen)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    return fake


def test_a_locked_server_passes(server: Server) -> None:
    assert lab.verify_locked(FakeProcess(), 8123, TOKEN) is None
    (status, with_token, t1), (contents, without, t2) = server.requests
    assert status == "http://127.0.0.1:8123/api/status"
    assert with_token == {"authorization": f"token {TOKEN}"}
    assert contents == "http://127.0.0.1:8123/api/contents"
    # the probe carries no token, from another origin
    assert without == {"origin": "http://attacker.invalid"}
    assert t1 == t2 == 10


def test_401_without_the_token_also_passes(server: Server) -> None:
    server.without = 401
    assert lab.verify_locked(FakeProcess(), 8123, TOKEN) is None


@pytest.mark.parametrize("code", [200, 404, 400, 500])
def test_anything_but_401_or_403_without_the_token_refuses(server: Server, code: int) -> None:
    server.without = code
    problem = lab.verify_locked(FakeProcess(), 8123, TOKEN)
    assert problem == (
        f"a request without the token got HTTP {code}, not 403: a Jupyter config turns the "
        "token off (look for IdentityProvider.token or ServerApp.token in ~/.jupyter)"
    )


@pytest.mark.parametrize("grant", ["*", "http://attacker.invalid"])
def test_a_cross_origin_grant_refuses(server: Server, grant: str) -> None:
    server.grant = grant
    problem = lab.verify_locked(FakeProcess(), 8123, TOKEN)
    assert problem == (
        f"the server grants cross-origin access ({grant!r}): a Jupyter config sets "
        "allow_origin (look for ServerApp.allow_origin in ~/.jupyter)"
    )


def test_a_grant_to_its_own_origin_only_passes(server: Server) -> None:
    server.grant = "http://127.0.0.1:8123"
    assert lab.verify_locked(FakeProcess(), 8123, TOKEN) is None


def test_a_server_that_refuses_planners_token_is_not_ours(server: Server) -> None:
    server.with_token = 403
    problem = lab.verify_locked(FakeProcess(), 8123, TOKEN)
    assert problem == (
        "the server on port 8123 does not accept planner's token (HTTP 403); is it ours?"
    )


def test_waits_for_the_server_to_answer(server: Server) -> None:
    server.refusals = 3  # not listening yet, three times
    assert lab.verify_locked(FakeProcess(), 8123, TOKEN) is None
    assert len(server.requests) == 2


def test_a_server_that_exits_first_is_named(server: Server) -> None:
    problem = lab.verify_locked(FakeProcess(returncode=1), 8123, TOKEN)
    assert problem == "JupyterLab exited with code 1 before answering"
    assert server.requests == []


def test_a_server_that_never_answers_times_out(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.refusals = 10**6
    # a stepped clock, not the machine's: once past the deadline it stays there (a call from
    # elsewhere in the process cannot exhaust it)
    ticks = [0.0, 60.0, lab.WAIT_FOR_START_S, lab.WAIT_FOR_START_S + 0.1]
    monkeypatch.setattr("time.monotonic", lambda: ticks.pop(0) if len(ticks) > 1 else ticks[0])
    problem = lab.verify_locked(FakeProcess(), 8123, TOKEN)
    # deadline = 0 + 120 s; at 60 s and at exactly 120 s it still waits, past 120 s it stops
    assert problem == "JupyterLab did not answer on 127.0.0.1:8123 within 120 s"
    assert lab.WAIT_FOR_START_S == 120.0


# --- the kernel spec and the command's arguments ---------------------------------------------


def test_install_kernel_for_the_environment_and_optionally_the_user(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[Path, dict[str, Any]]] = []

    def install(data_dir: Path, **where: Any) -> Path:
        calls.append((data_dir, where))
        return data_dir / "kernels" / "planner"

    monkeypatch.setattr(lab, "_install_spec", install)
    monkeypatch.setattr("jupyter_core.paths.jupyter_data_dir", lambda: str(tmp_path / "user"))
    env_dir = Path(sys.prefix) / "share" / "jupyter"
    assert lab.install_kernel(user=False) == [env_dir / "kernels" / "planner"]
    assert calls == [(env_dir, {"prefix": sys.prefix})]
    calls.clear()
    places = lab.install_kernel(user=True)
    assert places == [env_dir / "kernels" / "planner", tmp_path / "user" / "kernels" / "planner"]
    assert calls == [(env_dir, {"prefix": sys.prefix}), (tmp_path / "user", {"user": True})]


def test_lab_arguments() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    lab.add_commands(sub)
    args = parser.parse_args(["lab"])
    assert (args.port, args.notebooks, args.browser, args.no_user_kernel) == (
        8888,  # Jupyter's usual port
        None,
        False,
        False,
    )
    assert args.func is lab.run
    assert "start JupyterLab on 127.0.0.1 with a token" in parser.format_help()
    shown = " ".join(sub.choices["lab"].format_help().split())
    assert "--notebooks DIR" in shown
    assert "port on 127.0.0.1 (default: 8888)" in shown
    assert "also open a web browser" in shown
    assert "folder to open (default: the bundled notebooks/)" in shown
    args = parser.parse_args(
        ["lab", "--port", "9000", "--notebooks", "nb", "--browser", "--no-user-kernel"]
    )
    assert (args.port, args.notebooks, args.browser, args.no_user_kernel) == (
        9000,
        "nb",
        True,
        True,
    )
