"""The cost line: the one interchange record everything downstream reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Literal

# "contract": a term of the customer's agreement (private rate, enterprise discount, credits),
# priced on discount lines of its own (planner.costing.discounts), never a list price.
PriceBasis = Literal["list", "derived", "assumption", "missing", "contract"]
Driver = Literal["fixed", "nodes", "load", "commitment"]
"""What makes a line's cost move: ``fixed`` a fee per resource that no load changes (the EKS
control plane, NAT gateway and load balancer hours, KMS keys); ``nodes`` node-group hours and
their root volumes; ``commitment`` reservations and Savings Plan commitments (fixed for their
term); ``load`` everything that follows the workload (databases, caches, brokers, storage,
traffic, requests). Growth in a forecast applies to ``nodes`` and ``load`` only."""


@dataclass(frozen=True, slots=True)
class CostLine:
    """One priced quantity: ``monthly_usd = quantity x unit_price_usd`` exactly.

    A line whose price is missing has ``unit_price_usd`` and ``monthly_usd`` of ``None`` and
    ``missing=True``; it is reported and kept out of every total, never priced as $0.
    """

    resource: str
    service: str
    component: str
    quantity: Decimal
    unit: str
    unit_price_usd: Decimal | None
    monthly_usd: Decimal | None
    purchase_option: str
    price_source: str
    price_basis: PriceBasis
    quantity_basis: str
    quantity_note: str
    price_ref: str = ""
    missing: bool = False
    node_group: str = ""
    """The EKS node group this line's cost scales with ("" for every other line)."""
    driver: Driver = "load"
    """What makes this line's cost move (see :data:`Driver`)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
