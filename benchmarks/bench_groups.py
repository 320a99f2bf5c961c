"""The three node groups the packing benchmarks pack onto: m5.2xlarge, c5.4xlarge and
r5.2xlarge, each node's allocatable less the daemonsets, at least one node, no maximum."""

from __future__ import annotations

from planner.capacity.allocatable import node_allocatable
from planner.capacity.instances import instance_spec
from planner.capacity.packing import GroupSpec
from planner.capacity.resources import MIB, Resources

DAEMONSETS = Resources(125, 0, 2)  # aws-node 25m + kube-proxy 100m
TYPES = (("general", "m5.2xlarge"), ("compute", "c5.4xlarge"), ("memory", "r5.2xlarge"))


def groups() -> list[GroupSpec]:
    out = []
    for name, itype in TYPES:
        a = node_allocatable(instance_spec(itype))
        free = Resources(
            a.cpu_millicores - DAEMONSETS.cpu_m,
            a.memory_mib * MIB - DAEMONSETS.memory_bytes,
            a.max_pods - DAEMONSETS.pods,
        )
        out.append(GroupSpec(name, free, 1, None))
    return out
