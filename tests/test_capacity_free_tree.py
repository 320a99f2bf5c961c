"""The packer's index of free node resources (``_FreeTree``: a max segment tree): after any
sequence of appends and updates, ``find`` gives the leftmost node whose free CPU, memory and
pod slots all cover the request, exactly as a scan of the nodes in order would.

Worked by hand below, then checked against that scan over random sequences.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.capacity.packing import _FreeTree
from planner.capacity.resources import Resources as R


def _scan(nodes: list[R], request: R) -> int:
    for leaf, free in enumerate(nodes):
        if all(f >= r for f, r in zip(free, request, strict=True)):
            return leaf
    return -1


def test_growing_keeps_every_node_s_free_resources() -> None:
    # three nodes: the tree grows from 1 leaf to 2, then to 4; each node keeps its own free
    # CPU (1000m, 200m, 50m), however the leaves are copied
    tree = _FreeTree()
    tree.append(10, R(1000, 100, 10))
    tree.append(11, R(200, 100, 10))
    tree.append(12, R(50, 100, 10))
    tree.update(0, R(0, 100, 10))  # the first node is now full of CPU
    assert tree.find(R(500, 1, 1), None) == -1  # no node has 500m free any more
    assert tree.find(R(150, 1, 1), None) == 1  # the 200m node
    assert tree.find(R(40, 1, 1), None) == 1  # leftmost of 200m and 50m
    assert tree.find(R(40, 1, 1), lambda node: node == 12) == 2


def test_growing_keeps_every_node_s_free_memory_and_pod_slots() -> None:
    # as above for the other two dimensions: the third append grows the tree from 2 leaves to
    # 4 and copies the second node's leaf; its free memory (200) and slots (2) stay its own,
    # not the maximum over the nodes (1000, 10)
    tree = _FreeTree()
    tree.append(10, R(100, 1000, 10))
    tree.append(11, R(100, 200, 2))
    tree.append(12, R(100, 50, 1))
    tree.update(0, R(100, 0, 0))  # the first node is full
    assert tree.find(R(1, 500, 1), None) == -1  # no node has 500 of memory free any more
    assert tree.find(R(1, 150, 1), None) == 1  # the second node's 200
    assert tree.find(R(1, 1, 3), None) == -1  # no node has 3 slots free any more
    assert tree.find(R(1, 1, 2), None) == 1  # the second node's 2 slots
    assert tree.find(R(1, 40, 1), None) == 1  # leftmost of the second and third


def test_a_node_that_frees_up_is_found_again() -> None:
    # a maximum must rise when a node's free CPU rises (pods removed): 50m -> 5000m
    tree = _FreeTree()
    for node, cpu in enumerate([300, 200, 50]):
        tree.append(node, R(cpu, 100, 10))
    assert tree.find(R(4000, 1, 1), None) == -1
    tree.update(2, R(5000, 100, 10))
    assert tree.find(R(4000, 1, 1), None) == 2


FREE = st.builds(R, st.integers(0, 8), st.integers(0, 8), st.integers(0, 3))


@given(
    first=st.lists(FREE, min_size=1, max_size=12),
    updates=st.lists(st.tuples(st.integers(0, 11), FREE), max_size=12),
    request=FREE,
)
def test_find_is_the_leftmost_node_that_fits(
    first: list[R],
    updates: list[tuple[int, R]],
    request: R,
) -> None:
    tree = _FreeTree()
    nodes = list(first)
    for node, free in enumerate(first):
        tree.append(node, free)
    for leaf, free in updates:
        leaf %= len(nodes)
        nodes[leaf] = free
        tree.update(leaf, free)
        assert tree.find(request, None) == _scan(nodes, request)
    assert tree.find(request, None) == _scan(nodes, request)
