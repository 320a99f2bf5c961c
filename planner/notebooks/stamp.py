"""The version stamp every page carries: planner version, git commit, snapshot sha256, time."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from functools import cache
from pathlib import Path

from planner.notebooks.params import REPO_ROOT


@cache
def planner_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("planner")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


@cache
def git_commit(root: Path = REPO_ROOT) -> str:
    """The checkout's commit (``+dirty`` with uncommitted changes), "" outside git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + ("+dirty" if dirty else "")


@cache
def snapshot_sha256(directory: Path | None = None) -> str:
    """sha256 of the price snapshot's manifest.json (which lists each file's own sha256)."""
    from planner.catalog import bundled_snapshot_dir

    folder = directory or bundled_snapshot_dir()
    return hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()


def stamp(built: dt.datetime | None = None, prices: Path | None = None) -> dict[str, str]:
    when = built or dt.datetime.now(dt.UTC)
    return {
        "planner_version": planner_version(),
        "git_commit": git_commit(),
        "snapshot_sha256": snapshot_sha256(prices),
        "built": when.strftime("%Y-%m-%d %H:%M UTC"),
    }


def stamp_text(values: dict[str, str]) -> str:
    commit = f", git {values['git_commit']}" if values.get("git_commit") else ""
    return (
        f"planner {values['planner_version']}{commit}, price snapshot sha256 "
        f"{values['snapshot_sha256'][:16]}…, built {values['built']}"
    )
