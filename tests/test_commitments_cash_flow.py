"""Cash flow, break-even and risk levels, by hand at their boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.commitments.model import Option, break_even, cash_flow, risk_level
from planner.topology import Purchase

D = Decimal


@pytest.mark.parametrize(
    ("on_demand", "month"),
    [
        # 100 up front, nothing after: month 2 pays 100 against 2 x 50 = 100 on-demand, a tie,
        # which is the break-even (cumulative cash at most on-demand's)
        (D("50"), 2),
        (D("50.01"), 2),  # 100 <= 100.02
        (D("49.99"), 3),  # 100 > 99.98 in month 2; 100 <= 149.97 in month 3
        (D("100"), 1),  # a tie in month 1
    ],
)
def test_break_even_at_a_tie_and_either_side(on_demand: Decimal, month: int) -> None:
    assert break_even(cash_flow(D(100), D(0)), on_demand) == month


def test_break_even_never_within_the_months() -> None:
    # 36 months of on-demand at 2.77 is 99.72 < 100: never
    assert break_even(cash_flow(D(100), D(0)), D("2.77")) is None
    # 36 x 2.78 = 100.08 >= 100: month 36
    assert break_even(cash_flow(D(100), D(0)), D("2.78")) == 36


def test_cash_flow_without_a_term() -> None:
    # on-demand or spot: no upfront beyond month 1's, the recurring every month
    assert cash_flow(D(5), D(10), months=3) == [D(15), D(25), D(35)]


def test_cash_flow_of_a_term_that_reverts_or_renews() -> None:
    # a 2-month term, fee 30, recurring 1; reverts to 20 a month, or renews (fee again in
    # months 3 and 5, the start of each new term)
    reverted = cash_flow(D(30), D(1), months=5, term_months=2, after_monthly=D(20))
    assert reverted == [D(31), D(32), D(52), D(72), D(92)]
    renewed = cash_flow(D(30), D(1), months=5, term_months=2, renew=True)
    assert renewed == [D(31), D(32), D(63), D(64), D(95)]


def test_cash_flow_is_36_months_unless_told() -> None:
    flow = cash_flow(D(0), D(1))
    assert len(flow) == 36 and flow[-1] == 36


@given(
    upfront=st.integers(0, 5000),
    recurring=st.integers(0, 500),
    term=st.sampled_from([12, 36]),
    after=st.integers(0, 500),
)
def test_a_reverting_term_pays_the_fee_once(
    upfront: int, recurring: int, term: int, after: int
) -> None:
    flow = cash_flow(D(upfront), D(recurring), term_months=term, after_monthly=D(after))
    # by hand: the fee once, the recurring for the term, on-demand for the rest of 36 months
    assert flow[35] == upfront + term * recurring + (36 - term) * after
    assert flow[term - 1] == upfront + term * recurring


@pytest.mark.parametrize(
    ("purchase", "risk"),
    [
        (Purchase(type="on_demand"), "none"),
        (Purchase(type="spot"), "medium"),
        (Purchase(type="reserved", term="1yr", payment="no_upfront"), "low"),
        (Purchase(type="reserved", term="1yr", payment="partial_upfront"), "medium"),
        (Purchase(type="reserved", term="1yr", payment="all_upfront"), "medium"),
        (Purchase(type="reserved", term="3yr", payment="no_upfront"), "medium"),
        (Purchase(type="reserved", term="3yr", payment="partial_upfront"), "high"),
        (Purchase(type="reserved", term="3yr", payment="all_upfront"), "high"),
    ],
)
def test_risk_levels(purchase: Purchase, risk: str) -> None:
    # the rule: none on-demand; low 1yr No Upfront; medium 1yr Partial/All Upfront, 3yr No
    # Upfront and spot; high 3yr Partial/All Upfront
    assert risk_level(purchase) == risk


def _option(monthly: str, on_demand: str, current: str | None) -> Option:
    return Option(
        name="x",
        resource="r",
        purchase={},
        upfront_usd=D(0),
        monthly_usd=D(monthly),
        recurring_monthly_usd=D(monthly),
        on_demand_monthly_usd=D(on_demand),
        break_even_month=None,
        risk="none",
        monthly_usd_at_min=D(monthly),
        unused_commitment_monthly_usd_at_min=D(0),
        current_monthly_usd=None if current is None else D(current),
    )


def test_savings_are_against_todays_purchase() -> None:
    # today 80 (e.g. spot), on-demand 140.16, the option 60: saves 20 (25%) against today,
    # 80.16 against on-demand
    o = _option("60", "140.16", "80")
    assert o.baseline_usd == 80
    assert o.savings_monthly_usd == 20
    assert o.savings_pct == 25
    assert o.savings_vs_on_demand_usd == D("80.16")
    # no current figure: measured against on-demand, 140.16 - 60 = 80.16 (57.19...%)
    bare = _option("60", "140.16", None)
    assert bare.baseline_usd == D("140.16") and bare.savings_monthly_usd == D("80.16")
    # nothing paid today: no percentage (not a division by zero)
    assert _option("0", "0", "0").savings_pct == 0
