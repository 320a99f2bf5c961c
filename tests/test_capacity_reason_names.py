"""The instance type a capacity message names: the largest node in a "too big" reason when two
types tie, and the close names offered for an unknown type."""

from __future__ import annotations

import pytest

from planner.capacity.allocatable import node_allocatable
from planner.capacity.instances import instance_catalog, instance_spec
from planner.capacity.packing import REASON_TOO_BIG, GroupSpec, PodSpec
from planner.capacity.resources import MIB, Resources
from planner.capacity.unplaced import Placement, reason
from planner.errors import CapacityInputError
from planner.topology import NodeGroup


def _group(name: str, instance_type: str) -> NodeGroup:
    return NodeGroup(name=name, instance_type=instance_type, min_size=1, desired_size=1, max_size=3)


@pytest.mark.parametrize(
    ("first", "second"), [("t3.medium", "t3a.medium"), ("t3a.medium", "t3.medium")]
)
def test_a_tie_on_memory_names_the_first_groups_type(first: str, second: str) -> None:
    """t3.medium and t3a.medium are both 2 vCPU / 4,096 MiB with 17 pods (3 ENIs x (6 - 1) +
    2), so both have 4,096 - (11 x 17 + 255) - 100 = 3,554 MiB (3.47Gi) allocatable, and
    3,454 MiB (3.37Gi) after 100 MiB of DaemonSets. A pod of 4,000 MiB (3.91Gi) fits neither;
    the reason names the largest node, and of two equal ones the first group's."""
    allocs = [node_allocatable(instance_spec(first)), node_allocatable(instance_spec(second))]
    groups = [
        GroupSpec("a", Resources(1805, 3454 * MIB, 15), 1, 3),
        GroupSpec("b", Resources(1805, 3454 * MIB, 15), 1, 3),
    ]
    place = Placement([_group("a", first), _group("b", second)], groups, allocs, [])
    pod = PodSpec("web", 0, Resources(100, 4000 * MIB, 1), (0, 1), False, None)
    assert reason(place, pod, REASON_TOO_BIG) == (
        f"needs 3.91Gi memory, largest allocatable 3.47Gi ({first}; 3.37Gi after DaemonSets)"
    )


def test_an_unknown_type_offers_the_close_names_joined_by_or() -> None:
    # "t3.mediu" against t3.medium: difflib's ratio 2 x 8 / (8 + 9) = 0.94, the closest name
    # (listed first); t3a.medium 2 x 8 / (8 + 10) = 0.89 is also above the 0.6 cutoff
    with pytest.raises(CapacityInputError) as info:
        instance_spec("t3.mediu")
    message = str(info.value)
    assert "; did you mean t3.medium or " in message
    names = message.split("; did you mean ")[1].rstrip("?").split(" or ")
    assert 2 <= len(names) <= 3 and "t3a.medium" in names
    assert all(name in instance_catalog() for name in names)
