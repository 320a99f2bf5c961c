"""RDS instance hours and ElastiCache node hours: the same purchase pricer as node groups.

On-demand, reserved (a fixed count; the rest on-demand), and for RDS the off-hours stop of a
schedule (``rds_off: stopped``, within AWS's 7-day restart rule). ElastiCache has no stop: its
nodes bill every hour.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.costing.purchase import InstanceSpec, on_demand_lines, price_instances
from planner.costing.schedules import on_calendar, rds_segments, segments
from planner.support_calendars import RDS_SOURCE, rds_extended, rds_vcpus
from planner.topology import Basis, CacheCluster, RDSInstance, Topology


def rds_instance_lines(db: RDSInstance, topology: Topology, ctx: PricingContext) -> list[CostLine]:
    """Instance hours: on-demand, reserved and/or stopped off-hours (storage is priced apart)."""
    deployment = "Multi-AZ" if db.multi_az else "Single-AZ"
    spec = InstanceSpec(
        resource=f"rds/{db.name}",
        service="AmazonRDS",
        product=f"db/{db.instance_class}/{db.engine}/{deployment}",
        what=f"{db.instance_class} {db.engine} {deployment}",
        component=f"DB instance ({db.engine}, {db.instance_class}, {deployment}",
        segments=tuple(
            on_calendar(rds_segments(topology.schedule), topology.schedule, ctx.calendar_period)
        ),
        purchase=db.purchase,
        quantity_basis=Basis.STATED.value,
        quantity_note=f"1 instance x {ctx.hours_per_month} h",
        with_class=False,
        label_on_demand=False,
    )
    return _lines(ctx, spec)


def cache_node_lines(cluster: CacheCluster, layout: str, ctx: PricingContext) -> list[CostLine]:
    """Node hours: on-demand, or reserved nodes with the rest on-demand."""
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
        label_on_demand=False,
    )
    return _lines(ctx, spec)


def _lines(ctx: PricingContext, spec: InstanceSpec) -> list[CostLine]:
    lines, uses = price_instances(ctx, spec)
    # a segment with no instance running (stopped) bills no on-demand line
    return lines + on_demand_lines(ctx, [u for u in uses if u.instances])


def rds_extended_support_lines(
    db: RDSInstance, topology: Topology, ctx: PricingContext
) -> list[CostLine]:
    """RDS Extended Support: a charge per vCPU-hour of every instance (the Multi-AZ standby
    too) while its engine major version is past standard support, on ``as_of`` or, when a
    period is priced, for the days of the period inside Extended Support."""
    cal = rds_extended(db.engine, db.engine_version or "")
    vcpus = rds_vcpus().get(db.instance_class)
    if cal is None or vcpus is None:
        return []
    start = cal.extended_support_start
    pieces: list[tuple[dt.date, dt.date | None, Decimal]]
    if ctx.period is None:
        day = topology.as_of
        pieces = [(day, None, Decimal(1))] if start <= day <= cal.extended_support_end else []
    else:
        first, end = ctx.period
        days = Decimal((end - first).days)
        a, b = max(first, start), min(end, cal.extended_support_end + dt.timedelta(days=1))
        pieces = [(a, b, Decimal((b - a).days) / days)] if a < b else []
    instances = 2 if db.multi_az else 1
    running = sum(
        (
            s.hours_in(ctx.hours_per_month) * Decimal(s.instances)
            for s in on_calendar(
                rds_segments(topology.schedule), topology.schedule, ctx.calendar_period
            )
        ),
        Decimal(0),
    )
    lines: list[CostLine] = []
    for since, until, share in pieces:
        year3 = since >= cal.year3_start
        rate = cal.usd_per_vcpu_hour_year3 if year3 else cal.usd_per_vcpu_hour_year1_2
        quantity = running * share * vcpus * instances
        when = (
            f"on {since.isoformat()}"
            if until is None
            else (f"from {since.isoformat()} to {(until - dt.timedelta(days=1)).isoformat()}")
        )
        lines.append(
            CostLine(
                resource=f"rds/{db.name}",
                service="AmazonRDS",
                component=f"RDS Extended Support ({db.engine} {cal.major_version}, year "
                f"{'3' if year3 else '1-2'})",
                quantity=quantity,
                unit="vCPU-Hrs",
                unit_price_usd=rate,
                monthly_usd=quantity * rate,
                purchase_option="OnDemand",
                price_source=f"{rate} USD per vCPU-hour ({RDS_SOURCE}; planner/data/support/"
                "rds_extended_support.csv)",
                price_basis="list",
                quantity_basis=Basis.STATED.value,
                quantity_note=f"{db.engine} {db.engine_version} is past standard support "
                f"({cal.standard_support_end.isoformat()}) {when}: {vcpus} vCPUs x {instances} "
                f"instance(s) x the instance's running hours",
            )
        )
    return lines
