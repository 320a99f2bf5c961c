"""The one rule for folders planner owns (price snapshots, reports, ``--out`` folders).

planner builds a new folder beside the old one and swaps it in. It may replace only what it
created: every entry of the old folder that planner did not create (a ``NOTES.md``, an
``archive/`` folder, a symlink) is moved into the new folder before the swap, so the user
keeps it where it was. What planner created is what its marker lists (the caller passes the
set of relative paths); a folder planner did not create at all (no marker, not empty) is
refused before any work. A user's entry with the name of a file planner writes is refused
(one line; nothing moved or deleted). If the swap fails, the user's entries go back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection
from pathlib import Path

from planner.errors import PlannerError


def user_entries(folder: Path, ours: Collection[str]) -> list[str]:
    """Relative paths in ``folder`` planner did not create, outermost first.

    A folder that holds something of planner's is walked into; any other entry (a file, a
    symlink, a folder holding nothing of planner's) is the user's as a whole. Symlinks are
    never followed.
    """
    ours_set = set(ours)
    parents = {str(Path(p).parent) for p in ours_set} | {
        str(q) for p in ours_set for q in Path(p).parents
    }
    found: list[str] = []

    def walk(rel: Path) -> None:
        for entry in sorted(os.scandir(folder / rel), key=lambda e: e.name):
            child = rel / entry.name
            key = str(child)
            if key in ours_set:
                continue
            if entry.is_dir(follow_symlinks=False) and key in parents:
                walk(child)
                continue
            found.append(key)

    walk(Path("."))
    return [str(Path(p)) for p in found]


def swap_in(new: Path, target: Path, ours: Collection[str], *, option: str = "--out") -> list[str]:
    """Put the freshly built ``new`` in place of ``target`` keeping the user's entries.

    ``ours`` lists what planner created in ``target`` (relative paths). Returns the user's
    entries carried over. The old folder is removed only once the new one is in place.
    """
    if not target.exists():
        os.replace(new, target)
        return []
    keep = user_entries(target, ours)
    clash = [rel for rel in keep if os.path.lexists(new / rel)]
    if clash:
        raise PlannerError(
            f"{target / clash[0]}: is yours (not in planner's marker) but has the name of a "
            f"file planner writes; move it away or choose another {option} (nothing was changed)"
        )
    moved: list[str] = []
    try:
        for rel in keep:
            (new / rel).parent.mkdir(parents=True, exist_ok=True)
            os.rename(target / rel, new / rel)
            moved.append(rel)
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / "previous")
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old / "previous", target)
            shutil.rmtree(old, ignore_errors=True)
            raise
    except BaseException:
        for rel in reversed(moved):  # the user's entries go back where they were
            if os.path.lexists(new / rel) and not os.path.lexists(target / rel):
                os.rename(new / rel, target / rel)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return keep
