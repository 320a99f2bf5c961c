"""Shared helpers of the hostile-input suite: run the CLI in-process, check the one line.

Every case states the exit code and a fragment of the message it expects. A case passes
only if the CLI exits with that code, prints nothing on stdout, prints exactly one line on
stderr (no traceback) containing the fragment, and leaves an earlier ``-o`` file as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main

REPO = Path(__file__).resolve().parents[2]
STAGING = REPO / "scenarios" / "staging.yaml"
STAGING_TEXT = STAGING.read_text(encoding="utf-8")
MANIFESTS = REPO / "scenarios" / "manifests" / "staging"


@dataclass(frozen=True)
class Case:
    """``make(tmp)`` writes the input files and returns the CLI arguments."""

    id: str
    make: Callable[[Path], list[str]]
    code: int
    fragment: str
    absent: tuple[str, ...] = field(default=())  # text the message must NOT contain


def staging_with(old: str, new: str) -> Callable[[Path], list[str]]:
    """A copy of the bundled staging scenario with one text replacement."""

    def make(tmp: Path) -> list[str]:
        assert old in STAGING_TEXT, old
        path = tmp / "bad.yaml"
        path.write_text(STAGING_TEXT.replace(old, new, 1), encoding="utf-8")
        return ["price", str(path)]

    return make


def overlay(text: str, command: str = "price") -> Callable[[Path], list[str]]:
    """An overlay scenario extending the bundled staging scenario."""

    def make(tmp: Path) -> list[str]:
        path = tmp / "bad.yaml"
        path.write_text(f"extends: {STAGING}\n{text}", encoding="utf-8")
        return [command, str(path)]

    return make


def run_case(case: Case, tmp: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    argv = case.make(tmp)
    previous = tmp / "previous-output.txt"
    previous.write_text("previous\n", encoding="utf-8")
    if argv and argv[0] in ("price", "capacity", "compare", "audit") and "-o" not in argv:
        argv = [*argv, "-o", str(previous)]
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == case.code, (code, err)
    if case.code == 0:
        return code, err
    assert out == "", out
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("planner: error: "), err
    assert "Traceback" not in err
    assert case.fragment in lines[0], lines[0]
    for text in case.absent:
        assert text not in err, err
    assert previous.read_text(encoding="utf-8") == "previous\n"
    leftovers = [p.name for p in tmp.iterdir() if p.name.startswith(".previous-output")]
    assert leftovers == [], leftovers
    return code, err


def ids(cases: list[Case]) -> list[Any]:
    return [pytest.param(c, id=c.id) for c in cases]
