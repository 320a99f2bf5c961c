"""The plan_vs_actual notebook through papermill: sample banner, numbers equal the CLI's."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import nbformat
import pytest

from planner.notebooks.execute import discover, execute
from planner.notebooks.summary import read

pytestmark = pytest.mark.notebook

NOTEBOOK = next(p for p in discover() if p.stem == "plan_vs_actual")


def test_staging_runs_on_the_sample_and_matches_the_cli(
    tmp_path: Path, run_cli: Callable[[Sequence[str]], Any]
) -> None:
    out = tmp_path / "staging" / "plan_vs_actual.ipynb"
    execute(NOTEBOOK, out, {"scenario": "staging"})
    summary = read(nbformat.read(out, as_version=4))
    assert summary["sample_data"] is True and "[sample data]" in summary["headline"]
    assert "SAMPLE DATA" in (tmp_path / "staging" / "plan_vs_actual.finance.html").read_text()
    cli = json.loads(
        run_cli(["variance", "staging", "--actuals", "sample", "--format", "json"]).out
    )
    assert float(summary["actual_usd_exact"]) == cli["totals"]["actual_usd"]
    assert float(summary["unplanned_usd_exact"]) == cli["totals"]["unplanned_usd"]
    assert float(summary["planned_usd_exact"]) == cli["totals"]["planned_usd"]
    # the rebased plan is dearer: NAT GB, logs and LCUs were under-assumed
    assert float(summary["rebased_monthly_usd_exact"]) > float(
        summary["original_monthly_usd_exact"]
    )


def test_production_has_no_sample_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "p.ipynb"
    execute(NOTEBOOK, out, {"scenario": "production"}, html=False)
    summary = read(nbformat.read(out, as_version=4))
    assert summary == {
        "headline": "No actuals for production: plan $1,932.58 a month.",
        "sample_data": False,
    }
