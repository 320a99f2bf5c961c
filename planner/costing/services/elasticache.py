"""Amazon ElastiCache: node hours (a Multi-AZ replication group bills every node)."""

from __future__ import annotations

from planner.costing.context import PricingContext
from planner.costing.databases import cache_node_lines
from planner.costing.lines import CostLine
from planner.topology import Basis, Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    lines: list[CostLine] = []
    for cluster in topology.elasticache:
        layout = "Multi-AZ, primary + replicas" if cluster.multi_az else "single AZ"
        if cluster.purchase.type != "on_demand":  # reserved nodes: costing.databases
            lines.extend(cache_node_lines(cluster, layout, ctx))
            continue
        lines.append(
            ctx.line(
                resource=f"elasticache/{cluster.name}",
                service="AmazonElastiCache",
                component=f"Cache nodes ({cluster.engine}, {cluster.node_type}, {layout})",
                quantity=ctx.hours_per_month * cluster.nodes,
                unit="Hrs",
                product=f"node/{cluster.node_type}/{cluster.engine}",
                quantity_basis=Basis.STATED,
                quantity_note=f"{cluster.nodes} nodes x {ctx.hours_per_month} h",
                what=f"{cluster.node_type} {cluster.engine}",
            )
        )
    return lines
