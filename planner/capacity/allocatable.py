"""EKS max pods and node allocatable, as the EKS AMI computes them.

Sources:

- Max pods, VPC CNI secondary-IP mode: ``ENIs x (IPv4 per ENI - 1) + 2`` (the formula behind
  the EKS AMI's eni-max-pods.txt; the primary IP of each ENI is not handed to pods, and the
  ``+ 2`` admits the host-network pods aws-node and kube-proxy).
- Prefix delegation: each secondary IP slot holds a /28 prefix (16 addresses), so
  ``ENIs x ((IPv4 per ENI - 1) x 16) + 2``.
- Cap (amazon-eks-ami max-pods-calculator.sh, as in DESIGN.md): 110 for under 30 vCPU,
  else 250. ``eni_max_pods`` gives the uncapped figure printed in eni-max-pods.txt.
- kube-reserved memory: ``11 MiB x max pods + 255 MiB``.
- kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of cores 3-4,
  0.25 % of every further core.
- Hard eviction threshold: ``memory.available < 100Mi``.
- system-reserved: the EKS AMI sets none by default (0), configurable here.
- allocatable = capacity - kube-reserved - system-reserved - eviction threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.capacity.instances import InstanceSpec

POD_CAP_SMALL = 110
POD_CAP_LARGE = 250
POD_CAP_VCPU_THRESHOLD = 30
IPS_PER_PREFIX = 16
KUBE_RESERVED_MEMORY_PER_POD_MIB = 11
KUBE_RESERVED_MEMORY_BASE_MIB = 255
EVICTION_HARD_MEMORY_MIB = 100


@dataclass(frozen=True, slots=True)
class NodeAllocatable:
    """What the kubelet offers to pods on one node of a type, with the reservations."""

    instance_type: str
    capacity_cpu_millicores: int
    capacity_memory_mib: int
    max_pods: int
    kube_reserved_cpu_millicores: int
    kube_reserved_memory_mib: int
    system_reserved_cpu_millicores: int
    system_reserved_memory_mib: int
    eviction_memory_mib: int
    cpu_millicores: int
    memory_mib: int


def eni_max_pods(max_enis: int, ipv4_per_eni: int, *, prefix_delegation: bool = False) -> int:
    """Uncapped VPC CNI max pods (eni-max-pods.txt when ``prefix_delegation`` is off)."""
    per_eni = (ipv4_per_eni - 1) * (IPS_PER_PREFIX if prefix_delegation else 1)
    return max_enis * per_eni + 2


def max_pods(
    spec: InstanceSpec, *, prefix_delegation: bool = False, custom: int | None = None
) -> int:
    """Max pods per node: a custom value wins; else the ENI formula under the vCPU cap."""
    if custom is not None:
        return custom
    cap = POD_CAP_SMALL if spec.vcpu < POD_CAP_VCPU_THRESHOLD else POD_CAP_LARGE
    formula = eni_max_pods(spec.max_enis, spec.ipv4_per_eni, prefix_delegation=prefix_delegation)
    return min(formula, cap)


def kube_reserved_cpu_millicores(vcpu: int) -> int:
    """6 % of core 1, 1 % of core 2, 0.5 % of cores 3-4, 0.25 % above; whole millicores down."""
    # in tenths of a millicore so the 0.25 % steps (2.5 m) stay exact
    tenths = 0
    for core in range(1, vcpu + 1):
        if core == 1:
            tenths += 600
        elif core == 2:
            tenths += 100
        elif core <= 4:
            tenths += 50
        else:
            tenths += 25
    return tenths // 10


def kube_reserved_memory_mib(pods: int) -> int:
    return KUBE_RESERVED_MEMORY_PER_POD_MIB * pods + KUBE_RESERVED_MEMORY_BASE_MIB


def node_allocatable(
    spec: InstanceSpec,
    *,
    prefix_delegation: bool = False,
    custom_max_pods: int | None = None,
    system_reserved_cpu_millicores: int = 0,
    system_reserved_memory_mib: int = 0,
    eviction_memory_mib: int = EVICTION_HARD_MEMORY_MIB,
) -> NodeAllocatable:
    """Allocatable CPU, memory and pods of one node (kube-reserved memory uses max pods)."""
    pods = max_pods(spec, prefix_delegation=prefix_delegation, custom=custom_max_pods)
    cpu_capacity = spec.vcpu * 1000
    reserved_cpu = kube_reserved_cpu_millicores(spec.vcpu)
    reserved_memory = kube_reserved_memory_mib(pods)
    return NodeAllocatable(
        instance_type=spec.instance_type,
        capacity_cpu_millicores=cpu_capacity,
        capacity_memory_mib=spec.memory_mib,
        max_pods=pods,
        kube_reserved_cpu_millicores=reserved_cpu,
        kube_reserved_memory_mib=reserved_memory,
        system_reserved_cpu_millicores=system_reserved_cpu_millicores,
        system_reserved_memory_mib=system_reserved_memory_mib,
        eviction_memory_mib=eviction_memory_mib,
        cpu_millicores=max(0, cpu_capacity - reserved_cpu - system_reserved_cpu_millicores),
        memory_mib=max(
            0,
            spec.memory_mib - reserved_memory - system_reserved_memory_mib - eviction_memory_mib,
        ),
    )
