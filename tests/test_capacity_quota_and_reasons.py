"""ResourceQuota and LimitRange checks at their boundaries, and why unplaced pods did not fit.

Kubernetes rules: a ResourceQuota admits pods while the namespace's summed requests (or
limits) stay at or below ``spec.hard`` (equal is admitted); a LimitRange ``Container`` item
admits a container whose request is at least ``min`` and whose limit is at most ``max``
(both ends inclusive).
"""

from __future__ import annotations

from planner.capacity.allocatable import node_allocatable
from planner.capacity.instances import instance_spec
from planner.capacity.model import CapacityResult, UnplacedPods
from planner.capacity.packing import (
    REASON_MAX_SIZE,
    REASON_NO_GROUP,
    REASON_TOO_BIG,
    GroupSpec,
    Packing,
    PodSpec,
    Unplaced,
)
from planner.capacity.quota import quota_checks
from planner.capacity.resources import MIB, Resources
from planner.capacity.unplaced import (
    Placement,
    _mem,
    _vcpu,
    reason,
    unplaced_pods,
    unplaced_warnings,
)
from planner.capacity.workloads import eligible, group_labels, replicas
from planner.topology import LimitRange, NodeGroup, ResourceQuota, Taint, Toleration, Workload

# 2 replicas at min, 3 expected, 4 at max; 500m and 1Gi each, limits 1 CPU and 2Gi
WEB = Workload(
    name="web",
    replicas_min=2,
    replicas_expected=3,
    replicas_max=4,
    cpu_request="500m",
    memory_request="1Gi",
    cpu_limit="1",
    memory_limit="2Gi",
)


def test_replicas_per_state() -> None:
    assert [replicas(WEB, s) for s in ("min", "expected", "max")] == [2, 3, 4]


def test_quota_at_the_limit_is_admitted_and_above_is_rejected() -> None:
    """requests.cpu: 2 x 500m = 1 CPU at min, 1.5 at expected, 2 at max; requests.memory
    2Gi, 3Gi, 4Gi. A quota of exactly 2 CPU / 4Gi admits max (100 %); 1999m rejects it
    (2,000 / 1,999 = 100.05 %, shown rounded as 100 %)."""
    at_limit = ResourceQuota(requests_cpu="2", requests_memory="4Gi")
    checks = {(c.state, c.field): c for c in quota_checks([WEB], at_limit, None)}
    assert sorted(checks) == sorted(
        (s, f) for s in ("min", "expected", "max") for f in ("requests.cpu", "requests.memory")
    )
    cpu_max = checks[("max", "requests.cpu")]
    assert (cpu_max.kind, cpu_max.workload, cpu_max.ok) == ("ResourceQuota", None, True)
    assert (cpu_max.used, cpu_max.limit) == ("2", "2")
    assert cpu_max.message == "requests.cpu at max replicas: 2 of 2 (100%)"
    assert checks[("min", "requests.cpu")].message == "requests.cpu at min replicas: 1 of 2 (50%)"
    assert checks[("expected", "requests.cpu")].used == "1500m"  # 3 x 500m
    assert "(75%)" in checks[("expected", "requests.cpu")].message
    mem_max = checks[("max", "requests.memory")]
    assert (mem_max.used, mem_max.limit, mem_max.ok) == ("4Gi", "4Gi", True)
    assert checks[("expected", "requests.memory")].used == "3Gi"

    below = ResourceQuota(requests_cpu="1999m", requests_memory="4095Mi")
    over = {(c.state, c.field): c for c in quota_checks([WEB], below, None)}
    assert not over[("max", "requests.cpu")].ok
    assert over[("max", "requests.cpu")].message == (
        "requests.cpu at max replicas: 2 of 1999m (100%); the quota rejects pods beyond it"
    )
    assert over[("expected", "requests.cpu")].ok  # 1,500m <= 1,999m
    assert not over[("max", "requests.memory")].ok  # 4,096Mi > 4,095Mi
    assert over[("max", "requests.memory")].limit == "4095Mi"


def test_quota_on_limits_only_when_stated() -> None:
    """limits.cpu: 4 x 1 CPU = 4 at max against 4 (ok), limits.memory 4 x 2Gi = 8Gi against
    7Gi (rejected: 8 / 7 = 114 %). Without limits in the quota, only requests are checked."""
    quota = ResourceQuota(
        requests_cpu="10", requests_memory="10Gi", limits_cpu="4", limits_memory="7Gi"
    )
    checks = {(c.state, c.field): c for c in quota_checks([WEB], quota, None)}
    assert checks[("max", "limits.cpu")].ok and checks[("max", "limits.cpu")].used == "4"
    assert checks[("min", "limits.memory")].used == "4Gi"  # 2 x 2Gi
    assert not checks[("max", "limits.memory")].ok
    assert "8Gi of 7Gi (114%)" in checks[("max", "limits.memory")].message
    cpu_only = ResourceQuota(requests_cpu="10", requests_memory="10Gi", limits_cpu="4")
    fields = {c.field for c in quota_checks([WEB], cpu_only, None)}
    assert fields == {"requests.cpu", "requests.memory", "limits.cpu"}
    memory_only = ResourceQuota(requests_cpu="10", requests_memory="10Gi", limits_memory="8Gi")
    fields = {c.field for c in quota_checks([WEB], memory_only, None)}
    assert fields == {"requests.cpu", "requests.memory", "limits.memory"}
    assert quota_checks([WEB], None, None) == []


def test_limit_range_bounds_are_inclusive() -> None:
    """web requests 500m / 1Gi and limits 1 CPU / 2Gi. Bounds equal to those admit it; one
    millicore or one MiB past any of them violates it."""
    exact = LimitRange(min_cpu="500m", max_cpu="1", min_memory="1Gi", max_memory="2Gi")
    checks = quota_checks([WEB], None, exact)
    assert [(c.kind, c.state, c.workload, c.field, c.ok) for c in checks] == [
        ("LimitRange", None, "web", "cpu_request", True),
        ("LimitRange", None, "web", "cpu_limit", True),
        ("LimitRange", None, "web", "memory_request", True),
        ("LimitRange", None, "web", "memory_limit", True),
    ]
    assert [(c.used, c.limit) for c in checks] == [
        ("500m", "500m"),
        ("1", "1"),
        ("1Gi", "1Gi"),
        ("2Gi", "2Gi"),
    ]
    assert checks[0].message == "web cpu_request 500m within the per-container min 500m"
    assert checks[3].message == "web memory_limit 2Gi within the per-container max 2Gi"
    tight = LimitRange(min_cpu="501m", max_cpu="999m", min_memory="1025Mi", max_memory="2047Mi")
    checks = quota_checks([WEB], None, tight)
    assert [c.ok for c in checks] == [False, False, False, False]
    assert checks[1].message == "web cpu_limit 1 violates the per-container max 999m"
    assert checks[2].message == "web memory_request 1Gi violates the per-container min 1025Mi"


def _node_group(name: str, instance_type: str, **kw: object) -> NodeGroup:
    return NodeGroup.model_validate(
        {"name": name, "instance_type": instance_type, "min_size": 1, "desired_size": 1,
         "max_size": 3, **kw}
    )  # fmt: skip


def test_labels_and_eligibility() -> None:
    """The EKS managed node group labels: instance type, capacity type, node group name and
    kubernetes.io/arch (amd64 for x86_64, arm64 for Graviton); the group's own labels are
    added and win."""
    group = _node_group("gp", "m6g.large", labels={"team": "a", "eks.amazonaws.com/nodegroup": "x"})
    labels = group_labels(group, "arm64")
    assert labels == {
        "node.kubernetes.io/instance-type": "m6g.large",
        "eks.amazonaws.com/capacityType": "ON_DEMAND",
        "eks.amazonaws.com/nodegroup": "x",
        "kubernetes.io/arch": "arm64",
        "team": "a",
    }
    assert group_labels(_node_group("g", "m5.large"), "x86_64")["kubernetes.io/arch"] == "amd64"
    wants_arm = WEB.model_copy(update={"node_selector": {"kubernetes.io/arch": "arm64"}})
    assert eligible(wants_arm, group, labels)
    assert not eligible(wants_arm, _node_group("g", "m5.large"), {"kubernetes.io/arch": "amd64"})
    assert not eligible(wants_arm, group, {})  # label missing: not selected


def _tolerating(*tolerations: Toleration) -> Workload:
    return WEB.model_copy(update={"tolerations": tolerations})


def test_taints_need_a_matching_toleration() -> None:
    """Kubernetes taints and tolerations: NoSchedule and NoExecute keep off pods that do not
    tolerate them; PreferNoSchedule only discourages (the model ignores it). A toleration
    matches on key, on value unless its operator is Exists, and on effect unless it leaves the
    effect empty (all effects)."""
    batch = _node_group("b", "m5.large", taints=[Taint(key="workload", value="batch")])
    assert not eligible(WEB, batch, {})
    assert eligible(_tolerating(Toleration(key="workload", value="batch")), batch, {})
    assert eligible(
        _tolerating(Toleration(key="workload", value="batch", effect="NoSchedule")), batch, {}
    )
    assert not eligible(
        _tolerating(Toleration(key="workload", value="batch", effect="NoExecute")), batch, {}
    )
    assert not eligible(_tolerating(Toleration(key="workload", value="other")), batch, {})
    assert eligible(_tolerating(Toleration(key="workload", operator="Exists")), batch, {})
    assert not eligible(_tolerating(Toleration(key="other", operator="Exists")), batch, {})
    soft = _node_group(
        "s", "m5.large", taints=[Taint(key="spot", value="yes", effect="PreferNoSchedule")]
    )
    assert eligible(WEB, soft, {})
    two = _node_group(
        "t",
        "m5.large",
        taints=[Taint(key="a", value="1"), Taint(key="b", value="2", effect="NoExecute")],
    )
    assert not eligible(_tolerating(Toleration(key="a", value="1")), two, {})
    both = _tolerating(Toleration(key="a", value="1"), Toleration(key="b", operator="Exists"))
    assert eligible(both, two, {})


def test_vcpu_and_memory_wording() -> None:
    # millicores / 1,000 as a plain decimal; memory from 1Gi up in GiB to the hundredth
    assert (_vcpu(1930), _vcpu(4000), _vcpu(25)) == ("1.93 vCPU", "4 vCPU", "0.025 vCPU")
    assert _mem(2**30) == "1.00Gi"
    assert _mem(2**30 - MIB) == "1023Mi"  # below 1Gi: the Kubernetes quantity
    assert _mem(3554 * MIB) == "3.47Gi"  # 3,554 / 1,024 = 3.4707
    assert _mem(4000 * MIB) == "3.91Gi"  # 3.90625 to the hundredth


# t3.medium allocatable 1,930m / 3,554 MiB; m5.large 1,930m / 7,518 MiB (see
# tests/test_capacity_formulas.py). DaemonSets take 125m and 100 MiB from each.
ALLOCS = [node_allocatable(instance_spec("t3.medium")), node_allocatable(instance_spec("m5.large"))]
GROUPS = [
    GroupSpec("general", Resources(1805, 3454 * MIB, 15), 1, 4),
    GroupSpec("compute", Resources(1805, 7418 * MIB, 27), 1, 3, ("us-east-1a",)),
]
NODE_GROUPS = [
    _node_group("general", "t3.medium", min_size=1, max_size=4, desired_size=1),
    _node_group(
        "compute",
        "m5.large",
        max_size=3,
        taints=[Taint(key="workload", value="batch"), Taint(key="dedicated", effect="NoExecute")],
    ),
]


def _place(*workloads: Workload) -> Placement:
    return Placement(NODE_GROUPS, GROUPS, ALLOCS, workloads)


def _pod(cpu: int, mem_mib: int, eligible: tuple[int, ...] = (0, 1), **kw: object) -> PodSpec:
    return PodSpec("web", 0, Resources(cpu, mem_mib * MIB, 1), eligible, **kw)  # type: ignore[arg-type]


def test_too_big_names_the_dimension_and_the_largest_node() -> None:
    """A 4 CPU / 8Gi pod: CPU is largest on both types (1,930m, a tie: the first group named),
    1,805m after DaemonSets; memory is largest on m5.large (7,518 MiB = 7.34Gi), 7,418 MiB =
    7.24Gi after DaemonSets."""
    text = reason(_place(WEB), _pod(4000, 8192), REASON_TOO_BIG)
    assert text == (
        "needs 4 vCPU, largest allocatable 1.93 vCPU (t3.medium; 1.805 vCPU after DaemonSets); "
        "needs 8.00Gi memory, largest allocatable 7.34Gi (m5.large; 7.24Gi after DaemonSets)"
    )
    # CPU exactly the free 1,805m fits: only memory is named
    text = reason(_place(WEB), _pod(1805, 8192), REASON_TOO_BIG)
    assert text.startswith("needs 8.00Gi memory") and "vCPU" not in text
    # memory exactly the free 7,418 MiB fits: only CPU is named
    text = reason(_place(WEB), _pod(1806, 7418), REASON_TOO_BIG)
    assert text == (
        "needs 1.806 vCPU, largest allocatable 1.93 vCPU (t3.medium; 1.805 vCPU after DaemonSets)"
    )
    # only general eligible: its own figures (3,454 MiB = 3.37Gi after DaemonSets)
    text = reason(_place(WEB), _pod(100, 4000, (0,)), REASON_TOO_BIG)
    assert text == (
        "needs 3.91Gi memory, largest allocatable 3.47Gi (t3.medium; 3.37Gi after DaemonSets)"
    )


def test_too_big_together_only() -> None:
    """1,805m and 4,000 MiB: general has the CPU free (1,805m) but only 3,454 MiB; this
    compute has the memory (7,418 MiB) but only 1,000m. Each alone fits some group, so neither
    dimension is named: no one node has both."""
    groups = [GROUPS[0], GroupSpec("compute", Resources(1000, 7418 * MIB, 27), 1, 3)]
    place = Placement(NODE_GROUPS, groups, ALLOCS, [WEB])
    assert reason(place, _pod(1805, 4000), REASON_TOO_BIG) == (
        "needs 1.805 vCPU and 3.91Gi together; no eligible node type has both free after DaemonSets"
    )


def test_max_size_reason_names_each_group_and_the_constraints() -> None:
    assert reason(_place(WEB), _pod(100, 100), REASON_MAX_SIZE) == (
        "no room on the eligible node groups at max_size (general 4, compute 3)"
    )
    pod = _pod(100, 100, (1,), anti_affinity=True, zone="us-east-1a")
    assert reason(_place(WEB), pod, REASON_MAX_SIZE) == (
        "no room on the eligible node groups at max_size (compute 3); required anti-affinity "
        "allows one web replica per node; zone spread needs this replica in us-east-1a"
    )


def test_no_group_reason_names_selector_and_taints() -> None:
    picky = WEB.model_copy(update={"node_selector": {"disk": "ssd"}})
    text = reason(_place(picky), _pod(100, 100, ()), REASON_NO_GROUP)
    assert text == (
        "no node group matches node_selector {'disk': 'ssd'} and tolerates its taints "
        "(taints: dedicated=:NoExecute, workload=batch:NoSchedule)"
    )
    bare = Placement(NODE_GROUPS[:1], GROUPS[:1], ALLOCS[:1], [picky])
    assert reason(bare, _pod(100, 100, ()), REASON_NO_GROUP).endswith("(taints: none)")


def test_unplaced_pods_grouped_per_workload_and_reason() -> None:
    """Three web pods too big and one api pod at max size: two rows, sorted by workload;
    the request shown is the pod's (4,000m, 8,192 MiB)."""
    big = [PodSpec("web", i, Resources(4000, 8192 * MIB, 1), (0, 1)) for i in range(3)]
    api = Workload(
        name="api", replicas_min=1, replicas_max=1, cpu_request="100m", memory_request="64Mi"
    )
    small = PodSpec("api", 0, Resources(100, 64 * MIB, 1), (0,))
    packing = Packing(
        nodes=[],
        unplaced=[Unplaced(p, REASON_TOO_BIG) for p in big] + [Unplaced(small, REASON_MAX_SIZE)],
        groups=GROUPS,
    )
    rows = unplaced_pods(_place(WEB, api), "max", packing)
    assert [(u.state, u.workload, u.count) for u in rows] == [("max", "api", 1), ("max", "web", 3)]
    assert (rows[1].cpu_request_millicores, rows[1].memory_request_mib) == (4000, 8192.0)
    assert rows[0].memory_request_mib == 64.0
    assert rows[0].reason.startswith("no room on the eligible node groups at max_size (general 4)")
    result = CapacityResult(
        scenario="s",
        cluster="c",
        namespace="n",
        workloads_source="scenario",
        daemonsets=(),
        node_groups=(),
        pods_at_min=0,
        pods_at_expected=3,
        pods_at_max=3,
        unplaced=(
            UnplacedPods(
                state="expected",
                workload="web",
                count=3,
                cpu_request_millicores=4000,
                memory_request_mib=8192.0,
                reason="why",
            ),
        ),
        exceeded_maxima=(),
        quota_checks=(),
        notes=(),
    )
    assert unplaced_warnings(result) == [
        "capacity: 3 web pod(s) cannot be placed at expected replicas (why); the nodes and "
        "cost at expected leave them out"
    ]


def test_too_big_names_the_type_with_the_most_memory_wherever_it_is_listed() -> None:
    """Groups in the other order (m5.large first, 7,518 MiB; t3.medium second, 3,554 MiB): a
    pod of 8Gi names m5.large as the largest allocatable memory."""
    place = Placement(NODE_GROUPS[::-1], GROUPS[::-1], ALLOCS[::-1], [WEB])
    text = reason(place, _pod(100, 8192), REASON_TOO_BIG)
    assert text == (
        "needs 8.00Gi memory, largest allocatable 7.34Gi (m5.large; 7.24Gi after DaemonSets)"
    )
