"""A Savings Plan in the forecast: it bills from its own ``start`` for its term, its upfront
fee paid in that month.

staging (as_of 2025-11-11) priced as is: 815.77 a month (tests/test_one_money.py), of which the
general group's 2 t3.medium on-demand are 2 x 730 x 0.0416 = 60.736 -> 60.74. A compute plan
committing 0.06 $/h at a plan rate of 0.03 $/h for t3.medium (a user rate card: a TEST
FIXTURE, not a price) covers both nodes every hour (2 x 0.03 = 0.06): the month is then
815.77 - 60.74 + the plan's 0.06 x 730 = 43.80 = 798.83.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from planner.catalog import default_catalog
from planner.commitments.forecast import forecast_scenario
from planner.scenario import Scenario, load_scenario
from planner.topology import SavingsPlan

D = Decimal
STAGING = D("815.77")
COVERED = D("798.83")  # 815.77 - 60.74 + 43.80
KEY = "savings-plan/1-compute-1yr"


def _with_plan(payment: str, start: dt.date | None) -> Scenario:
    staging = load_scenario("staging")
    plan = SavingsPlan(
        type="compute",
        term="1yr",
        payment=payment,
        commitment_usd_per_hour=D("0.06"),
        start=start,
        rate_card={"t3.medium": D("0.03")},
        rate_card_source="test fixture",
    )
    topology = staging.topology.model_copy(update={"savings_plans": (plan,)})
    return type(staging)(topology=topology, path=staging.path, chain=staging.chain)


def test_a_plan_bills_from_its_own_start() -> None:
    # bought 2026-01-15: active from January 2026 (month 3 of a forecast from 2025-11)
    scenario = _with_plan("no_upfront", dt.date(2026, 1, 15))
    series = forecast_scenario(scenario, default_catalog(), months=4)
    assert [m.month for m in series] == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert [m.amortised_usd for m in series] == [STAGING, STAGING, COVERED, COVERED]
    assert [KEY in m.active_commitments for m in series] == [False, False, True, True]
    # No Upfront: cash is the amortised month, nothing paid up front
    assert [m.cash_usd for m in series] == [STAGING, STAGING, COVERED, COVERED]


def test_a_plan_without_a_start_bills_from_as_of() -> None:
    series = forecast_scenario(_with_plan("no_upfront", None), default_catalog(), months=2)
    assert [m.amortised_usd for m in series] == [COVERED, COVERED]


def test_an_all_upfront_plan_pays_its_year_in_its_start_month() -> None:
    # 0.06 $/h for the year's 8,760 hours: 525.60 up front in 2026-01. Amortised, each month
    # of the term is 798.83 (525.60 / 12 = 43.80 a month); in cash the plan's 43.80 is not
    # paid again: 798.83 - 43.80 = 755.03, and 755.03 + 525.60 = 1,280.63 in 2026-01. The
    # term ends after 2026-12; 2027-01 (month 15 from 2025-11) is staging again
    scenario = _with_plan("all_upfront", dt.date(2026, 1, 1))
    series = forecast_scenario(scenario, default_catalog(), months=15)
    assert series[1].cash_usd == STAGING and series[1].upfront_paid_usd == 0
    assert series[2].upfront_paid_usd == D("525.60")
    assert series[2].cash_usd == D("1280.63")
    assert series[3].cash_usd == D("755.03")
    assert series[13].month == dt.date(2026, 12, 1) and series[13].amortised_usd == COVERED
    assert series[14].amortised_usd == STAGING == series[14].cash_usd
