"""Amazon S3 Standard storage."""

from __future__ import annotations

from planner.costing.context import PricingContext, amount_note
from planner.costing.lines import CostLine
from planner.topology import Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    s3 = topology.s3
    if s3 is None:
        return []
    return [
        ctx.line(
            resource="s3",
            service="AmazonS3",
            component="S3 Standard storage",
            quantity=s3.storage_gb.value,
            unit="GB-Mo",
            product="storage/standard",
            quantity_basis=s3.storage_gb.basis,
            quantity_note=amount_note(s3.storage_gb, f"{s3.storage_gb.value} GB"),
            what="S3 Standard storage",
        )
    ]
