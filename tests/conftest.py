"""Shared test fixtures. Append new fixtures; keep this file small."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_DIR = REPO / "pricing" / "snapshot"
SCENARIOS_DIR = REPO / "scenarios"


class CliResult(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[[Sequence[str]], CliResult]:
    """Run ``planner.cli.main`` in-process; return (exit code, stdout, stderr)."""
    from planner.cli import main

    def run(argv: Sequence[str]) -> CliResult:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
