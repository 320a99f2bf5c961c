"""EKS node groups on an instance type outside right-sizing's candidate classes, worked by hand.

Right-sizing's candidates are the current-generation families at medium to 2xlarge
(planner.rightsize.classes: t3, t3a, t4g, m5 ...). A node group on a previous-generation type
(here t2.medium) is still described and priced from the bundled EC2 instance specs:
t2.medium is 2 vCPU, 4096 MiB = 4 GiB, x86_64, burstable with a baseline of 20% per vCPU
(EC2 user guide, "CPU credits and baseline utilization": t2.medium 24 credits/hour, 2 vCPUs,
20% per vCPU; planner/data/instance_specs/ec2_instance_types.csv).

A burstable node averaging above its baseline pays surplus credits in unlimited mode (EKS
launches T3 and later in unlimited mode; $0.05 per vCPU-hour, EC2 On-Demand pricing,
"T2/T3/T4g Unlimited Mode Pricing"). With the node group's CPUUtilization flat at 50% over two
nodes: each node averages 50% x 2 vCPU = 1.0 vCPU, 0.6 vCPU over its 0.4 vCPU baseline, so
0.6 vCPU x 2 nodes x 730 h x $0.05 = $43.80 a month.

Price: us-east-1 On-Demand t2.medium $0.0464/h (pricing/snapshot/AmazonEC2.csv):
2 x 0.0464 x 730 = 67.744 -> $67.74, plus the group's EBS line $3.20 (staging's two general
nodes, as in test_rightsize_fresh_run) = $70.94.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.rightsize.model import Settings

N = 288  # one day of 300 s periods
START = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)


def _usage(series: dict[tuple[str, str], float]):
    from planner.usage.store import UsageSet, normalise

    stamps = pd.date_range(START, periods=N, freq="300s")
    parts = [
        pd.DataFrame(
            {
                "resource": resource,
                "metric": metric,
                "timestamp": stamps,
                "value": np.full(N, value),
                "unit": "Percent",
                "period": 300,
            }
        )
        for (resource, metric), value in series.items()
    ]
    frame = normalise(pd.concat(parts, ignore_index=True), "test")
    return UsageSet(frame, "hand-made", START, START + dt.timedelta(days=1))


def _staging_on(instance_type: str):
    """Staging's EKS cluster (no managed services) with its general group on another type."""
    from planner.scenario import load_scenario

    scenario = load_scenario("staging")
    topo = scenario.topology
    eks = topo.eks
    assert eks is not None
    groups = tuple(
        g.model_copy(update={"instance_type": instance_type}) if g.name == "general" else g
        for g in eks.node_groups
    )
    topo = topo.model_copy(
        update={
            "eks": eks.model_copy(update={"node_groups": groups}),
            "rds": (),
            "elasticache": (),
            "msk": (),
        }
    )
    return topo, scenario.path.parent


def _run(instance_type: str, cpu_pct: float, settings: Settings):
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize

    topo, base = _staging_on(instance_type)
    usage = _usage({("eks-node-group/general", "CPUUtilization"): cpu_pct})
    return rightsize(topo, usage, settings, default_catalog(), base_dir=base)


def _recs(result: Any) -> dict[str, Any]:
    return {r.resource: r for r in result.recommendations}


@pytest.fixture
def busy_t2():
    # function scope on purpose: mutmut credits a function to the first test that runs it, so
    # a run shared through a module fixture would only be checked by that first test
    return _run("t2.medium", 50.0, Settings())


def test_a_type_outside_the_candidates_is_described_from_the_instance_specs(busy_t2) -> None:
    g = _recs(busy_t2)["eks-node-group/general"]
    assert g.current["class"] == "t2.medium"
    assert g.current["vcpu"] == 2
    assert g.current["memory_gib"] == "4"  # 4096 MiB / 1024
    assert g.current["architecture"] == "x86_64"
    assert g.current["nodes"] == {"min": 2, "expected": 2, "max": 4}
    assert g.current_monthly_usd == Decimal("70.94")


def test_its_burstable_baseline_prices_todays_surplus_credits(busy_t2) -> None:
    g = _recs(busy_t2)["eks-node-group/general"]
    # (50% x 2 vCPU - 20% x 2 vCPU) x 2 nodes x 730 h x $0.05 = 0.6 x 2 x 36.5 = $43.80,
    # shown as planner.money.plain writes a Decimal (no trailing zeros): "43.8"
    assert g.current["cpu_credit_surplus_monthly_usd"] == "43.8"
    assert any(
        n.startswith(
            "t2.medium nodes average above their 20% per vCPU baseline: surplus credits "
            "43.8 USD/month"
        )
        for n in g.notes
    ), g.notes


@pytest.mark.parametrize(
    ("cpu_pct", "surplus"),
    [
        # exactly at the baseline: 20% of 2 vCPU = 0.4 vCPU per node, nothing over it
        (20.0, None),
        # 30%: (0.6 - 0.4) x 2 nodes x 730 x 0.05 = 0.2 x 73 = $14.60 (plain: "14.6")
        (30.0, "14.6"),
    ],
)
def test_surplus_at_and_above_the_baseline(cpu_pct: float, surplus: str | None) -> None:
    g = _recs(_run("t2.medium", cpu_pct, Settings()))["eks-node-group/general"]
    assert g.current.get("cpu_credit_surplus_monthly_usd") == surplus


def test_keep_architecture_reads_the_outside_types_architecture() -> None:
    # t2.medium is x86_64: with keep_architecture only x86_64 candidates are tried, and one of
    # them places staging's pods (t3a.medium does, test_rightsize_fresh_run)
    g = _recs(_run("t2.medium", 5.0, Settings(keep_architecture=True)))["eks-node-group/general"]
    assert g.current["architecture"] == "x86_64"
    assert g.recommended["architecture"] == "x86_64"
    assert "no candidate type places every pod; kept as is" not in g.risk_reasons


def test_workload_dollars_are_labelled_informative(busy_t2) -> None:
    workloads = [r for r in busy_t2.recommendations if r.kind == "workload"]
    assert len(workloads) == 5  # staging's five workloads
    for rec in workloads:
        assert not rec.counted_in_total
        assert (
            "dollars are its share of node cost by requests at expected replicas; the saving "
            "is realised through the node groups and counted there"
        ) in rec.notes


def test_the_table_has_no_trailing_blanks(busy_t2) -> None:
    from planner.rightsize.run import result_table

    lines = result_table(busy_t2).splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.startswith("resource"))
    # the rows are left-aligned columns: padding is added between cells, and the last cell
    # of a row is never padded (a row that ends in blanks is a layout fault)
    assert lines[header + 1 :], lines
    for line in lines:
        assert line == line.rstrip(), repr(line)
    assert lines[header + 2].startswith("eks-node-group/general") or any(
        ln.startswith("eks-node-group/general") for ln in lines
    )


def test_a_candidate_that_leaves_a_pod_unplaced_is_not_chosen() -> None:
    """A pod of 7.75Gi (7,936 MiB; staging's LimitRange allows up to 8Gi) fits no node of 8 GiB
    or less. Allocatable memory is memory - (11 MiB x max pods + 255) - 100 MiB eviction
    (tests/test_capacity_formulas.py): r6g.medium (8 pods) 8,192 - 343 - 100 = 7,749 MiB;
    t4g/t3a/t3.large (35 pods) 8,192 - 640 - 100 = 7,452; m6g/m7g/m5/m6i/m6a.large (29 pods)
    8,192 - 574 - 100 = 7,518; every medium 4 GiB or less. Those candidates leave the pod
    unplaced without any group exceeding its maximum (the pod is too big, not short of nodes),
    and are skipped all the same.

    The cheapest 16 GiB candidate in us-east-1 is r6g.large at $0.1008/h (r5.large and
    r6i.large $0.126, t4g.xlarge $0.1344: pricing/snapshot/AmazonEC2.csv); its allocatable
    16,384 - (11 x 29 + 255) - 100 = 15,710 MiB holds the pod. Two nodes (general's min_size)
    hold the 11 pods at expected replicas (1,805m each: 7 pods of 250m; 7,936 + 6 x 512 =
    11,008 MiB). 2 x 0.1008 x 730 = 147.168 -> $147.17, plus EBS 2 x 20 GB x $0.08 = $3.20:
    $150.37 a month.
    """
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize
    from planner.topology import Workload

    topo, base = _staging_on("t3.medium")
    eks = topo.eks
    assert eks is not None
    big = Workload(
        name="batch",
        replicas_min=1,
        replicas_max=1,
        cpu_request="250m",
        memory_request="7936Mi",
        cpu_limit="1000m",
        memory_limit="8Gi",
    )
    topo = topo.model_copy(
        update={"eks": eks.model_copy(update={"workloads": (*eks.workloads, big)})}
    )
    # no series of the cluster: requests kept, node CPU unmeasured (a series is needed to
    # make a usage set at all)
    usage = _usage({("rds/elsewhere", "CPUUtilization"): 10.0})
    result = rightsize(topo, usage, Settings(), default_catalog(), base_dir=base)
    g = _recs(result)["eks-node-group/general"]
    assert g.recommended["class"] == "r6g.large"
    assert g.recommended["memory_gib"] == "16"
    assert g.recommended["nodes"]["expected"] == 2
    assert g.recommended_monthly_usd == Decimal("150.37")


def test_a_group_without_node_cpu_data_is_chosen_on_requests_at_medium_risk(busy_t2) -> None:
    # only the general group has CPUUtilization: compute's type is chosen on pod requests
    c = _recs(busy_t2)["eks-node-group/compute"]
    assert "no node CPU datapoints: type chosen on requests only" in c.risk_reasons
    assert c.evidence["missing"] == ["eks-node-group/compute CPUUtilization"]


def test_workload_requests_are_held_at_the_namespace_limit_range_minimum() -> None:
    """api-gateway (limits 1000m / 1Gi) at a flat 2% of its CPU limit and 5% of its memory
    limit: 20m x 1.2 = 24m, rounded up to the 5m step = 25m; 51.2 MiB x 1.2 = 61.44 MiB,
    rounded up to 62 MiB. Staging's LimitRange (seed report §3.1: 100m-4 CPU, 128Mi-8Gi per
    container) sets the floor: 100m / 128Mi, noted."""
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize

    topo, base = _staging_on("t3.medium")
    usage = _usage(
        {
            ("workload/api-gateway", "pod_cpu_utilization_over_pod_limit"): 2.0,
            ("workload/api-gateway", "pod_memory_utilization_over_pod_limit"): 5.0,
        }
    )
    result = rightsize(topo, usage, Settings(), default_catalog(), base_dir=base)
    api = _recs(result)["workload/api-gateway"]
    assert api.recommended["cpu_request"] == "100m"
    assert api.recommended["memory_request"] == "128Mi"
    assert "held at the namespace LimitRange minimum" in api.notes
    # 250m -> 100m is cut by more than half
    assert "request cut by more than half" in api.risk_reasons


def test_partial_node_group_data_raises_the_groups_risk() -> None:
    # CloudWatch marked general's CPUUtilization PartialData: the group's recommendation says so
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize

    topo, base = _staging_on("t3.medium")
    usage = _usage({("eks-node-group/general", "CPUUtilization"): 5.0})
    usage.partial = [{"resource": "eks-node-group/general", "metric": "CPUUtilization"}]
    result = rightsize(topo, usage, Settings(), default_catalog(), base_dir=base)
    g = _recs(result)["eks-node-group/general"]
    assert g.evidence["partial"] == ["eks-node-group/general CPUUtilization"]
    assert (
        "CloudWatch returned partial data for eks-node-group/general CPUUtilization"
        in g.risk_reasons
    )
    assert g.risk in ("medium", "high")
    assert "partial" not in _recs(result)["eks-node-group/compute"].evidence


def test_a_workloads_dollars_are_its_share_of_node_cost_by_requests() -> None:
    """Staging today at expected replicas (tests/test_from_capacity.py): general 2 x t3.medium
    (1,930m and 3,554 MiB allocatable each) and compute 1 x t3.large (1,930m, 7,452 MiB):
    5,790m and 7,108 + 7,452 = 14,560 MiB allocatable; node cost 63.94 + 19.82 = 83.76.
    api-gateway (250m, 512Mi, 2 replicas, no usage so its requests are kept):
    (250 / 5,790 + 512 / 14,560) / 2 = (0.0431779 + 0.0351648) / 2 = 0.0391714 of a
    replica's worth, x 2 replicas x 83.76 = 6.56198 -> $6.56."""
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize

    topo, base = _staging_on("t3.medium")
    usage = _usage({("rds/elsewhere", "CPUUtilization"): 10.0})
    result = rightsize(topo, usage, Settings(), default_catalog(), base_dir=base)
    api = _recs(result)["workload/api-gateway"]
    assert api.current_monthly_usd == Decimal("6.56")
    assert not api.counted_in_total


@pytest.mark.parametrize(
    ("cpu_pct", "cpu_request", "cut"),
    [
        # 9% of api-gateway's 1000m limit: 90m x 1.2 = 108m -> 110m (5m steps), above the
        # LimitRange's 100m and under half of today's 250m: cut by more than half
        (9.0, "110m", True),
        # 10.4%: 104m x 1.2 = 124.8m -> 125m, exactly half of 250m: not more than half
        (10.4, "125m", False),
    ],
)
def test_a_request_cut_to_exactly_half_is_not_more_than_half(
    cpu_pct: float, cpu_request: str, cut: bool
) -> None:
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize

    topo, base = _staging_on("t3.medium")
    usage = _usage(
        {
            ("workload/api-gateway", "pod_cpu_utilization_over_pod_limit"): cpu_pct,
            # memory 50% of 1Gi: 512 x 1.2 = 614.4 -> 615Mi, more than half of 512Mi
            ("workload/api-gateway", "pod_memory_utilization_over_pod_limit"): 50.0,
        }
    )
    result = rightsize(topo, usage, Settings(), default_catalog(), base_dir=base)
    api = _recs(result)["workload/api-gateway"]
    assert api.recommended["cpu_request"] == cpu_request
    assert api.recommended["memory_request"] == "615Mi"
    assert ("request cut by more than half" in api.risk_reasons) is cut


def test_gaps_in_node_group_data_raise_the_groups_risk() -> None:
    # general's CPUUtilization on 144 of the day's 288 periods: 50.0% coverage, under 90%
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize

    topo, base = _staging_on("t3.medium")
    usage = _usage({("eks-node-group/general", "CPUUtilization"): 5.0})
    usage.frame = usage.frame.iloc[::2].reset_index(drop=True)
    result = rightsize(topo, usage, Settings(), default_catalog(), base_dir=base)
    g = _recs(result)["eks-node-group/general"]
    assert "50.0% of the window has datapoints (gaps)" in g.risk_reasons


def test_the_recommended_layout_is_sized_for_the_recommended_requests() -> None:
    # api-gateway right-sized to 100m / 128Mi (the LimitRange floor, as in
    # test_workload_requests_are_held_at_the_namespace_limit_range_minimum): the topology the
    # node types are chosen and priced on carries the new requests, not today's 250m / 512Mi
    from planner.catalog import default_catalog
    from planner.rightsize.nodes import NodePlan
    from planner.usage.stats import summarize

    topo, base = _staging_on("t3.medium")
    usage = _usage(
        {
            ("workload/api-gateway", "pod_cpu_utilization_over_pod_limit"): 2.0,
            ("workload/api-gateway", "pod_memory_utilization_over_pod_limit"): 5.0,
        }
    )
    plan = NodePlan(topo, usage, summarize(usage), Settings(), default_catalog(), base)
    final = plan.final_topology.eks
    assert final is not None
    api = next(w for w in final.workloads if w.name == "api-gateway")
    assert (api.cpu_request_m, api.memory_request_bytes) == (100, 128 * 2**20)
    # the other four have no usage: their requests are kept
    others = [w for w in final.workloads if w.name != "api-gateway"]
    assert len(others) == 4
    assert all((w.cpu_request_m, w.memory_request_bytes) == (250, 512 * 2**20) for w in others)
    # and each group's type is the one recommended
    types = {g.name: g.instance_type for g in final.node_groups}
    for rec in plan.recs:
        assert types[rec.resource.split("/")[1]] == rec.recommended["class"]
