"""Notebook machinery without running a kernel: parameters, discovery, swap, views, charts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from planner.costing.registry import service_color
from planner.errors import NotebookError
from planner.notebooks import report as report_mod
from planner.notebooks.cli import parse_value
from planner.notebooks.execute import (
    NotebookRunError,
    RunResult,
    check_parameters,
    discover,
    find_notebook,
    read_notebook,
)
from planner.notebooks.params import (
    CapacityParams,
    CostOverviewParams,
    WhatIfParams,
    resolve_scenario,
    validate,
)
from planner.notebooks.summary import SUMMARY_MIME, read

REPO = Path(__file__).resolve().parents[1]


def test_bundled_notebooks_are_stored_without_outputs() -> None:
    books = discover()
    assert [p.stem for p in books] == [
        "cost_overview",
        "capacity",
        "whatif",
        "commitments",
        "rightsizing",
        "alerts",
        "plan_vs_actual",
    ]
    for path in books:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), path.name
        assert code[0].metadata.get("tags") == ["parameters"], path.name
        assert "validate(" in code[1].source, f"{path.name}: validation must follow parameters"


def test_discovery_is_by_convention(tmp_path: Path) -> None:
    for name in ("b.ipynb", "a.ipynb", "_draft.ipynb", "notes.md"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in discover(tmp_path)] == ["a.ipynb", "b.ipynb"]


def test_scenario_reference_resolves_bundled_names_and_repo_paths(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # as papermill runs a notebook from notebooks/ or anywhere
    assert resolve_scenario("production") == REPO / "scenarios" / "production.yaml"
    assert resolve_scenario("scenarios/production.yaml") == REPO / "scenarios" / "production.yaml"
    assert resolve_scenario("whatif/staging-graviton").name == "staging-graviton.yaml"


def test_missing_scenario_is_one_clear_message() -> None:
    with pytest.raises(NotebookError) as err:
        validate(CostOverviewParams, {"scenario": "nope.yaml"})
    text = str(err.value)
    assert text.startswith("parameter scenario: 'nope.yaml': no such scenario file")
    assert "\n" not in text and "bundled names: " in text and "production" in text


def test_unknown_overlay_and_bad_values() -> None:
    with pytest.raises(NotebookError, match=r"parameter overlays: unknown overlay 'whatif/nope'"):
        validate(WhatIfParams, {"scenario": "staging", "overlays": ["whatif/nope"]})
    # one line: the parameter, the value and the allowed range
    with pytest.raises(
        NotebookError,
        match=r"^parameter usd_decimals = 5: Input should be less than or equal to 2$",
    ):
        validate(CostOverviewParams, {"scenario": "staging", "usd_decimals": 5})
    with pytest.raises(
        NotebookError, match=r"parameter horizon_months = 0: .*greater than or equal to 1"
    ):
        validate(CostOverviewParams, {"scenario": "staging", "horizon_months": 0})
    with pytest.raises(NotebookError, match="parameter utilization_warn_pct = 0: "):
        validate(CapacityParams, {"scenario": "staging", "utilization_warn_pct": 0})
    with pytest.raises(NotebookError, match=r"estimate: 'x\.csv': estimate CSV not found"):
        validate(CostOverviewParams, {"scenario": "staging", "estimate": "x.csv"})


def test_overlays_auto_and_comma_separated() -> None:
    auto = validate(WhatIfParams, {"scenario": "staging", "overlays": ["auto"]})
    names = [p.stem for p in auto.overlay_paths]
    assert names == ["staging-eks-upgrade", "staging-graviton", "staging-multi-az"]
    given = validate(
        WhatIfParams, {"scenario": "staging", "overlays": "whatif/staging-graviton, auto"}
    )
    assert given.overlay_paths[0].stem == "staging-graviton"
    assert len(given.overlay_paths) == 3  # no duplicates
    prod = validate(WhatIfParams, {"scenario": "production"})
    assert [p.stem for p in prod.overlay_paths] == ["production-graviton"]


def test_estimate_auto_finds_the_seed_estimate_for_staging_only() -> None:
    staging = validate(CostOverviewParams, {"scenario": "staging"})
    assert staging.estimate_path is not None
    assert staging.estimate_path.name == "seed-9.1-staging.csv"
    assert validate(CostOverviewParams, {"scenario": "production"}).estimate_path is None


def test_extra_globals_are_ignored_but_unknown_run_parameters_are_errors() -> None:
    params = validate(CostOverviewParams, {"scenario": "staging", "In": [], "display": print})
    assert params.scenario == "staging"
    notebook = find_notebook("cost_overview")
    with pytest.raises(
        NotebookError,
        match=r"unknown parameter senario \(did you mean scenario\?\); valid parameters: "
        r"scenario, prices, usd_decimals, compare_with, horizon_months, estimate$",
    ):
        check_parameters(notebook, read_notebook(notebook), {"senario": "x"})


def test_find_notebook_names_the_bundled_ones() -> None:
    assert find_notebook("whatif").name == "whatif.ipynb"
    with pytest.raises(NotebookError, match="nope: no such notebook; the bundled ones are"):
        find_notebook("nope")


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("0.5", 0.5), ("null", None), ("[a, b]", ["a", "b"]), ("staging", "staging")],
)
def test_parse_value(text: str, value: Any) -> None:
    assert parse_value(text) == value


def test_summary_is_read_from_outputs() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={SUMMARY_MIME: {"total": 1}}),
    ]
    nb.cells = [cell]
    assert read(nb) == {"total": 1}


def _fake_execute(fail: str | None) -> Any:
    def execute(notebook: Path, output: Path, parameters: dict[str, Any], **_: Any) -> RunResult:
        if notebook.stem == fail:
            output.parent.mkdir(parents=True, exist_ok=True)
            failed = output.with_name(f"{output.stem}.failed.ipynb")
            failed.write_text("{}")
            raise NotebookRunError(f"{notebook.name}: cell 3 failed: ValueError: boom", failed)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text("{}")
        summary = {"total_monthly_usd": 12.5, "headline": "fake"}
        return RunResult(notebook, output, 0.01, summary)

    return execute


def test_failed_notebook_keeps_previous_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    books = [tmp_path / "a.ipynb", tmp_path / "b.ipynb"]
    out = tmp_path / "reports"
    lines: list[str] = []
    monkeypatch.setattr(report_mod, "execute", _fake_execute(None))
    monkeypatch.setattr(report_mod, "_session", lambda: None)  # no kernel for a fake run
    index = report_mod.build_report(["staging"], out, notebooks=books, progress=lines.append)
    # the index total is staging's priced total (the sum of its rounded lines), not a summary's
    assert index.read_text().count("finance view") == 2 and "$815.77 a month" in index.read_text()
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert any("a (staging) started" in ln for ln in lines)

    monkeypatch.setattr(report_mod, "execute", _fake_execute("b"))
    with pytest.raises(NotebookError) as err:
        report_mod.build_report(["staging"], out, notebooks=books, progress=lines.append)
    text = str(err.value)
    assert "scenario staging: b.ipynb: cell 3 failed: ValueError: boom" in text
    assert "previous report is unchanged" in text
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]
    assert (tmp_path / "reports.failed" / "staging" / "b.failed.ipynb").is_file()


def test_report_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(NotebookError, match="not a planner report"):
        report_mod.build_report(["staging"], tmp_path, notebooks=[tmp_path / "a.ipynb"])
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_report_rejects_a_missing_scenario_before_running(tmp_path: Path) -> None:
    with pytest.raises(NotebookError, match="scenario 'nope': no such scenario file"):
        report_mod.build_report(["nope"], tmp_path / "r", notebooks=[tmp_path / "a.ipynb"])


def test_views_and_charts_on_staging() -> None:
    from planner import charts, views
    from planner.costing.engine import price_topology
    from planner.scenario import load_scenario

    staging = price_topology(load_scenario("staging").topology)
    graviton = price_topology(load_scenario("whatif/staging-graviton").topology)
    by_service = views.cost_by_service(staging)
    assert by_service.iloc[-1]["service"] == "TOTAL"
    # 815.77: the sum of staging's lines rounded to the cent (see tests/golden/price-staging.txt)
    assert by_service.iloc[-1]["monthly USD"] == pytest.approx(815.77)
    assert by_service["monthly USD"][:-1].sum() == pytest.approx(815.77)
    side = views.side_by_side({"staging": staging, "graviton": graviton})
    assert list(side["service"][-2:]) == ["TOTAL", "TOTAL a year"]
    deltas = views.whatif_deltas(staging, [graviton])
    # 799.86 - 815.77 (graviton's displayed total minus staging's)
    assert deltas.iloc[1]["change USD"] == pytest.approx(-15.91)
    html = views.styled(by_service).to_html()
    assert "$438.00" in html
    fig = charts.whatif_deltas(staging, [graviton])
    colors = {t.name: t.marker.color for t in fig.data if t.type == "bar"}
    assert colors["EC2 (nodes, EBS, NAT)"] == service_color("AmazonEC2")
    # money axes: ticks formatted as dollars by d3 ("$1,500", "-$400"), unit in the title
    axis = charts.cost_by_service(staging).layout.xaxis
    assert axis.tickformat == "$,.0f" and axis.title.text == "monthly cost ($/month)"


def test_cli_start_up_does_not_import_plotly_or_papermill() -> None:
    code = (
        "import sys, planner.cli, planner.charts, planner.notebooks.cli;"
        "print(json.dumps(sorted(m for m in ('plotly', 'papermill', 'pandas', 'nbconvert')"
        " if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json;" + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_run_and_report_commands_fail_in_one_line_before_starting_a_kernel(
    run_cli: Any, tmp_path: Path
) -> None:
    result = run_cli(["run", "cost_overview", "-p", "senario", "x"])
    assert result.code == 2
    assert result.err.startswith("planner: error: cost_overview.ipynb: unknown parameter senario")
    result = run_cli(["run", "nope", "--scenario", "staging"])
    assert result.code == 2 and "nope: no such notebook" in result.err
    result = run_cli(["report", "nope", "--out", str(tmp_path / "r")])
    assert result.code == 2 and "scenario 'nope': no such scenario file" in result.err
    assert result.err.count("\n") == 1


def _cell_texts(html_text: str) -> list[list[str]]:
    from html.parser import HTMLParser

    rows: list[list[str]] = []

    class Cells(HTMLParser):
        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "tr":
                rows.append([])
            elif tag in ("td", "th"):
                rows[-1].append("")

        def handle_data(self, data: str) -> None:
            if rows and rows[-1]:
                rows[-1][-1] += data.strip()

    Cells().feed(html_text)
    return rows


@pytest.mark.parametrize("decimals", [0, 2])
def test_fast_table_html_shows_what_pandas_shows(decimals: int) -> None:
    from planner import views
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    report = price_scenario(load_scenario("staging"))
    for frame in (views.cost_by_service(report), views.cost_lines(report)):
        table: Any = views.styled(frame, decimals)
        fast = _cell_texts(table._repr_html_())
        slow = _cell_texts(table.to_html())
        assert fast == slow and len(fast) == len(frame) + 1
        assert fast[-1][0] == "TOTAL" and "font-weight: bold" in table._repr_html_()
    # any styling added afterwards is pandas' again
    extra: Any = views.styled(views.cost_by_service(report)).highlight_max(subset=["monthly USD"])
    assert "planner-table" not in extra._repr_html_()


def test_report_never_deletes_a_users_file_inside_the_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    books = [tmp_path / "a.ipynb"]
    out = tmp_path / "reports"
    monkeypatch.setattr(report_mod, "execute", _fake_execute(None))
    monkeypatch.setattr(report_mod, "_session", lambda: None)
    report_mod.build_report(["staging"], out, notebooks=books, progress=lambda _l: None)
    assert (out / report_mod.MARKER_FILE).is_file()
    (out / "staging" / "my-notes.txt").write_text("mine")
    (out / "drafts").mkdir()  # a folder of the user's, empty
    # planner replaces only what it wrote (issue 21): the user's file and folder are kept
    for _ in range(2):
        report_mod.build_report(["staging"], out, notebooks=books, progress=lambda _l: None)
        assert (out / "staging" / "my-notes.txt").read_text() == "mine"
        assert (out / "drafts").is_dir()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".reports.")]
    listed = json.loads((out / report_mod.MARKER_FILE).read_text())["files"]
    assert "staging/my-notes.txt" not in listed  # still the user's, never planner's


def test_concurrent_swaps_leave_one_report_and_no_old_folders(tmp_path: Path) -> None:
    import threading

    target = tmp_path / "reports"
    errors: list[BaseException] = []

    def swap(i: int) -> None:
        new = tmp_path / f".reports.building-{i}"
        new.mkdir()
        (new / "index.html").write_text(str(i))
        report_mod.write_marker(new)
        try:
            report_mod._swap(new, target)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=swap, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    assert (target / "index.html").read_text() in {str(i) for i in range(12)}


def test_unit_prices_keep_their_precision_and_two_decimals_at_least() -> None:
    from planner.views import _unit_price

    assert [_unit_price(v) for v in (0.0416, 0.5, 1.0, 0.000012, 730.0)] == [
        "$0.0416",
        "$0.50",
        "$1.00",
        "$0.000012",
        "$730.00",
    ]
