"""Amazon ECR: image storage per GB-month."""

from __future__ import annotations

from planner.costing.context import PricingContext, amount_note
from planner.costing.lines import CostLine
from planner.topology import Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    ecr = topology.ecr
    if ecr is None:
        return []
    return [
        ctx.line(
            resource="ecr",
            service="AmazonECR",
            component="Image storage",
            quantity=ecr.storage_gb.value,
            unit="GB-Mo",
            product="storage/gb",
            quantity_basis=ecr.storage_gb.basis,
            quantity_note=amount_note(ecr.storage_gb, f"{ecr.storage_gb.value} GB"),
            what="ECR storage",
        )
    ]
