"""The discount rules of planner.costing.discounts, called directly and worked by hand.

- Credits: ``usd_per_month`` against the bill after the other discounts, never more than that
  bill (a bill does not go below zero); "capped" only when less than the credits is used.
- A private rate for the scenario's region wins over one for every region.
- A private rate for a reserved term applies to the lines priced from that reserved row.

Prices (the bundled snapshot, us-east-1): t3.medium on-demand 0.0416 $/h; m5.large 1yr
standard No Upfront reserved 0.06 $/h (AWS GetProducts record 2021-02-05).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from topologies import one_group

from planner.catalog import default_catalog
from planner.costing.discounts import applied, credit_lines, discount_lines
from planner.costing.engine import price_topology
from planner.discount_terms import Credits, Discounts, PrivateRate

D = Decimal
KEY = ("AmazonEC2", "instance/t3.medium", "OnDemand")


def _credits(usd: str) -> Discounts:
    return Discounts(credits=Credits(usd_per_month=D(usd), source="promo"))


@pytest.mark.parametrize(
    ("bill", "used", "capped"),
    [
        ("50.01", "50", False),  # more bill than credits: all 50 used
        ("50", "50", False),  # exactly the credits: all used, not capped
        ("49.99", "49.99", True),  # less bill: only the bill, capped
        ("0", "0", True),
        ("-5", "0", True),  # a bill already below zero takes no credit
    ],
)
def test_credits_are_capped_at_the_bill(bill: str, used: str, capped: bool) -> None:
    ap = applied(_credits("50"), default_catalog(), "us-east-1")
    assert ap is not None
    (line,) = credit_lines(D(bill), ap)
    assert (line.service, line.quantity, line.unit) == ("Credits", D(1), "month")
    assert (line.unit_price_usd, line.monthly_usd) == (-D(used), -D(used))
    assert line.price_basis == "contract"
    assert line.component == "Credits $50 a month" + (" (capped)" if capped else "")
    if capped:
        assert line.quantity_note == (
            f"per month; capped at the bill after discounts (${D(bill):,.2f}) of the $50 available"
        )
    else:
        assert line.quantity_note == "per month"


def test_no_credits_no_line() -> None:
    ap = applied(Discounts(), default_catalog(), "us-east-1")
    assert ap is not None and credit_lines(D(100), ap) == []
    assert applied(None, default_catalog(), "us-east-1") is None


def _rate(usd: str, region: str = "", term: str = "OnDemand", product: str = KEY[1]) -> PrivateRate:
    return PrivateRate(
        service="AmazonEC2", product=product, term=term, usd=D(usd), region=region, source="card"
    )


@pytest.mark.parametrize("regional_first", [True, False])
def test_a_rate_for_the_region_wins_over_one_for_every_region(regional_first: bool) -> None:
    rates = [_rate("0.035", "us-east-1"), _rate("0.03")]
    if not regional_first:
        rates.reverse()
    ap = applied(Discounts(private_rates=tuple(rates)), default_catalog(), "us-east-1")
    assert ap is not None
    assert ap.rates[KEY].usd == D("0.035")
    assert ap.list_prices[KEY] == D("0.0416")  # the row the rate replaces


def test_a_rate_for_another_region_is_left_out() -> None:
    terms = Discounts(private_rates=(_rate("0.035", "eu-west-1"), _rate("0.03")))
    ap = applied(terms, default_catalog(), "us-east-1")
    assert ap is not None and ap.rates[KEY].usd == D("0.03")
    only_other = applied(
        Discounts(private_rates=(_rate("0.035", "eu-west-1"),)), default_catalog(), "us-east-1"
    )
    assert only_other is not None and dict(only_other.rates) == {}


def test_a_private_rate_for_a_reserved_term() -> None:
    term = "Reserved 1yr standard No Upfront"
    topology = one_group(
        {
            "instance_type": "m5.large",
            "min_size": 2,
            "disk_gb": 0,
            "purchase": {"type": "reserved"},
        }
    )
    report = price_topology(topology, default_catalog())
    terms = Discounts(private_rates=(_rate("0.05", term=term, product="instance/m5.large"),))
    ap = applied(terms, default_catalog(), "us-east-1")
    assert ap is not None
    (line,) = discount_lines(report.lines, ap)
    # 2 reserved x 730 h = 1460 h x (0.05 - 0.06) = -14.60
    assert (line.quantity, line.unit_price_usd) == (D(1460), D("-0.01"))
    assert line.monthly_usd == D("-14.60")
    assert line.component == f"Private rate m5.large [{term}]: $0.05 (list $0.06)"
