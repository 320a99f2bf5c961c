"""RDS instances and ElastiCache nodes with a purchase block or an RDS stop/start schedule.

Used by ``planner.costing.services.rds`` / ``elasticache`` only when needed, so scenarios
without these price unchanged. ElastiCache has no stop: its nodes bill every hour.
"""

from __future__ import annotations

from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.costing.purchase import InstanceSpec, on_demand_lines, price_instances
from planner.costing.schedules import rds_segments, segments
from planner.topology import Basis, CacheCluster, RDSInstance, Topology


def rds_needs_commitments(db: RDSInstance, topology: Topology) -> bool:
    schedule = topology.schedule
    stopped = schedule is not None and not schedule.always_on and schedule.rds_off == "stopped"
    return db.purchase.type != "on_demand" or stopped


def rds_instance_lines(db: RDSInstance, topology: Topology, ctx: PricingContext) -> list[CostLine]:
    """Reserved and/or stopped off-hours: instance hours (storage is priced as before)."""
    deployment = "Multi-AZ" if db.multi_az else "Single-AZ"
    spec = InstanceSpec(
        resource=f"rds/{db.name}",
        service="AmazonRDS",
        product=f"db/{db.instance_class}/{db.engine}/{deployment}",
        what=f"{db.instance_class} {db.engine} {deployment}",
        component=f"DB instance ({db.engine}, {db.instance_class}, {deployment}",
        segments=tuple(rds_segments(topology.schedule)),
        purchase=db.purchase,
        quantity_basis=Basis.STATED.value,
        quantity_note=f"1 instance x {ctx.hours_per_month} h",
        with_class=False,
    )
    lines, uses = price_instances(ctx, spec)
    return lines + on_demand_lines(ctx, [u for u in uses if u.instances])


def cache_node_lines(cluster: CacheCluster, layout: str, ctx: PricingContext) -> list[CostLine]:
    """Reserved cache nodes; the rest on-demand."""
    spec = InstanceSpec(
        resource=f"elasticache/{cluster.name}",
        service="AmazonElastiCache",
        product=f"node/{cluster.node_type}/{cluster.engine}",
        what=f"{cluster.node_type} {cluster.engine}",
        component=f"Cache nodes ({cluster.engine}, {cluster.node_type}, {layout}",
        segments=tuple(segments(None, cluster.nodes, cluster.nodes)),
        purchase=cluster.purchase,
        quantity_basis=Basis.STATED.value,
        quantity_note=f"{cluster.nodes} nodes x {ctx.hours_per_month} h",
        with_class=False,
    )
    lines, uses = price_instances(ctx, spec)
    return lines + on_demand_lines(ctx, [u for u in uses if u.instances])
