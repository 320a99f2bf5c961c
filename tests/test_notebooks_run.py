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
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest

from planner.errors import NotebookError
from planner.notebooks.execute import discover, execute
from planner.notebooks.summary import read

pytestmark = [pytest.mark.notebook]

SCENARIOS = ("staging", "production")
PAPERMILL = Path(sys.executable).with_name("papermill")


def shared_report(
    factory: pytest.TempPathFactory, name: str, parameters: dict[str, Any] | None = None
) -> Path:
    """The report built once per test session into a folder the xdist workers share."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (out / "index.html").is_file():
                from planner.notebooks.report import build_report

                build_report(SCENARIOS, out, progress=lambda _line: None, parameters=parameters)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out


@pytest.fixture(scope="session")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield shared_report(tmp_path_factory, "notebook-report")


@pytest.fixture(scope="session")
def whole_dollar_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The same report at ``usd_decimals`` 0 (``planner report -p usd_decimals 0``)."""
    yield shared_report(tmp_path_factory, "notebook-report-0", {"usd_decimals": 0})


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
    # §9.2 off-hours, worked in test_claims: the seed report's claims are staging's only
    expected = 87.64 if scenario == "staging" else None
    assert summary["off_hours_saving_usd"] == expected
    assert summary["sweep_variants"] > 0


def test_every_notebook_rendered_for_every_scenario(built_report: Path) -> None:
    for scenario in SCENARIOS:
        for notebook in discover():
            for suffix in (".ipynb", ".html", ".finance.html"):
                assert (built_report / scenario / f"{notebook.stem}{suffix}").is_file()
    index = (built_report / "index.html").read_text()
    # staging: 815.77 is the sum of its lines rounded to the cent (tests/golden/price-staging.txt
    # adds them: 438.00 + 153.96 + 64.06 + 12.41 + 86.58 + 17.03 + 26.50 + 0.23 + 3 + 5 + 9)
    assert "$815.77 a month" in index and "$1,932.58 a month" in index
    assert "Warnings" in index and "price data dated 2021-08-03 to 2026-07-20" in index
    assert index.count("finance view") == len(SCENARIOS) * len(discover())


class _Page(HTMLParser):
    """Code cells, outputs and scripts of an exported page, read from its structure."""

    def __init__(self) -> None:
        super().__init__()
        self.input_areas = 0
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if "jp-InputArea-editor" in classes:  # a code input (markdown has none)
            self.input_areas += 1
        if tag == "script" and values.get("src"):
            self.scripts.append(str(values["src"]))


def _page(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# charts per notebook on staging: cost_overview shows 4 (per service, per resource,
# side by side, the seed estimate audit), capacity 3 (nodes, utilization, cost range),
# whatif 1 (deltas), commitments 3 (cash flow, sweep Pareto frontier: staging has a grid,
# forecast), rightsizing 2 (usage distributions, savings), alerts 1 (thresholds against the
# cost range), plan_vs_actual 1 (planned against actual per month)
CHARTS = {
    "cost_overview": 4,
    "capacity": 3,
    "whatif": 1,
    "commitments": 3,
    "rightsizing": 2,
    "alerts": 1,
    "plan_vs_actual": 1,
}


@pytest.mark.parametrize("notebook", sorted(CHARTS))
def test_finance_html_is_offline_with_figures_and_no_code(
    built_report: Path, notebook: str
) -> None:
    finance_path = built_report / "staging" / f"{notebook}.finance.html"
    code_path = built_report / "staging" / f"{notebook}.html"
    finance, code = _page(finance_path), _page(code_path)
    source = nbformat.read(discover_by_stem(notebook), as_version=4)
    code_cells = [c for c in source.cells if c.cell_type == "code"]
    # structurally: no input area for finance; one per code cell (plus papermill's injected
    # parameters cell) on the page with code
    assert finance.input_areas == 0
    assert code.input_areas == len(code_cells) + 1
    # plotly.js: one shared file beside the scenario folders, linked by a relative path
    assert finance.scripts == ["../plotly.min.js"] == code.scripts
    assert (built_report / "plotly.min.js").is_file()
    text = finance_path.read_text()
    assert text.count("Plotly.newPlot(") == CHARTS[notebook]
    assert finance_path.stat().st_size < 1_000_000  # plotly.js is not inlined
    # JupyterLab's theme styles: one shared stylesheet, linked once, not inlined per page
    for page_text in (text, code_path.read_text()):
        assert page_text.count('<link rel="stylesheet" href="../notebook.css">') == 1
        assert "Distributed under the terms of the Modified BSD License" not in page_text
    assert "--jp-content-font-family" in (built_report / "notebook.css").read_text()
    # downloads and the version stamp
    assert 'href="staging-cost-lines.csv"' in text and 'href="staging-cost-lines.xlsx"' in text
    assert re.search(
        r"planner \S+, git [0-9a-f]{7,}(\+dirty)?, price snapshot sha256 [0-9a-f]{16}", text
    )


def discover_by_stem(stem: str) -> Path:
    return next(p for p in discover() if p.stem == stem)


def test_report_is_light(built_report: Path) -> None:
    size = sum(p.stat().st_size for p in built_report.rglob("*") if p.is_file())
    assert size < 15 * 1024 * 1024, f"{size / 1e6:.1f} MB"
    assert len(list(built_report.rglob("plotly.min.js"))) == 1


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
    # a parameter error is its own line, without the cell and exception noise
    assert re.match(r"whatif\.ipynb: parameter overlays: unknown overlay 'whatif/nope'", text)
    assert "\n" not in text


def test_misspelt_papermill_parameter_fails_with_the_valid_names(tmp_path: Path) -> None:
    """Plain papermill only warns about an unknown name; the validation cell refuses it."""
    notebook = next(p for p in discover() if p.stem == "capacity")
    out = subprocess.run(
        [str(PAPERMILL), str(notebook), str(tmp_path / "out.ipynb"), "-p", "scenaro", "production"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode != 0
    assert (
        "unknown parameter scenaro (did you mean scenario?); valid parameters: scenario, prices, "
        "usd_decimals, compare_with, horizon_months, utilization_warn_pct"
    ) in out.stderr


def test_planner_run_bad_value_is_one_line_and_keeps_the_good_output(
    tmp_path: Path, run_cli: Callable[[Sequence[str]], Any]
) -> None:
    out = tmp_path / "whatif.ipynb"
    good = run_cli(["run", "whatif", "--scenario", "production", "-o", str(out)])
    assert good.code == 0, good.err
    before = out.read_bytes()
    bad = run_cli(["run", "whatif", "-p", "usd_decimals", "5", "-o", str(out)])
    assert bad.code == 2
    lines = bad.err.splitlines()
    assert len(lines) == 1, bad.err
    assert lines[0].startswith(
        "planner: error: whatif.ipynb: parameter usd_decimals = 5: Input should be less than "
        "or equal to 2"
    )
    assert out.read_bytes() == before  # the earlier good notebook is untouched
    # refused before a kernel started: nothing ran, so there is no failed notebook to keep
    assert not (tmp_path / "whatif.failed.ipynb").exists()


class _NoKernel:
    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a kernel was started for parameters that were already wrong")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["run", "whatif", "-p", "usd_decimal", "0"],
            "whatif.ipynb: unknown parameter usd_decimal (did you mean usd_decimals?); valid "
            "parameters: scenario, prices, usd_decimals, compare_with, horizon_months, overlays",
        ),
        (
            ["run", "rightsizing", "-p", "headroom_pct", "-5"],
            "rightsizing.ipynb: parameter headroom_pct = -5: Input should be greater than or "
            "equal to 0",
        ),
        (
            ["report", "-p", "overlay", "whatif/staging-graviton"],
            "report: unknown parameter overlay (did you mean overlays?)",
        ),
        (
            ["report", "production", "-p", "usd_decimals", "3"],
            "cost_overview.ipynb: parameter usd_decimals = 3: Input should be less than or "
            "equal to 2",
        ),
    ],
)
def test_bad_parameters_are_refused_before_any_kernel_starts(
    tmp_path: Path,
    run_cli: Callable[[Sequence[str]], Any],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    import planner.notebooks.execute
    import planner.notebooks.report

    monkeypatch.setattr(planner.notebooks.execute, "KernelSession", _NoKernel)
    monkeypatch.setattr(planner.notebooks.report, "KernelSession", _NoKernel)
    where = ["-o", str(tmp_path / "out" / "x.ipynb")] if argv[0] == "run" else []
    where += ["--out", str(tmp_path / "out")] if argv[0] == "report" else []
    result = run_cli([*argv, *where])
    assert result.code == 2
    assert result.err.startswith(f"planner: error: {message}"), result.err
    assert len(result.err.splitlines()) == 1
    assert not (tmp_path / "out").exists()  # nothing written


def test_whatif_saving_that_ends_inside_the_horizon_is_not_a_headline(built_report: Path) -> None:
    """staging (as_of 2025-11-11) on 1.31: standard support ends 2025-11-26, 15 days later."""
    whatif = _summary(built_report, "staging", "whatif")
    upgrade = next(r for r in whatif["whatifs"] if r["scenario"] == "staging-eks-upgrade")
    assert upgrade["change_ends"] == "2025-11-26"
    # the only lasting saving is graviton's -15.91 (799.86 - 815.77)
    assert whatif["headline"].startswith("best lasting what-if: staging-graviton saves $15.91")
    assert "staging-eks-upgrade saves $365.00 a month only until 2025-11-26" in whatif["headline"]
    overview = _summary(built_report, "staging", "cost_overview")
    kinds = {w["kind"] for w in overview["warnings"]}
    assert {"eks-extended-support-end", "idle-nodes", "stale-price"} <= kinds
    assert overview["price_dates"]["oldest"] == "2021-08-03"
