"""EC2 instances and EBS root volumes of EKS node groups: ``costing.node_groups`` prices them,
whatever the purchase (on-demand, spot, reserved, Savings Plans, off-hours schedules)."""

from __future__ import annotations

from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.costing.node_groups import price_node_groups
from planner.topology import Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    return price_node_groups(topology, ctx)
