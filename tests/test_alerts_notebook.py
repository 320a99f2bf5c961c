"""The alerts notebook, executed through papermill: its summary equals `planner alerts`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from planner.errors import NotebookError
from planner.notebooks.execute import discover, execute
from planner.notebooks.summary import read

pytestmark = [pytest.mark.notebook]


def _alerts_notebook() -> Path:
    return next(p for p in discover() if p.stem == "alerts")


def test_alerts_notebook_joins_the_report_and_matches_the_cli(tmp_path: Path, run_cli: Any) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "month,monthly_usd\n"
        + "".join(f"2026-{m:02d},815.76\n" for m in range(1, 7))
        + "".join(f"2026-{m:02d},1200\n" for m in range(7, 13))
    )
    out = tmp_path / "alerts.ipynb"
    execute(_alerts_notebook(), out, {"scenario": "staging", "forecast": str(forecast)}, html=False)
    summary = read(nbformat.read(out, as_version=4))
    cli = json.loads(
        run_cli(["alerts", "staging", "--format", "json", "--forecast", str(forecast)]).out
    )
    total = cli["budgets"][0]
    assert summary["warning_usd"] == total["thresholds"][0]["monthly_usd"] == "829.78"
    assert summary["critical_usd"] == total["thresholds"][1]["monthly_usd"] == "960.89"
    assert summary["seed_levels_usd"] == ["750", "1000"]
    assert "$960.89" in summary["headline"]
    text = out.read_text()
    assert "No forecast was given" not in text  # it was given
    assert "planner-staging-AmazonEC2" in text  # the budgets table is shown


def test_alerts_notebook_rejects_a_missing_forecast(tmp_path: Path) -> None:
    with pytest.raises(NotebookError, match="forecast CSV not found"):
        execute(
            _alerts_notebook(),
            tmp_path / "a.ipynb",
            {"scenario": "staging", "forecast": "nope.csv"},
            html=False,
        )
