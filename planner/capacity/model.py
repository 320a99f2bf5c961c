"""The capacity result: pydantic v2 models, frozen, unknown fields forbidden."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

State = Literal["min", "expected", "max"]
STATES: tuple[State, ...] = ("min", "expected", "max")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DaemonSetOverhead(_Model):
    name: str
    cpu_millicores: int
    memory_mib: float
    default: bool  # True: an EKS add-on assumed because the scenario lists no DaemonSets
    source: str


class GroupUsage(_Model):
    """One node group in one state: nodes, requests against allocatable."""

    nodes: int
    pods: int
    requested_cpu_millicores: int  # workload pods
    requested_memory_mib: float
    daemonset_cpu_millicores: int  # DaemonSet pods on those nodes
    daemonset_memory_mib: float
    allocatable_cpu_millicores: int  # nodes x allocatable
    allocatable_memory_mib: int
    cpu_utilization_pct: float  # (workload + DaemonSet requests) / allocatable
    memory_utilization_pct: float


class NodeGroupCapacity(_Model):
    name: str
    instance_type: str
    capacity_type: str
    min_size: int
    max_size: int
    desired_size: int
    zones: tuple[str, ...]
    vcpu: int
    memory_mib: int
    max_pods: int
    prefix_delegation: bool
    kube_reserved_cpu_millicores: int
    kube_reserved_memory_mib: int
    eviction_memory_mib: int
    allocatable_cpu_millicores: int
    allocatable_memory_mib: int
    burstable_baseline_cpu_pct: float | None  # sustained CPU per vCPU for T types
    nodes_at_min: int
    nodes_at_expected: int
    nodes_at_max: int
    usage: dict[State, GroupUsage]


class UnplacedPods(_Model):
    state: State
    workload: str
    count: int
    cpu_request_millicores: int
    memory_request_mib: float
    reason: str


class ExceededMaximum(_Model):
    state: State
    node_group: str
    nodes_needed: int
    max_size: int


class QuotaCheck(_Model):
    kind: Literal["ResourceQuota", "LimitRange"]
    state: State | None  # None for a per-workload LimitRange check
    workload: str | None
    field: str
    used: str
    limit: str
    ok: bool
    message: str


class CapacityResult(_Model):
    scenario: str
    cluster: str
    namespace: str
    workloads_source: str
    daemonsets: tuple[DaemonSetOverhead, ...]
    node_groups: tuple[NodeGroupCapacity, ...]
    pods_at_min: int
    pods_at_expected: int
    pods_at_max: int
    unplaced: tuple[UnplacedPods, ...]
    exceeded_maxima: tuple[ExceededMaximum, ...]
    quota_checks: tuple[QuotaCheck, ...]
    notes: tuple[str, ...]

    def nodes(self, state: State) -> dict[str, int]:
        """Nodes per node group in one state (what the cost engine prices)."""
        return {g.name: getattr(g, f"nodes_at_{state}") for g in self.node_groups}

    @property
    def ok(self) -> bool:
        return (
            not self.unplaced
            and not self.exceeded_maxima
            and all(check.ok for check in self.quota_checks)
        )


class StateCost(_Model):
    state: State
    nodes: dict[str, int]
    monthly_usd: str  # exact Decimal as a string
    node_groups_monthly_usd: str
