"""``planner lab``: JupyterLab on 127.0.0.1, with a token, on the planner kernel.

The ``planner`` kernel spec runs this environment's Python; it is installed into the
environment (``sys.prefix``), where ``papermill`` and JupyterLab started from it look, and,
unless ``--no-user-kernel`` is given, for the user too (``~/.local/share/jupyter``), so that
notebooks opened by another Jupyter find it. The server listens on the loopback interface
only and always asks for a token: ``JUPYTER_TOKEN`` if set, otherwise a fresh random one
that is printed with the URL on stderr (never written to a file).
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


def lab_command(port: int, root: Path, *, browser: bool) -> list[str]:
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

    root = Path(args.notebooks) if args.notebooks else NOTEBOOKS_DIR
    if not root.is_dir():
        raise PlannerError(f"{root}: --notebooks is not a folder")
    for place in install_kernel(user=not args.no_user_kernel):
        print(f"kernel spec {KERNEL_NAME!r} installed in {place}", file=sys.stderr)
    env = dict(os.environ)
    token = env.get("JUPYTER_TOKEN") or secrets.token_urlsafe(24)
    env["JUPYTER_TOKEN"] = token  # passed in the environment, not on the command line
    print(
        f"JupyterLab on http://127.0.0.1:{args.port}/lab?token={token}\n"
        "Stop it with Ctrl-C (twice), or: "
        f"{Path(sys.executable).parent / 'jupyter'} server stop {args.port}",
        file=sys.stderr,
    )
    process = subprocess.Popen(
        lab_command(args.port, root.resolve(), browser=args.browser), env=env
    )
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 130


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
