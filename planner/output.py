"""Writing command output: to stdout, or to a file without destroying what is there.

* A regular file (or a new one) is written atomically: a temporary file in the same folder,
  then a rename. A new file gets the usual mode (0666 less the umask, 0644 by default), an
  existing one keeps its mode. A read-only file is refused, not replaced.
* A symlink is followed: the file it points to is replaced atomically and the link stays.
* A special file (FIFO, character device, socket, ``/dev/stdout``, anything under ``/dev`` or
  ``/proc``) is written through, never replaced by a regular file.
* A write that fails (disk full, permission) is one line naming the path, and leaves no
  temporary file behind and the old file as it was.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.errors import PlannerError

_THROUGH_PREFIXES = ("/dev/", "/proc/")


def to_json(data: dict[str, Any]) -> str:
    """The JSON contracts' text: indented, UTF-8 kept, one trailing newline."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def formatted(
    fmt: str,
    table: Callable[[], str],
    as_json: Callable[[], dict[str, Any]],
    as_csv: Callable[[], str] | None = None,
) -> str:
    """A command's output in its ``--format``: ``json``, ``csv`` (when it has one) or the table."""
    if fmt == "json":
        return to_json(as_json())
    if fmt == "csv" and as_csv is not None:
        return as_csv()
    return table()


def write_output(text: str, output: str | None) -> None:
    """Print, or write to ``output`` (see the module docstring for what is kept safe)."""
    if output is None or output == "-":
        _write_stdout(text)
        return
    target = Path(output)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None  # a new file, or a symlink to a missing one
    except OSError as exc:
        raise PlannerError(f"{target}: cannot use as --output: {_reason(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise PlannerError(f"{target}: --output is a directory; give a file name")
    real = Path(os.path.realpath(target))
    through = str(target).startswith(_THROUGH_PREFIXES) or str(real).startswith(_THROUGH_PREFIXES)
    if through or (info is not None and not stat.S_ISREG(info.st_mode)):
        _write_through(text, target)
        return
    if not real.parent.is_dir():
        raise PlannerError(f"{target}: --output folder {real.parent} does not exist")
    if info is not None and not info.st_mode & 0o222:
        raise PlannerError(
            f"{target}: the file is read-only; refusing to replace it (make it writable or "
            "choose another -o file)"
        )
    _write_atomic(text, target, real, info)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(text: str, shown: Path, real: Path, info: os.stat_result | None) -> None:
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", dir=real.parent)
    except OSError as exc:
        raise PlannerError(f"{shown}: cannot write: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, real)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PlannerError(f"{shown}: cannot write: {_reason(exc)}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_through(text: str, target: Path) -> None:
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise PlannerError(f"{target}: cannot write: {_reason(exc)}") from None


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise
    except OSError as exc:  # e.g. a full disk behind a redirect
        _silence_stdout()
        raise PlannerError(f"cannot write to standard output: {_reason(exc)}") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
