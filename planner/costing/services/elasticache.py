"""Amazon ElastiCache: node hours (a Multi-AZ replication group bills every node)."""

from __future__ import annotations

from planner.costing.context import PricingContext
from planner.costing.databases import cache_node_lines
from planner.costing.lines import CostLine
from planner.topology import Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    lines: list[CostLine] = []
    for cluster in topology.elasticache:
        layout = "Multi-AZ, primary + replicas" if cluster.multi_az else "single AZ"
        lines.extend(cache_node_lines(cluster, layout, ctx))
    return lines
