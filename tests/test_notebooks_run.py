"""Every notebook executed through papermill on both bundled scenarios (slow: shared, once).

The report is built once per test session into a folder shared by the xdist workers (the
first worker builds it under a file lock; the other reuses it), so each notebook runs once
per scenario however the tests are distributed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import nbformat
import pytest

from planner.errors import NotebookError
from planner.notebooks.execute import discover, execute
from planner.notebooks.summary import read

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("notebooks")]

SCENARIOS = ("staging", "production")
PAPERMILL = Path(sys.executable).with_name("papermill")


@pytest.fixture(scope="session")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "notebook-report"
    with (shared / "notebook-report.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (out / "index.html").is_file():
                from planner.notebooks.report import build_report

                build_report(SCENARIOS, out, progress=lambda _line: None)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    yield out


def _summary(report: Path, scenario: str, notebook: str) -> dict[str, Any]:
    return read(nbformat.read(report / scenario / f"{notebook}.ipynb", as_version=4))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_totals_equal_planner_price_json(
    built_report: Path, scenario: str, run_cli: Callable[[Sequence[str]], Any]
) -> None:
    result = run_cli(["price", scenario, "--format", "json"])
    assert result.code == 0, result.err
    priced = json.loads(result.out)
    summary = _summary(built_report, scenario, "cost_overview")
    assert summary["total_monthly_usd_exact"] == priced["total_monthly_usd_exact"]
    assert summary["total_monthly_usd"] == priced["total_monthly_usd"]
    assert summary["by_service"] == priced["by_service"]
    assert summary["price_snapshot"] == priced["price_snapshot"]["date"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_capacity_and_whatif_summaries(built_report: Path, scenario: str) -> None:
    capacity = _summary(built_report, scenario, "capacity")
    low, expected, high = (
        float(capacity["cost_range_monthly_usd_exact"][s]) for s in ("min", "expected", "max")
    )
    assert 0 < low <= expected <= high
    whatif = _summary(built_report, scenario, "whatif")
    assert whatif["whatifs"], "each bundled scenario has at least one overlay"
    for row in whatif["whatifs"]:
        assert float(row["delta_usd_exact"]) == pytest.approx(
            float(row["total_monthly_usd_exact"]) - float(whatif["base_total_monthly_usd_exact"])
        )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_commitments_summary_matches_the_cli(
    built_report: Path, scenario: str, run_cli: Callable[[Sequence[str]], Any]
) -> None:
    summary = _summary(built_report, scenario, "commitments")
    data = json.loads(run_cli(["commitments", scenario, "--format", "json"]).out)
    assert summary["options"] == len(data["options"])
    assert summary["missing_rates"] == len(data["missing_rates"])
    assert summary["off_hours_saving_usd"] == 87.63  # §9.2 off-hours, worked in test_claims
    assert summary["sweep_variants"] > 0


def test_every_notebook_rendered_for_every_scenario(built_report: Path) -> None:
    for scenario in SCENARIOS:
        for notebook in discover():
            for suffix in (".ipynb", ".html", ".finance.html"):
                assert (built_report / scenario / f"{notebook.stem}{suffix}").is_file()
    index = (built_report / "index.html").read_text()
    assert "$815.76 a month" in index and "$1,932.58 a month" in index
    assert index.count("finance view") == len(SCENARIOS) * len(discover())


@pytest.mark.parametrize("notebook", ["cost_overview", "capacity", "whatif", "commitments"])
def test_finance_html_is_offline_with_figures_and_no_code(
    built_report: Path, notebook: str
) -> None:
    page = (built_report / "staging" / f"{notebook}.finance.html").read_text()
    assert "plotly.js v" in page or "plotly.min.js" in page or "Plotly=" in page
    assert page.count("Plotly.newPlot(") >= 1  # figures
    assert re.search(r'<script src="https?://', page) is None  # fetches nothing
    assert "from planner" not in page  # no code for finance
    assert "validate(" in (built_report / "staging" / f"{notebook}.html").read_text()


def test_missing_scenario_fails_papermill_in_the_first_cell(tmp_path: Path) -> None:
    notebook = discover()[0]
    out = subprocess.run(
        [str(PAPERMILL), str(notebook), str(tmp_path / "out.ipynb"), "-p", "scenario", "nope.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode != 0
    assert "parameter scenario: 'nope.yaml': no such scenario file" in out.stderr
    failed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    errors = [c for c in failed.cells if c.cell_type == "code" and c.get("outputs")]
    error_cells = [c for c in errors if any(o.output_type == "error" for o in c.outputs)]
    assert len(error_cells) == 1 and "validate(" in error_cells[0].source


def test_unknown_overlay_names_the_notebook_and_cell(tmp_path: Path) -> None:
    whatif = next(p for p in discover() if p.stem == "whatif")
    with pytest.raises(NotebookError) as err:
        execute(whatif, tmp_path / "w.ipynb", {"scenario": "staging", "overlays": "whatif/nope"})
    text = str(err.value)
    assert re.match(r"whatif\.ipynb: cell \d+ failed: NotebookError: parameter overlays: ", text)
    assert "unknown overlay 'whatif/nope'" in text and "\n" not in text
