"""The explore notebook's widgets: every change re-prices exactly as ``planner price`` prices
the same overlay, and "save as overlay" writes a file that loads and prices the same."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.notebooks.explore import Explorer, Priced, controls
from planner.pricing import price_scenario
from planner.scenario import load_scenario


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer("staging")


def _widgets(box: Any) -> list[Any]:
    found = []
    for child in getattr(box, "children", ()):
        found.append(child)
        found.extend(_widgets(child))
    return found


def _cli_total(run_cli: Any, path: Path) -> dict[str, Any]:
    result = run_cli(["price", str(path), "--format", "json"])
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def test_a_widget_change_reprices_like_planner_price_on_the_saved_overlay(
    run_cli: Any, tmp_path: Path
) -> None:
    explorer = Explorer("staging")
    seen: list[Priced] = []
    ui = controls(explorer, seen.append)
    dropdowns = [w for w in _widgets(ui) if getattr(w, "description", "") == "type"]
    counts = [w for w in _widgets(ui) if getattr(w, "description", "") == "nodes"]
    general = explorer.base.topology.eks.node_groups[0]  # type: ignore[union-attr]
    assert general.name == "general" and general.instance_type == "t3.medium"
    dropdowns[0].value = "t3.large"
    counts[0].value = 3
    assert len(seen) == 2
    priced = seen[-1]
    # By hand (us-east-1 list prices, 730 h): general was 2 x t3.medium at $0.0416/h
    # = $60.736 plus 2 x 20 GB gp3 at $0.08 = $3.20; now 3 x t3.large at $0.0832/h = $182.208
    # plus 3 x 20 GB = $4.80. Delta of the shown figures (lines rounded first):
    # 182.21 - 60.74 + 4.80 - 3.20 = $123.07 (exact: 123.072)
    assert priced.delta_usd == Decimal("123.07")
    assert priced.report.exact_monthly_usd - priced.base.exact_monthly_usd == Decimal("123.072")

    path = explorer.save("bigger", folder=tmp_path)
    assert path.name == "staging-bigger.yaml"
    data = _cli_total(run_cli, path)
    assert Decimal(data["total_monthly_usd_exact"]) == priced.report.exact_monthly_usd
    assert Decimal(str(data["total_monthly_usd"])) == priced.report.total_monthly_usd
    cli_lines = [
        (ln["resource"], ln["component"], Decimal(ln["monthly_usd_exact"])) for ln in data["lines"]
    ]
    ours = [(ln.resource, ln.component, ln.monthly_usd) for ln in priced.report.lines]
    assert cli_lines == ours


def test_nothing_is_written_until_save(tmp_path: Path, explorer: Explorer) -> None:
    folder = explorer.base.path.parent / "whatif"
    before = sorted(folder.iterdir())
    explorer.set_nat_gb(Decimal("1234"))
    explorer.set_rds(explorer.base.topology.rds[0].name, multi_az=True)
    assert sorted(folder.iterdir()) == before
    explorer.reset()
    assert explorer.last.delta_usd == 0


def test_save_refuses_to_overwrite_and_bad_names(tmp_path: Path) -> None:
    explorer = Explorer("staging")
    explorer.set_msk_brokers(explorer.base.topology.msk[0].name, 3)
    explorer.save("three-brokers", folder=tmp_path)
    with pytest.raises(PlannerError, match="exists"):
        explorer.save("three-brokers", folder=tmp_path)
    with pytest.raises(PlannerError, match="lower-case"):
        explorer.save("Bad Name", folder=tmp_path)
    with pytest.raises(PlannerError, match="not in scenario"):
        explorer.set_node_group("nope", nodes=3)


@settings(max_examples=8)
@given(
    instance=st.sampled_from(["t3.medium", "t3.large", "m5.large", "t4g.large"]),
    nodes=st.integers(0, 6),
    purchase=st.sampled_from(["ON_DEMAND", "SPOT"]),
    multi_az=st.booleans(),
    brokers=st.integers(1, 4),
    nat_gb=st.integers(0, 5000),
)
def test_any_change_prices_like_the_saved_overlay(
    tmp_path_factory: pytest.TempPathFactory,
    instance: str,
    nodes: int,
    purchase: str,
    multi_az: bool,
    brokers: int,
    nat_gb: int,
) -> None:
    explorer = Explorer("staging")
    topology = explorer.base.topology
    explorer.set_node_group("general", instance_type=instance, nodes=nodes, capacity_type=purchase)
    explorer.set_rds(topology.rds[0].name, multi_az=multi_az)
    explorer.set_msk_brokers(topology.msk[0].name, brokers)
    priced = explorer.set_nat_gb(nat_gb)
    path = explorer.save("prop", folder=tmp_path_factory.mktemp("overlay"))
    again = price_scenario(load_scenario(path))
    assert again.total_monthly_usd == priced.report.total_monthly_usd
    assert [ln.monthly_usd for ln in again.lines] == [ln.monthly_usd for ln in priced.report.lines]


@pytest.mark.notebook
def test_explore_notebook_runs_headless_with_plain_papermill(tmp_path: Path) -> None:
    """Under papermill the widgets fall back to the parameters: the summary is that what-if."""
    import subprocess
    import sys

    import nbformat

    from planner.notebooks.execute import NOTEBOOKS_DIR, discover
    from planner.notebooks.summary import read

    notebook = NOTEBOOKS_DIR / "explore.ipynb"
    assert notebook not in discover(), "the interactive notebook is not part of the report"
    out = tmp_path / "explore.ipynb"
    groups = '{"general": {"instance_type": "t3.large", "nodes": 3}}'
    papermill = str(Path(sys.executable).with_name("papermill"))
    args = [papermill, "--log-level", "ERROR", str(notebook), str(out), "-p", "nat_gb", "2000"]
    args += ["-p", "node_groups", groups]
    done = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = read(nbformat.read(out, as_version=4))
    explorer = Explorer("staging")
    explorer.set_node_group("general", instance_type="t3.large", nodes=3)
    expected = explorer.set_nat_gb(Decimal(2000))
    assert Decimal(summary["total_monthly_usd_exact"]) == expected.report.exact_monthly_usd
    assert Decimal(summary["delta_monthly_usd_exact"]) == expected.delta_usd != 0
