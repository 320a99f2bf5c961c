"""An EC2 Instance Savings Plan in the options table: it is bought for the node group's
instance family, so it covers the group's nodes.

AWS: "EC2 Instance Savings Plans provide the lowest prices, offering savings up to 72% in
exchange for commitment to usage of individual instance families in a region (e.g. M5
usage in N. Virginia)" (Savings Plans User Guide, "What are Savings Plans?"). A plan that
named no family, or another one, would cover none of the group's t3 nodes: the group would
pay its on-demand hours on top of the commitment.

The Savings Plan rates below are TEST FIXTURES written into a temporary snapshot (synthetic
values chosen for easy arithmetic, never shipped); the t3.medium on-demand rate 0.0416/h and
the 20 GB gp3 root volumes at 0.08 per GB-month (1.60 a node) are the bundled snapshot's.
Staging's general group: 2 t3.medium at HPA minimum, on-demand today: 2 x 730 x 0.0416 =
60.736 -> 60.74, with root volumes 3.20: 63.94 a month.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.catalog import SERVICES, PriceCatalog, PriceRow, Term, default_catalog
from planner.commitments.model import Option, resources
from planner.commitments.options import build_commitments
from planner.commitments.sp_options import savings_plan_missing
from planner.prices.snapshot import merge_rows, write_snapshot
from planner.scenario import load_scenario
from planner.topology import Topology

D = Decimal
MINS = {"general": 2, "compute": 1}  # staging's nodes at HPA minimum (tests/test_one_money.py)


def _sp_row(product: str, payment: str, plan: str, usd: str) -> PriceRow:
    return PriceRow(
        "AmazonEC2",
        "us-east-1",
        product,
        "test fixture",
        Term("SavingsPlan", "1yr", payment, plan),
        "Hrs",
        D(usd),
        "list",
        "",
        "test fixture (see module docstring)",
        "2026-01-01",
    )


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> PriceCatalog:
    base = default_catalog()
    extra = [
        _sp_row("instance/t3.medium", "No Upfront", "ec2instance", "0.028"),
        _sp_row("instance/t3.medium", "All Upfront", "ec2instance", "0.025"),
    ]
    out = tmp_path_factory.mktemp("snap") / "snapshot"
    write_snapshot(
        merge_rows((r for s in SERVICES for r in base.rows(s)), extra), out, "2026-01-01"
    )
    return PriceCatalog(out)


@pytest.fixture(scope="module")
def staging() -> Topology:
    return load_scenario("staging").topology


@pytest.fixture  # per test: mutmut selects a test only if it calls the code itself
def plans(catalog: PriceCatalog, staging: Topology) -> dict[str, Option]:
    result = build_commitments(staging, catalog, min_node_counts=MINS)
    return {o.name: o for o in result.options if "Savings Plan" in o.name}


def test_an_instance_plan_covers_its_family(plans: dict[str, Option]) -> None:
    # committed: 2 nodes at minimum x 0.028 = 0.056 $/h, which covers exactly the 2 t3.medium
    # (2 x 0.028 at plan rates) every hour: no on-demand hour is left. The month: the plan's
    # line 0.056 x 730 = 40.88 + root volumes 3.20 = 44.08 (uncovered, it would be 40.88 +
    # 63.94 = 104.82)
    sp = plans["general: ec2_instance Savings Plan 1yr No Upfront 0.056/h"]
    assert sp.monthly_usd == D("44.08")
    assert sp.upfront_usd == 0
    assert sp.recurring_monthly_usd == D("44.08")
    assert sp.purchase == {
        "type": "savings_plan",
        "plan": "ec2_instance",
        "term": "1yr",
        "payment": "no_upfront",
        "commitment_usd_per_hour": 0.056,
    }
    # against today's on-demand 63.94: 19.86 a month less, from the first month
    assert sp.current_monthly_usd == D("63.94")
    assert sp.savings_monthly_usd == D("19.86")
    assert sp.break_even_month == 1
    assert sp.risk == "low"  # 1-year No Upfront


def test_an_all_upfront_instance_plan_pays_the_year_up_front(plans: dict[str, Option]) -> None:
    # 2 x 0.025 = 0.050 $/h committed (named with the rate's 3 decimals), all of the year's
    # 8,760 hours paid up front: 0.05 x 8,760 = 438.00. The month: 0.05 x 730 = 36.50 + root
    # volumes 3.20 = 39.70; the fee's share 438 / 12 = 36.50, so the recurring cash is the
    # volumes' 3.20
    sp = plans["general: ec2_instance Savings Plan 1yr All Upfront 0.050/h"]
    assert sp.upfront_usd == D("438.00")
    assert sp.monthly_usd == D("39.70")
    assert sp.recurring_monthly_usd == D("3.20")
    # break-even against today's 63.94: 438 + 3.20 m <= 63.94 m from m >= 438 / 60.74 = 7.21
    assert sp.break_even_month == 8
    assert sp.risk == "medium"  # 1-year All Upfront


def test_only_the_group_with_rates_gets_instance_plans(plans: dict[str, Option]) -> None:
    # compute (t3.large, spot today) has no Savings Plan rate in the fixture: no plan for it;
    # general has the two ec2_instance kinds of the fixture and no compute plan
    assert sorted(plans) == [
        "general: ec2_instance Savings Plan 1yr All Upfront 0.050/h",
        "general: ec2_instance Savings Plan 1yr No Upfront 0.056/h",
    ]


def test_the_instance_plan_kinds_with_rates_are_not_missing(
    catalog: PriceCatalog, staging: Topology
) -> None:
    general = next(r for r in resources(staging, MINS) if r.name == "general")
    missing = [m.purchase for m in savings_plan_missing(catalog, staging, general)]
    # 2 plan types x 2 terms x 3 payments = 12 kinds, 2 of them in the fixture: 10 missing
    assert len(missing) == 10
    assert "general: ec2_instance Savings Plan 1yr No Upfront" not in missing
    assert "general: ec2_instance Savings Plan 1yr All Upfront" not in missing
    assert "general: ec2_instance Savings Plan 1yr Partial Upfront" in missing
    assert "general: compute Savings Plan 1yr No Upfront" in missing


def test_a_plan_is_priced_at_the_node_counts_given(
    catalog: PriceCatalog, staging: Topology
) -> None:
    from planner.commitments.sp_options import savings_plan_options

    general = next(r for r in resources(staging, MINS) if r.name == "general")
    # the capacity model runs 3 nodes at expected replicas (2 at minimum): the plan sized at
    # the minimum (0.056 $/h) covers 2, the third runs on-demand 730 x 0.0416 = 30.368 ->
    # 30.37; 3 root volumes 4.80: 40.88 + 30.37 + 4.80 = 76.05
    # today the 3 nodes run on-demand: 3 x 730 x 0.0416 = 91.104 -> 91.10 + 4.80 = 95.90 (the
    # caller's figures, on-demand and today's)
    today = D("95.90")
    options = savings_plan_options(
        catalog, staging, general, {"general": 3, "compute": 1}, today, today
    )
    sp = next(o for o in options if o.name.endswith("1yr No Upfront 0.056/h"))
    assert sp.monthly_usd == D("76.05")
    assert sp.current_monthly_usd == today
    assert sp.savings_monthly_usd == D("19.85")  # 95.90 - 76.05


def test_no_plan_without_nodes_at_minimum_or_for_a_database(
    catalog: PriceCatalog, staging: Topology
) -> None:
    from planner.commitments.sp_options import savings_plan_options

    found = {r.name: r for r in resources(staging, {"general": 0, "compute": 1})}
    # nothing runs at HPA minimum: a plan sized to it would commit to 0 $/h
    assert savings_plan_options(catalog, staging, found["general"], None, D(1), D(1)) == []
    # a Savings Plan covers EC2 here, not RDS
    assert savings_plan_options(catalog, staging, found["postgres"], None, D(1), D(1)) == []


def test_without_today_s_figure_a_plan_breaks_even_against_on_demand(
    catalog: PriceCatalog, staging: Topology
) -> None:
    from planner.commitments.sp_options import savings_plan_options

    general = next(r for r in resources(staging, MINS) if r.name == "general")
    options = savings_plan_options(catalog, staging, general, None, D("63.94"))
    sp = next(o for o in options if o.name.endswith("1yr All Upfront 0.050/h"))
    # 438.00 up front, 3.20 a month after (above): 438 + 3.20 m <= 63.94 m from m = 8
    assert sp.break_even_month == 8
    assert sp.current_monthly_usd is None
    assert sp.monthly_usd_at_min == sp.monthly_usd == D("39.70")
    assert sp.unused_commitment_monthly_usd_at_min == 0
    assert sp.term_months == 12
    assert "test fixture" in sp.source
    # reverting after the 12 months: the group on-demand again, 63.94 a month
    assert sp.cash_flow_usd[12] - sp.cash_flow_usd[11] == D("63.94")
