"""Ctrl-C and SIGTERM stop `planner report` and leave nothing behind.

A real `planner report` runs in a subprocess over an earlier report; once its kernels are
running it gets SIGINT (or SIGTERM). It must exit 130 (143), keep the earlier report as it
was, and leave no build folder, no kernel folder and no kernel process.

No wall-clock limit is asserted (a busy machine must not fail the test): the waits below are
hang guards of minutes (how fast a report stops is a benchmark's question, not a test's).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from planner.notebooks.report import MARKER_FILE, check_target

pytestmark = [pytest.mark.notebook]

PLANNER = Path(sys.executable).with_name("planner")
HANG_GUARD = 120  # seconds: only a report that never stops fails on this


def _earlier_report(out: Path) -> None:
    out.mkdir()
    (out / "index.html").write_text("the earlier report\n")
    (out / MARKER_FILE).write_text(json.dumps({"planner_report": 1, "files": ["index.html"]}))


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_report_cleans_up_and_keeps_the_earlier_one(
    tmp_path: Path, sig: signal.Signals, code: int, request: pytest.FixtureRequest
) -> None:
    out = tmp_path / "reports"
    _earlier_report(out)
    # a short TMPDIR: the kernels' Unix sockets live there (a socket path is at most 107
    # bytes; with a longer TMPDIR planner falls back to TCP, tested below)
    temp = Path(tempfile.mkdtemp(prefix="pi-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(temp, ignore_errors=True))
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [str(PLANNER), "report", "--out", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    try:
        # wait until both workers have started a notebook: kernels are up and running cells
        started = 0
        deadline = time.monotonic() + 300
        while started < 2 and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "planner report ended early"
            started += " started," in line
        assert started == 2
        while len(_processes_mentioning(str(temp))) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, f"planner report ended: {proc.stderr.read()}"
            time.sleep(0.1)
        assert len(_processes_mentioning(str(temp))) == 2, "expected two kernels under TMPDIR"
        proc.send_signal(sig)
        proc.wait(timeout=HANG_GUARD)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        rest = proc.stderr.read()
        proc.stderr.close()
    assert proc.returncode == code, rest
    assert "interrupted" in rest and "Traceback" not in rest
    # the earlier report is untouched and still replaceable
    assert (out / "index.html").read_text() == "the earlier report\n"
    check_target(out)
    # no build folder, old folder or kernel folder, and no kernel process left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    left = [(p, sorted(x.name for x in p.rglob("*"))) for p in temp.iterdir()]
    assert left == []
    # a kernel's process may still be exiting: wait for it (a guard, not a timing check)
    deadline = time.monotonic() + HANG_GUARD
    while _processes_mentioning(str(temp)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(str(temp)) == []


def test_a_long_tmpdir_falls_back_to_tcp(tmp_path: Path) -> None:
    from planner.notebooks.kernels import MAX_SOCKET_PATH, _kernel_config

    long = tmp_path / ("x" * 120)
    assert _kernel_config(long)["KernelManager"]["transport"] == "tcp"
    short = Path("/tmp/k")
    assert _kernel_config(short)["KernelManager"]["transport"] == "ipc"
    assert len(str(short / "kernel")) < MAX_SOCKET_PATH


def test_a_final_kill_removes_every_kernel_folder_and_starts_no_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal can come while a worker thread is making a kernel's folder: the final kill
    removes every folder this process made, and no kernel (nor folder) is made after it."""
    import threading

    from planner.notebooks import kernels

    monkeypatch.setattr(kernels, "_STOPPING", threading.Event())
    monkeypatch.setattr(kernels, "_FOLDERS", set())
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    half_made = tmp_path / "planner-kernel-halfmade"
    half_made.mkdir()
    kernels._FOLDERS.add(half_made)  # made, its session not yet live
    assert kernels.kill_all(final=True) == 0
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(kernels.KernelsStopping):
        kernels.KernelSession(tmp_path)
    assert list(tmp_path.iterdir()) == []
