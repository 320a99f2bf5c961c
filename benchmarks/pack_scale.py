"""Benchmark: the capacity model at the documented bound, many pods of realistic workloads.

Workloads are Deployments (identical replicas), a tenth of them with required pod
anti-affinity, on three node groups. Times ``pack`` (batched: one search per node) against
the same packing placed one pod at a time (``batch=False``), side by side in one run, checks
both give the same nodes, and times the whole ``plan_capacity`` (min, expected and max
states) of a scenario with that many pods at its maximum.

    .venv/bin/python benchmarks/pack_scale.py            # 20,000 pods (quick)
    .venv/bin/python benchmarks/pack_scale.py --full     # 100,000 pods (the issue's bound)
"""

from __future__ import annotations

import argparse
import random
import time

from capacity_pack import TYPES, groups

from planner.capacity.packing import PodSpec, pack
from planner.capacity.plan import plan_capacity
from planner.capacity.resources import MIB, Resources
from planner.scenario import load_scenario
from planner.topology import Topology


def workloads(pods: int, seed: int) -> list[tuple[str, int, int, int, bool]]:
    """(name, replicas, cpu m, memory MiB, anti-affinity): about 500 replicas each."""
    rnd = random.Random(seed)
    out = []
    left, w = pods, 0
    while left > 0:
        replicas = min(left, rnd.randint(100, 900))
        cpu = rnd.choice((50, 100, 250, 500, 1000, 2000))
        mem = rnd.choice((64, 128, 256, 512, 1024, 2048))
        out.append((f"w{w:04d}", replicas, cpu, mem, w % 10 == 0))
        left -= replicas
        w += 1
    return out


def pod_specs(specs: list[tuple[str, int, int, int, bool]]) -> list[PodSpec]:
    pods = []
    for w, (name, replicas, cpu, mem, anti) in enumerate(specs):
        request = Resources(cpu, mem * MIB, 1)
        pods += [PodSpec(name, i, request, (w % 3,), anti) for i in range(replicas)]
    return pods


def topology(specs: list[tuple[str, int, int, int, bool]]) -> Topology:
    base = load_scenario("staging").topology
    assert base.eks is not None
    eks = base.eks.model_copy(
        update={
            "node_groups": tuple(
                base.eks.node_groups[0].model_copy(
                    update={"name": n, "instance_type": t, "max_size": 5000}
                )
                for n, t in TYPES
            ),
            "workloads": tuple(
                base.eks.workloads[0].model_copy(
                    update={
                        "name": name,
                        "replicas_min": max(1, replicas // 4),
                        "replicas_max": replicas,
                        "replicas_expected": max(1, replicas // 2),
                        "cpu_request": f"{cpu}m",
                        "memory_request": f"{mem}Mi",
                        "cpu_limit": None,
                        "memory_limit": None,
                        "anti_affinity": anti,
                        "node_selector": {"eks.amazonaws.com/nodegroup": TYPES[w % 3][0]},
                    }
                )
                for w, (name, replicas, cpu, mem, anti) in enumerate(specs)
            ),
        }
    )
    return Topology.model_validate({**base.model_dump(), "eks": eks.model_dump()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=20_000)
    parser.add_argument("--full", action="store_true", help="100,000 pods")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = 100_000 if args.full else args.pods
    specs = workloads(n, args.seed)
    pods, gs = pod_specs(specs), groups()
    start = time.perf_counter()
    batched = pack(pods, gs)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    single = pack(pods, gs, batch=False)
    slow = time.perf_counter() - start
    same = [len(x.pods) for x in batched.nodes] == [len(x.pods) for x in single.nodes]
    top = topology(specs)
    start = time.perf_counter()
    result = plan_capacity(top)
    planned = time.perf_counter() - start
    print(f"{n} pods in {len(specs)} workloads, 3 node groups, seed {args.seed}")
    print(f"pack batched      {fast:8.3f} s  {len(batched.nodes)} nodes")
    print(f"pack one by one   {slow:8.3f} s  {len(single.nodes)} nodes  (same packing: {same})")
    print(f"plan_capacity     {planned:8.3f} s  nodes at max {sum(result.nodes('max').values())}")
    print(
        f"pack_scale: ratio={fast / slow:.3f} batched_s={fast:.3f} one_by_one_s={slow:.3f} "
        f"plan_s={planned:.3f} pods={n} same={same}"
    )


if __name__ == "__main__":
    main()
