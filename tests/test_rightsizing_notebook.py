"""The rightsizing notebook through papermill: sample banner, summary equal to the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from planner.notebooks.execute import discover, execute
from planner.notebooks.summary import read

pytestmark = pytest.mark.notebook

REPO = Path(__file__).resolve().parents[1]


def test_rightsizing_notebook_on_the_sample(tmp_path: Path, run_cli) -> None:
    notebook = next(p for p in discover() if p.stem == "rightsizing")
    out = tmp_path / "rightsizing.ipynb"
    execute(notebook, out, {"scenario": "staging"})
    nb = nbformat.read(out, as_version=4)
    summary = read(nb)
    cli = json.loads(
        run_cli(
            [
                "rightsize",
                "staging",
                "--usage",
                str(REPO / "scenarios" / "usage" / "sample-staging.parquet"),
                "--format",
                "json",
            ]
        ).out
    )
    assert summary["total_savings_monthly_usd"] == cli["total_savings_monthly_usd"]
    assert summary["sample"] is True and "[SAMPLE usage]" in summary["headline"]
    texts = [
        o.get("data", {}).get("text/markdown", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    ]
    # the banner at the top says it runs on sample data
    first = next(t for t in texts if t)
    assert first.startswith("**SAMPLE DATA.**")
    plots = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "application/vnd.plotly.v1+json" in o.get("data", {}) or "text/html" in o.get("data", {})
    ]
    assert len(plots) >= 2


def test_rightsizing_notebook_rejects_a_missing_usage_file(tmp_path: Path) -> None:
    from planner.errors import NotebookError

    notebook = next(p for p in discover() if p.stem == "rightsizing")
    with pytest.raises(
        NotebookError, match=r"parameter usage: 'nope\.parquet': no such usage file"
    ):
        execute(notebook, tmp_path / "x.ipynb", {"scenario": "staging", "usage": "nope.parquet"})
