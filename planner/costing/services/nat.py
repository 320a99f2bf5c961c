"""NAT gateways (billed under AmazonEC2): gateway hours plus GB processed."""

from __future__ import annotations

from planner.costing.context import PricingContext, amount_note
from planner.costing.lines import CostLine
from planner.topology import Basis, Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    nat = topology.nat_gateways
    if nat is None or nat.count == 0:
        return []
    processed = nat.data_processed_gb
    return [
        ctx.line(
            resource="nat-gateways",
            service="AmazonEC2",
            component="NAT gateway hours",
            quantity=ctx.hours_per_month * nat.count,
            unit="Hrs",
            product="nat/hours",
            quantity_basis=Basis.STATED,
            quantity_note=f"{nat.count} gateways x {ctx.hours_per_month} h",
            what="NAT gateway hours",
            driver="fixed",
        ),
        ctx.line(
            resource="nat-gateways",
            service="AmazonEC2",
            component="NAT gateway data processed",
            quantity=processed.value,
            unit="GB",
            product="nat/gb",
            quantity_basis=processed.basis,
            quantity_note=amount_note(processed, f"{processed.value} GB/month, all gateways"),
            what="NAT gateway data processed",
        ),
    ]
