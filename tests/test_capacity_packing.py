"""Property tests for first-fit decreasing packing."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st
from packing_groups import GROUPS

from planner.capacity.packing import (
    REASON_MAX_SIZE,
    REASON_TOO_BIG,
    GroupSpec,
    Packing,
    PodSpec,
    pack,
)
from planner.capacity.resources import MIB, Resources, ceil_div, fits


@st.composite
def workloads(draw: st.DrawFn) -> list[PodSpec]:
    pods: list[PodSpec] = []
    for w in range(draw(st.integers(1, 6))):
        cpu = draw(st.integers(10, 4000))
        mem = draw(st.integers(16, 16000)) * MIB
        replicas = draw(st.integers(1, 12))
        eligible = tuple(sorted(draw(st.sets(st.integers(0, 2), min_size=1))))
        anti = draw(st.booleans())
        spread = draw(st.booleans()) and 1 in eligible
        for i in range(replicas):
            zone = ("a", "b", "c")[i % 3] if spread else None
            pods.append(PodSpec(f"w{w}", i, Resources(cpu, mem, 1), eligible, anti, zone))
    return pods


def signature(packing: Packing) -> list[tuple[int, str | None, list[tuple[str, int]]]]:
    return [
        (n.group, n.zone, sorted((p.workload, p.index) for p in n.pods)) for n in packing.nodes
    ] + [(-1, u.kind, [(u.pod.workload, u.pod.index)]) for u in packing.unplaced]


@given(workloads(), st.randoms(use_true_random=False))
def test_shuffled_input_gives_the_same_packing(pods: list[PodSpec], rnd: random.Random) -> None:
    shuffled = list(pods)
    rnd.shuffle(shuffled)
    assert signature(pack(pods, GROUPS)) == signature(pack(shuffled, GROUPS))


@given(workloads())
def test_no_node_is_over_committed_and_constraints_hold(pods: list[PodSpec]) -> None:
    packing = pack(pods, GROUPS)
    for node in packing.nodes:
        used = Resources(
            sum(p.request.cpu_m for p in node.pods),
            sum(p.request.memory_bytes for p in node.pods),
            len(node.pods),
        )
        assert fits(used, GROUPS[node.group].free_per_node)
        anti = [p.workload for p in node.pods if p.anti_affinity]
        assert len(anti) == len(set(anti))
        for p in node.pods:
            assert node.group in p.eligible
            if p.zone is not None and node.zone is not None:
                assert p.zone == node.zone
    counts = packing.nodes_per_group()
    for g, group in enumerate(GROUPS):
        assert counts[g] >= group.min_nodes
        assert group.max_nodes is None or counts[g] <= group.max_nodes


@given(workloads())
def test_nodes_at_least_the_lower_bound_per_dimension(pods: list[PodSpec]) -> None:
    packing = pack(pods, GROUPS)
    for g, group in enumerate(GROUPS):
        nodes = [n for n in packing.nodes if n.group == g]
        placed = [p for n in nodes for p in n.pods]
        for dim in range(3):
            total = sum(p.request[dim] for p in placed)
            assert len(nodes) >= ceil_div(total, group.free_per_node[dim])


@given(workloads(), st.integers(1, 20))
def test_every_pod_is_placed_or_reported(pods: list[PodSpec], giants: int) -> None:
    big = [PodSpec("giant", i, Resources(64000, 4 * MIB, 1), (0, 1, 2)) for i in range(giants)]
    packing = pack(pods + big, GROUPS)
    placed = {(p.workload, p.index) for n in packing.nodes for p in n.pods}
    missing = {(u.pod.workload, u.pod.index) for u in packing.unplaced}
    assert not placed & missing
    assert placed | missing == {(p.workload, p.index) for p in pods + big}
    giant_misses = [u for u in packing.unplaced if u.pod.workload == "giant"]
    assert len(giant_misses) == giants
    assert all(u.kind == REASON_TOO_BIG for u in giant_misses)


def test_max_size_reached_is_reported_not_dropped() -> None:
    group = GroupSpec("g", Resources(1000, 1000 * MIB, 10), 1, 2)
    pods = [PodSpec("w", i, Resources(600, 10 * MIB, 1), (0,)) for i in range(3)]
    packing = pack(pods, [group])
    assert packing.nodes_per_group() == [2]
    assert [(u.pod.index, u.kind) for u in packing.unplaced] == [(2, REASON_MAX_SIZE)]
