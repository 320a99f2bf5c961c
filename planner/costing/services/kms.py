"""AWS KMS: customer managed keys per month and requests per 10,000."""

from __future__ import annotations

from planner.costing.context import PricingContext, amount_note
from planner.costing.lines import CostLine
from planner.topology import Topology


def price(topology: Topology, ctx: PricingContext) -> list[CostLine]:
    kms = topology.kms
    if kms is None:
        return []
    return [
        ctx.line(
            resource="kms",
            service="awskms",
            component="Customer managed keys",
            quantity=kms.keys.value,
            unit="Keys-Mo",
            product="key/month",
            quantity_basis=kms.keys.basis,
            quantity_note=amount_note(kms.keys, f"{kms.keys.value} keys"),
            what="KMS key",
            driver="fixed",
        ),
        ctx.line(
            resource="kms",
            service="awskms",
            component="Requests",
            quantity=kms.requests_10k.value,
            unit="10k requests",
            product="requests/10k",
            quantity_basis=kms.requests_10k.basis,
            quantity_note=amount_note(kms.requests_10k, f"{kms.requests_10k.value} x 10k"),
            what="KMS requests",
        ),
    ]
