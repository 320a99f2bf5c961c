"""Warm kernels: one per report worker, reused from notebook to notebook.

Starting a kernel and importing pandas and plotly in it is most of a notebook's run time. A
:class:`KernelSession` starts one kernel, imports them once (:data:`PRELUDE`), and runs
notebook after notebook in it; before each notebook the user namespace is reset and the
working folder set (:data:`RESET`), so a notebook sees a fresh namespace as under papermill.
After any failure the session is closed and the next notebook gets a fresh kernel.

Everything a kernel leaves on disk (its Unix sockets and connection file) lives in one
private temporary folder that :meth:`KernelSession.close` removes; :func:`kill_all` kills
every live kernel at once (on Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

KERNEL = "python3"
# The kernel's own start-up warnings (plain TCP on localhost) are noise in report progress.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]

PRELUDE = """\
import jinja2, pandas, pandas.io.formats.style, plotly.graph_objects, plotly.io
import planner.charts, planner.views, planner.notebooks.data, planner.notebooks.params
import planner.notebooks.summary, planner.pricing, planner.scenario, planner.figures
import planner.capacity.plan, planner.lookahead, planner.assumptions, planner.audit_render
import IPython.display
planner.charts.setup()
"""
RESET = """\
get_ipython().run_line_magic("reset", "-f")
import os as _os
_os.chdir({cwd!r})
del _os
"""

_LIVE: set[KernelSession] = set()
_LIVE_LOCK = threading.Lock()
# every kernel folder this process made and has not removed, and whether the process is
# stopping (after Ctrl-C / SIGTERM no worker thread may start a kernel or make a folder)
_FOLDERS: set[Path] = set()
_STOPPING = threading.Event()


class KernelsStopping(RuntimeError):
    """A kernel was asked for after the process began to stop."""


class KernelSession:
    """One kernel process with a client, reused for several notebooks in one thread."""

    def __init__(self, cwd: Path, *, prelude: str = PRELUDE) -> None:
        from planner.importing import without_slow_optional_imports

        with without_slow_optional_imports():
            import nbformat.v4
            from nbclient import NotebookClient

        v4: Any = nbformat.v4  # untyped

        with _LIVE_LOCK:  # with kill_all: a folder is either made and known, or never made
            if _STOPPING.is_set():
                raise KernelsStopping("planner is stopping: no new kernel")
            self.folder = Path(tempfile.mkdtemp(prefix="planner-kernel-"))
            _FOLDERS.add(self.folder)
        self.pid: int | None = None
        self.used = 0
        self.timings: dict[str, float] = {}
        """Seconds: ``kernel start`` (process up, client ready), ``prelude`` (imports)."""
        self._client: Any = NotebookClient(
            v4.new_notebook(),
            kernel_name=KERNEL,
            extra_arguments=list(KERNEL_ARGS),
            config=_kernel_config(self.folder),
            timeout=None,
            shutdown_kernel="immediate",
        )
        with _LIVE_LOCK:
            _LIVE.add(self)
        try:
            client = self._client
            client.km = client.create_kernel_manager()
            client.km.connection_file = str(self.folder / "kernel.json")
            began = time.perf_counter()
            client.start_new_kernel(cwd=str(cwd))
            self.pid = _kernel_pid(client.km)
            if _STOPPING.is_set():  # the signal came while this kernel was starting
                raise KernelsStopping("planner is stopping: kernel not used")
            client.start_new_kernel_client()
            ready = time.perf_counter()
            if prelude:
                self._run_code(prelude)
            self.timings = {
                "kernel start": ready - began,
                "prelude imports": time.perf_counter() - ready,
            }
        except BaseException:
            self.close()
            raise

    def _run_code(self, code: str) -> None:
        import nbformat.v4

        v4: Any = nbformat.v4  # untyped
        self.run(v4.new_notebook(cells=[v4.new_code_cell(code)]))

    def run(self, nb: Any, cwd: Path | None = None) -> Any:
        """Execute ``nb`` (an nbformat node, changed in place) in this kernel; returns it."""
        from nbclient import NotebookClient

        if cwd is not None:
            self._run_code(RESET.format(cwd=str(cwd)))
        client = self._client
        runner = NotebookClient(
            nb,
            km=client.km,
            kernel_name=KERNEL,
            timeout=None,
            allow_errors=False,
            record_timing=False,
        )
        runner.kc = client.kc
        runner.execute(cleanup_kc=False)
        self.used += 1
        return nb

    def close(self) -> None:
        """Stop the kernel (immediately) and remove its temporary folder."""
        with _LIVE_LOCK:
            _LIVE.discard(self)
        client = self._client
        try:
            if client.km is not None:
                client._cleanup_kernel()  # nbclient's own: shutdown now, stop the channels
        except Exception:
            pass
        finally:
            _kill(self.pid)
            self.pid = None
            _remove(self.folder)

    def kill(self) -> None:
        """From any thread: kill the kernel process and remove the folder (no goodbyes)."""
        with _LIVE_LOCK:
            _LIVE.discard(self)
        _kill(self.pid)
        _remove(self.folder)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    with _LIVE_LOCK:
        _FOLDERS.discard(folder)


def thread_event_loop() -> Any:
    """This thread's event loop, or None (never a warning about an implicit one)."""
    import asyncio
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # implicit loop, Python >= 3.12
        try:
            return asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:  # no loop in this thread
            return None


def close_thread_event_loop(before: Any = None) -> None:
    """Close the event loop nbclient made in this thread (it never closes it itself).

    Otherwise worker threads leave open loops, whose self-pipe sockets surface later as
    ResourceWarnings. A loop that was there before, or is running, is kept.
    """
    import asyncio

    loop = thread_event_loop()
    if loop is not None and loop is not before and not loop.is_running():
        loop.close()
        asyncio.get_event_loop_policy().set_event_loop(before)


def kill_all(*, final: bool = False) -> int:
    """Kill every live kernel of this process; returns how many there were.

    ``final`` (the process is about to exit on a signal): no kernel starts after this, and
    every kernel folder this process made is removed, also one a worker thread was making
    while the signal came.
    """
    with _LIVE_LOCK:
        if final:
            _STOPPING.set()
        sessions = list(_LIVE)
    for session in sessions:
        session.kill()
    if final:
        # a kernel spawned a moment ago has no pid on record yet; it would write its
        # connection file (making its folder again) once the folder is gone: kill every
        # child process (the kernels are planner's only children), then remove the folders
        for pid in _children():
            _kill(pid)
        with _LIVE_LOCK:
            folders = list(_FOLDERS)
        for folder in folders:
            _remove(folder)
    return len(sessions)


def _children() -> list[int]:
    """This process's child processes (Linux ``/proc``; elsewhere none are found)."""
    me, out = os.getpid(), []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(entry.path, "stat").read_text()
                # "pid (comm) state ppid ...": comm may hold spaces and parentheses
                if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                    out.append(int(entry.name))
    return out


def _kernel_pid(km: Any) -> int | None:
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    pid = getattr(process, "pid", None)
    return int(pid) if pid else None


def _kill(pid: int | None) -> None:
    if not pid:
        return
    with contextlib.suppress(OSError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError, ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _kernel_config(sockets: Path) -> Any:
    """Talk to the kernel over Unix sockets in a private folder, not localhost TCP ports.

    Concurrent kernels then never race for a port (a port freed by a killed kernel can linger
    in TIME_WAIT), nothing listens on the network, and ipykernel does not warn about plain TCP.
    """
    from traitlets.config import Config

    base = str(sockets / "kernel")
    if len(base) + 4 > MAX_SOCKET_PATH:  # "-NN" suffixes; a long TMPDIR: fall back to TCP
        return Config({"KernelManager": {"transport": "tcp", "ip": "127.0.0.1"}})
    return Config({"KernelManager": {"transport": "ipc", "ip": base}})


# A Unix socket path holds at most 107 bytes (sun_path is 108 with the final NUL on Linux).
MAX_SOCKET_PATH = 100
