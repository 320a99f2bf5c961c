"""Packing against a reference written straight from the packing rules, node by node.

The rules (planner/capacity/packing.py's docstring, the scheduler behaviour it models):

- pods go largest first: decreasing dominant share (the larger of CPU and memory as a fraction
  of a free node of the pod's first eligible group, 0 with no eligible group), then decreasing
  CPU, decreasing memory, then workload name and replica index ascending;
- each group starts with ``min_nodes`` open nodes;
- a pod goes to the first open node that fits it, trying its eligible groups in order and each
  group's nodes in the order they were opened; a node in another zone than the pod's required
  zone is skipped (a node or pod without a zone matches any), and so is a node already holding
  a replica of the same workload with required anti-affinity;
- when no open node fits, a node is opened in the first eligible group that has the pod's zone
  (or no zones), whose empty node fits the pod, and that is below ``max_nodes``; the node's
  zone is the pod's zone, else the group's zones in turn (node count modulo zones);
- a pod that cannot be placed is reported: ``no_group`` without an eligible group, ``max_size``
  when an empty node of some eligible group would fit it, else ``too_big``.

The reference below is a plain linear scan of those rules (no segment tree, no masking, no
runs): the packer must give exactly its nodes, their free resources and pods in order, and its
unplaced pods with their reasons, batched or one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from planner.capacity.packing import (
    REASON_MAX_SIZE,
    REASON_NO_GROUP,
    REASON_TOO_BIG,
    GroupSpec,
    Packing,
    PodSpec,
    _room,
    pack,
    sort_key,
)
from planner.capacity.resources import MIB, Resources


@dataclass
class RefNode:
    group: int
    zone: str | None
    free: Resources
    pods: list[PodSpec] = field(default_factory=list)


def _fits(request: Resources, free: Resources) -> bool:
    return all(need <= have for need, have in zip(request, free, strict=True))


def _order(pod: PodSpec, groups: list[GroupSpec]) -> tuple[float, int, int, str, int]:
    share = 0.0
    if pod.eligible:
        free = groups[pod.eligible[0]].free_per_node
        # a node with 0 free CPU or memory divides by 1, not by 0
        share = max(
            pod.request.cpu_m / max(free.cpu_m, 1),
            pod.request.memory_bytes / max(free.memory_bytes, 1),
        )
    return (-share, -pod.request.cpu_m, -pod.request.memory_bytes, pod.workload, pod.index)


def reference(pods: list[PodSpec], groups: list[GroupSpec]) -> list[object]:
    nodes: list[RefNode] = []
    opened = [0] * len(groups)

    def open_node(g: int, zone: str | None) -> RefNode:
        zones = groups[g].zones
        if not zones:
            zone = None
        elif zone not in zones:
            zone = zones[opened[g] % len(zones)]
        opened[g] += 1
        node = RefNode(g, zone, groups[g].free_per_node)
        nodes.append(node)
        return node

    def put(node: RefNode, pod: PodSpec) -> None:
        left = zip(node.free, pod.request, strict=True)
        node.free = Resources(*(have - need for have, need in left))
        node.pods.append(pod)

    for g, group in enumerate(groups):
        for _ in range(group.min_nodes):
            open_node(g, None)
    unplaced: list[tuple[str, PodSpec]] = []
    for pod in sorted(pods, key=lambda p: _order(p, groups)):
        target = None
        for g in pod.eligible:
            for node in nodes:
                if node.group != g:
                    continue
                if pod.zone is not None and node.zone is not None and node.zone != pod.zone:
                    continue
                if pod.anti_affinity and any(
                    p.anti_affinity and p.workload == pod.workload for p in node.pods
                ):
                    continue
                if _fits(pod.request, node.free):
                    target = node
                    break
            if target is not None:
                break
        if target is not None:
            put(target, pod)
            continue
        would_fit = False
        for g in pod.eligible:
            group = groups[g]
            if pod.zone is not None and group.zones and pod.zone not in group.zones:
                continue
            if not _fits(pod.request, group.free_per_node):
                continue
            would_fit = True
            if group.max_nodes is not None and opened[g] >= group.max_nodes:
                continue
            put(open_node(g, pod.zone), pod)
            break
        else:
            if not pod.eligible:
                unplaced.append((REASON_NO_GROUP, pod))
            else:
                unplaced.append((REASON_MAX_SIZE if would_fit else REASON_TOO_BIG, pod))
    placed: list[object] = [(n.group, n.zone, n.free, n.pods) for n in nodes]
    return placed + list(unplaced)


def exact(packing: Packing) -> list[object]:
    return [(n.group, n.zone, n.free, list(n.pods)) for n in packing.nodes] + [
        (u.kind, u.pod) for u in packing.unplaced
    ]


CPU = st.sampled_from([0, 1, 2, 10, 250, 600, 900, 1000, 1805, 3795, 4000])
MEM = st.sampled_from([0, 1, 2, 16, 512, 1000, 3554, 15391]).map(lambda m: m * MIB)
ZONES = st.sampled_from([(), ("a",), ("a", "b", "c"), ("b", "a")])


@st.composite
def groups_strategy(draw: st.DrawFn) -> list[GroupSpec]:
    groups = []
    for g in range(draw(st.integers(1, 3))):
        free = Resources(draw(CPU), draw(MEM), draw(st.sampled_from([0, 1, 2, 3, 5, 15])))
        low = draw(st.integers(0, 2))
        high = draw(st.one_of(st.none(), st.integers(low, low + 5)))
        groups.append(GroupSpec(f"g{g}", free, low, high, draw(ZONES)))
    return groups


@st.composite
def pods_strategy(draw: st.DrawFn, count: int) -> list[PodSpec]:
    pods: list[PodSpec] = []
    for w in range(draw(st.integers(1, 5))):
        request = Resources(draw(CPU), draw(MEM), 1)
        order = draw(st.permutations(range(count)))
        eligible = tuple(order[: draw(st.integers(0, count))])
        anti = draw(st.booleans())
        spread = draw(st.booleans())
        # two workloads may share a name (and differ in anti-affinity or request)
        name = f"w{draw(st.integers(0, 2))}" if draw(st.booleans()) else f"w{w}"
        for i in range(draw(st.integers(1, 14))):
            zone = ("a", "b", "c")[i % 3] if spread else None
            pods.append(PodSpec(name, i, request, eligible, anti, zone))
    return pods


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[PodSpec], list[GroupSpec]]:
    groups = draw(groups_strategy())
    return draw(pods_strategy(len(groups))), groups


@given(cases())
def test_packing_equals_the_reference(case: tuple[list[PodSpec], list[GroupSpec]]) -> None:
    pods, groups = case
    expected = reference(pods, groups)
    assert exact(pack(pods, groups, batch=False)) == expected
    assert exact(pack(pods, groups)) == expected
    counts = [sum(1 for n in pack(pods, groups).nodes if n.group == g) for g in range(len(groups))]
    assert pack(pods, groups).nodes_per_group() == counts


GROUP = GroupSpec("g", Resources(1000, 1000 * MIB, 10), 0, None)


def _pod(workload: str, index: int, cpu: int, mem_mib: int = 0, **kw: object) -> PodSpec:
    return PodSpec(workload, index, Resources(cpu, mem_mib * MIB, 1), (0,), **kw)  # type: ignore[arg-type]


def test_sort_key_orders_largest_share_first_then_cpu_memory_name_index() -> None:
    """On a 1,000m / 1,000 MiB node: a (600m, 0) has share 0.6; b (0, 700 MiB) 0.7; c and d
    (500m, 500 MiB) 0.5 each; e (500m, 400 MiB) 0.5 too but less memory; f#0 and f#1 tie
    on everything but the index. Decreasing share: b, a, then the 0.5s, all 500m; among
    them more memory first (c, d, f: 500 MiB before e: 400 MiB), then name, then index:
    c, d, f#0, f#1, e."""
    pods = [
        _pod("a", 0, 600),
        _pod("b", 0, 0, 700),
        _pod("d", 0, 500, 500),
        _pod("c", 0, 500, 500),
        _pod("e", 0, 500, 400),
        _pod("f", 1, 500, 500),
        _pod("f", 0, 500, 500),
    ]
    ordered = sorted(pods, key=sort_key([GROUP]))
    assert [(p.workload, p.index) for p in ordered] == [
        ("b", 0),
        ("a", 0),
        ("c", 0),
        ("d", 0),
        ("f", 0),
        ("f", 1),
        ("e", 0),
    ]


def test_sort_key_share_is_against_the_first_eligible_group() -> None:
    """x: 400m / 100 MiB, y: 100m / 400 MiB. Against group 0 (1,000m, 4,000 MiB) x's share is
    0.4 and y's 0.1; against group 1 (4,000m, 1,000 MiB) x's is 0.1 and y's 0.4. Each pod's
    share uses its own first eligible group."""
    groups = [
        GroupSpec("cpu-poor", Resources(1000, 4000 * MIB, 10), 0, None),
        GroupSpec("mem-poor", Resources(4000, 1000 * MIB, 10), 0, None),
    ]
    x = PodSpec("x", 0, Resources(400, 100 * MIB, 1), (1, 0))
    y = PodSpec("y", 0, Resources(100, 400 * MIB, 1), (1, 0))
    assert sort_key(groups)(x)[0] == -0.1  # 100 MiB of 1,000 MiB; 400m of 4,000m
    assert sort_key(groups)(y)[0] == -0.4  # 400 MiB of 1,000 MiB
    assert sorted([x, y], key=sort_key(groups)) == [y, x]
    x0 = PodSpec("x", 0, Resources(400, 100 * MIB, 1), (0, 1))
    assert sort_key(groups)(x0)[0] == -0.4  # 400m of 1,000m
    none = PodSpec("n", 0, Resources(400, 100 * MIB, 1), ())
    assert sort_key(groups)(none)[0] == 0  # no eligible group: share 0 (sorted last)


def test_sort_key_on_a_node_with_nothing_free_divides_by_one() -> None:
    """A group whose DaemonSets leave 0m and 0 bytes: the share divides by 1, not 0, so a pod
    of 3m and 2 bytes has share max(3 / 1, 2 / 1) = 3."""
    empty = GroupSpec("empty", Resources(0, 0, 0), 0, None)
    pod = PodSpec("p", 0, Resources(3, 2, 1), (0,))
    assert sort_key([empty])(pod) == (-3.0, -3, -2, "p", 0)
    one = GroupSpec("one", Resources(1, 1, 1), 0, None)
    assert sort_key([one])(pod)[0] == -3.0  # 3m of 1m


def test_room_counts_whole_pods_per_dimension() -> None:
    """Free 1,000m, 1,000 bytes, 10 slots; pods of 300m / 200 bytes / 1 slot: CPU allows
    3 (1,000 // 300), memory 5, slots 10 -> 3. A dimension the pod does not request does not
    limit it: 0m -> memory 5; 0m and 0 bytes -> slots 10; no slot either -> unbounded."""
    free = Resources(1000, 1000, 10)
    assert _room(free, Resources(300, 200, 1)) == 3
    assert _room(free, Resources(0, 200, 1)) == 5
    assert _room(free, Resources(0, 0, 1)) == 10
    assert _room(free, Resources(0, 0, 0)) == 1 << 62
    assert _room(Resources(1000, 1000, 4), Resources(0, 0, 2)) == 2  # 4 slots // 2
    # the caller only asks once a pod fits; a result below 1 is lifted to 1
    assert _room(Resources(100, 100, 1), Resources(300, 1, 1)) == 1


def test_a_run_fills_a_node_then_opens_the_next() -> None:
    """7 identical pods of 300m on nodes of 1,000m: 3 a node (900m, 100m left), so 3 + 3 + 1
    on three nodes, the last with 700m free."""
    pods = [_pod("w", i, 300) for i in range(7)]
    packing = pack(pods, [GROUP])
    assert [len(n.pods) for n in packing.nodes] == [3, 3, 1]
    assert [n.free.cpu_m for n in packing.nodes] == [100, 100, 700]
    assert [n.free.pods for n in packing.nodes] == [7, 7, 9]  # 10 slots less the pods placed
    assert not packing.unplaced


def test_anti_affinity_one_replica_per_node_and_others_share() -> None:
    """3 replicas of a (anti-affinity, 100m) need 3 nodes; 3 replicas of b (100m, no rule)
    then go first-fit onto node 1 (b sorts after a: same share, same CPU, name a < b)."""
    pods = [_pod("a", i, 100, anti_affinity=True) for i in range(3)]
    pods += [_pod("b", i, 100) for i in range(3)]
    packing = pack(pods, [GROUP])
    assert [[(p.workload, p.index) for p in n.pods] for n in packing.nodes] == [
        [("a", 0), ("b", 0), ("b", 1), ("b", 2)],
        [("a", 1)],
        [("a", 2)],
    ]


def test_opened_nodes_take_zones_in_turn_and_a_zoned_pod_its_zone() -> None:
    """A group with zones (a, b) and 2 minimum nodes: node 0 in a (0 mod 2), node 1 in b
    (1 mod 2). Pods that must run in b skip node 0 and open their nodes in b; unzoned pods
    open nodes in the zones in turn (the 3rd node: 2 mod 2 -> a, the 4th: 3 mod 2 -> b)."""
    group = GroupSpec("z", Resources(1000, 1000 * MIB, 10), 2, None, ("a", "b"))
    pods = [
        PodSpec("big", 0, Resources(1000, 0, 1), (0,), False, "b"),
        PodSpec("big", 1, Resources(1000, 0, 1), (0,), False, "b"),
        PodSpec("big", 2, Resources(1000, 0, 1), (0,), False, "b"),
        PodSpec("free", 0, Resources(900, 0, 1), (0,)),
    ]
    packing = pack(pods, [group])
    # big#0 -> node 1 (b); big#1 -> opens node 2 in b; big#2 -> opens node 3 in b;
    # free (900m) -> node 0 (a), the first open node with room
    assert [n.zone for n in packing.nodes] == ["a", "b", "b", "b"]
    assert [[(p.workload, p.index) for p in n.pods] for n in packing.nodes] == [
        [("free", 0)],
        [("big", 0)],
        [("big", 1)],
        [("big", 2)],
    ]
    unzoned = [PodSpec("u", i, Resources(1000, 0, 1), (0,)) for i in range(4)]
    packing = pack(unzoned, [group])
    # two open nodes take u#0, u#1; u#2 opens the 3rd node (2 mod 2 -> a), u#3 the 4th (b)
    assert [n.zone for n in packing.nodes] == ["a", "b", "a", "b"]


def test_group_order_is_a_priority_and_max_nodes_a_hard_stop() -> None:
    """Groups g0 (at most 1 node) and g1: a pod eligible for both goes to g0 first; once g0 is
    at its maximum the next node opens in g1. A pod too big for g0's empty node skips it.
    A pod eligible nowhere is no_group; too big for every group, too_big; fitting a group at
    its maximum, max_size."""
    groups = [
        GroupSpec("g0", Resources(1000, 1000 * MIB, 10), 0, 1),
        GroupSpec("g1", Resources(2000, 1000 * MIB, 10), 0, 1),
    ]
    pods = [PodSpec("p", i, Resources(1000, 0, 1), (0, 1)) for i in range(2)]
    pods.append(PodSpec("wide", 0, Resources(1500, 0, 1), (0, 1)))
    pods.append(PodSpec("lost", 0, Resources(1, 0, 1), ()))
    pods.append(PodSpec("huge", 0, Resources(2001, 0, 1), (0, 1)))
    packing = pack(pods, groups)
    # sorted: huge (2.001), wide (1.5), p#0, p#1 (1.0), lost (share 0)
    # wide: too big for g0 (1,500 > 1,000): opens g1's only node; p#0 opens g0's only node;
    # p#1: g0 full, g1 has 500m left, both at max -> max_size
    assert [(n.group, [(p.workload, p.index) for p in n.pods]) for n in packing.nodes] == [
        (1, [("wide", 0)]),
        (0, [("p", 0)]),
    ]
    assert [(u.pod.workload, u.kind) for u in packing.unplaced] == [
        ("huge", REASON_TOO_BIG),
        ("p", REASON_MAX_SIZE),
        ("lost", REASON_NO_GROUP),
    ]


def test_first_fit_still_sees_nodes_opened_before_the_search_tree_grew() -> None:
    """Five pods of 600m open five 1,000m nodes (400m left on each; the per-node tree grows
    from 1 to 2 to 4 to 8 leaves on the way). Then five pods of 400m: first fit puts one on
    each node in opening order, 0 to 4, and opens nothing more."""
    pods = [_pod("big", i, 600) for i in range(5)] + [_pod("small", i, 400) for i in range(5)]
    for batch in (True, False):
        packing = pack(pods, [GROUP], batch=batch)
        assert [[(p.workload, p.index) for p in n.pods] for n in packing.nodes] == [
            [("big", i), ("small", i)] for i in range(5)
        ]
        assert [n.free.cpu_m for n in packing.nodes] == [0] * 5


def test_anti_affinity_holds_when_a_workload_comes_back_after_another() -> None:
    """pack() takes any PodSpecs, so one workload name may come with two requests. w (600m,
    anti-affinity) x 2 opens nodes 0 and 1 (400m left each); x (450m) fits neither and opens
    node 2 (550m left); w again (300m, anti-affinity): nodes 0 and 1 already hold a w, so
    the first goes to node 2 and the second opens node 3. (Order: share 0.6, 0.45, 0.3.)"""
    pods = [_pod("w", i, 600, anti_affinity=True) for i in range(2)]
    pods.append(_pod("x", 0, 450))
    pods += [_pod("w", i, 300, anti_affinity=True) for i in (2, 3)]
    for batch in (True, False):
        packing = pack(pods, [GROUP], batch=batch)
        assert [[(p.workload, p.index) for p in n.pods] for n in packing.nodes] == [
            [("w", 0)],
            [("w", 1)],
            [("x", 0), ("w", 2)],
            [("w", 3)],
        ]


def test_pods_alike_but_for_their_groups_are_not_placed_as_one_run() -> None:
    """Two pods of w, same request, one eligible for group 0 only, one for group 1 only (each
    group has one open node with room for both): each goes to its own group's node."""
    groups = [GroupSpec("a", GROUP.free_per_node, 1, None),
              GroupSpec("b", GROUP.free_per_node, 1, None)]  # fmt: skip
    pods = [
        PodSpec("w", 0, Resources(100, 0, 1), (0,)),
        PodSpec("w", 1, Resources(100, 0, 1), (1,)),
    ]
    for batch in (True, False):
        packing = pack(pods, groups, batch=batch)
        assert [(n.group, [p.index for p in n.pods]) for n in packing.nodes] == [(0, [0]), (1, [1])]
