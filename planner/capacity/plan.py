"""Public entry points: plan capacity for a topology and price its min / expected / max.

``plan_capacity(topology)`` turns workloads (inline or from manifests) and HPA ranges into
nodes per node group at minimum, expected and maximum replicas. Everything a scenario can
get wrong about capacity (pods too big, maxima exceeded, quota violations) is *data* in the
result; only unusable input (unknown instance type, unreadable manifests) raises
:class:`~planner.errors.CapacityInputError`.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from planner.capacity.allocatable import NodeAllocatable, node_allocatable
from planner.capacity.instances import instance_spec
from planner.capacity.model import (
    STATES,
    CapacityResult,
    DaemonSetOverhead,
    ExceededMaximum,
    GroupUsage,
    NodeGroupCapacity,
    QuotaCheck,
    State,
    StateCost,
    UnplacedPods,
)
from planner.capacity.packing import (
    REASON_MAX_SIZE,
    REASON_NO_GROUP,
    GroupSpec,
    Packing,
    PodSpec,
    pack,
)
from planner.capacity.resources import MIB, Resources, shortfall
from planner.errors import CapacityInputError
from planner.quantities import format_cpu, format_memory
from planner.topology import (
    DaemonSet,
    EKSCluster,
    LimitRange,
    NodeGroup,
    ResourceQuota,
    Topology,
    Workload,
)

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog

# EKS add-ons every EKS cluster runs on every node, used when a scenario lists no DaemonSets.
DEFAULT_DAEMONSETS: tuple[DaemonSet, ...] = (
    # aws-node (Amazon VPC CNI): the aws-node container requests cpu: 25m and no memory
    # (aws/amazon-vpc-cni-k8s config/master/aws-k8s-cni.yaml, DaemonSet aws-node).
    DaemonSet(
        name="aws-node",
        cpu_request="25m",
        source="default EKS add-on: amazon-vpc-cni-k8s aws-k8s-cni.yaml (requests cpu 25m, "
        "no memory request)",
    ),
    # kube-proxy (EKS add-on): requests cpu: 100m and no memory (the EKS kube-proxy
    # DaemonSet manifest, kube-system/kube-proxy).
    DaemonSet(
        name="kube-proxy",
        cpu_request="100m",
        source="default EKS add-on: EKS kube-proxy DaemonSet (requests cpu 100m, no memory "
        "request)",
    ),
)

# Well-known labels the EKS managed node group puts on its nodes (node_selector may use them).
LABEL_INSTANCE_TYPE = "node.kubernetes.io/instance-type"
LABEL_CAPACITY_TYPE = "eks.amazonaws.com/capacityType"
LABEL_NODEGROUP = "eks.amazonaws.com/nodegroup"
LABEL_ARCH = "kubernetes.io/arch"
_ARCH = {"x86_64": "amd64", "arm64": "arm64"}


def _resolve_workloads(
    eks: EKSCluster, base_dir: Path | None
) -> tuple[tuple[Workload, ...], ResourceQuota | None, LimitRange | None, str, str]:
    """Workloads, quota, limit range, namespace and a description of where they came from."""
    if eks.workloads_from is None:
        return eks.workloads, eks.resource_quota, eks.limit_range, eks.namespace, "scenario"
    if eks.workloads:
        raise CapacityInputError(
            "eks: set either workloads or workloads_from, not both "
            f"(workloads_from: {eks.workloads_from!r}, {len(eks.workloads)} inline workloads)"
        )
    from planner.capacity.manifests import read_manifests
    from planner.scenario import bundled_scenarios_dir

    path = Path(eks.workloads_from)
    if not path.is_absolute():
        path = (base_dir or bundled_scenarios_dir()) / path
    found = read_manifests(path)
    if not found.workloads:
        raise CapacityInputError(f"workloads_from: {path}: no Deployment found")
    return (
        found.workloads,
        eks.resource_quota or found.resource_quota,
        eks.limit_range or found.limit_range,
        found.namespace or eks.namespace,
        f"manifests: {eks.workloads_from}",
    )


def group_labels(group: NodeGroup, arch: str) -> dict[str, str]:
    labels = {
        LABEL_INSTANCE_TYPE: group.instance_type,
        LABEL_CAPACITY_TYPE: group.capacity_type.value,
        LABEL_NODEGROUP: group.name,
        LABEL_ARCH: _ARCH.get(arch, arch),
    }
    labels.update(group.labels)
    return labels


def _eligible(workload: Workload, group: NodeGroup, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in workload.node_selector.items()):
        return False
    for taint in group.taints:
        if taint.effect == "PreferNoSchedule":
            continue
        if not any(
            t.key == taint.key
            and (t.operator == "Exists" or t.value == taint.value)
            and t.effect in ("", taint.effect)
            for t in workload.tolerations
        ):
            return False
    return True


def _replicas(workload: Workload, state: State) -> int:
    if state == "min":
        return workload.replicas_min
    if state == "max":
        return workload.replicas_max
    return workload.expected_replicas


def _vcpu(millicores: int) -> str:
    return f"{Decimal(millicores) / 1000:f} vCPU"


def _mem(num_bytes: int) -> str:
    gib = Decimal(num_bytes) / 2**30
    return (
        f"{gib.quantize(Decimal('0.01')):f}Gi" if num_bytes >= 2**30 else format_memory(num_bytes)
    )


class _Plan:
    def __init__(self, topology: Topology, base_dir: Path | None) -> None:
        if topology.eks is None:
            raise CapacityInputError(
                f"scenario {topology.name!r} has no eks section; nothing to plan capacity for"
            )
        self.topology = topology
        self.eks = eks = topology.eks
        (self.workloads, self.quota, self.limit_range, self.namespace, self.source) = (
            _resolve_workloads(eks, base_dir)
        )
        self.daemonsets = eks.daemonsets or DEFAULT_DAEMONSETS
        self.ds_default = not eks.daemonsets
        self.notes: list[str] = []
        ds_cpu = sum(d.cpu_request_m for d in self.daemonsets)
        ds_mem = sum(d.memory_request_bytes for d in self.daemonsets)
        self.ds_total = Resources(ds_cpu, ds_mem, len(self.daemonsets))
        self.allocs: list[NodeAllocatable] = []
        self.groups: list[GroupSpec] = []
        self.labels: list[dict[str, str]] = []
        for group in eks.node_groups:
            try:
                spec = instance_spec(group.instance_type)
            except CapacityInputError as exc:
                raise CapacityInputError(
                    f"eks.node_groups[{group.name}].instance_type: {exc}"
                ) from None
            alloc = node_allocatable(
                spec, prefix_delegation=group.prefix_delegation, custom_max_pods=group.max_pods
            )
            self.allocs.append(alloc)
            self.labels.append(group_labels(group, spec.architecture))
            free = Resources(
                alloc.cpu_millicores - ds_cpu,
                alloc.memory_mib * MIB - ds_mem,
                alloc.max_pods - len(self.daemonsets),
            )
            if min(free) < 0:
                self.notes.append(
                    f"node group {group.name}: DaemonSet requests exceed a {group.instance_type}"
                    f"'s allocatable ({', '.join(shortfall(self.ds_total, free))}); no pod fits"
                )
                free = Resources(max(free[0], 0), max(free[1], 0), max(free[2], 0))
            self.groups.append(
                GroupSpec(
                    name=group.name,
                    free_per_node=free,
                    min_nodes=group.min_size,
                    max_nodes=group.max_size,
                    zones=group.zones,
                )
            )
        self.eligible: dict[str, tuple[int, ...]] = {
            w.name: tuple(
                g for g, group in enumerate(eks.node_groups) if _eligible(w, group, self.labels[g])
            )
            for w in self.workloads
        }
        for w in self.workloads:
            if w.spread_zones and not any(eks.node_groups[g].zones for g in self.eligible[w.name]):
                self.notes.append(
                    f"workload {w.name}: spread_zones is set but its node groups list no "
                    "zones; not spread"
                )

    def pods(self, state: State) -> list[PodSpec]:
        pods: list[PodSpec] = []
        for w in self.workloads:
            eligible = self.eligible[w.name]
            domain: list[str] = []
            if w.spread_zones:
                domain = sorted({z for g in eligible for z in self.groups[g].zones})
            request = Resources(w.cpu_request_m, w.memory_request_bytes, 1)
            for i in range(_replicas(w, state)):
                zone = domain[i % len(domain)] if domain else None
                pods.append(PodSpec(w.name, i, request, eligible, w.anti_affinity, zone))
        return pods

    def run(self) -> CapacityResult:
        packings: dict[State, Packing] = {}
        unplaced: list[UnplacedPods] = []
        exceeded: list[ExceededMaximum] = []
        pod_counts: dict[State, int] = {}
        for state in STATES:
            pods = self.pods(state)
            pod_counts[state] = len(pods)
            packing = pack(pods, self.groups)
            packings[state] = packing
            unplaced.extend(self._unplaced(state, packing))
            if any(u.kind == REASON_MAX_SIZE for u in packing.unplaced):
                unbounded = [
                    GroupSpec(g.name, g.free_per_node, g.min_nodes, None, g.zones)
                    for g in self.groups
                ]
                needed = pack(pods, unbounded).nodes_per_group()
                for g, group in enumerate(self.eks.node_groups):
                    if needed[g] > group.max_size:
                        exceeded.append(
                            ExceededMaximum(
                                state=state,
                                node_group=group.name,
                                nodes_needed=needed[g],
                                max_size=group.max_size,
                            )
                        )
        return CapacityResult(
            scenario=self.topology.name,
            cluster=self.eks.cluster_name,
            namespace=self.namespace,
            workloads_source=self.source,
            daemonsets=tuple(
                DaemonSetOverhead(
                    name=d.name,
                    cpu_millicores=d.cpu_request_m,
                    memory_mib=d.memory_request_bytes / MIB,
                    default=self.ds_default,
                    source=d.source,
                )
                for d in self.daemonsets
            ),
            node_groups=tuple(self._group(g, packings) for g in range(len(self.groups))),
            pods_at_min=pod_counts["min"],
            pods_at_expected=pod_counts["expected"],
            pods_at_max=pod_counts["max"],
            unplaced=tuple(unplaced),
            exceeded_maxima=tuple(exceeded),
            quota_checks=tuple(self._quota_checks()),
            notes=tuple(self.notes),
        )

    def _group(self, g: int, packings: dict[State, Packing]) -> NodeGroupCapacity:
        group, alloc = self.eks.node_groups[g], self.allocs[g]
        spec = instance_spec(group.instance_type)
        usage: dict[State, GroupUsage] = {}
        counts: dict[State, int] = {}
        for state, packing in packings.items():
            nodes = [n for n in packing.nodes if n.group == g]
            counts[state] = len(nodes)
            cpu = sum(p.request.cpu_m for n in nodes for p in n.pods)
            mem = sum(p.request.memory_bytes for n in nodes for p in n.pods)
            ds_cpu, ds_mem = (
                self.ds_total.cpu_m * len(nodes),
                self.ds_total.memory_bytes * len(nodes),
            )
            alloc_cpu, alloc_mem = alloc.cpu_millicores * len(nodes), alloc.memory_mib * len(nodes)
            usage[state] = GroupUsage(
                nodes=len(nodes),
                pods=sum(len(n.pods) for n in nodes),
                requested_cpu_millicores=cpu,
                requested_memory_mib=mem / MIB,
                daemonset_cpu_millicores=ds_cpu,
                daemonset_memory_mib=ds_mem / MIB,
                allocatable_cpu_millicores=alloc_cpu,
                allocatable_memory_mib=alloc_mem,
                cpu_utilization_pct=round(100 * (cpu + ds_cpu) / alloc_cpu, 1) if alloc_cpu else 0,
                memory_utilization_pct=(
                    round(100 * (mem + ds_mem) / (alloc_mem * MIB), 1) if alloc_mem else 0
                ),
            )
        baseline = spec.baseline_cpu_pct_per_vcpu
        return NodeGroupCapacity(
            name=group.name,
            instance_type=group.instance_type,
            capacity_type=group.capacity_type.value,
            min_size=group.min_size,
            max_size=group.max_size,
            desired_size=group.desired_size,
            zones=group.zones,
            vcpu=spec.vcpu,
            memory_mib=spec.memory_mib,
            max_pods=alloc.max_pods,
            prefix_delegation=group.prefix_delegation,
            kube_reserved_cpu_millicores=alloc.kube_reserved_cpu_millicores,
            kube_reserved_memory_mib=alloc.kube_reserved_memory_mib,
            eviction_memory_mib=alloc.eviction_memory_mib,
            allocatable_cpu_millicores=alloc.cpu_millicores,
            allocatable_memory_mib=alloc.memory_mib,
            burstable_baseline_cpu_pct=float(baseline) if baseline is not None else None,
            nodes_at_min=counts["min"],
            nodes_at_expected=counts["expected"],
            nodes_at_max=counts["max"],
            usage=usage,
        )

    def _unplaced(self, state: State, packing: Packing) -> list[UnplacedPods]:
        grouped: dict[tuple[str, str], list[PodSpec]] = defaultdict(list)
        for miss in packing.unplaced:
            grouped[(miss.pod.workload, miss.kind)].append(miss.pod)
        out = []
        for (workload, kind), pods in sorted(grouped.items()):
            pod = pods[0]
            out.append(
                UnplacedPods(
                    state=state,
                    workload=workload,
                    count=len(pods),
                    cpu_request_millicores=pod.request.cpu_m,
                    memory_request_mib=pod.request.memory_bytes / MIB,
                    reason=self._reason(pod, kind),
                )
            )
        return out

    def _reason(self, pod: PodSpec, kind: str) -> str:
        groups = self.eks.node_groups
        if kind == REASON_NO_GROUP:
            w = next(w for w in self.workloads if w.name == pod.workload)
            taints = sorted({f"{t.key}={t.value}:{t.effect}" for g in groups for t in g.taints})
            return (
                f"no node group matches node_selector {dict(w.node_selector)} and tolerates "
                f"its taints (taints: {', '.join(taints) or 'none'})"
            )
        if kind == REASON_MAX_SIZE:
            at_max = ", ".join(f"{groups[g].name} {groups[g].max_size}" for g in pod.eligible)
            text = f"no room on the eligible node groups at max_size ({at_max})"
            if pod.anti_affinity:
                text += f"; required anti-affinity allows one {pod.workload} replica per node"
            if pod.zone is not None:
                text += f"; zone spread needs this replica in {pod.zone}"
            return text
        # too big for an empty node of every eligible group
        best = max(pod.eligible, key=lambda g: (self.allocs[g].cpu_millicores, -g))
        best_mem = max(pod.eligible, key=lambda g: (self.allocs[g].memory_mib, -g))
        parts = []
        free_cpu = max(self.groups[g].free_per_node.cpu_m for g in pod.eligible)
        free_mem = max(self.groups[g].free_per_node.memory_bytes for g in pod.eligible)
        if pod.request.cpu_m > free_cpu:
            a = self.allocs[best]
            parts.append(
                f"needs {_vcpu(pod.request.cpu_m)}, largest allocatable "
                f"{_vcpu(a.cpu_millicores)} ({a.instance_type}; {_vcpu(free_cpu)} after "
                "DaemonSets)"
            )
        if pod.request.memory_bytes > free_mem:
            a = self.allocs[best_mem]
            parts.append(
                f"needs {_mem(pod.request.memory_bytes)} memory, largest allocatable "
                f"{_mem(a.memory_mib * MIB)} ({a.instance_type}; {_mem(free_mem)} after "
                "DaemonSets)"
            )
        if not parts:
            parts.append(
                f"needs {_vcpu(pod.request.cpu_m)} and {_mem(pod.request.memory_bytes)} "
                "together; no eligible node type has both free after DaemonSets"
            )
        return "; ".join(parts)

    def _quota_checks(self) -> list[QuotaCheck]:
        checks: list[QuotaCheck] = []
        quota = self.quota
        if quota is not None:
            for state in STATES:
                n = {w.name: _replicas(w, state) for w in self.workloads}
                sums = {
                    "requests.cpu": (
                        sum(w.cpu_request_m * n[w.name] for w in self.workloads),
                        quota.requests_cpu,
                    ),
                    "requests.memory": (
                        sum(w.memory_request_bytes * n[w.name] for w in self.workloads),
                        quota.requests_memory,
                    ),
                }
                if quota.limits_cpu is not None:
                    sums["limits.cpu"] = (
                        sum(w.cpu_limit_m * n[w.name] for w in self.workloads),
                        quota.limits_cpu,
                    )
                if quota.limits_memory is not None:
                    sums["limits.memory"] = (
                        sum(w.memory_limit_bytes * n[w.name] for w in self.workloads),
                        quota.limits_memory,
                    )
                for field, (used, limit_text) in sums.items():
                    checks.append(self._quota(state, field, used, limit_text))
        limits = self.limit_range
        if limits is not None:
            from planner.quantities import parse_cpu_millicores, parse_memory_bytes

            for w in self.workloads:
                bounds = (
                    ("cpu_request", w.cpu_request_m, ">=", parse_cpu_millicores(limits.min_cpu)),
                    ("cpu_limit", w.cpu_limit_m, "<=", parse_cpu_millicores(limits.max_cpu)),
                    (
                        "memory_request",
                        w.memory_request_bytes,
                        ">=",
                        parse_memory_bytes(limits.min_memory),
                    ),
                    (
                        "memory_limit",
                        w.memory_limit_bytes,
                        "<=",
                        parse_memory_bytes(limits.max_memory),
                    ),
                )
                for field, value, op, bound in bounds:
                    ok = value >= bound if op == ">=" else value <= bound
                    fmt = format_cpu if field.startswith("cpu") else format_memory
                    word = "min" if op == ">=" else "max"
                    checks.append(
                        QuotaCheck(
                            kind="LimitRange",
                            state=None,
                            workload=w.name,
                            field=field,
                            used=fmt(value),
                            limit=fmt(bound),
                            ok=ok,
                            message=(
                                f"{w.name} {field} {fmt(value)} {'within' if ok else 'violates'}"
                                f" the per-container {word} {fmt(bound)}"
                            ),
                        )
                    )
        return checks

    def _quota(self, state: State, field: str, used: int, limit_text: str) -> QuotaCheck:
        from planner.quantities import parse_cpu_millicores, parse_memory_bytes

        is_cpu = field.endswith("cpu")
        limit = parse_cpu_millicores(limit_text) if is_cpu else parse_memory_bytes(limit_text)
        fmt = format_cpu if is_cpu else format_memory
        ok = used <= limit
        pct = round(100 * used / limit)
        return QuotaCheck(
            kind="ResourceQuota",
            state=state,
            workload=None,
            field=field,
            used=fmt(used),
            limit=fmt(limit),
            ok=ok,
            message=(
                f"{field} at {state} replicas: {fmt(used)} of {fmt(limit)} ({pct}%)"
                + ("" if ok else "; the quota rejects pods beyond it")
            ),
        )


def plan_capacity(topology: Topology, *, base_dir: Path | None = None) -> CapacityResult:
    """Nodes per node group at min / expected / max replicas, with what does not fit.

    ``base_dir`` resolves a relative ``workloads_from`` (the scenario file's folder);
    without it, the bundled scenarios folder.
    """
    return _Plan(topology, base_dir).run()


def cost_range(
    topology: Topology,
    result: CapacityResult,
    catalog: PriceCatalog | None = None,
    *,
    allow_missing: bool = False,
) -> dict[State, StateCost]:
    """Price the whole topology with node counts from the capacity result, per state."""
    from planner.costing.engine import price_topology
    from planner.money import ZERO

    out: dict[State, StateCost] = {}
    for state in STATES:
        nodes = result.nodes(state)
        report = price_topology(
            topology,
            catalog,
            allow_missing=allow_missing,
            node_counts=nodes,
            node_count_basis="derived",
            node_count_note=f"capacity model at {state} replicas",
        )
        node_usd = sum(
            (
                ln.monthly_usd
                for ln in report.lines
                if ln.monthly_usd is not None and ln.resource.startswith("eks-node-group/")
            ),
            ZERO,
        )
        out[state] = StateCost(
            state=state,
            nodes=nodes,
            monthly_usd=str(report.total_monthly_usd),
            node_groups_monthly_usd=str(node_usd),
        )
    return out


def cost_range_summary(
    topology: Topology, catalog: PriceCatalog | None = None, *, base_dir: Path | None = None
) -> dict[str, Decimal]:
    """Total monthly USD at min / expected / max replicas (keys "min", "expected", "max")."""
    costs = cost_range(topology, plan_capacity(topology, base_dir=base_dir), catalog)
    return {state: Decimal(cost.monthly_usd) for state, cost in costs.items()}


def node_counts(
    topology: Topology, state: State = "expected", *, base_dir: Path | None = None
) -> dict[str, int]:
    """Nodes per node group for ``node_count: from_capacity`` pricing."""
    if state not in STATES:
        raise CapacityInputError(f"state {state!r} is not one of {', '.join(STATES)}")
    return plan_capacity(topology, base_dir=base_dir).nodes(state)
