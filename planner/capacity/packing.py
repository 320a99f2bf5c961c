"""First-fit decreasing bin packing of pods onto the nodes of several node groups.

Pure and deterministic: pods are sorted by decreasing dominant share (the larger of CPU and
memory as a fraction of a free node of their first eligible group), then CPU, memory,
workload name and replica index, so any input order gives the same packing. A pod goes to the first
open node that fits, node groups in scenario order (a priority expander), nodes in the order
they were opened; when none fits, a node is opened in the first eligible group below its
``max_nodes``. Each group starts with ``min_nodes`` open nodes.

Searching "first node that fits" uses a segment tree of per-node free resources per
(group, zone), so 10,000 pods pack in well under a second instead of a linear scan per pod.
Constraints the tree cannot prune (anti-affinity) are checked at the leaves.

Pods that cannot be placed are returned with their reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from planner.capacity.resources import Resources, fits, subtract

REASON_TOO_BIG = "too_big"
REASON_MAX_SIZE = "max_size"
REASON_NO_GROUP = "no_group"


@dataclass(frozen=True, slots=True)
class PodSpec:
    workload: str
    index: int
    request: Resources  # pods == 1
    eligible: tuple[int, ...]  # indices of node groups the pod may run on
    anti_affinity: bool = False
    zone: str | None = None  # required zone (topology spread), None = any


@dataclass(frozen=True, slots=True)
class GroupSpec:
    name: str
    free_per_node: Resources  # allocatable less DaemonSet requests and pod slots
    min_nodes: int
    max_nodes: int | None  # None: unbounded (used to size what a maximum would need)
    zones: tuple[str, ...] = ()


@dataclass(slots=True)
class Node:
    group: int
    zone: str | None
    free: Resources
    pods: list[PodSpec] = field(default_factory=list)
    anti: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Unplaced:
    pod: PodSpec
    kind: str  # REASON_*


@dataclass
class Packing:
    nodes: list[Node]
    unplaced: list[Unplaced]
    groups: Sequence[GroupSpec]

    def nodes_per_group(self) -> list[int]:
        counts = [0] * len(self.groups)
        for node in self.nodes:
            counts[node.group] += 1
        return counts


class _FreeTree:
    """Max segment tree over nodes' free (cpu, memory, pods): leftmost node that fits."""

    def __init__(self) -> None:
        self.cap = 1
        self.size = 0
        self.cpu = [-1, -1]
        self.mem = [-1, -1]
        self.pods = [-1, -1]
        self.ids: list[int] = []  # leaf -> node id

    def _grow(self) -> None:
        old_cap, leaves = (
            self.cap,
            [
                (self.cpu[self.cap + i], self.mem[self.cap + i], self.pods[self.cap + i])
                for i in range(self.size)
            ],
        )
        self.cap = old_cap * 2
        self.cpu = [-1] * (2 * self.cap)
        self.mem = [-1] * (2 * self.cap)
        self.pods = [-1] * (2 * self.cap)
        for i, (c, m, p) in enumerate(leaves):
            j = self.cap + i
            self.cpu[j], self.mem[j], self.pods[j] = c, m, p
        for i in range(self.cap - 1, 0, -1):
            self._pull(i)

    def _pull(self, i: int) -> None:
        left, right = 2 * i, 2 * i + 1
        cpu, mem, pods = self.cpu, self.mem, self.pods
        cpu[i] = cpu[left] if cpu[left] > cpu[right] else cpu[right]
        mem[i] = mem[left] if mem[left] > mem[right] else mem[right]
        pods[i] = pods[left] if pods[left] > pods[right] else pods[right]

    def append(self, node_id: int, free: Resources) -> None:
        if self.size == self.cap:
            self._grow()
        self.ids.append(node_id)
        self.size += 1
        self.update(self.size - 1, free)

    def update(self, leaf: int, free: Resources) -> None:
        i = self.cap + leaf
        self.cpu[i], self.mem[i], self.pods[i] = free
        i //= 2
        while i:
            self._pull(i)
            i //= 2

    def find(self, request: Resources, accept: Callable[[int], bool] | None) -> int:
        """Leftmost leaf whose free resources fit ``request`` and that ``accept`` admits."""
        cpu, mem, pods = self.cpu, self.mem, self.pods
        need_cpu, need_mem, need_pods = request
        cap = self.cap
        stack = [1]
        while stack:
            i = stack.pop()
            if cpu[i] < need_cpu or mem[i] < need_mem or pods[i] < need_pods:
                continue
            if i >= cap:
                leaf = i - cap
                if accept is None or accept(self.ids[leaf]):
                    return leaf
                continue
            stack.append(2 * i + 1)
            stack.append(2 * i)
        return -1


def sort_key(
    groups: Sequence[GroupSpec],
) -> Callable[[PodSpec], tuple[float, int, int, str, int]]:
    """Decreasing dominant share of the pod's first eligible group's free node, then CPU,
    memory, workload name and replica index (a total order: any input order packs alike)."""

    def key(pod: PodSpec) -> tuple[float, int, int, str, int]:
        share = 0.0
        if pod.eligible:
            free = groups[pod.eligible[0]].free_per_node
            share = max(
                pod.request.cpu_m / max(free.cpu_m, 1),
                pod.request.memory_bytes / max(free.memory_bytes, 1),
            )
        return (-share, -pod.request.cpu_m, -pod.request.memory_bytes, pod.workload, pod.index)

    return key


class _Packer:
    def __init__(self, groups: Sequence[GroupSpec]) -> None:
        self.groups = groups
        self.nodes: list[Node] = []
        self.trees: dict[tuple[int, str | None], _FreeTree] = {}
        self.leaf_of: list[int] = []
        self.tree_keys: list[list[tuple[int, str | None]]] = [[] for _ in groups]
        self.counts = [0] * len(groups)
        for g, group in enumerate(groups):
            for _ in range(group.min_nodes):
                self.open(g, None)

    def open(self, g: int, zone: str | None) -> Node:
        group = self.groups[g]
        if group.zones:
            if zone is None or zone not in group.zones:
                zone = group.zones[self.counts[g] % len(group.zones)]
        else:
            zone = None
        node = Node(group=g, zone=zone, free=group.free_per_node)
        self.counts[g] += 1
        key = (g, zone)
        tree = self.trees.get(key)
        if tree is None:
            tree = self.trees[key] = _FreeTree()
            self.tree_keys[g].append(key)
            self.tree_keys[g].sort(key=lambda k: "" if k[1] is None else k[1])
        self.leaf_of.append(tree.size)
        tree.append(len(self.nodes), node.free)
        self.nodes.append(node)
        return node

    def place(self, pod: PodSpec, node_id: int) -> None:
        node = self.nodes[node_id]
        node.free = subtract(node.free, pod.request)
        node.pods.append(pod)
        if pod.anti_affinity:
            node.anti.add(pod.workload)
        self.trees[(node.group, node.zone)].update(self.leaf_of[node_id], node.free)

    def find_open(self, pod: PodSpec) -> int:
        accept: Callable[[int], bool] | None = None
        if pod.anti_affinity:
            nodes, name = self.nodes, pod.workload

            def accept(node_id: int) -> bool:
                return name not in nodes[node_id].anti

        for g in pod.eligible:
            best = -1
            for key in self.tree_keys[g]:
                if pod.zone is not None and key[1] is not None and key[1] != pod.zone:
                    continue
                tree = self.trees[key]
                leaf = tree.find(pod.request, accept)
                if leaf >= 0 and (best < 0 or tree.ids[leaf] < best):
                    best = tree.ids[leaf]
            if best >= 0:
                return best
        return -1

    def add(self, pod: PodSpec) -> Unplaced | None:
        node_id = self.find_open(pod)
        if node_id >= 0:
            self.place(pod, node_id)
            return None
        fits_somewhere = False
        for g in pod.eligible:
            group = self.groups[g]
            if pod.zone is not None and group.zones and pod.zone not in group.zones:
                continue
            if not fits(pod.request, group.free_per_node):
                continue
            fits_somewhere = True
            if group.max_nodes is not None and self.counts[g] >= group.max_nodes:
                continue
            node = self.open(g, pod.zone)
            self.place(pod, len(self.nodes) - 1)
            assert node.pods[-1] is pod
            return None
        if not pod.eligible:
            return Unplaced(pod, REASON_NO_GROUP)
        return Unplaced(pod, REASON_MAX_SIZE if fits_somewhere else REASON_TOO_BIG)


def pack(pods: Sequence[PodSpec], groups: Sequence[GroupSpec]) -> Packing:
    """Pack ``pods`` first-fit decreasing; the result does not depend on their order."""
    packer = _Packer(groups)
    unplaced: list[Unplaced] = []
    for pod in sorted(pods, key=sort_key(groups)):
        miss = packer.add(pod)
        if miss is not None:
            unplaced.append(miss)
    return Packing(nodes=packer.nodes, unplaced=unplaced, groups=groups)
