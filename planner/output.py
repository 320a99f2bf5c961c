"""Writing command output: to stdout, or atomically to a file (temporary file, then rename)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from planner.errors import PlannerError


def write_output(text: str, output: str | None) -> None:
    """Print, or write atomically: a temporary file in the same folder, then rename."""
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    target = Path(output)
    if target.is_dir():
        raise PlannerError(f"{target}: --output is a directory; give a file name")
    if not target.parent.is_dir():
        raise PlannerError(f"{target}: --output folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
