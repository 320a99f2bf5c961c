"""Public entry points: plan capacity for a topology and price its min / expected / max.

``plan_capacity(topology)`` turns workloads (inline or from manifests) and HPA ranges into
nodes per node group at minimum, expected and maximum replicas. Everything a scenario can
get wrong about capacity (pods too big, maxima exceeded, quota violations) is *data* in the
result; only unusable input (unknown instance type, unreadable manifests) raises
:class:`~planner.errors.CapacityInputError`.
"""

from __future__ import annotations

from pathlib import Path

from planner.capacity.allocatable import NodeAllocatable, node_allocatable
from planner.capacity.instances import instance_spec
from planner.capacity.model import (
    STATES,
    CapacityResult,
    DaemonSetOverhead,
    ExceededMaximum,
    GroupUsage,
    NodeGroupCapacity,
    State,
    UnplacedPods,
)
from planner.capacity.packing import REASON_MAX_SIZE, GroupSpec, Packing, PodSpec, pack
from planner.capacity.quota import quota_checks
from planner.capacity.resources import MIB, Resources, shortfall
from planner.capacity.unplaced import Placement, unplaced_pods
from planner.capacity.workloads import (
    DEFAULT_DAEMONSETS,
    eligible,
    group_labels,
    replicas,
    resolve_workloads,
)
from planner.errors import CapacityInputError
from planner.topology import Topology


class _Plan:
    def __init__(self, topology: Topology, base_dir: Path | None) -> None:
        if topology.eks is None:
            raise CapacityInputError(
                f"scenario {topology.name!r} has no eks section; nothing to plan capacity for"
            )
        self.topology = topology
        self.eks = eks = topology.eks
        (self.workloads, self.quota, self.limit_range, self.namespace, self.source) = (
            resolve_workloads(eks, base_dir)
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
                offered = Resources(alloc.cpu_millicores, alloc.memory_mib * MIB, alloc.max_pods)
                self.notes.append(
                    f"node group {group.name}: DaemonSet requests exceed a {group.instance_type}"
                    f"'s allocatable ({', '.join(shortfall(self.ds_total, offered))}); "
                    "no pod fits"
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
                g for g, group in enumerate(eks.node_groups) if eligible(w, group, self.labels[g])
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
            for i in range(replicas(w, state)):
                zone = domain[i % len(domain)] if domain else None
                pods.append(PodSpec(w.name, i, request, eligible, w.anti_affinity, zone))
        return pods

    def run(self) -> CapacityResult:
        place = Placement(self.eks.node_groups, self.groups, self.allocs, self.workloads)
        packings: dict[State, Packing] = {}
        unplaced: list[UnplacedPods] = []
        exceeded: list[ExceededMaximum] = []
        pod_counts: dict[State, int] = {}
        for state in STATES:
            pods = self.pods(state)
            pod_counts[state] = len(pods)
            packing = pack(pods, self.groups)
            packings[state] = packing
            unplaced.extend(unplaced_pods(place, state, packing))
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
            quota_checks=tuple(quota_checks(self.workloads, self.quota, self.limit_range)),
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


def plan_capacity(topology: Topology, *, base_dir: Path | None = None) -> CapacityResult:
    """Nodes per node group at min / expected / max replicas, with what does not fit.

    ``base_dir`` resolves a relative ``workloads_from`` (the scenario file's folder);
    without it, the bundled scenarios folder.
    """
    return _Plan(topology, base_dir).run()


def node_counts(
    topology: Topology, state: State = "expected", *, base_dir: Path | None = None
) -> dict[str, int]:
    """Nodes per node group for ``node_count: from_capacity`` pricing."""
    if state not in STATES:
        raise CapacityInputError(f"state {state!r} is not one of {', '.join(STATES)}")
    return plan_capacity(topology, base_dir=base_dir).nodes(state)
