"""plan_capacity on the bundled scenarios: goldens, manifests, errors, and results as data."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_golden import assert_golden

from planner.capacity.cli import result_json
from planner.capacity.plan import (
    node_counts,
    plan_capacity,
)
from planner.errors import CapacityInputError, ScenarioError
from planner.pricing import monthly_range, price_capacity_range
from planner.scenario import load_scenario
from planner.topology import Topology

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"


def _with_eks(topology: Topology, **changes: Any) -> Topology:
    assert topology.eks is not None
    eks = topology.eks.model_validate({**topology.eks.model_dump(), **changes})
    return topology.model_copy(update={"eks": eks})


def _check_golden(name: str, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert_golden(f"capacity_{name}.json", text)


@pytest.mark.parametrize("name", ["staging", "production"])
def test_golden(name: str) -> None:
    if name == "production" and not (REPO / "scenarios" / "production.yaml").exists():
        pytest.fail("scenarios/production.yaml is missing")  # the lead bundles it
    scenario = load_scenario(name)
    result = plan_capacity(scenario.topology, base_dir=scenario.path.parent)
    costs = price_capacity_range(scenario.topology, result)
    _check_golden(name, result_json(result, costs))


def test_staging_numbers() -> None:
    topology = load_scenario("staging").topology
    result = plan_capacity(topology)
    groups = {g.name: g for g in result.node_groups}
    assert groups["general"].allocatable_cpu_millicores == 1930
    assert groups["general"].allocatable_memory_mib == 3554
    assert groups["compute"].allocatable_memory_mib == 7452
    assert result.nodes("min") == {"general": 2, "compute": 1}
    assert result.nodes("max") == {"general": 4, "compute": 2}
    assert (result.pods_at_min, result.pods_at_max) == (10, 26)
    assert result.ok
    costs = monthly_range(price_capacity_range(topology, result))
    assert costs["min"] == costs["expected"] < costs["max"]
    assert node_counts(topology, "max") == {"general": 4, "compute": 2}


def test_production_numbers_worked_by_hand() -> None:
    """The twin of tests/golden/capacity_production.json, every number worked by hand.

    Allocatable (EKS AMI bootstrap rules): max pods = ENIs x (IPv4 per ENI - 1) + 2;
    kube-reserved memory = 11 MiB x max pods + 255 MiB; kube-reserved CPU = 6% of the first
    core + 1% of the second + 0.5% of the third and fourth; eviction threshold 100 MiB.
    - m5.large (2 vCPU, 8,192 MiB, 3 ENIs x 10 IPs): 3 x 9 + 2 = 29 pods; 11 x 29 + 255 = 574
      MiB; 60 + 10 = 70 m -> 1,930 m and 8,192 - 574 - 100 = 7,518 MiB.
    - m5.xlarge (4 vCPU, 16,384 MiB, 4 ENIs x 15 IPs): 4 x 14 + 2 = 58 pods; 11 x 58 + 255 =
      893 MiB; 60 + 10 + 5 + 5 = 80 m -> 3,920 m and 16,384 - 893 - 100 = 15,391 MiB.
    Pods: five workloads of 250 m / 512 MiB, anti-affinity (one pod of a workload per node),
    3 replicas each at min = 15; at max api-gateway 6 + 4 x 5 = 26. DaemonSets aws-node 25 m
    and kube-proxy 100 m on every node.
    - min / expected: 15 pods, at most 5 per node (one per workload; 5 x 250 + 125 = 1,375 m
      fits 1,930 m): general's 3 nodes (its min_size) take all 15; compute stays at its
      min_size 3 with no pod.
    - max: the 6 nodes already running (3 + 3) hold 6 x 5 = 30 >= 26 pods and give
      api-gateway's 6 replicas 6 distinct nodes: no node is added; general keeps 15 pods,
      compute takes 26 - 15 = 11.
    Utilization: general CPU (15 x 250 + 3 x 125) / (3 x 1,930) = 4,125 / 5,790 = 71.2%,
    memory 15 x 512 / (3 x 7,518) = 7,680 / 22,554 = 34.1%; compute at max CPU (11 x 250 +
    375) / 11,760 = 26.6%, memory 5,632 / 46,173 = 12.2%; compute at min 375 / 11,760 = 3.2%.
    Node groups a month at min: 3 x 730 x 0.096 + 3 x 730 x 0.0576 (spot, 70% off $0.192) +
    6 x 20 GB x $0.08 = 210.24 + 126.144 + 9.60; each line is shown to the cent (126.144 ->
    126.14) and the total is the sum of the lines as shown: 210.24 + 126.14 + 9.60 = 345.98.
    """
    scenario = load_scenario("production")
    result = plan_capacity(scenario.topology, base_dir=scenario.path.parent)
    groups = {g.name: g for g in result.node_groups}
    general, compute = groups["general"], groups["compute"]
    assert (general.max_pods, compute.max_pods) == (29, 58)
    assert (general.allocatable_cpu_millicores, general.allocatable_memory_mib) == (1930, 7518)
    assert (compute.allocatable_cpu_millicores, compute.allocatable_memory_mib) == (3920, 15391)
    assert (result.pods_at_min, result.pods_at_max) == (15, 26)
    for state in ("min", "expected", "max"):
        assert result.nodes(state) == {"general": 3, "compute": 3}, state
    assert result.ok and not result.unplaced
    data = result_json(result, price_capacity_range(scenario.topology, result))
    usage = {g["name"]: g["usage"] for g in data["node_groups"]}
    assert usage["general"]["max"]["pods"] == 15
    assert usage["compute"]["max"]["pods"] == 11
    assert usage["compute"]["min"]["pods"] == 0
    assert usage["general"]["min"]["cpu_utilization_pct"] == 71.2
    assert usage["general"]["min"]["memory_utilization_pct"] == 34.1
    assert usage["compute"]["max"]["cpu_utilization_pct"] == 26.6
    assert usage["compute"]["max"]["memory_utilization_pct"] == 12.2
    assert usage["compute"]["min"]["cpu_utilization_pct"] == 3.2
    assert Decimal(str(data["node_groups_monthly_usd_at_min"])) == Decimal("345.98")


def test_manifests_agree_with_the_scenario() -> None:
    topology = load_scenario("staging").topology
    from_manifests = _with_eks(
        topology,
        workloads=[],
        workloads_from="manifests/staging",
        resource_quota=None,
        limit_range=None,
    )
    a, b = plan_capacity(topology), plan_capacity(from_manifests)
    assert b.workloads_source == "manifests: manifests/staging"
    for state in ("min", "expected", "max"):
        assert a.nodes(state) == b.nodes(state)
    assert (a.pods_at_min, a.pods_at_max) == (b.pods_at_min, b.pods_at_max)
    key = lambda q: (q.kind, q.state, q.workload, q.field)  # noqa: E731
    assert sorted((key(q), q.used, q.limit, q.ok) for q in a.quota_checks) == sorted(
        (key(q), q.used, q.limit, q.ok) for q in b.quota_checks
    )
    assert topology.eks is not None
    from planner.capacity.manifests import read_manifests

    found = {w.name: w for w in read_manifests(REPO / "scenarios/manifests/staging").workloads}
    for w in topology.eks.workloads:
        m = found[w.name]
        assert (m.replicas_min, m.replicas_max, m.anti_affinity) == (
            w.replicas_min,
            w.replicas_max,
            w.anti_affinity,
        )
        assert (m.cpu_request_m, m.memory_request_bytes) == (
            w.cpu_request_m,
            w.memory_request_bytes,
        )
        assert (m.cpu_limit_m, m.memory_limit_bytes) == (w.cpu_limit_m, w.memory_limit_bytes)


def test_too_big_pod_is_unplaced_with_reason() -> None:
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    workloads = [w.model_dump() for w in topology.eks.workloads]
    workloads[0]["cpu_request"] = "4"
    workloads[0]["cpu_limit"] = "4"
    result = plan_capacity(_with_eks(topology, workloads=workloads))
    misses = [u for u in result.unplaced if u.workload == "api-gateway"]
    assert [u.count for u in misses] == [2, 2, 6]
    assert "needs 4 vCPU, largest allocatable 1.93 vCPU" in misses[0].reason


def test_exceeded_maximum_and_quota_violation_are_data() -> None:
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    workloads = [w.model_dump() for w in topology.eks.workloads]
    workloads[1]["replicas_max"] = 12  # anti-affinity: 12 distinct nodes, groups allow 7
    result = plan_capacity(_with_eks(topology, workloads=workloads))
    assert result.nodes("max") == {"general": 4, "compute": 3}
    (miss,) = [u for u in result.unplaced if u.state == "max"]
    assert miss.workload == "emr-service" and miss.count == 5
    assert "max_size (general 4, compute 3)" in miss.reason
    assert "anti-affinity" in miss.reason
    assert [
        (e.state, e.node_group, e.nodes_needed, e.max_size) for e in result.exceeded_maxima
    ] == [("max", "general", 11, 4)]
    failed = [q for q in result.quota_checks if not q.ok]
    assert [(q.state, q.field, q.used, q.limit) for q in failed] == [
        ("max", "requests.cpu", "8250m", "8"),
        ("max", "requests.memory", "16896Mi", "16Gi"),
    ]
    assert not result.ok


def test_zone_spread_and_taints() -> None:
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    groups = [g.model_dump() for g in topology.eks.node_groups]
    groups[0]["zones"] = ["us-east-1a", "us-east-1b"]
    groups[1]["taints"] = [{"key": "workload", "value": "batch", "effect": "NoSchedule"}]
    workloads = [w.model_dump() for w in topology.eks.workloads]
    for w in workloads:
        w["spread_zones"] = True
    result = plan_capacity(_with_eks(topology, node_groups=groups, workloads=workloads))
    groups_by = {g.name: g for g in result.node_groups}
    assert groups_by["compute"].usage["max"].pods == 0  # tainted, nothing tolerates it
    assert result.unplaced  # 26 pods, anti-affinity, only 4 general nodes
    assert all("max_size (general 4)" in u.reason for u in result.unplaced)


def test_default_daemonsets_are_marked() -> None:
    topology = _with_eks(load_scenario("staging").topology, daemonsets=[])
    result = plan_capacity(topology)
    assert [(d.name, d.cpu_millicores, d.default) for d in result.daemonsets] == [
        ("aws-node", 25, True),
        ("kube-proxy", 100, True),
    ]


def _scenario(tmp_path: Path, old: str, new: str) -> Path:
    text = (REPO / "scenarios" / "staging.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        (
            "memory_request: 512Mi",
            "memory_request: 512Mb",
            r"workloads\[api-gateway\]\.memory_request.*did you mean 512Mi",
        ),
        (
            "cpu_request: 250m           #",
            "cpu_request: 250M           #",
            r"workloads\[api-gateway\]\.cpu_request.*did you mean 250m",
        ),
        (
            "replicas_min: 2             # §3.6 2-6, HPA §3.5",
            "replicas_min: 0",
            r"workloads\[api-gateway\]\.replicas_min.*greater than or equal to 1",
        ),
        (
            "replicas_min: 2             # §3.6 2-6, HPA §3.5",
            "replicas_min: -3",
            r"workloads\[api-gateway\]\.replicas_min",
        ),
        (
            "replicas_min: 2             # §3.6 2-6, HPA §3.5",
            "replicas_min: 9",
            r"workloads\[api-gateway\].*replicas_min <= replicas_max",
        ),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path,
    run_cli: Callable[[Sequence[str]], Any],
    old: str,
    new: str,
    expect: str,
) -> None:
    path = _scenario(tmp_path, old, new)
    with pytest.raises(ScenarioError, match=expect):
        load_scenario(path)
    result = run_cli(["capacity", str(path)])
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1
    assert "bad.yaml" in result.err


def test_bad_manifest_names_file_workload_and_field(tmp_path: Path) -> None:
    src = REPO / "scenarios" / "manifests" / "staging"
    for f in src.iterdir():
        text = f.read_text(encoding="utf-8")
        if f.name == "sync-service.yaml":
            text = text.replace("cpu: 250m", "cpu: 250M")
        (tmp_path / f.name).write_text(text, encoding="utf-8")
    topology = _with_eks(
        load_scenario("staging").topology, workloads=[], workloads_from=str(tmp_path)
    )
    with pytest.raises(CapacityInputError) as info:
        plan_capacity(topology)
    message = str(info.value)
    assert "\n" not in message
    assert "sync-service.yaml: Deployment sync-service: container sync-service" in message
    assert "resources.requests.cpu" in message and "did you mean 250m" in message


def test_cli_json_shape(run_cli: Callable[[Sequence[str]], Any]) -> None:
    result = run_cli(["capacity", "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    for key in (
        "node_groups",
        "pods_at_min",
        "pods_at_max",
        "quota_checks",
        "unplaced",
        "monthly_usd_at_min",
        "monthly_usd_at_max",
    ):
        assert key in data
    for key in (
        "name",
        "instance_type",
        "allocatable_cpu_millicores",
        "allocatable_memory_mib",
        "max_pods",
        "nodes_at_min",
        "nodes_at_expected",
        "nodes_at_max",
    ):
        assert key in data["node_groups"][0]
    table = run_cli(["capacity", "staging"])
    assert table.code == 0 and "general" in table.out and "Monthly cost" in table.out


@pytest.mark.parametrize("name", ["staging", "production"])
def test_price_states_equal_a_full_repricing_per_state(name: str) -> None:
    """Node lines are re-priced per state and swapped in; the rest is priced once."""
    from planner.costing.engine import price_topology
    from planner.pricing import price_states

    scenario = load_scenario(name)
    result = plan_capacity(scenario.topology, base_dir=scenario.path.parent)
    states = price_states(scenario.topology, result)
    for state, report in states.items():
        full = price_topology(
            scenario.topology,
            node_counts=result.nodes(state),
            node_count_basis="derived",
            node_count_note=f"capacity model at {state} replicas",
        )
        assert report.lines == full.lines, state
        assert report.total_monthly_usd == full.total_monthly_usd
    if name == "staging":  # the max state has more nodes (4 general, 2 compute), so it costs more
        assert states["max"].total_monthly_usd > states["expected"].total_monthly_usd


def _tiny_pods(count: int) -> Topology:
    """Staging with one node group (general, t3.medium, 1-10 nodes) and ``count`` tiny pods
    (10m / 10Mi, no anti-affinity): only the pod slots limit a node."""
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    general = topology.eks.node_groups[0].model_copy(update={"min_size": 1, "max_size": 10})
    tiny = {
        "name": "tiny", "replicas_min": count, "replicas_max": count,
        "cpu_request": "10m", "memory_request": "10Mi",
    }  # fmt: skip
    return _with_eks(
        topology, node_groups=[general.model_dump()], workloads=[tiny], resource_quota=None
    )


@pytest.mark.parametrize(("pods", "nodes"), [(15, 1), (16, 2), (30, 2), (31, 3), (32, 3)])
def test_daemonset_pods_take_pod_slots(pods: int, nodes: int) -> None:
    # t3.medium: 3 ENIs x (6 IPv4 - 1) + 2 = 17 pods a node (VPC CNI); staging's two
    # DaemonSets (aws-node, kube-proxy) run a pod on every node, leaving 15 for workloads:
    # 15 pods fit on 1 node, 16 need 2, 31 need 3 (at 17 a node 31 and 32 would fit on 2)
    result = plan_capacity(_tiny_pods(pods))
    assert result.nodes("min") == {"general": nodes}
    assert not result.unplaced


def test_first_fit_decreasing_by_hand() -> None:
    # t3.medium: 1,930m allocatable less 125m of DaemonSets = 1,805m free a node. Pods of
    # 1,080, 900, 720, 540 and 360m (3,600m: two nodes' worth). Largest first:
    # 1,080 -> node 1 (725 left); 900 -> node 2 (905 left); 720 -> node 1 (5 left);
    # 540 -> node 2 (365 left); 360 -> node 2 (5 left): 2 nodes. (Smallest first would put
    # 360 + 540 + 720 on node 1, 900 on node 2 and need a third node for 1,080.)
    topology = load_scenario("staging").topology
    assert topology.eks is not None
    general = topology.eks.node_groups[0].model_copy(update={"min_size": 1, "max_size": 10})
    pods = [
        {"name": f"p{m}", "replicas_min": 1, "replicas_max": 1, "cpu_request": f"{m}m",
         "memory_request": "10Mi"}
        for m in (360, 1080, 540, 900, 720)
    ]  # fmt: skip
    result = plan_capacity(
        _with_eks(topology, node_groups=[general.model_dump()], workloads=pods, resource_quota=None)
    )
    assert result.nodes("min") == {"general": 2}
    assert not result.unplaced


def test_the_table_says_how_a_reserved_group_is_paid_for(tmp_path: Path) -> None:
    """EKS runs a reserved node as ON_DEMAND capacity: the table adds how it is paid for."""
    from planner.capacity.cli import purchase_notes
    from planner.scenario import load_scenario

    repo = Path(__file__).resolve().parents[1]
    reserved = load_scenario(repo / "scenarios/commitments/staging-m5-reserved.yaml").topology
    assert purchase_notes(reserved) == {"general": "reserved 1yr partial upfront"}
    assert purchase_notes(load_scenario("staging").topology) == {}
    path = tmp_path / "counted.yaml"
    path.write_text(
        "extends: staging\n"
        "eks:\n  node_groups:\n    - name: general\n"
        "      purchase: {type: reserved, term: 3yr, payment: all_upfront, count: 1}\n",
        encoding="utf-8",
    )
    assert purchase_notes(load_scenario(path).topology) == {
        "general": "reserved 3yr all upfront, 1 node"
    }
