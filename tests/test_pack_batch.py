"""Placing runs of identical pods a node at a time gives exactly the one-by-one packing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from packing_groups import GROUPS

from planner.capacity.packing import GroupSpec, Packing, PodSpec, pack
from planner.capacity.resources import MIB, Resources


@st.composite
def workloads(draw: st.DrawFn) -> list[PodSpec]:
    pods: list[PodSpec] = []
    for w in range(draw(st.integers(1, 6))):
        cpu = draw(st.sampled_from([0, 10, 100, 250, 900, 1805, 4000]))
        mem = draw(st.sampled_from([0, 16, 256, 1024, 3554, 16000])) * MIB
        replicas = draw(st.integers(1, 60))
        eligible = tuple(sorted(draw(st.sets(st.integers(0, 2), max_size=3))))
        anti = draw(st.booleans())
        spread = draw(st.booleans()) and 1 in eligible
        # two workloads may share a name prefix and a request: runs must still split
        name = f"w{draw(st.integers(0, 3))}" if draw(st.booleans()) else f"w{w}"
        for i in range(replicas):
            zone = ("a", "b", "c")[i % 3] if spread else None
            pods.append(PodSpec(name, i, Resources(cpu, mem, 1), eligible, anti, zone))
    return pods


def exact(packing: Packing) -> list[object]:
    """Everything about a packing, in order: nodes, their pods, unplaced pods and reasons."""
    return [(n.group, n.zone, n.free, list(n.pods)) for n in packing.nodes] + [
        (u.kind, u.pod) for u in packing.unplaced
    ]


@given(workloads())
def test_batched_packing_equals_one_by_one(pods: list[PodSpec]) -> None:
    assert exact(pack(pods, GROUPS)) == exact(pack(pods, GROUPS, batch=False))
    unbounded = [GroupSpec(g.name, g.free_per_node, g.min_nodes, None, g.zones) for g in GROUPS]
    assert exact(pack(pods, unbounded)) == exact(pack(pods, unbounded, batch=False))
