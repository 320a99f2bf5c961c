"""``eks.node_count: from_capacity``: node groups priced at the capacity model's node counts.

Staging's node counts at expected replicas, worked by hand (as tests/test_capacity_formulas.py
works the allocatable):

- t3.medium: 2 vCPU, 4,096 MiB, 17 pods (3 ENIs x (6 - 1) + 2). Allocatable CPU
  2,000 - 70 (6 % of core 1 + 1 % of core 2) = 1,930m; memory 4,096 - (11 x 17 + 255 = 442)
  - 100 eviction = 3,554 MiB. t3.large: 1,930m; 8,192 - (11 x 35 + 255 = 640) - 100 =
  7,452 MiB, 35 pods.
- DaemonSets aws-node 25m + kube-proxy 100m = 125m, no memory, 2 pods on every node: a
  t3.medium has 1,805m, 3,554 MiB and 15 pods left for workloads.
- Expected replicas = replicas_min (no replicas_expected): 5 workloads x 2 = 10 pods of
  250m / 512 MiB, with anti-affinity (two replicas of one workload never share a node).
- The groups open at min_size: general 2, compute 1. Each workload's 2 replicas take one
  slot on each general node: 5 pods = 1,250m <= 1,805m, 2,560 MiB <= 3,554 MiB, 5 <= 15
  pods. Nothing needs the compute node; it stays at its minimum.
  => general 2, compute 1.
- With api-gateway at replicas_expected 4, its 4 replicas need 4 distinct nodes: general 1,
  general 2, the compute node already open, and one more, opened in the first eligible group
  with room (general, max 4) => general 3, compute 1.

Prices (us-east-1): t3.medium $0.0416/h, t3.large $0.0832/h less the scenario's 70 % spot
discount = $0.02496/h, gp3 $0.08/GB-month, 20 GB per node.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SCENARIOS_DIR, CliResult

from planner.catalog import load_catalog
from planner.costing.lines import CostLine
from planner.pricing import price_scenario
from planner.scenario import load_scenario

RunCli = Callable[[Sequence[str]], CliResult]

SIZES_OFF = """
eks:
  node_count: {mode}
  node_groups:
    - name: general
      desired_size: 4
    - name: compute
      desired_size: 3
"""
BUSIER = """
eks:
  node_count: from_capacity
  workloads:
    - name: api-gateway
      replicas_expected: 4
"""
# (scenario overlay, group) -> (nodes, instance hours, instance $, EBS GB, EBS $), by hand
EXPECTED: dict[str, dict[str, tuple[int, str, str, str, str]]] = {
    # desired sizes 4 and 3 are ignored; the capacity model's 2 and 1 are priced
    "sizes-off": {
        "general": (2, "1460", "60.736", "40", "3.20"),  # 2 x 730 h x 0.0416; 2 x 20 GB x 0.08
        "compute": (1, "730", "18.2208", "20", "1.60"),  # 730 h x 0.02496; 20 GB x 0.08
    },
    # desired sizes 2 and 1 (staging's); the capacity model needs a third general node
    "busier": {
        "general": (3, "2190", "91.104", "60", "4.80"),  # 3 x 730 h x 0.0416; 60 GB x 0.08
        "compute": (1, "730", "18.2208", "20", "1.60"),
    },
}


def overlay(tmp_path: Path, name: str, mode: str = "from_capacity") -> Path:
    text = SIZES_OFF.format(mode=mode) if name == "sizes-off" else BUSIER
    path = tmp_path / f"{name}.yaml"
    base = (SCENARIOS_DIR / "staging.yaml").resolve()
    path.write_text(f"extends: {base}\nname: staging-{name}\n{text}", encoding="utf-8")
    return path


def group_line(lines: list[Any], group: str, component: str) -> Any:
    found = [
        ln
        for ln in lines
        if _get(ln, "resource") == f"eks-node-group/{group}"
        and str(_get(ln, "component")).startswith(component)
    ]
    assert len(found) == 1, found
    return found[0]


def _get(line: CostLine | dict[str, Any], key: str) -> Any:
    return line[key] if isinstance(line, dict) else getattr(line, key)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_price_scenario_uses_capacity_node_counts(tmp_path: Path, name: str) -> None:
    report = price_scenario(load_scenario(overlay(tmp_path, name)), load_catalog())
    lines = list(report.lines)
    for group, (nodes, hours, usd, disk_gb, disk_usd) in EXPECTED[name].items():
        instance = group_line(lines, group, "Instance usage")
        assert instance.quantity == Decimal(hours), group
        assert instance.monthly_usd == Decimal(usd), group
        assert instance.quantity_basis == "derived"
        assert f"{nodes} nodes (capacity model at expected replicas)" in instance.quantity_note
        ebs = group_line(lines, group, "EBS root volume")
        assert ebs.quantity == Decimal(disk_gb), group
        assert ebs.monthly_usd == Decimal(disk_usd), group


def test_desired_mode_prices_desired_size(tmp_path: Path) -> None:
    """The same overlay without from_capacity prices 4 and 3 nodes: the modes differ."""
    report = price_scenario(load_scenario(overlay(tmp_path, "sizes-off", "desired")))
    lines = list(report.lines)
    general = group_line(lines, "general", "Instance usage")
    assert general.quantity == Decimal(4 * 730)
    assert general.monthly_usd == Decimal("121.472")  # 2,920 h x 0.0416
    compute = group_line(lines, "compute", "Instance usage")
    assert compute.monthly_usd == Decimal("54.6624")  # 3 x 730 h x 0.02496
    assert general.quantity_basis == "stated"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_price_uses_capacity_node_counts(run_cli: RunCli, tmp_path: Path, name: str) -> None:
    result = run_cli(["price", str(overlay(tmp_path, name)), "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    expected = EXPECTED[name]
    assert data["nodes_range"]["expected"] == {g: e[0] for g, e in expected.items()}
    for group, (nodes, hours, usd, disk_gb, disk_usd) in expected.items():
        instance = group_line(data["lines"], group, "Instance usage")
        assert Decimal(str(instance["quantity"])) == Decimal(hours), group
        assert Decimal(instance["monthly_usd_exact"]) == Decimal(usd), group
        assert f"{nodes} nodes (capacity model at expected replicas)" in instance["quantity_note"]
        ebs = group_line(data["lines"], group, "EBS root volume")
        assert Decimal(str(ebs["quantity"])) == Decimal(disk_gb), group
        assert Decimal(ebs["monthly_usd_exact"]) == Decimal(disk_usd), group


def test_staging_capacity_counts_by_hand() -> None:
    """Staging itself (node_count: desired) plans 2 general + 1 compute at expected replicas."""
    from planner.capacity.plan import node_counts

    assert node_counts(load_scenario("staging").topology, "expected") == {
        "general": 2,
        "compute": 1,
    }
