"""``--out DIR``: write into a new or empty folder, or one planner wrote before (its marker).

Never destroys a user's file: a folder with files and no marker is refused, and a name that
collides with a file planner did not write is refused. Files planner wrote last time and no
longer writes are removed (they are listed in the marker).
"""

from __future__ import annotations

import json
from pathlib import Path

from planner.errors import InputError
from planner.output import write_output

MARKER = ".planner-output"


def _ours(folder: Path) -> set[str] | None:
    marker = folder / MARKER
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(n) for n in data["files"]}
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{marker}: not a planner marker file; choose another --out") from None


def write_folder(folder: str, files: dict[str, str]) -> list[Path]:
    """Write every file (atomically each), then the marker. Return the paths written."""
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: --out is a file; give a folder")
    if any("/" in n or n.startswith(".") for n in files):
        raise InputError("output file names must be plain names")  # pragma: no cover
    previous: set[str] = set()
    if out.is_dir():
        entries = {p.name for p in out.iterdir()}
        ours = _ours(out)
        if ours is None and entries:
            raise InputError(
                f"{out}: --out folder has files planner did not write; "
                "choose an empty or new folder"
            )
        previous = ours or set()
        foreign = sorted((entries - previous - {MARKER}) & set(files))
        if foreign:
            raise InputError(f"{out / foreign[0]}: exists and was not written by planner")
    else:
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise InputError(f"{out}: cannot create --out folder: {exc.strerror}") from None
    written = []
    for name, text in files.items():
        write_output(text, str(out / name))
        written.append(out / name)
    for stale in sorted(previous - set(files)):
        path = out / stale
        if path.is_file() and "/" not in stale:
            path.unlink()
    write_output(json.dumps({"files": sorted(files)}, indent=2) + "\n", str(out / MARKER))
    return written
