"""plan_capacity on small hand-made clusters: DaemonSet overhead, usage figures, zones.

Allocatable figures (EKS AMI rules, worked in tests/test_capacity_formulas.py):
m5.large 2 vCPU, 8,192 MiB, 29 pods -> 1,930m and 8,192 - (11 x 29 + 255) - 100 = 7,518 MiB;
t3.medium 1,930m, 3,554 MiB, 17 pods.
"""

from __future__ import annotations

from typing import Any

import pytest

from planner.capacity.plan import node_counts, plan_capacity
from planner.errors import CapacityInputError
from planner.scenario import load_scenario
from planner.topology import Topology

GROUP = {"name": "m5", "instance_type": "m5.large", "min_size": 1, "desired_size": 1,
         "max_size": 5}  # fmt: skip
WEB = {"name": "web", "replicas_min": 2, "replicas_expected": 3, "replicas_max": 4,
       "cpu_request": "500m", "memory_request": "1Gi"}  # fmt: skip
DS = [{"name": "proxy", "cpu_request": "100m", "memory_request": "64Mi", "source": "mine"}]


def cluster(
    groups: list[dict[str, Any]] | None = None,
    workloads: list[dict[str, Any]] | None = None,
    daemonsets: list[dict[str, Any]] | None = None,
) -> Topology:
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    eks = topology.eks.model_validate(
        {
            **topology.eks.model_dump(),
            "node_groups": groups or [GROUP],
            "workloads": workloads if workloads is not None else [WEB],
            "daemonsets": DS if daemonsets is None else daemonsets,
            "resource_quota": None,
            "limit_range": None,
        }
    )
    return topology.model_copy(update={"eks": eks})


def test_usage_figures_worked_by_hand() -> None:
    """One m5.large node (min_size 1) holds web at min: 2 x 500m / 1Gi, plus proxy 100m /
    64 MiB. CPU (1,000 + 100) / 1,930 = 56.99 % -> 57.0; memory (2,048 + 64) / 7,518 =
    28.09 % -> 28.1. At max 4 pods: 2,000 + 100 > 1,930 on one node, so 4 x 500m pack 3 a
    node (1,500 + 100 <= 1,930) -> 2 nodes: CPU (2,000 + 200) / 3,860 = 56.99 % -> 57.0,
    memory (4,096 + 128) / 15,036 = 28.09 % -> 28.1."""
    result = plan_capacity(cluster())
    (group,) = result.node_groups
    low = group.usage["min"]
    assert (low.nodes, low.pods) == (1, 2)
    assert (low.requested_cpu_millicores, low.requested_memory_mib) == (1000, 2048.0)
    assert (low.daemonset_cpu_millicores, low.daemonset_memory_mib) == (100, 64.0)
    assert (low.allocatable_cpu_millicores, low.allocatable_memory_mib) == (1930, 7518)
    assert (low.cpu_utilization_pct, low.memory_utilization_pct) == (57.0, 28.1)
    high = group.usage["max"]
    assert (high.nodes, high.pods) == (2, 4)
    assert (high.daemonset_cpu_millicores, high.daemonset_memory_mib) == (200, 128.0)
    assert (high.allocatable_cpu_millicores, high.allocatable_memory_mib) == (3860, 15036)
    assert (high.cpu_utilization_pct, high.memory_utilization_pct) == (57.0, 28.1)
    assert result.nodes("expected") == {"m5": 1}  # 3 x 500 + 100 = 1,600 <= 1,930
    assert (result.pods_at_min, result.pods_at_expected, result.pods_at_max) == (2, 3, 4)
    assert node_counts(cluster(), "max") == {"m5": 2}


def test_node_group_figures() -> None:
    """t3.medium: burstable, 20 % baseline per vCPU (EC2 credit table); m5.large: none."""
    t3 = {**GROUP, "name": "t3", "instance_type": "t3.medium", "zones": ["us-east-1a"]}
    result = plan_capacity(cluster(groups=[GROUP, t3]))
    m5, small = result.node_groups
    assert (m5.vcpu, m5.memory_mib, m5.max_pods) == (2, 8192, 29)
    assert (m5.kube_reserved_cpu_millicores, m5.kube_reserved_memory_mib) == (70, 574)
    assert (m5.eviction_memory_mib, m5.allocatable_memory_mib) == (100, 7518)
    assert (m5.min_size, m5.desired_size, m5.max_size) == (1, 1, 5)
    assert (m5.capacity_type, m5.prefix_delegation) == ("ON_DEMAND", False)
    assert m5.burstable_baseline_cpu_pct is None
    assert small.burstable_baseline_cpu_pct == 20.0
    assert (small.instance_type, small.zones, small.max_pods) == ("t3.medium", ("us-east-1a",), 17)
    assert (small.nodes_at_min, small.nodes_at_expected, small.nodes_at_max) == (1, 1, 1)
    (ds,) = result.daemonsets
    assert (ds.name, ds.cpu_millicores, ds.memory_mib, ds.default, ds.source) == (
        "proxy",
        100,
        64.0,
        False,
        "mine",
    )


def test_an_empty_group_reports_zero_utilisation() -> None:
    """A group at min_size 0 that no pod needs has 0 nodes, 0 allocatable and 0 %."""
    idle = {**GROUP, "name": "idle", "min_size": 0, "desired_size": 0}
    result = plan_capacity(cluster(groups=[GROUP, idle]))
    usage = result.node_groups[1].usage["min"]
    assert (usage.nodes, usage.allocatable_cpu_millicores) == (0, 0)
    assert (usage.cpu_utilization_pct, usage.memory_utilization_pct) == (0, 0)


@pytest.mark.parametrize(("max_pods", "nodes"), [(3, 4), (4, 2), (5, 2)])
def test_each_daemonset_takes_a_pod_slot(max_pods: int, nodes: int) -> None:
    """max_pods 3 less the 2 DaemonSet pods leaves 1 slot: web's 4 pods at max need 4 nodes;
    4 slots less 2 leave 2 pods a node -> 2 nodes; 5 leave 3, but CPU holds 3 x 500 + 200 =
    1,700 <= 1,930 -> still 2 nodes (3 + 1)."""
    two = [*DS, {"name": "agent", "cpu_request": "100m"}]
    result = plan_capacity(cluster(groups=[{**GROUP, "max_pods": max_pods}], daemonsets=two))
    assert result.nodes("max") == {"m5": nodes}
    assert not result.unplaced and not result.notes


def test_daemonsets_filling_the_node_leave_no_room_and_say_so() -> None:
    """DaemonSets of 2,000m exceed m5.large's 1,930m allocatable: a note names the node group,
    the type and the dimension; every pod is unplaced as too big."""
    heavy = [{"name": "hog", "cpu_request": "2", "memory_request": "8Gi"}]
    result = plan_capacity(cluster(daemonsets=heavy))
    assert result.notes == (
        "node group m5: DaemonSet requests exceed a m5.large's allocatable (cpu, memory); "
        "no pod fits",
    )
    counts = [(u.state, u.count) for u in result.unplaced]
    assert counts == [("min", 2), ("expected", 3), ("max", 4)]
    assert "needs 0.5 vCPU, largest allocatable 1.93 vCPU (m5.large; 0 vCPU after" in (
        result.unplaced[0].reason
    )
    # DaemonSets that take every pod slot: 2 slots, 2 DaemonSet pods (0 left, not below 0)
    full = plan_capacity(
        cluster(groups=[{**GROUP, "max_pods": 2}], daemonsets=[*DS, DS[0] | {"name": "b"}])
    )
    assert full.notes == ()
    assert [u.count for u in full.unplaced] == [2, 3, 4]
    # one slot short: 1 slot, 2 DaemonSet pods
    short = plan_capacity(
        cluster(groups=[{**GROUP, "max_pods": 1}], daemonsets=[*DS, DS[0] | {"name": "b"}])
    )
    assert short.notes == (
        "node group m5: DaemonSet requests exceed a m5.large's allocatable (pods); no pod fits",
    )
    # the slots left are 1 - 2 = -1, clamped to 0 (not to 1): CPU and memory are free, yet
    # no pod fits, at any state
    assert [u.count for u in short.unplaced] == [2, 3, 4]
    assert short.node_groups[0].usage["expected"].pods == 0


def test_default_daemonsets_when_none_listed() -> None:
    """No DaemonSets listed: aws-node 25m and kube-proxy 100m (the EKS add-ons), 2 slots."""
    result = plan_capacity(cluster(daemonsets=[]))
    assert [(d.name, d.cpu_millicores, d.memory_mib, d.default) for d in result.daemonsets] == [
        ("aws-node", 25, 0.0, True),
        ("kube-proxy", 100, 0.0, True),
    ]
    assert result.node_groups[0].usage["min"].daemonset_cpu_millicores == 125


def test_zone_spread_over_the_eligible_groups_zones() -> None:
    """web spread over zones: its groups list a and b (one group each) -> replicas alternate
    a, b, a, b (zones sorted). A group with zones for a and b, and none for a workload whose
    groups list no zones: a note says it is not spread."""
    a = {**GROUP, "name": "ga", "zones": ["us-east-1a"], "min_size": 0, "desired_size": 0}
    b = {**GROUP, "name": "gb", "zones": ["us-east-1b"], "min_size": 0, "desired_size": 0}
    spread = {**WEB, "spread_zones": True, "anti_affinity": True}
    result = plan_capacity(cluster(groups=[a, b], workloads=[spread]))
    # max: 4 replicas, one per node (anti-affinity): a, b, a, b -> 2 nodes in each group
    assert result.nodes("max") == {"ga": 2, "gb": 2}
    assert result.nodes("min") == {"ga": 1, "gb": 1}
    assert result.notes == ()
    plain = plan_capacity(cluster(workloads=[spread]))
    assert plain.notes == (
        "workload web: spread_zones is set but its node groups list no zones; not spread",
    )


def test_unusable_input_is_an_error() -> None:
    unknown = r"eks.node_groups\[m5\].instance_type: .*m5.lrage"
    with pytest.raises(CapacityInputError, match=unknown):
        plan_capacity(cluster(groups=[{**GROUP, "instance_type": "m5.lrage"}]))
    with pytest.raises(CapacityInputError, match="state 'most' is not one of min, expected, max"):
        node_counts(cluster(), "most")  # type: ignore[arg-type]
    bare = cluster().model_copy(update={"eks": None})
    with pytest.raises(CapacityInputError, match="has no eks section"):
        plan_capacity(bare)


def test_manifests_namespace_wins_and_the_scenario_quota_wins() -> None:
    """Workloads from scenarios/manifests/staging: its objects are in namespace
    emrtask-staging, which is what the plan reports even when the scenario says another; the
    scenario's own ResourceQuota (100 CPU) is checked instead of the manifests' (8 CPU), and
    without one the manifests' is used."""
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    base = {**topology.eks.model_dump(), "workloads": [], "workloads_from": "manifests/staging"}
    own_quota = {"requests_cpu": "100", "requests_memory": "100Gi"}
    eks = topology.eks.model_validate(
        {**base, "namespace": "elsewhere", "resource_quota": own_quota, "limit_range": None}
    )
    result = plan_capacity(topology.model_copy(update={"eks": eks}))
    assert result.namespace == "emrtask-staging"
    quota = {q.limit for q in result.quota_checks if q.field == "requests.cpu"}
    assert quota == {"100"}
    eks = topology.eks.model_validate({**base, "resource_quota": None, "limit_range": None})
    result = plan_capacity(topology.model_copy(update={"eks": eks}))
    assert {q.limit for q in result.quota_checks if q.field == "requests.cpu"} == {"8"}


def test_daemonsets_over_memory_only_leave_the_cpu_free() -> None:
    """DaemonSets of 100m and 8Gi: memory exceeds m5.large's 7,518 MiB, CPU does not (1,830m
    free). The pod fails on memory only; the CPU left after DaemonSets is not zeroed."""
    heavy = [{"name": "cache", "cpu_request": "100m", "memory_request": "8Gi"}]
    result = plan_capacity(cluster(daemonsets=heavy))
    assert result.notes == (
        "node group m5: DaemonSet requests exceed a m5.large's allocatable (memory); no pod fits",
    )
    reason = result.unplaced[0].reason
    assert reason.startswith("needs 1.00Gi memory, largest allocatable 7.34Gi (m5.large;")
    assert "vCPU" not in reason


def test_the_note_names_only_the_dimension_the_daemonsets_exceed() -> None:
    """DaemonSets of 1,000m and 8Gi on m5.large (1,930m, 7,518 MiB): memory is exceeded, CPU
    is not (1,000m <= 1,930m, though more than the 930m it leaves), so the note names memory
    only."""
    heavy = [{"name": "cache", "cpu_request": "1", "memory_request": "8Gi"}]
    result = plan_capacity(cluster(daemonsets=heavy))
    assert result.notes == (
        "node group m5: DaemonSet requests exceed a m5.large's allocatable (memory); no pod fits",
    )


def test_shortfall_names_dimensions_strictly_over() -> None:
    from planner.capacity.resources import Resources, shortfall

    assert shortfall(Resources(5, 5, 5), Resources(5, 5, 5)) == []  # equal fits
    assert shortfall(Resources(6, 5, 5), Resources(5, 5, 5)) == ["cpu"]
    assert shortfall(Resources(5, 6, 5), Resources(5, 5, 5)) == ["memory"]
    assert shortfall(Resources(5, 5, 6), Resources(5, 5, 5)) == ["pods"]
    assert shortfall(Resources(6, 6, 6), Resources(5, 5, 5)) == ["cpu", "memory", "pods"]
