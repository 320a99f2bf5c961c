"""EC2 instances and EBS root volumes of EKS node groups (on-demand or spot)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from planner.catalog import PriceRow, Term
from planner.costing.context import PricingContext, missing_line, priced_line
from planner.costing.lines import CostLine, PriceBasis
from planner.topology import Basis, CapacityType, NodeGroup, Topology

HUNDRED = Decimal(100)
SPOT = Term("Spot")


def node_count(group: NodeGroup, ctx: PricingContext) -> tuple[int, str, str]:
    """Nodes to price, with basis and note: the capacity result if given, else desired_size."""
    if ctx.node_counts is not None and group.name in ctx.node_counts:
        return ctx.node_counts[group.name], ctx.node_count_basis, ctx.node_count_note
    return group.desired_size, "stated", "desired_size"


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    if topology.eks is None:
        return []
    from planner.costing.node_groups import needs_commitments, price_node_groups

    if needs_commitments(topology):  # purchase blocks, a schedule or Savings Plans
        return price_node_groups(topology, ctx)
    lines: list[CostLine] = []
    for group in topology.eks.node_groups:
        group_lines: list[CostLine] = []
        nodes, basis, how = node_count(group, ctx)
        resource = f"eks-node-group/{group.name}"
        hours = ctx.hours_per_month * nodes
        note = f"{nodes} nodes ({how}) x {ctx.hours_per_month} h"
        group_lines.append(_instance_line(group, ctx, resource, hours, basis, note))
        disk = group.disk_gb
        disk_basis = Basis.ASSUMPTION if disk.basis is Basis.ASSUMPTION else basis
        group_lines.append(
            ctx.line(
                resource=resource,
                service="AmazonEC2",
                component=f"EBS root volume ({group.disk_type})",
                quantity=disk.value * nodes,
                unit="GB-Mo",
                product=f"ebs/{group.disk_type}",
                quantity_basis=disk_basis,
                quantity_note=f"{nodes} nodes x {disk.value} GB"
                + (f" ({disk.note})" if disk.note else ""),
                what=f"EBS {group.disk_type}",
            )
        )
        lines.extend(replace(ln, node_group=group.name) for ln in group_lines)
    return lines


def _instance_line(
    group: NodeGroup, ctx: PricingContext, resource: str, hours: Decimal, basis: str, note: str
) -> CostLine:
    component = f"Instance usage (Linux, {group.instance_type}"
    if group.capacity_type is CapacityType.ON_DEMAND:
        return ctx.line(
            resource=resource,
            service="AmazonEC2",
            component=component + ", on-demand)",
            quantity=hours,
            unit="Hrs",
            product=f"instance/{group.instance_type}",
            quantity_basis=basis,
            quantity_note=note,
            what=group.instance_type,
        )

    # Spot: a spot median from DescribeSpotPriceHistory (planner prices refresh --spot) where
    # the snapshot has one; otherwise the on-demand list price less the scenario's stated or
    # assumed discount, marked as such.
    def spot_line(
        row: PriceRow, source: str, price_basis: PriceBasis, unit_price: Decimal | None = None
    ) -> CostLine:
        return priced_line(
            resource,
            "AmazonEC2",
            component + ", spot)",
            hours,
            "Hrs",
            row,
            "Spot",
            basis,
            note,
            unit_price=unit_price,
            price_source=source,
            price_basis=price_basis,
        )

    spot = ctx.catalog.find("AmazonEC2", ctx.region, f"instance/{group.instance_type}", SPOT)
    if spot is not None:
        return spot_line(spot, f"spot median (market price, varies) {spot.provenance}", "derived")
    discount = group.spot_discount_pct
    assert discount is not None  # the model requires it for SPOT
    row = ctx.row("AmazonEC2", f"instance/{group.instance_type}", Term(), what=group.instance_type)
    if row is None:
        # ctx.row already warned; ctx.line would look it up and warn a second time
        product = f"instance/{group.instance_type}"
        reason = ctx.catalog.explain_missing(
            "AmazonEC2", ctx.region, product, Term(), group.instance_type
        )
        return missing_line(
            resource, "AmazonEC2", component + ", spot)", hours, "Hrs", "Spot", basis, note, reason
        )
    unit_price = row.usd * (HUNDRED - discount.value) / HUNDRED
    why = discount.note or discount.source or discount.basis.value
    source = (
        f"{discount.basis.value}: {discount.value}% off on-demand ({why}); on-demand "
        f"{row.usd}/h from {row.provenance}"
    )
    return spot_line(
        row, source, "assumption" if discount.basis is Basis.ASSUMPTION else "derived", unit_price
    )
