"""Where the workloads come from, which node groups they may run on, and how many replicas.

Workloads are inline in the scenario or read from Kubernetes manifests (``workloads_from``);
a node group's labels (the well-known EKS ones plus its own) and taints decide eligibility.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from planner.capacity.model import State
from planner.errors import CapacityInputError
from planner.topology import (
    DaemonSet,
    EKSCluster,
    LimitRange,
    NodeGroup,
    ResourceQuota,
    Workload,
    check_total_pods,
)

if TYPE_CHECKING:
    from planner.capacity.manifests import ManifestSet

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


def resolve_workloads(
    eks: EKSCluster, base_dir: Path | None
) -> tuple[tuple[Workload, ...], ResourceQuota | None, LimitRange | None, str, str]:
    """Workloads, quota, limit range, namespace and a description of where they came from."""
    if eks.workloads_from is None:
        return eks.workloads, eks.resource_quota, eks.limit_range, eks.namespace, "scenario"
    found = _from_manifests(eks, base_dir)
    try:
        check_total_pods(found.workloads)
    except ValueError as exc:
        raise CapacityInputError(f"workloads_from: {eks.workloads_from}: {exc}") from None
    return (
        found.workloads,
        eks.resource_quota or found.resource_quota,
        eks.limit_range or found.limit_range,
        found.namespace or eks.namespace,
        f"manifests: {eks.workloads_from}",
    )


def _from_manifests(eks: EKSCluster, base_dir: Path | None) -> ManifestSet:
    if eks.workloads:
        raise CapacityInputError(
            "eks: set either workloads or workloads_from, not both "
            f"(workloads_from: {eks.workloads_from!r}, {len(eks.workloads)} inline workloads)"
        )
    from planner.capacity.manifests import read_manifests
    from planner.scenario import bundled_scenarios_dir

    path = Path(eks.workloads_from or ".")
    if not path.is_absolute():
        path = (base_dir or bundled_scenarios_dir()) / path
    found = read_manifests(path)
    if not found.workloads:
        raise CapacityInputError(f"workloads_from: {path}: no Deployment found")
    return found


def group_labels(group: NodeGroup, arch: str) -> dict[str, str]:
    labels = {
        LABEL_INSTANCE_TYPE: group.instance_type,
        LABEL_CAPACITY_TYPE: group.capacity_type.value,
        LABEL_NODEGROUP: group.name,
        LABEL_ARCH: _ARCH.get(arch, arch),
    }
    labels.update(group.labels)
    return labels


def eligible(workload: Workload, group: NodeGroup, labels: dict[str, str]) -> bool:
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


def replicas(workload: Workload, state: State) -> int:
    if state == "min":
        return workload.replicas_min
    if state == "max":
        return workload.replicas_max
    return workload.expected_replicas
