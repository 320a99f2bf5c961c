"""The scenario's ``discounts:`` block: what the customer's agreements take off the list prices.

Three kinds, each priced as its own cost line with its basis (``planner.costing.discounts``),
never folded into a list price:

- ``enterprise``: an enterprise discount (EDP) of ``percent`` on the listed AWS services.
- ``private_rates``: negotiated rates for single price rows (service, product, term), given
  inline or read from a CSV rate card (``rate_card:``, columns ``service, product, term, usd,
  source`` and optionally ``region``), relative to the scenario file.
- ``credits``: promotional credits of ``usd_per_month`` against the bill.

Example::

    discounts:
      enterprise: {percent: 7, services: [AmazonEC2, AmazonRDS], source: "EDP 2025, s.4"}
      rate_card: rates/private-pricing.csv
      credits: {usd_per_month: 50, source: "AWS Activate credits, to 2026-06"}
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from planner.catalog import SERVICES

TERM_KINDS = ("OnDemand", "Reserved", "SavingsPlan", "Spot")


def _service(code: str) -> str:
    if code not in SERVICES:
        raise ValueError(
            f"{code!r} is not an AWS service code planner prices; one of: " + ", ".join(SERVICES)
        )
    return code


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty: say where the figure comes from")
    return value


def _term(value: str) -> str:
    if value.split(" ", 1)[0] not in TERM_KINDS:
        raise ValueError(
            f"{value!r} is not a term; expected OnDemand, Spot or a reserved / Savings Plan "
            "label as the catalog prints it (e.g. 'Reserved 1yr standard No Upfront')"
        )
    return value


ServiceCode = Annotated[str, AfterValidator(_service)]
Source = Annotated[str, AfterValidator(_text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=10_000)


class EnterpriseDiscount(_Model):
    percent: Decimal = Field(gt=0, lt=100, allow_inf_nan=False)
    services: tuple[ServiceCode, ...] = Field(min_length=1)
    source: Source


class PrivateRate(_Model):
    service: ServiceCode
    product: Annotated[str, AfterValidator(_text)]
    term: Annotated[str, AfterValidator(_term)] = "OnDemand"
    usd: Decimal = Field(ge=0, le=Decimal(10**7), allow_inf_nan=False)
    region: str = ""
    """"" = every region."""
    source: Source
    where: str = ""
    """Where the rate was read (``rates.csv line 3``); set by the loader for a rate card."""


class Credits(_Model):
    usd_per_month: Decimal = Field(gt=0, le=Decimal(10**9), allow_inf_nan=False)
    source: Source


class Discounts(_Model):
    enterprise: EnterpriseDiscount | None = None
    rate_card: str | None = None
    """A CSV rate card relative to the scenario file; the loader adds its rows to
    ``private_rates``."""
    private_rates: tuple[PrivateRate, ...] = Field(default=(), max_length=100_000)
    credits: Credits | None = None
