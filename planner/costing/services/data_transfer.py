"""Data transfer: out to the internet in volume tiers, and across AZs in both directions."""

from __future__ import annotations

from decimal import Decimal

from planner.costing.context import PricingContext, amount_note
from planner.costing.lines import CostLine
from planner.topology import Topology

TB = Decimal(1024)
# (product, GB in the tier) in order; the last tier is unbounded.
INTERNET_TIERS: tuple[tuple[str, Decimal | None], ...] = (
    ("internet-out/first-10tb", 10 * TB),
    ("internet-out/next-40tb", 40 * TB),
    ("internet-out/next-100tb", 100 * TB),
    ("internet-out/over-150tb", None),
)


def split_tiers(total_gb: Decimal) -> list[tuple[str, Decimal]]:
    out: list[tuple[str, Decimal]] = []
    remaining = total_gb
    for product, size in INTERNET_TIERS:
        if remaining <= 0:
            break
        used = remaining if size is None else min(remaining, size)
        out.append((product, used))
        remaining -= used
    return out


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    dt = topology.data_transfer
    if dt is None:
        return []
    lines: list[CostLine] = []
    egress = dt.internet_egress_gb
    for product, gb in split_tiers(egress.value):
        tier = product.split("/")[1]
        lines.append(
            ctx.line(
                resource="data-transfer",
                service="AWSDataTransfer",
                component=f"Data transfer out to the internet ({tier})",
                quantity=gb,
                unit="GB",
                product=product,
                quantity_basis=egress.basis,
                quantity_note=amount_note(
                    egress,
                    f"{gb} of {egress.value} GB/month; AWS's account-wide 100 GB/month "
                    "free allowance is not applied",
                ),
                what=f"data transfer out ({tier})",
            )
        )
    cross = dt.inter_az_gb
    if cross.value > 0:
        lines.append(
            ctx.line(
                resource="data-transfer",
                service="AWSDataTransfer",
                component="Inter-AZ data transfer (billed out and in)",
                quantity=cross.value * 2,
                unit="GB",
                product="intra-region",
                quantity_basis=cross.basis,
                quantity_note=amount_note(cross, f"{cross.value} GB x 2 directions"),
                what="inter-AZ data transfer",
            )
        )
    return lines
