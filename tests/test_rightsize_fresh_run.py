"""One fresh right-sizing run of staging on the sample usage, its node groups and its outputs.

``tests/test_rightsize.py`` keeps its staging runs in a module-level ``functools.cache``; under
mutmut that cache is filled once, before the workers fork, so a fault in the node-group code
or the output writers never reaches those assertions (docs/mutation.md). The runs here are
module fixtures, computed afresh in every pytest session. The figures are the ones worked by
hand in ``test_rightsize.py::test_golden_recommendations_on_the_sample`` (repeated briefly).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from planner.rightsize.model import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scenarios" / "usage" / "sample-staging.parquet"


def _rightsize(settings: Settings):
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize
    from planner.scenario import load_scenario
    from planner.usage.store import read_usage

    scenario = load_scenario("staging")
    return rightsize(
        scenario.topology,
        read_usage(SAMPLE),
        settings,
        default_catalog(),
        base_dir=scenario.path.parent,
    )


@pytest.fixture(scope="module")
def result():
    return _rightsize(Settings())


def _recs(result):
    return {r.resource: r for r in result.recommendations}


def test_node_groups_fresh(result) -> None:
    recs = _recs(result)
    # general: t3.medium x2 -> t4g.medium x2 (2 x 0.0336 x 730 = 49.056 + EBS 3.20 = 52.26;
    # today 2 x 0.0416 x 730 = 60.736 + 3.20 = 63.94); node CPU mean 0.037 vCPU per node is
    # under the t3.medium 0.4 vCPU baseline: no surplus credits
    g = recs["eks-node-group/general"]
    assert g.current["class"] == "t3.medium" and g.recommended["class"] == "t4g.medium"
    assert g.current["capacity_type"] == "ON_DEMAND"
    assert g.current["nodes"] == {"min": 2, "expected": 2, "max": 4}
    assert g.recommended["nodes"] == {"min": 2, "expected": 2, "max": 4}
    assert g.current_monthly_usd == Decimal("63.94")
    assert g.recommended_monthly_usd == Decimal("52.26")
    assert "cpu_credit_surplus_monthly_usd" not in g.current
    assert g.evidence["ha_minimum"] == "min_size 2 kept"
    assert g.evidence["nodes_during_window"] == "2 (desired_size, assumed)"
    assert any("Graviton needs arm64" in r for r in g.risk_reasons)
    # compute: t3.large SPOT x1, CPU mean 43.11037% x 2 = 0.86221 vCPU over the 0.6 baseline:
    # (0.86221 - 0.6) x 1 node x 730 x 0.05 = 9.57 of surplus credits today. c6g.large at
    # 0.068 x 0.3 x 730 = 14.89 + EBS 1.60 = 16.49 (not burstable) is the cheapest.
    c = recs["eks-node-group/compute"]
    assert c.current["class"] == "t3.large" and c.recommended["class"] == "c6g.large"
    assert c.current["capacity_type"] == "SPOT"
    assert c.current["cpu_credit_surplus_monthly_usd"] == "9.57"
    assert "cpu_credit_surplus_monthly_usd" not in c.recommended
    assert c.current_monthly_usd == Decimal("19.82")
    assert c.recommended_monthly_usd == Decimal("16.49")
    assert any("surplus credits 9.57 USD/month" in n for n in c.notes), c.notes
    assert any(n.startswith("SPOT: c6g.large priced at the scenario's 70") for n in c.notes)
    # node-count effect at expected replicas: 63.94 + 19.82 = 83.76 -> 52.26 + 16.49 = 68.75
    eff = result.node_count_effect
    assert eff["expected"]["current_nodes"] == {"general": 2, "compute": 1}
    assert eff["expected"]["recommended_nodes"] == {"general": 2, "compute": 1}
    assert Decimal(eff["expected"]["current_node_monthly_usd"]) == Decimal("83.76")
    assert Decimal(eff["expected"]["recommended_node_monthly_usd"]) == Decimal("68.75")
    # at max replicas general grows to its max_size 4 and compute to 2 nodes (golden test)
    assert eff["max"]["current_nodes"] == {"general": 4, "compute": 2}
    # at min replicas the groups sit at their min_size: general 2 (HA), compute 1
    assert eff["min"]["current_nodes"] == {"general": 2, "compute": 1}
    # workload shares are informative and not in the total: 11.68 + 3.33 + 0.73 = 15.74
    assert result.total_savings_monthly_usd == Decimal("15.74")
    api = recs["workload/api-gateway"]
    assert api.current_monthly_usd > 0 and api.recommended_monthly_usd > 0
    assert not api.counted_in_total


def test_keep_architecture_fresh() -> None:
    # x86_64 only: general t3a.medium (2 x 0.0376 x 730 + 3.20 = 58.10), compute c5.large
    # (0.085 x 0.3 x 730 + 1.60 = 20.22): the golden test's keep-architecture figures
    recs = _recs(_rightsize(Settings(keep_architecture=True)))
    assert recs["eks-node-group/general"].recommended["class"] == "t3a.medium"
    assert recs["eks-node-group/compute"].recommended["class"] == "c5.large"
    assert recs["eks-node-group/general"].recommended_monthly_usd == Decimal("58.10")
    assert recs["eks-node-group/compute"].recommended_monthly_usd == Decimal("20.22")
    assert recs["elasticache/redis"].recommended["class"] == "cache.t3.micro"


def test_table_fresh(result) -> None:
    from planner.rightsize.run import result_table

    text = result_table(result)
    assert text.endswith("Evidence and risk:\n" + text.split("Evidence and risk:\n")[1])
    assert text.endswith("\n") and not text.endswith("\n\n")
    lines = text.splitlines()
    assert lines[0] == "Right-sizing: staging  (p95 CPU + 20% headroom, memory p100)"
    header = next(i for i, ln in enumerate(lines) if ln.startswith("resource"))
    assert lines[header].split() == [
        "resource",
        "kind",
        "current",
        "recommended",
        "now/mo",
        "then/mo",
        "saves/mo",
        "risk",
    ]
    assert re.fullmatch(r"[- ]+", lines[header + 1])
    row = next(ln for ln in lines if ln.startswith("eks-node-group/compute"))
    # "current" and "recommended" of a node group name the class and the expected nodes
    assert "t3.large x1" in row and "c6g.large x1" in row and "$3.33" in row
    assert not row.split()[-2].endswith("*")  # counted in the total
    api = next(ln for ln in lines if ln.startswith("workload/api-gateway"))
    assert api.split()[-2].endswith("*")  # a workload's share: not counted
    # evidence: the first two series, the broker named without its cluster; missing counted
    assert any(ln.startswith("  msk/kafka: broker-1 CpuUser p50 ") for ln in lines), text
    rds = next(ln for ln in lines if ln.startswith("  rds/postgres: "))
    # the sample has rds CPUUtilization only: FreeableMemory, DatabaseConnections and
    # CPUCreditBalance are 3 missing series; 14 days of 300 s periods = 4032, none missing
    assert rds.startswith("  rds/postgres: CPUUtilization p50 ")
    assert "(4032 pts, 0 gaps)" in rds and rds.endswith("; missing: 3 series")
    assert "Total saving: $15.74/month" in text
    assert "Node-count effect (capacity model):" in text
    assert "Measured surplus CPU credits today (not in the plan's price): $9.57/month" in text
    assert any(ln.startswith("  expected  nodes ") for ln in lines)
    assert "Note: SAMPLE usage: real CloudWatch traces (NAB) mapped onto the staging" in text


def test_csv_and_json_fresh(result) -> None:
    from planner.rightsize.run import result_csv, result_json

    rows = list(csv.DictReader(io.StringIO(result_csv(result))))
    assert len(rows) == 10
    by = {r["resource"]: r for r in rows}
    compute = by["eks-node-group/compute"]
    assert (compute["current"], compute["recommended"]) == ("t3.large x1", "c6g.large x1")
    # 19.82 - 16.49 = 3.33
    assert (compute["current_monthly_usd"], compute["savings_monthly_usd"]) == ("19.82", "3.33")
    assert by["workload/api-gateway"]["counted_in_total"] == "false"
    assert by["workload/api-gateway"]["current"] == "250m / 512Mi"
    assert by["rds/postgres"]["recommended"] == "db.t3.medium"
    data = result_json(result)
    assert data["seed_claim"]["this_result_monthly_usd"] == 15.74
    assert data["settings"] == {
        "percentile": 95.0,
        "headroom_pct": 20.0,
        "memory_percentile": 100.0,
    }
    counted = {r["resource"]: r["counted_in_total"] for r in data["recommendations"]}
    assert counted["workload/api-gateway"] is False and counted["rds/postgres"] is True
    kinds = [r["kind"] for r in data["recommendations"]]
    assert kinds.count("node_group") == 2 and kinds.count("workload") == 5
    assert data["cpu_credits_avoided_monthly_usd"] == 9.57
    assert data["node_count_effect"]["expected"]["current_nodes"] == {"general": 2, "compute": 1}
