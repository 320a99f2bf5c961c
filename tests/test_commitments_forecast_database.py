"""A reserved database in the forecast: its reservation bills for the 12 months of its term,
then the instance is on-demand again (``revert``, the default), or bought again (``renew``).

staging (as_of 2025-11-11): 815.77 a month, of which the database instance 730 x 0.072 =
52.56 on-demand (tests/test_one_money.py). Reserved 1 year No Upfront at an effective
0.05 $/h (a user rate card: a TEST FIXTURE, the snapshot has no RDS reserved rate):
730 x 0.05 = 36.50, so 815.77 - 52.56 + 36.50 = 799.71 a month during the term.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from planner.catalog import ON_DEMAND, PriceCatalog, PriceRow, Term, default_catalog
from planner.commitments.forecast import forecast_scenario
from planner.scenario import Scenario, load_scenario
from planner.topology import Purchase, RateCard

D = Decimal
RESERVED = D("799.71")
STAGING = D("815.77")
KEY = "rds/postgres reserved 1yr"


@pytest.fixture(scope="module")
def reserved_db() -> Scenario:
    staging = load_scenario("staging")
    card = RateCard(source="test fixture", effective_hourly_usd=D("0.05"))
    buy = Purchase(type="reserved", term="1yr", payment="no_upfront", count=1, rate_card=card)
    rds = tuple(d.model_copy(update={"purchase": buy}) for d in staging.topology.rds)
    topology = staging.topology.model_copy(update={"rds": rds})
    return type(staging)(topology=topology, path=staging.path, chain=staging.chain)


def test_a_reserved_database_reverts_after_its_term(reserved_db: Scenario) -> None:
    series = forecast_scenario(reserved_db, default_catalog(), months=13)
    # 2025-11 .. 2026-10 are the term's 12 months; 2026-11 is on-demand again
    assert [m.amortised_usd for m in series[:12]] == [RESERVED] * 12
    assert series[11].month == dt.date(2026, 10, 1) and series[11].active_commitments == [KEY]
    assert series[12].amortised_usd == STAGING and series[12].active_commitments == []
    # the reservation's line is the month's committed share: 36.50
    assert series[0].committed_usd == D("36.50")
    assert series[12].committed_usd == 0


def test_a_renewed_database_reservation_keeps_billing(reserved_db: Scenario) -> None:
    series = forecast_scenario(reserved_db, default_catalog(), months=13, at_expiry="renew")
    assert series[12].amortised_usd == RESERVED
    assert series[12].active_commitments == [f"{KEY} (renewed)"]


class DearerNodes(PriceCatalog):
    """The bundled snapshot, the t3.medium on-demand rate doubled (a TEST FIXTURE)."""

    def __init__(self) -> None:
        super().__init__(default_catalog().directory)

    def find(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND
    ) -> PriceRow | None:
        row = super().find(service, region, product, term)
        if row is not None and product == "instance/t3.medium" and term == ON_DEMAND:
            return dataclasses.replace(row, usd=row.usd * 2)
        return row


def test_the_forecast_prices_with_the_given_catalog() -> None:
    # the t3.medium on-demand rate doubled (0.0832 $/h): staging's general group 2 x 730 x
    # 0.0832 = 121.472 -> 121.47 instead of 60.74: 815.77 - 60.74 + 121.47 = 876.50
    (month,) = forecast_scenario(load_scenario("staging"), DearerNodes(), months=1)
    assert month.amortised_usd == D("876.50")


def test_an_addition_after_the_last_month_changes_nothing() -> None:
    staging = load_scenario("staging")
    # production added from month 4 of a 3-month forecast: never in it
    series = forecast_scenario(
        staging, default_catalog(), months=3, additions=[(4, load_scenario("production"))]
    )
    assert [m.scenario for m in series] == ["staging"] * 3
    assert [m.amortised_usd for m in series] == [STAGING] * 3


def test_an_addition_in_the_last_month_is_in_it() -> None:
    staging = load_scenario("staging")
    series = forecast_scenario(
        staging, default_catalog(), months=3, additions=[(3, load_scenario("production"))]
    )
    assert [m.scenario for m in series] == ["staging", "staging", "staging + production"]
    assert series[1].amortised_usd == STAGING < series[2].amortised_usd


def test_an_added_environment_renews_its_reservation_when_told() -> None:
    from pathlib import Path

    m5 = load_scenario(
        str(Path(__file__).resolve().parents[1] / "scenarios/commitments/staging-m5-reserved.yaml")
    )
    series = forecast_scenario(
        load_scenario("staging"), default_catalog(), months=13, additions=[(1, m5)],
        at_expiry="renew",
    )  # fmt: skip
    # the added environment's 1-year reservation (bought 2025-11) renews in 2026-11, month 13
    assert series[12].active_commitments == [
        "staging-m5-reserved: eks-node-group/general reserved 1yr (renewed)"
    ]
    assert series[12].upfront_paid_usd == 504  # 2 x 252 again
