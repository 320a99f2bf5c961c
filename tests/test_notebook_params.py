"""Notebook parameters without a kernel: each model's defaults and bounds at both sides, the
path checks, the one-line error (what is named, what is shown), the papermill-injected cell
read from a stand-in IPython shell, and the summary output published and read back."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import IPython
import IPython.display
import nbformat
import pytest
from pydantic import model_validator

from planner.errors import NotebookError
from planner.notebooks import summary
from planner.notebooks.params import (
    AUTO,
    MODELS,
    REPO_ROOT,
    AlertsParams,
    CapacityParams,
    CommitmentsParams,
    CostOverviewParams,
    ExploreParams,
    NotebookParams,
    WhatIfParams,
    check_values,
    resolve_scenario,
    unknown_message,
    validate,
    whatif_overlays_for,
)

REPO = Path(__file__).resolve().parents[1]
STAGING = {"scenario": "staging"}


def test_repo_root_is_the_checkout() -> None:
    assert REPO_ROOT == REPO
    assert AUTO == "auto"


def test_models_by_notebook_name() -> None:
    assert {
        "cost_overview": CostOverviewParams,
        "capacity": CapacityParams,
        "whatif": WhatIfParams,
        "explore": ExploreParams,
        "alerts": AlertsParams,
        "commitments": CommitmentsParams,
    } == MODELS


def test_defaults_are_the_documented_ones() -> None:
    cost = validate(CostOverviewParams, STAGING)
    assert cost.prices is None and cost.usd_decimals == 2 and cost.horizon_months == 12
    assert cost.compare_with == ["staging", "production"] and cost.estimate == "auto"
    assert validate(CapacityParams, STAGING).utilization_warn_pct == 85
    assert validate(WhatIfParams, STAGING).overlays == ["auto"]
    explore = validate(ExploreParams, STAGING)
    assert explore.node_groups == {} and explore.rds == {} and explore.msk_brokers == {}
    assert explore.nat_gb is None
    assert validate(AlertsParams, STAGING).forecast is None
    commit = validate(CommitmentsParams, STAGING)
    assert commit.grid == "auto" and commit.forecast_months == 12
    assert commit.growth_pct == 0 and commit.sp_quantile == 0


# (model, field, the last valid value at each end, the first invalid value past it)
BOUNDS: list[tuple[type[NotebookParams], str, Any, Any]] = [
    (CostOverviewParams, "usd_decimals", 0, -1),
    (CostOverviewParams, "usd_decimals", 2, 3),  # cents at most
    (CostOverviewParams, "horizon_months", 1, 0),
    (CostOverviewParams, "horizon_months", 120, 121),  # ten years
    (CapacityParams, "utilization_warn_pct", 0.001, 0),  # above 0 (gt), so 0 is refused
    (CapacityParams, "utilization_warn_pct", 100, 100.001),
    (CommitmentsParams, "forecast_months", 1, 0),
    (CommitmentsParams, "forecast_months", 60, 61),  # five years: the longest term is 3
    (CommitmentsParams, "growth_pct", -100, -100.5),  # usage cannot fall below zero
    (CommitmentsParams, "growth_pct", 1000, 1000.5),
    (CommitmentsParams, "sp_quantile", 0, -0.01),  # a quantile lies in [0, 1]
    (CommitmentsParams, "sp_quantile", 1, 1.01),
    (ExploreParams, "nat_gb", 0, -1),
    (ExploreParams, "nat_gb", 1e9, 1.1e9),
]


@pytest.mark.parametrize(("model", "field", "valid", "invalid"), BOUNDS)
def test_bounds_at_both_sides(
    model: type[NotebookParams], field: str, valid: Any, invalid: Any
) -> None:
    assert getattr(validate(model, {**STAGING, field: valid}), field) == valid
    with pytest.raises(NotebookError) as err:
        validate(model, {**STAGING, field: invalid})
    assert str(err.value).startswith(f"parameter {field} = {invalid!r}: ")


@pytest.mark.parametrize(("nodes", "ok"), [(0, True), (-1, False), (1000, True), (1001, False)])
def test_explore_node_counts_from_0_to_1000(nodes: int, ok: bool) -> None:
    values = {**STAGING, "node_groups": {"general": {"nodes": nodes}}}
    if ok:
        params = validate(ExploreParams, values)
        assert params.node_groups["general"].nodes == nodes
        return
    with pytest.raises(NotebookError) as err:
        validate(ExploreParams, values)
    # the nested place is named in full; the whole parameter is shown
    assert str(err.value).startswith(
        f"parameter node_groups.general.nodes = {{'general': {{'nodes': {nodes}}}}}: "
    )


def test_explore_takes_json_text_from_papermill() -> None:
    params = validate(
        ExploreParams,
        {**STAGING, "node_groups": '{"general": {"nodes": 3}}', "rds": " ", "msk_brokers": ""},
    )
    assert params.node_groups["general"].nodes == 3
    assert params.rds == {} and params.msk_brokers == {}
    with pytest.raises(NotebookError) as err:
        validate(ExploreParams, {**STAGING, "msk_brokers": "{kafka: 3"})
    # the value is named in the message already, so it is not shown twice
    assert str(err.value).startswith(
        "parameter msk_brokers: '{kafka: 3' is not a JSON object (Expecting property name"
    )


def test_lists_from_one_comma_separated_string_or_a_tuple() -> None:
    params = validate(CostOverviewParams, {**STAGING, "compare_with": " staging, ,production,"})
    assert params.compare_with == ["staging", "production"]
    whatif = validate(WhatIfParams, {**STAGING, "overlays": ("whatif/staging-graviton",)})
    assert whatif.overlays == ["whatif/staging-graviton"]
    assert [p.stem for p in whatif.overlay_paths] == ["staging-graviton"]


def test_a_parameter_the_model_does_not_have_is_refused() -> None:
    with pytest.raises(NotebookError, match=r"^parameter nope = 1: Extra inputs"):
        check_values(CostOverviewParams, {**STAGING, "nope": 1})


class _Paired(CostOverviewParams):
    """A model whose rule spans two fields: its error has no field of its own."""

    @model_validator(mode="after")
    def _pair(self) -> _Paired:
        if self.usd_decimals == 0 and self.horizon_months > 60:
            raise ValueError("whole dollars only up to 60 months")
        return self


def test_an_error_of_the_whole_model_names_the_parameters() -> None:
    assert check_values(_Paired, {**STAGING, "usd_decimals": 0}).usd_decimals == 0
    with pytest.raises(NotebookError) as err:
        check_values(_Paired, {**STAGING, "usd_decimals": 0, "horizon_months": 61})
    assert str(err.value) == "parameter parameters: whole dollars only up to 60 months"


def test_missing_scenario_names_where_it_looked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError) as err:
        resolve_scenario("nope.yaml")
    assert f"'nope.yaml': no such scenario file (looked in {tmp_path} and {REPO});" in str(
        err.value
    )
    monkeypatch.chdir(REPO)  # the same folder once
    with pytest.raises(ValueError) as err:
        resolve_scenario("nope.yaml")
    assert f"(looked in {REPO}); bundled names: " in str(err.value)
    # the bundled names, one by one: scenarios/*.yaml and scenarios/whatif/*.yaml
    names = str(err.value).split("; bundled names: ")[1].split(", ")
    assert {"staging", "production", "whatif/staging-graviton"} <= set(names)
    with pytest.raises(ValueError, match="is empty"):
        resolve_scenario("  ")


def test_scenario_from_an_absolute_path(tmp_path: Path) -> None:
    scenario = REPO / "scenarios" / "staging.yaml"
    assert resolve_scenario(str(scenario)) == scenario
    assert resolve_scenario(" staging ") == scenario


def test_whatif_overlays_by_convention(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    assert whatif_overlays_for(base) == []  # no whatif folder
    (tmp_path / "whatif").mkdir()
    for name in ("base-b.yaml", "base-a.yaml", "other-a.yaml", "base.yaml", "base-c.yml"):
        (tmp_path / "whatif" / name).write_text("")
    assert [p.name for p in whatif_overlays_for(base)] == ["base-a.yaml", "base-b.yaml"]


def test_prices_folder_or_manifest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    snapshot = REPO / "pricing" / "snapshot"
    assert validate(CostOverviewParams, {**STAGING, "prices": None}).prices is None
    assert validate(CostOverviewParams, {**STAGING, "prices": ""}).prices is None
    # relative to the repository when not found from the working directory
    relative = validate(CostOverviewParams, {**STAGING, "prices": "pricing/snapshot"})
    assert relative.prices == str(snapshot)
    manifest = str(snapshot / "manifest.json")
    assert validate(CostOverviewParams, {**STAGING, "prices": manifest}).prices == manifest
    (tmp_path / "empty").mkdir()
    for bad in ("empty", str(tmp_path / "empty"), "nope"):
        with pytest.raises(NotebookError) as err:
            validate(CostOverviewParams, {**STAGING, "prices": bad})
        assert str(err.value) == (
            f"parameter prices: {bad!r}: no price snapshot here (manifest.json not found)"
        )


def test_estimate_path_choices(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    seed = REPO / "scenarios" / "estimates" / "seed-9.1-staging.csv"
    assert validate(CostOverviewParams, {**STAGING, "estimate": None}).estimate_path is None
    assert validate(CostOverviewParams, {**STAGING, "estimate": ""}).estimate_path is None
    assert validate(CostOverviewParams, STAGING).estimate_path == seed
    given = validate(
        CostOverviewParams, {**STAGING, "estimate": "scenarios/estimates/seed-9.1-staging.csv"}
    )
    assert given.estimate_path == seed  # relative to the repository
    local = tmp_path / "mine.csv"
    local.write_text("")
    assert validate(CostOverviewParams, {**STAGING, "estimate": "mine.csv"}).estimate_path == (
        Path("mine.csv")
    )


def test_forecast_csv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert validate(AlertsParams, {**STAGING, "forecast": ""}).forecast is None
    (tmp_path / "f.csv").write_text("month,monthly_usd\n")
    assert validate(AlertsParams, {**STAGING, "forecast": "f.csv"}).forecast == "f.csv"
    from_repo = validate(AlertsParams, {**STAGING, "forecast": "scenarios/staging.yaml"})
    assert from_repo.forecast == str(REPO / "scenarios" / "staging.yaml")
    with pytest.raises(NotebookError, match=r"^parameter forecast: 'g\.csv': forecast CSV not"):
        validate(AlertsParams, {**STAGING, "forecast": "g.csv"})


def test_grid_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for kept in (None, "", "auto"):
        assert validate(CommitmentsParams, {**STAGING, "grid": kept}).grid == kept
    (tmp_path / "g.yaml").write_text("")
    assert validate(CommitmentsParams, {**STAGING, "grid": "g.yaml"}).grid == "g.yaml"
    from_repo = validate(CommitmentsParams, {**STAGING, "grid": "scenarios/grids/staging.yaml"})
    assert from_repo.grid == str(REPO / "scenarios" / "grids" / "staging.yaml")
    with pytest.raises(NotebookError, match=r"^parameter grid: 'h\.yaml': grid YAML not found"):
        validate(CommitmentsParams, {**STAGING, "grid": "h.yaml"})


class _TB:
    def __init__(self) -> None:
        self.modes: list[str] = []

    def set_mode(self, mode: str) -> None:
        self.modes.append(mode)


def _shell(monkeypatch: pytest.MonkeyPatch, history: list[str], tb: bool = True) -> Any:
    shell = SimpleNamespace(user_ns={"In": history})
    if tb:
        shell.InteractiveTB = _TB()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    return shell


def test_a_papermill_parameter_the_model_does_not_know_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # IPython's In: "" first, then each cell run; the cell just before this one ([-2]) is
    # papermill's "# Parameters" cell; an earlier cell assigning b must not be read
    history = ["", "a = 1", "b = 2", "# Parameters\nsenario = 'x'\n", "validate(...)"]
    shell = _shell(monkeypatch, history)
    with pytest.raises(NotebookError) as err:
        validate(CostOverviewParams, STAGING)
    assert str(err.value).startswith("unknown parameter senario (did you mean scenario?); ")
    # the traceback is one line in the kernel: IPython's "Minimal" mode (case-sensitive)
    assert shell.InteractiveTB.modes == ["Minimal"]


def test_a_valid_injected_cell_passes_and_other_cells_are_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _shell(monkeypatch, ["", "# Parameters\nusd_decimals = 0\n", "validate(...)"])
    assert validate(CostOverviewParams, {**STAGING, "usd_decimals": 0}).usd_decimals == 0
    _shell(monkeypatch, ["", "senario = 1", "validate(...)"])  # not papermill's cell
    assert validate(CostOverviewParams, STAGING).scenario == "staging"
    _shell(monkeypatch, ["validate(...)"])  # the first cell run
    assert validate(CostOverviewParams, STAGING).scenario == "staging"
    # two cells: the one before this is read (the boundary of "a cell before this one")
    _shell(monkeypatch, ["# Parameters\nsenario = 1\n", "validate(...)"])
    with pytest.raises(NotebookError, match=r"^unknown parameter senario "):
        validate(CostOverviewParams, STAGING)


def test_a_shell_without_input_history_reads_no_injected_cell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shell = SimpleNamespace(user_ns={})  # e.g. an embedded shell: no "In" list
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert validate(CostOverviewParams, STAGING).scenario == "staging"


def test_several_unknown_parameters_in_one_line() -> None:
    # "senario" is close to "scenario" (difflib ratio 2 x 7 / 15 = 0.93); "zzz" to nothing
    assert unknown_message(["senario", "zzz"], ["scenario", "prices"]) == (
        "unknown parameter senario (did you mean scenario?), zzz; "
        "valid parameters: scenario, prices"
    )


def test_a_bad_value_shortens_the_traceback_only_when_the_shell_can(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shell = _shell(monkeypatch, ["", "validate(...)"])
    with pytest.raises(NotebookError):
        validate(CostOverviewParams, {**STAGING, "usd_decimals": 9})
    assert shell.InteractiveTB.modes == ["Minimal"]
    _shell(monkeypatch, ["", "validate(...)"], tb=False)  # a shell without InteractiveTB
    with pytest.raises(NotebookError):
        validate(CostOverviewParams, {**STAGING, "usd_decimals": 9})
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # outside a kernel
    with pytest.raises(NotebookError):
        validate(CostOverviewParams, {**STAGING, "usd_decimals": 9})


def test_summary_is_published_raw_under_its_mimetype(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(IPython.display, "display", lambda *args, **kw: shown.append((args, kw)))
    summary.publish({"total": 1})
    assert shown == [(({"application/vnd.planner.summary+json": {"total": 1}},), {"raw": True})]


def _summary_output(data: dict[str, Any]) -> Any:
    return nbformat.v4.new_output("display_data", data={summary.SUMMARY_MIME: data})


def test_summary_read_takes_the_last_one_of_code_cells() -> None:
    assert summary.read({}) == {}
    # a code cell with no outputs recorded (never run): nothing to read
    assert summary.read({"cells": [{"cell_type": "code", "source": "x"}]}) == {}
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell("a")
    first.outputs = [_summary_output({"total": 1})]
    second = nbformat.v4.new_code_cell("b")
    second.outputs = [nbformat.v4.new_output("stream", text="hi"), _summary_output({"total": 2})]
    markdown = nbformat.v4.new_markdown_cell("m")
    markdown["outputs"] = [_summary_output({"total": 3})]  # not a code cell: ignored
    nb.cells = [first, second, markdown]
    assert summary.read(nb) == {"total": 2}


def test_without_summary_drops_only_the_summary_output() -> None:
    nb = nbformat.v4.new_notebook()
    plain = nbformat.v4.new_code_cell("a")
    plain.outputs = [nbformat.v4.new_output("stream", text="kept")]
    last = nbformat.v4.new_code_cell("b")
    last.outputs = [nbformat.v4.new_output("stream", text="also"), _summary_output({"t": 1})]
    text = nbformat.v4.new_markdown_cell("m")
    nb.cells = [plain, last, text]
    out = summary.without_summary(nb)
    assert out.cells[0] is plain and out.cells[2] is text  # unchanged cells are the same
    assert [o.get("text") for o in out.cells[1].outputs] == ["also"]
    assert out.cells[1].source == "b"
    assert summary.read(out) == {} and summary.read(nb) == {"t": 1}  # the input is kept
    assert out.metadata == nb.metadata and out.nbformat == 4
