"""Node groups shared by the packing property tests: a small group with a minimum of one node
and a maximum of eight, a large zonal group (a, b, c) of at most six, and an unbounded
memory group."""

from __future__ import annotations

from planner.capacity.packing import GroupSpec
from planner.capacity.resources import MIB, Resources

GROUPS = (
    GroupSpec("small", Resources(1805, 3554 * MIB, 15), 1, 8),
    GroupSpec("large", Resources(3795, 15391 * MIB, 56), 0, 6, ("a", "b", "c")),
    GroupSpec("mem", Resources(1805, 15000 * MIB, 27), 0, None),
)
