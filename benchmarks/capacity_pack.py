"""Benchmark: pack 10,000 pods of mixed sizes onto 3 node groups.

Prints the time of the segment-tree FFD and of a naive baseline (same FFD order, linear scan
of every node per pod) side by side, and nodes used against the lower bound
max over dimensions of ceil(total requests / allocatable per node), per group.

    .venv/bin/python benchmarks/capacity_pack.py [--pods 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence

from planner.capacity.allocatable import node_allocatable
from planner.capacity.instances import instance_spec
from planner.capacity.packing import (
    REASON_MAX_SIZE,
    GroupSpec,
    Node,
    Packing,
    PodSpec,
    Unplaced,
    pack,
    sort_key,
)
from planner.capacity.resources import MIB, Resources, ceil_div, fits, shortfall, subtract

# The three node groups the packing benchmarks pack onto (pack_scale.py imports them too):
# each node's allocatable less the DaemonSets, at least one node, no maximum.
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


def first_fit_naive(pods: Sequence[PodSpec], groups: Sequence[GroupSpec]) -> Packing:
    """Baseline for the benchmark: the same FFD, but a linear scan of every node per pod."""
    nodes: list[Node] = []
    counts = [0] * len(groups)
    for g, group in enumerate(groups):
        for _ in range(group.min_nodes):
            nodes.append(Node(g, None, group.free_per_node))
            counts[g] += 1
    unplaced: list[Unplaced] = []
    for pod in sorted(pods, key=sort_key(groups)):
        for node in nodes:
            if node.group in pod.eligible and fits(pod.request, node.free):
                if pod.anti_affinity and pod.workload in node.anti:
                    continue
                node.free = subtract(node.free, pod.request)
                node.pods.append(pod)
                break
        else:
            for g in pod.eligible:
                group = groups[g]
                full = group.max_nodes is not None and counts[g] >= group.max_nodes
                if full or shortfall(pod.request, group.free_per_node):
                    continue
                node = Node(g, None, subtract(group.free_per_node, pod.request))
                node.pods.append(pod)
                nodes.append(node)
                counts[g] += 1
                break
            else:
                unplaced.append(Unplaced(pod, REASON_MAX_SIZE))
    return Packing(nodes=nodes, unplaced=unplaced, groups=groups)


def workload(n: int, seed: int) -> list[PodSpec]:
    rnd = random.Random(seed)
    pods = []
    for i in range(n):
        g = rnd.randrange(3)
        cpu = rnd.choice((50, 100, 250, 500, 750, 1000, 1500, 2000))
        mem_mib = rnd.choice((64, 128, 256, 512, 1024, 2048, 3072))
        if g == 1:
            mem_mib //= 2
        if g == 2:
            cpu //= 2
            mem_mib *= 2
        pods.append(PodSpec(f"w{i % 200}", i, Resources(cpu, mem_mib * MIB, 1), (g,)))
    return pods


def lower_bound(packing: Packing, gs: list[GroupSpec]) -> int:
    bound = 0
    for g, group in enumerate(gs):
        placed = [p for n in packing.nodes if n.group == g for p in n.pods]
        bound += max(
            max(
                ceil_div(sum(p.request[d] for p in placed), group.free_per_node[d])
                for d in range(3)
            ),
            group.min_nodes,
        )
    return bound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    gs, pods = groups(), workload(args.pods, args.seed)
    results = []
    for label, fn in (("ffd (segment tree)", pack), ("naive first fit", first_fit_naive)):
        start = time.perf_counter()
        packing = fn(pods, gs)
        elapsed = time.perf_counter() - start
        used = len(packing.nodes)
        results.append((label, elapsed, used, lower_bound(packing, gs), len(packing.unplaced)))
    print(f"{args.pods} pods, 3 node groups ({', '.join(g.name for g in gs)}), seed {args.seed}")
    print(
        f"{'packer':<20} {'time s':>8} {'nodes':>6} {'bound':>6} {'nodes/bound':>12}"
        f" {'unplaced':>9}"
    )
    for label, elapsed, used, bound, missed in results:
        print(f"{label:<20} {elapsed:>8.3f} {used:>6} {bound:>6} {used / bound:>12.3f} {missed:>9}")
    fast, naive = results[0][1], results[1][1]
    print(f"speed-up vs naive: {naive / fast:.1f}x")
    ffd_used, ffd_bound = results[0][2], results[0][3]
    print(
        f"capacity_pack: ratio={fast / naive:.3f} ffd_s={fast:.3f} naive_s={naive:.3f} "
        f"nodes_over_bound={ffd_used / ffd_bound:.3f} pods={args.pods}"
    )


if __name__ == "__main__":
    main()
