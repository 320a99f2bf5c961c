"""``planner lab``: JupyterLab on 127.0.0.1, with a token, on the planner kernel.

The ``planner`` kernel spec runs this environment's Python; it is installed into the
environment (``sys.prefix``), where ``papermill`` and JupyterLab started from it look, and,
unless ``--no-user-kernel`` is given, for the user too (``~/.local/share/jupyter``), so that
notebooks opened by another Jupyter find it. The server listens on the loopback interface
only and always asks for a token: ``JUPYTER_TOKEN`` if set, otherwise a fresh random one
that is printed with the URL on stderr (never written to a file).

No Jupyter config can undo that: the token, the identity provider, the origin policy (no
cross-origin access), XSRF checks and the listening address are given on the command line,
which outranks every config file. After the start planner checks it from outside: a request
without the token must get 403 (or 401), one from another origin must get no CORS grant. If
either fails the server is stopped and planner refuses to run (a user config that turns the
token off, or allows every origin, is named in the message).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

KERNEL_NAME = "planner"
KERNEL_DISPLAY = "Python (planner)"


def install_kernel(*, user: bool) -> list[Path]:
    """Install the ``planner`` kernel spec for this Python; return where it went.

    Jupyter installs a spec by deleting its folder and copying a new one in, so a kernel
    starting meanwhile, or another ``planner lab`` installing at the same time, could find a
    half-copied folder. So a spec that is already what would be written is left alone, and
    installs take turns on a lock file beside the environment.
    """
    import fcntl

    from jupyter_core.paths import jupyter_data_dir

    lock = Path(sys.prefix) / ".planner-kernel-spec.lock"
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        places = [_install_spec(Path(sys.prefix) / "share" / "jupyter", prefix=sys.prefix)]
        if user:
            places.append(_install_spec(Path(jupyter_data_dir()), user=True))
    return places


def _install_spec(data_dir: Path, **where: Any) -> Path:
    import tempfile

    from ipykernel.kernelspec import install

    target = data_dir / "kernels" / KERNEL_NAME
    with tempfile.TemporaryDirectory(prefix="planner-kernel-") as scratch:
        fresh = Path(install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY, prefix=scratch))
        names = sorted(f.name for f in fresh.iterdir())
        current = sorted(f.name for f in target.iterdir()) if target.is_dir() else []
        if names == current and all(
            (fresh / n).read_bytes() == (target / n).read_bytes() for n in names
        ):
            return target
    return Path(install(kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY, **where))


def lab_command(port: int, root: Path, *, browser: bool, token: str) -> list[str]:
    """The ``jupyter lab`` command line: loopback only, token required, ``root`` as home."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_remote_access=False",
        "--ServerApp.password=",
        # security that no config file can undo: the command line outranks them all
        f"--IdentityProvider.token={token}",
        "--ServerApp.identity_provider_class=jupyter_server.auth.identity.PasswordIdentityProvider",
        "--ServerApp.authorizer_class=jupyter_server.auth.authorizer.AllowAllAuthorizer",
        "--ServerApp.allow_unauthenticated_access=False",
        "--ServerApp.allow_origin=",
        "--ServerApp.allow_origin_pat=",
        "--ServerApp.allow_credentials=False",
        "--ServerApp.disable_check_xsrf=False",
        "--ServerApp.trust_xheaders=False",
        f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
        # no calls home: no news feed, no update check
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if not browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # only as root, as on this project's test machines
    return command


def run(args: argparse.Namespace) -> int:
    import secrets
    import subprocess

    from planner.errors import PlannerError
    from planner.notebooks.execute import NOTEBOOKS_DIR

    if not 1 <= args.port <= 65535:
        raise PlannerError(f"--port {args.port}: give a port from 1 to 65535")
    root = Path(args.notebooks) if args.notebooks else NOTEBOOKS_DIR
    if not root.is_dir():
        raise PlannerError(f"{root}: --notebooks is not a folder")
    for place in install_kernel(user=not args.no_user_kernel):
        print(f"kernel spec {KERNEL_NAME!r} installed in {place}", file=sys.stderr)
    env = dict(os.environ)
    token = env.get("JUPYTER_TOKEN") or secrets.token_urlsafe(24)
    if len(token) < 16 or not token.isprintable() or " " in token:
        raise PlannerError(
            "JUPYTER_TOKEN is shorter than 16 characters or has spaces; unset it for a random one"
        )
    env["JUPYTER_TOKEN"] = token
    command = lab_command(args.port, root.resolve(), browser=False, token=token)
    process = subprocess.Popen(command, env=env)
    try:
        problem = verify_locked(process, args.port, token)
        if problem is not None:
            _stop(process)
            raise PlannerError(f"planner lab refused to run: {problem}")
        print(
            f"JupyterLab on http://127.0.0.1:{args.port}/lab?token={token}\n"
            "(checked: no access without the token, no cross-origin access)\n"
            "Stop it with Ctrl-C (twice), or: "
            f"{Path(sys.executable).parent / 'jupyter'} server stop {args.port}",
            file=sys.stderr,
        )
        if args.browser:
            import webbrowser

            webbrowser.open(f"http://127.0.0.1:{args.port}/lab?token={token}")
        return process.wait()
    except BaseException:
        _stop(process)
        raise


def _stop(process: Any) -> int:
    import subprocess

    if process.poll() is not None:
        return int(process.returncode)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return 130


WAIT_FOR_START_S = 120.0


def verify_locked(process: Any, port: int, token: str) -> str | None:
    """None when the running server refuses a request without the token and grants no other
    origin; else what is wrong (the server may have been started with a config that undoes
    planner's settings, or another program answers on the port)."""
    import time
    import urllib.error
    import urllib.request

    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT_FOR_START_S

    def get(path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        request = urllib.request.Request(f"{base}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, {k.lower(): v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}

    while True:
        if process.poll() is not None:
            return f"JupyterLab exited with code {process.returncode} before answering"
        try:
            ok, _ = get("/api/status", {"Authorization": f"token {token}"})
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                return (
                    f"JupyterLab did not answer on 127.0.0.1:{port} within {WAIT_FOR_START_S:.0f} s"
                )
            time.sleep(0.3)
    if ok != 200:
        return f"the server on port {port} does not accept planner's token (HTTP {ok}); is it ours?"
    evil = "http://attacker.invalid"
    # without the token, from another origin (a token-authenticated request may be answered
    # cross-origin by Jupyter's design: no other page can know the token)
    code, headers = get("/api/contents", {"Origin": evil})
    if code not in (401, 403):
        return (
            f"a request without the token got HTTP {code}, not 403: a Jupyter config turns the "
            "token off (look for IdentityProvider.token or ServerApp.token in ~/.jupyter)"
        )
    granted = headers.get("access-control-allow-origin", "")
    if granted in ("*", evil):
        return (
            f"the server grants cross-origin access ({granted!r}): a Jupyter config sets "
            "allow_origin (look for ServerApp.allow_origin in ~/.jupyter)"
        )
    return None


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lab = sub.add_parser(
        "lab", help="start JupyterLab on 127.0.0.1 with a token, on the planner kernel"
    )
    lab.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1 (default: 8888)")
    lab.add_argument(
        "--notebooks", metavar="DIR", help="folder to open (default: the bundled notebooks/)"
    )
    lab.add_argument("--browser", action="store_true", help="also open a web browser")
    lab.add_argument(
        "--no-user-kernel",
        action="store_true",
        help="install the planner kernel spec in this environment only, not for the user",
    )
    lab.set_defaults(func=run)
