"""The forecast across scenario switches: a replaced scenario's commitments bill to the end of
the term it bought, however many switches follow; a scenario switched to again buys anew.

Figures worked by hand (see tests/test_one_money.py for the lines):
- staging, as priced: 815.77 a month (the sum of its rounded lines).
- staging-m5-reserved: the general group as 2 x m5.large 1yr Standard Partial Upfront (252 up
  front + 0.029/h each, AWS GetProducts record 2021-02-05): recurring 2 x 730 x 0.029 = 42.34,
  the upfront's amortised share 2 x 252 / 12 = 42.00; 839.37 a month amortised, the fee
  2 x 252 = 504.00 paid in the month the term starts, so cash is 839.37 - 42.00 = 797.37 in
  the other months (1,301.37 in the first).
- A replaced m5 reservation still bills its 84.34 a month amortised (42.34 + 42.00), of which
  42.34 is cash (its fee was paid when it was bought).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from planner.catalog import default_catalog
from planner.commitments.forecast import forecast_scenario
from planner.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[1]
M5 = str(REPO / "scenarios" / "commitments" / "staging-m5-reserved.yaml")
D = Decimal

STAGING = D("815.77")
M5_MONTH = D("839.37")
M5_CASH = M5_MONTH - D("42.00")  # 797.37
FEE = 2 * D(252)  # 504
KEPT = D("42.34") + D("42.00")  # 84.34 amortised, still billed
KEPT_CASH = D("42.34")


@pytest.fixture(scope="module")
def staging() -> Scenario:
    return load_scenario("staging")


@pytest.fixture(scope="module")
def m5() -> Scenario:
    return load_scenario(M5)


def test_a_term_bought_at_a_switch_bills_to_its_end_when_that_scenario_is_replaced(
    staging: Scenario, m5: Scenario
) -> None:
    """staging (2025-11), m5 from month 3 (2026-01: its reservation is bought then, a 1-year
    term to 2026-12), staging again from month 5 (2026-03). The term bought in 2026-01 bills
    to 2026-12 (month 14), not to 2026-10 as if it had been bought at the m5 scenario's own
    as_of (2025-11): a product bug this test found and that is now fixed."""
    series = forecast_scenario(
        staging, default_catalog(), months=15, changes=[(3, m5), (5, staging)]
    )
    assert [f.month for f in (series[0], series[4], series[13], series[14])] == [
        dt.date(2025, 11, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]
    assert series[2].upfront_paid_usd == FEE  # bought at the switch, 2026-01
    assert series[2].cash_usd == M5_MONTH - D("42.00") + FEE  # 1,301.37
    for f in series[4:14]:  # 2026-03 .. 2026-12: staging plus the kept reservation
        assert f.scenario == "staging"
        assert f.amortised_usd == STAGING + KEPT == D("900.11"), f.month
        assert f.cash_usd == STAGING + KEPT_CASH == D("858.11"), f.month
        assert f.committed_usd == KEPT, f.month
        assert f.upfront_paid_usd == 0, f.month  # the fee is not paid again
        assert f.active_commitments == [
            "staging-m5-reserved: eks-node-group/general reserved 1yr (still billed)"
        ]
    # 2027-01: the 12 months 2026-01 .. 2026-12 are over
    assert series[14].amortised_usd == STAGING == series[14].cash_usd
    assert series[14].active_commitments == []
    # over the forecast the two views agree: the fee (504) is the 12 amortised shares (42.00)
    # 3 x 815.77 + 2 x 839.37 + 10 x 900.11 = 2,447.31 + 1,678.74 + 9,001.10 = 13,127.15;
    # cash: 3 x 815.77 + 1,301.37 + 797.37 + 10 x 858.11 = 2,447.31 + 2,098.74 + 8,581.10
    total = 3 * STAGING + 2 * M5_MONTH + 10 * D("900.11")
    assert total == D("13127.15")
    assert sum((f.amortised_usd for f in series), D(0)) == total
    assert sum((f.cash_usd for f in series), D(0)) == total


def test_a_scenario_switched_to_again_buys_its_reservation_again(
    staging: Scenario, m5: Scenario
) -> None:
    """m5 from 2025-11 (reservation bought then, to 2026-10), staging from month 3, m5 again
    from month 5 (2026-03). The second m5 buys a new term in 2026-03, paying 504 up front then
    (a product bug this test found: the fee of a term was taken as already paid because the
    same scenario had paid a fee of the same resource before); the first term is still
    billed to 2026-10 beside it."""
    series = forecast_scenario(m5, default_catalog(), months=13, changes=[(3, staging), (5, m5)])
    assert series[0].upfront_paid_usd == FEE and series[0].cash_usd == M5_CASH + FEE
    # months 3-4 (2026-01, 2026-02): staging plus the kept term
    assert series[2].amortised_usd == series[3].amortised_usd == STAGING + KEPT
    # month 5 (2026-03): the new term's fee, plus the kept term's recurring cash
    # amortised 839.37 + 84.34 = 923.71; cash 797.37 + 504 + 42.34 = 1,343.71
    assert series[4].upfront_paid_usd == FEE
    assert series[4].amortised_usd == M5_MONTH + KEPT == D("923.71")
    assert series[4].cash_usd == M5_CASH + FEE + KEPT_CASH == D("1343.71")
    assert series[5].upfront_paid_usd == 0
    assert series[5].cash_usd == M5_CASH + KEPT_CASH == D("839.71")
    # 2026-10 (month 12) is the first term's last month; 2026-11 only the new one
    assert series[11].amortised_usd == D("923.71")
    assert series[12].amortised_usd == M5_MONTH and series[12].cash_usd == M5_CASH
    assert series[12].active_commitments == ["eks-node-group/general reserved 1yr"]


def test_a_renewed_term_is_kept_to_its_own_end_when_replaced(
    staging: Scenario, m5: Scenario
) -> None:
    """Renewed at expiry: the m5 term 2025-11 .. 2026-10 is renewed in 2026-11 (504 again);
    staging replaces m5 from month 15 (2027-01), inside the second term, which is billed to
    its end, 2027-10 (month 24), and not renewed again."""
    series = forecast_scenario(
        m5, default_catalog(), months=25, changes=[(15, staging)], at_expiry="renew"
    )
    assert series[12].upfront_paid_usd == FEE  # 2026-11: the renewal
    assert series[12].active_commitments == ["eks-node-group/general reserved 1yr (renewed)"]
    assert series[13].upfront_paid_usd == 0
    for f in series[14:24]:  # 2027-01 .. 2027-10
        assert f.amortised_usd == STAGING + KEPT, f.month
        assert f.cash_usd == STAGING + KEPT_CASH, f.month
    assert series[23].month == dt.date(2027, 10, 1)
    assert series[24].amortised_usd == STAGING == series[24].cash_usd  # 2027-11: over
    assert series[24].upfront_paid_usd == 0  # a replaced scenario's term is not renewed


def test_a_kept_term_is_a_piece_of_the_whole_dollar_month(staging: Scenario, m5: Scenario) -> None:
    """At whole dollars the month adds its pieces rounded first: staging's lines to whole
    dollars add to $818 (the cost overview's figure, tests/test_one_money.py), the kept
    reservation 84.34 -> $84: $902 (not 900.11 -> $900)."""
    series = forecast_scenario(m5, default_catalog(), months=3, changes=[(3, staging)])
    assert series[2].amortised_usd == D("900.11")
    assert series[2].amortised(0) == D(818) + D(84) == D(902)
    # cash at whole dollars: the shown month plus the rounded difference of the two views,
    # 858.11 - 900.11 = -42.00 -> -42: 902 - 42 = 860
    assert series[2].cash(0) == D(860)


def test_two_replaced_terms_bill_side_by_side(staging: Scenario, m5: Scenario) -> None:
    """m5 (term 2025-11 .. 2026-10), staging from month 3, m5 again from month 5 (a new term
    2026-03 .. 2027-02), staging again from month 7 (2026-05): both terms are still billed,
    each 84.34 amortised and 42.34 cash, to their own ends."""
    series = forecast_scenario(
        m5, default_catalog(), months=13, changes=[(3, staging), (5, m5), (7, staging)]
    )
    for f in series[6:12]:  # 2026-05 .. 2026-10: 815.77 + 2 x 84.34 = 984.45
        assert f.amortised_usd == STAGING + 2 * KEPT == D("984.45"), f.month
        assert f.cash_usd == STAGING + 2 * KEPT_CASH == D("900.45"), f.month  # + 2 x 42.34
        assert f.committed_usd == 2 * KEPT
        assert len(f.active_commitments) == 2
    # 2026-11: the first term is over, the second bills on
    assert series[12].amortised_usd == STAGING + KEPT
    assert series[12].cash_usd == STAGING + KEPT_CASH


def test_an_elasticache_reservation_reverts_after_its_term(staging: Scenario) -> None:
    from planner.topology import Purchase, RateCard

    card = RateCard(source="a quote", recurring_hourly_usd=D("0.01"), upfront_usd=D(0))
    caches = tuple(
        c.model_copy(update={"purchase": Purchase(type="reserved", rate_card=card)})
        for c in staging.topology.elasticache
    )
    reserved = type(staging)(
        topology=staging.topology.model_copy(update={"elasticache": caches}),
        path=staging.path,
        chain=staging.chain,
    )
    series = forecast_scenario(reserved, default_catalog(), months=13)
    # redis cache.t3.micro: 730 x 0.01 = 7.30 reserved instead of 730 x 0.017 = 12.41
    assert series[0].amortised_usd == STAGING - D("12.41") + D("7.30") == D("810.66")
    assert series[0].active_commitments == ["elasticache/redis reserved 1yr"]
    assert series[11].amortised_usd == D("810.66")  # 2026-10, the term's last month
    assert series[12].amortised_usd == STAGING  # 2026-11: on-demand again
    assert series[12].active_commitments == []


def test_a_forecast_starting_after_as_of_buys_the_reservation_at_its_start(m5: Scenario) -> None:
    """The m5 scenario (as_of 2025-11) forecast from 2026-03: its reservation, with no start of
    its own, is bought in the forecast's first month (504 up front then) and runs 12 months,
    2026-03 .. 2027-02; 2027-03 (month 13) is on-demand again: 895.19 (the general group at
    2 x 730 x 0.096 = 140.16 on-demand instead of 84.34, tests/test_one_money.py)."""
    series = forecast_scenario(m5, default_catalog(), months=13, start=dt.date(2026, 3, 1))
    assert series[0].upfront_paid_usd == FEE and series[0].cash_usd == M5_CASH + FEE
    assert series[11].month == dt.date(2027, 2, 1)
    assert series[11].amortised_usd == M5_MONTH
    assert series[12].amortised_usd == D("895.19") == series[12].cash_usd


def test_an_added_environment_buys_its_reservation_in_its_month(
    staging: Scenario, m5: Scenario
) -> None:
    """staging, and the m5 environment added from month 2 (2025-12): its reservation is bought
    then, 504 up front, and runs 2025-12 .. 2026-11; in 2026-12 (month 14) its general group is
    on-demand again (895.19)."""
    series = forecast_scenario(staging, default_catalog(), months=14, additions=[(2, m5)])
    assert series[0].amortised_usd == STAGING and series[0].upfront_paid_usd == 0
    assert series[1].upfront_paid_usd == FEE
    assert series[1].cash_usd == STAGING + M5_CASH + FEE
    # committed: staging buys no commitment; the added m5 reservation's 84.34
    assert series[0].committed_usd == 0 and series[1].committed_usd == KEPT
    assert series[12].month == dt.date(2026, 11, 1)
    assert series[12].amortised_usd == STAGING + M5_MONTH
    assert series[13].amortised_usd == STAGING + D("895.19")


def test_an_added_environment_is_priced_for_the_calendar_month_it_joins(
    staging: Scenario,
) -> None:
    """The EKS 1.31 upgrade what-if added from month 1 (2025-11): Kubernetes 1.31 leaves
    standard support on 2025-11-26, so its November is 25 days at 0.10/h and 5 at 0.60/h:
    730 x 25/30 x 0.10 = 60.83 and 730 x 5/30 x 0.60 = 73.00, with the rest of staging
    (815.77 - 438.00 = 377.77): 511.60 (tests/test_one_money.py); from December 815.77."""
    upgrade = load_scenario(str(REPO / "scenarios" / "whatif" / "staging-eks-upgrade.yaml"))
    series = forecast_scenario(staging, default_catalog(), months=2, additions=[(1, upgrade)])
    assert series[0].amortised_usd == STAGING + D("511.60")
    assert series[1].amortised_usd == STAGING + STAGING


def _m5_bought(m5: Scenario, start: dt.date) -> Scenario:
    topology = m5.topology
    assert topology.eks is not None
    groups = tuple(
        g.model_copy(update={"purchase": g.purchase.model_copy(update={"start": start})})
        if g.name == "general"
        else g
        for g in topology.eks.node_groups
    )
    eks = topology.eks.model_copy(update={"node_groups": groups})
    return type(m5)(topology=topology.model_copy(update={"eks": eks}), path=m5.path, chain=m5.chain)


def test_a_reservation_with_its_own_start_runs_from_that_month(m5: Scenario) -> None:
    """Bought 2025-09-15 (its own start, before the scenario's as_of): the term runs
    2025-09 .. 2026-08, so the forecast from 2025-11 has it to month 10 (2026-08) and
    reverts in 2026-09 (895.19); its fee was paid before the forecast (none in month 1)."""
    series = forecast_scenario(_m5_bought(m5, dt.date(2025, 9, 15)), default_catalog(), months=11)
    assert series[0].upfront_paid_usd == 0
    assert series[9].month == dt.date(2026, 8, 1) and series[9].amortised_usd == M5_MONTH
    assert series[10].amortised_usd == D("895.19")


def test_a_back_cast_buys_the_reservation_at_as_of_not_before(m5: Scenario) -> None:
    """A forecast from 2025-09, before the m5 scenario's as_of (2025-11): its reservation,
    without a start, is bought at as_of: no fee and no commitment in 2025-09 and 2025-10,
    504 in 2025-11."""
    series = forecast_scenario(m5, default_catalog(), months=3, start=dt.date(2025, 9, 1))
    assert [f.upfront_paid_usd for f in series] == [0, 0, FEE]
    assert series[0].active_commitments == [] and series[1].active_commitments == []


def test_parse_month_is_the_first_of_the_month() -> None:
    from planner.commitments.forecast import parse_month

    assert parse_month("2026-03") == dt.date(2026, 3, 1)
    assert parse_month("2025-12") == dt.date(2025, 12, 1)


def test_each_month_is_its_commitments_plus_the_rest_with_an_added_environment(
    staging: Scenario, m5: Scenario
) -> None:
    """A month is the amortised cost of its active commitments plus the rest (usage): with an
    environment added, both parts are the base's plus the added one's, so the parts still add
    up to the month (staging + the m5 environment from month 2, its reservation inside)."""
    series = forecast_scenario(staging, default_catalog(), months=14, additions=[(2, m5)])
    for row in series:
        assert row.committed_usd + row.usage_usd == row.amortised_usd, row.month
    # month 2: staging alone is all usage (no commitment); the m5 environment adds its
    # reservation's 84.34 (committed) and the rest of its month (usage)
    assert series[1].committed_usd == KEPT
    assert series[0].usage_usd == STAGING and series[1].usage_usd > STAGING
