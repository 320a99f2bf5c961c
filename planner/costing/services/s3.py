"""Amazon S3 Standard storage, priced by AWS's monthly volume tiers.

S3 Standard storage is billed in tiers of the month's volume: the first 50 TB, the next
450 TB, and everything over 500 TB, each at its own rate (AWS S3 pricing page; the Price
List's ``beginRange``/``endRange`` of 51,200 and 512,000 GB). Up to 50 TB this is one line at
the first tier's rate; above it, one line per tier. A tier whose rate the snapshot lacks is
a missing price (an error, or with ``--allow-missing`` a flagged line kept out of the
total), never the first tier's rate.
"""

from __future__ import annotations

from decimal import Decimal

from planner.costing.context import PricingContext, amount_note
from planner.costing.lines import CostLine
from planner.topology import Topology

# (product in the snapshot, label, upper end of the tier in GB or None)
TIERS: tuple[tuple[str, str, Decimal | None], ...] = (
    ("storage/standard", "first 50 TB", Decimal(51_200)),
    ("storage/standard/next-450tb", "next 450 TB", Decimal(512_000)),
    ("storage/standard/over-500tb", "over 500 TB", None),
)


def tiers(storage_gb: Decimal) -> list[tuple[str, str, Decimal]]:
    """(product, label, GB billed in the tier) for each tier the volume reaches."""
    out: list[tuple[str, str, Decimal]] = []
    start = Decimal(0)
    for product, label, end in TIERS:
        if storage_gb <= start and out:
            break
        top = storage_gb if end is None else min(storage_gb, end)
        out.append((product, label, top - start))
        if end is None or storage_gb <= end:
            break
        start = end
    return out


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    s3 = topology.s3
    if s3 is None:
        return []
    total = s3.storage_gb.value
    parts = tiers(total)
    if len(parts) == 1:
        return [
            ctx.line(
                resource="s3",
                service="AmazonS3",
                component="S3 Standard storage",
                quantity=total,
                unit="GB-Mo",
                product="storage/standard",
                quantity_basis=s3.storage_gb.basis,
                quantity_note=amount_note(s3.storage_gb, f"{total} GB"),
                what="S3 Standard storage",
            )
        ]
    return [
        ctx.line(
            resource="s3",
            service="AmazonS3",
            component=f"S3 Standard storage, {label}",
            quantity=quantity,
            unit="GB-Mo",
            product=product,
            quantity_basis=s3.storage_gb.basis,
            quantity_note=amount_note(s3.storage_gb, f"{quantity} of {total} GB ({label})"),
            what=f"S3 Standard storage ({label} tier)",
        )
        for product, label, quantity in parts
    ]
