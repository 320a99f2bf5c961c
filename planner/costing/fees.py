"""Upfront fees: cash on day one, reported apart from the monthly (amortised) figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class UpfrontFee:
    """An upfront payment for a commitment; ``upfront_usd`` is None when it is unknown."""

    resource: str
    component: str
    instances: int
    upfront_per_instance_usd: Decimal | None
    term: str
    payment: str
    source: str
    note: str = ""
    start: dt.date | None = None

    @property
    def upfront_usd(self) -> Decimal | None:
        if self.upfront_per_instance_usd is None:
            return None
        return self.upfront_per_instance_usd * self.instances
