"""A scenario's relative ``workloads_from`` is read from the scenario file's own folder.

``planner price`` on a scenario kept outside the bundled folder, with ``eks.node_count:
from_capacity``, must size its node groups from the manifests beside it: the folder name
``mine`` exists only there (the bundled scenarios have no ``mine/``), so reading it from any
other folder fails, and reading it from the right one prices the same as naming the folder by
its absolute path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from conftest import SCENARIOS_DIR

from planner.pricing import price_plan, price_scenario
from planner.scenario import load_scenario


def _scenario(tmp_path: Path) -> Path:
    shutil.copytree(SCENARIOS_DIR / "manifests" / "staging", tmp_path / "mine")
    data = yaml.safe_load((SCENARIOS_DIR / "staging.yaml").read_text(encoding="utf-8"))
    eks = data["eks"]
    for inline in ("workloads", "resource_quota", "limit_range"):
        eks.pop(inline, None)
    eks["workloads_from"] = "mine"  # relative: the scenario file's folder
    eks["node_count"] = "from_capacity"
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_relative_manifests_are_read_beside_the_scenario(tmp_path: Path) -> None:
    assert not (SCENARIOS_DIR / "mine").exists()
    scenario = load_scenario(_scenario(tmp_path))
    report = price_scenario(scenario)
    hours = [
        ln for ln in report.lines if ln.resource.startswith("eks-node-group/") and ln.unit == "Hrs"
    ]
    assert hours and all(ln.quantity_basis == "derived" for ln in hours)  # from the manifests
    # the same topology with the folder named absolutely: the same lines, the same total
    topology = scenario.topology
    assert topology.eks is not None
    absolute = topology.model_copy(
        update={"eks": topology.eks.model_copy(update={"workloads_from": str(tmp_path / "mine")})}
    )
    direct = price_plan(absolute)
    assert [(ln.resource, ln.component, ln.quantity, ln.monthly_usd) for ln in report.lines] == [
        (ln.resource, ln.component, ln.quantity, ln.monthly_usd) for ln in direct.lines
    ]
    assert report.total_monthly_usd == direct.total_monthly_usd


def test_the_capacity_range_reads_the_same_manifests(tmp_path: Path) -> None:
    from planner.capacity.plan import plan_capacity
    from planner.pricing import scenario_capacity_range

    scenario = load_scenario(_scenario(tmp_path))
    result, costs = scenario_capacity_range(scenario)
    assert result.workloads_source == "manifests: mine"
    # the same plan as the manifests named by their absolute path
    topology = scenario.topology
    assert topology.eks is not None
    absolute = topology.model_copy(
        update={"eks": topology.eks.model_copy(update={"workloads_from": str(tmp_path / "mine")})}
    )
    direct = plan_capacity(absolute)
    for state in ("min", "expected", "max"):
        assert result.nodes(state) == direct.nodes(state)
    assert set(costs) == {"min", "expected", "max"}
