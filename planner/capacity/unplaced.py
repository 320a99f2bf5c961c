"""Why pods could not be placed, in words an engineer can act on (results as data)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from planner.capacity.allocatable import NodeAllocatable
from planner.capacity.model import CapacityResult, State, UnplacedPods
from planner.capacity.packing import REASON_MAX_SIZE, REASON_NO_GROUP, GroupSpec, Packing, PodSpec
from planner.capacity.resources import MIB
from planner.quantities import format_memory
from planner.topology import NodeGroup, Workload


def _vcpu(millicores: int) -> str:
    return f"{Decimal(millicores) / 1000:f} vCPU"


def _mem(num_bytes: int) -> str:
    gib = Decimal(num_bytes) / 2**30
    return (
        f"{gib.quantize(Decimal('0.01')):f}Gi" if num_bytes >= 2**30 else format_memory(num_bytes)
    )


@dataclass(frozen=True)
class Placement:
    """What the reasons need to know: the node groups, their specs and the workloads."""

    node_groups: Sequence[NodeGroup]
    groups: Sequence[GroupSpec]
    allocs: Sequence[NodeAllocatable]
    workloads: Sequence[Workload]


def unplaced_pods(place: Placement, state: State, packing: Packing) -> list[UnplacedPods]:
    """Pods that did not fit, grouped per workload and reason."""
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
                reason=reason(place, pod, kind),
            )
        )
    return out


def reason(place: Placement, pod: PodSpec, kind: str) -> str:
    """Why one pod could not be placed."""
    groups = place.node_groups
    if kind == REASON_NO_GROUP:
        w = next(w for w in place.workloads if w.name == pod.workload)
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
    best = max(pod.eligible, key=lambda g: (place.allocs[g].cpu_millicores, -g))
    best_mem = max(pod.eligible, key=lambda g: (place.allocs[g].memory_mib, -g))
    parts = []
    free_cpu = max(place.groups[g].free_per_node.cpu_m for g in pod.eligible)
    free_mem = max(place.groups[g].free_per_node.memory_bytes for g in pod.eligible)
    if pod.request.cpu_m > free_cpu:
        a = place.allocs[best]
        parts.append(
            f"needs {_vcpu(pod.request.cpu_m)}, largest allocatable "
            f"{_vcpu(a.cpu_millicores)} ({a.instance_type}; {_vcpu(free_cpu)} after "
            "DaemonSets)"
        )
    if pod.request.memory_bytes > free_mem:
        a = place.allocs[best_mem]
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


def unplaced_warnings(result: CapacityResult) -> list[str]:
    """One warning line per workload and state whose pods cannot be placed: those pods are
    in no node count and no cost, so a price that leaves them out must say so."""
    return [
        f"capacity: {u.count} {u.workload} pod(s) cannot be placed at {u.state} replicas "
        f"({u.reason}); the nodes and cost at {u.state} leave them out"
        for u in result.unplaced
    ]
