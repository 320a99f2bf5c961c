"""Writing command output: to stdout, or to a file without destroying what is there.

* A regular file (or a new one) is written atomically: a temporary file in the same folder,
  then a rename. A new file gets the usual mode (0666 less the umask, 0644 by default), an
  existing one keeps its mode. A read-only file is refused, not replaced.
* A symlink is followed: the file it points to is replaced atomically and the link stays.
* A special file (FIFO, character device, socket, ``/dev/stdout``, anything under ``/dev`` or
  ``/proc``) is written through, never replaced by a regular file.
* A write that fails (disk full, permission) is one line naming the path, and leaves no
  temporary file behind and the old file as it was.
* A file the command reads (its scenario and everything the scenario extends, a bill, a usage
  file, a grid, ...) is never its output: ``price s.yaml -o s.yaml`` is refused. Readers
  register what they read with :func:`note_input`; the CLI also registers every argument that
  names an existing file.

Every command writes through :func:`write_output` (text) or :func:`write_file` (anything a
library writes to a path: Parquet, notebooks, workbooks); there is no other writer.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from planner.errors import PlannerError

_THROUGH_PREFIXES = ("/dev/", "/proc/")
# Files the running command reads: never replaced by its output (see note_input).
_INPUTS: set[str] = set()


def note_input(path: str | Path) -> None:
    """Record that the running command reads ``path``: no output may replace it."""
    with contextlib.suppress(OSError, ValueError):
        _INPUTS.add(os.path.realpath(path))


def forget_inputs() -> None:
    """Start a new command with no inputs recorded and no writes cancelled (the CLI calls
    this first)."""
    global _CANCELLED
    _INPUTS.clear()
    _WRITTEN.clear()
    _CANCELLED = False


# Ctrl-C / SIGTERM while a worker thread writes: see cancel_writes.
_WRITE_LOCK = threading.Lock()
_WRITTEN: list[str] = []
_CANCELLED = False


def cancel_writes() -> list[str]:
    """Refuse every later write (an interrupted command) and return the files already
    written since the command started: after a write under way has finished, so that the
    caller can say truthfully whether the previous output is unchanged."""
    global _CANCELLED
    with _WRITE_LOCK:
        _CANCELLED = True
        return list(_WRITTEN)


def _check_not_input(target: Path, real: Path, option: str) -> None:
    if str(real) in _INPUTS:
        raise PlannerError(
            f"{target}: {option} names a file this command reads; refusing to overwrite its "
            f"own input (choose another {option} file)"
        )


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


def write_output(text: str, output: str | None, *, option: str = "--output") -> None:
    """Print, or write to ``output`` (see the module docstring for what is kept safe)."""
    if output is None or output == "-":
        _write_stdout(text)
        return

    def produce(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)

    write_file(output, produce, option=option)


def write_file(
    output: str | Path, produce: Callable[[Path], None], *, option: str = "--output"
) -> Path:
    """Write ``output`` with ``produce(path)`` (which writes the whole content to ``path``).

    The one writer behind every command's file output. A regular or new file is replaced
    atomically (``produce`` writes a temporary file beside it, then a rename); a symlink is
    followed and kept; a FIFO, device, socket or anything under ``/dev`` or ``/proc`` is
    written through, never replaced; a read-only file, a folder and the command's own input
    are refused with one line. Returns the path as given.
    """
    write_files([(output, produce)], option=option)
    return Path(output)


def write_files(
    outputs: Sequence[tuple[str | Path, Callable[[Path], None]]], *, option: str = "--output"
) -> None:
    """Write several files as one output: every target is checked and every content produced
    before the first is replaced, and the renames run with SIGINT/SIGTERM held back, so an
    interrupted command leaves all of them as they were (a notebook and its two HTML pages)."""
    plans = [_plan(Path(output), option) for output, _ in outputs]
    temps: list[tuple[Path, Path, Path]] = []  # (tmp, real, shown)
    through: list[tuple[Path, Path]] = []  # (tmp, target)
    scratch = Path(tempfile.mkdtemp(prefix="planner-out-"))
    try:
        for (target, real, info), (_, produce) in zip(plans, outputs, strict=True):
            if real is None:  # written through
                tmp = scratch / f"{len(through)}.out"
                _produce(produce, tmp, target)
                through.append((tmp, target))
                continue
            mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
            try:
                fd, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
                os.close(fd)
            except OSError as exc:
                raise PlannerError(f"{target}: cannot write: {_reason(exc)}") from None
            temps.append((Path(name), real, target))
            _produce(produce, Path(name), target)
            try:
                os.chmod(name, mode)
            except OSError as exc:
                raise PlannerError(f"{target}: cannot write: {_reason(exc)}") from None
        with _signals_held(), _WRITE_LOCK:
            if _CANCELLED:
                raise KeyboardInterrupt
            _WRITTEN.extend(str(target) for target, _, _ in plans)
            for tmp, real, shown in temps:
                try:
                    os.replace(tmp, real)
                except OSError as exc:
                    raise PlannerError(f"{shown}: cannot write: {_reason(exc)}") from None
            for tmp, target in through:
                try:
                    with open(tmp, "rb") as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                except OSError as exc:
                    raise PlannerError(f"{target}: cannot write: {_reason(exc)}") from None
    finally:
        for tmp, _, _ in temps:
            tmp.unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)


def check_output(output: str | Path, *, option: str = "--output") -> None:
    """Refuse a bad output target before any work is done (the same checks as the writer)."""
    _plan(Path(output), option)


def _plan(target: Path, option: str) -> tuple[Path, Path | None, os.stat_result | None]:
    """Check ``target``; return (target, the real file to replace or None to write through,
    its stat or None for a new file)."""
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None  # a new file, or a symlink to a missing one
    except OSError as exc:
        raise PlannerError(f"{target}: cannot use as {option}: {_reason(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise PlannerError(f"{target}: {option} is a directory; give a file name")
    real = Path(os.path.realpath(target))
    _check_not_input(target, real, option)
    through = str(target).startswith(_THROUGH_PREFIXES) or str(real).startswith(_THROUGH_PREFIXES)
    if through or (info is not None and not stat.S_ISREG(info.st_mode)):
        return target, None, info
    if not real.parent.is_dir():
        raise PlannerError(f"{target}: {option} folder {real.parent} does not exist")
    if info is not None and not info.st_mode & 0o222:
        raise PlannerError(
            f"{target}: the file is read-only; refusing to replace it (make it writable or "
            f"choose another {option} file)"
        )
    return target, real, info


def _produce(produce: Callable[[Path], None], tmp: Path, shown: Path) -> None:
    try:
        produce(tmp)
    except OSError as exc:
        raise PlannerError(f"{shown}: cannot write: {_reason(exc)}") from None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (main thread only) until the block ends."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
