"""Hostile -o targets and stdout: nothing the planner did not make is destroyed."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.hostile_cases import REPO
from planner.cli import main


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _price(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["price", *argv])
    out, err = capsys.readouterr()
    return code, out, _without_warnings(err)


def _without_warnings(err: str) -> str:
    """The error lines: ``warning:`` lines (e.g. old prices) come before the outcome."""
    return "".join(
        line for line in err.splitlines(keepends=True) if not line.startswith("warning: ")
    )


def test_new_file_gets_the_umask_mode_not_0600(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], umask_022: None
) -> None:
    target = tmp_path / "out.txt"
    assert _price(["-o", str(target)], capsys)[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    os.umask(0o077)
    private = tmp_path / "private.txt"
    assert _price(["-o", str(private)], capsys)[0] == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_existing_file_keeps_its_mode_and_is_replaced_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], umask_022: None
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    target.chmod(0o664)
    before = target.stat().st_ino
    assert _price(["-o", str(target)], capsys)[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert target.stat().st_ino != before  # renamed into place, not truncated
    assert "TOTAL" in target.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_read_only_target_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("precious\n")
    target.chmod(0o444)
    code, out, err = _price(["-o", str(target)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "the file is read-only; refusing to replace it" in err
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_symlink_is_followed_and_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert _price(["-o", str(link)], capsys)[0] == 0
    assert link.is_symlink() and "TOTAL" in real.read_text()


def test_fifo_is_written_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    # a daemon: if the FIFO were replaced, the reader would wait forever on the old one
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    code = _price(["-o", str(fifo)], capsys)[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not a regular file
    thread.join(timeout=300)
    assert code == 0
    assert received and b"TOTAL" in received[0]


def test_character_device_is_written_through(capsys: pytest.CaptureFixture[str]) -> None:
    assert _price(["-o", "/dev/null"], capsys)[0] == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_full_device_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.fail("/dev/full is missing on this machine")
    code, out, err = _price(["-o", "/dev/full"], capsys)
    assert code == 2 and out == ""
    assert err == "planner: error: /dev/full: cannot write: No space left on device\n"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_directory_and_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _price(["-o", str(tmp_path)], capsys)
    assert code == 2 and "is a directory" in err
    code, _, err = _price(["-o", str(tmp_path / "nope" / "x.txt")], capsys)
    assert code == 2 and "does not exist" in err


def test_stdout_to_a_full_disk_is_one_line() -> None:
    """Subprocess: stdout is the process's own; /dev/full fails every write."""
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "planner.cli", "price"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            timeout=120,
        )
    assert proc.returncode == 2, proc.stderr
    assert (
        _without_warnings(proc.stderr)
        == "planner: error: cannot write to standard output: No space left on device\n"
    )
