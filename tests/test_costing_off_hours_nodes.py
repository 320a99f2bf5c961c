"""How many nodes run in the off-hours of a schedule (``off_hours_nodes``), by the rule the
schedule states (docs/commitments.md, ``schedule.node_groups_off``):

- no schedule, or one that is always on (24 h x 7 days): every node, all the time;
- ``zero``: none;
- ``min``: the group's ``min_size``, but never more than run in the on-hours: when the plan
  needs fewer nodes than ``min_size`` (a capacity plan's count), the off-hours keep that
  smaller count, they do not raise it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from topologies import one_group

from planner.costing.node_groups import off_hours_nodes
from planner.topology import Topology


def _topology(schedule: dict[str, Any] | None) -> Topology:
    return one_group({"min_size": 3, "desired_size": 4, "max_size": 6}, schedule=schedule)


OFF_HOURS = {"hours_per_day": 12, "days_per_week": 5}


@pytest.mark.parametrize(
    ("schedule", "nodes", "expected"),
    [
        (None, 4, 4),  # no schedule: the nodes run all the time
        ({"hours_per_day": 24, "days_per_week": 7}, 4, 4),  # always on: the same
        ({**OFF_HOURS, "node_groups_off": "zero"}, 4, 0),  # scaled to zero
        ({**OFF_HOURS, "node_groups_off": "min"}, 4, 3),  # 4 by day, min_size 3 at night
        ({**OFF_HOURS, "node_groups_off": "min"}, 3, 3),  # exactly min_size: 3
        ({**OFF_HOURS, "node_groups_off": "min"}, 2, 2),  # the plan needs 2 < min_size: 2
        ({**OFF_HOURS, "node_groups_off": "min"}, 0, 0),  # nothing runs by day: nothing
    ],
)
def test_off_hours_nodes_by_the_schedule_rule(
    schedule: dict[str, Any] | None, nodes: int, expected: int
) -> None:
    topology = _topology(schedule)
    assert topology.eks is not None
    group = topology.eks.node_groups[0]
    assert off_hours_nodes(group, nodes, topology) == Decimal(expected)
