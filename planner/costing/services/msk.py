"""Amazon MSK (provisioned): broker hours and broker storage."""

from __future__ import annotations

from planner.costing.context import PricingContext
from planner.costing.lines import CostLine
from planner.topology import Basis, Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    lines: list[CostLine] = []
    for cluster in topology.msk:
        resource = f"msk/{cluster.name}"
        lines.append(
            ctx.line(
                resource=resource,
                service="AmazonMSK",
                component=f"Broker instances ({cluster.broker_type})",
                quantity=ctx.hours_per_month * cluster.brokers,
                unit="Hrs",
                product=f"broker/{cluster.broker_type}",
                quantity_basis=Basis.STATED,
                quantity_note=f"{cluster.brokers} brokers x {ctx.hours_per_month} h",
                what=cluster.broker_type,
            )
        )
        per_broker = cluster.storage_gb_per_broker
        lines.append(
            ctx.line(
                resource=resource,
                service="AmazonMSK",
                component="Broker storage",
                quantity=per_broker.value * cluster.brokers,
                unit="GB-Mo",
                product="storage/gb",
                quantity_basis=per_broker.basis,
                quantity_note=f"{cluster.brokers} brokers x {per_broker.value} GB",
                what="MSK broker storage",
            )
        )
    return lines
