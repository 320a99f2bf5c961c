"""Plan vs bill for discounts and credits, and commitment use, on hand-made bills.

The plan's discount lines (a ``discounts:`` block) are compared per service with the bill's
``Discount`` rows and its credit lines with the bill's ``Credit`` rows; on plan within
max($0.50, 3% of the plan), as every other line (planner/actuals/variance.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from planner.actuals.tidy import BillRow
from planner.costing.lines import CostLine

D = Decimal


def _plan(service: str, usd: str | None, option: str) -> CostLine:
    value = None if usd is None else D(usd)
    return CostLine(
        resource=f"discounts/{option}", service=service, component=option, quantity=D(1),
        unit="USD", unit_price_usd=value, monthly_usd=value, purchase_option=option,
        price_source="contract", price_basis="contract", quantity_basis="contract",
        quantity_note="",
    )  # fmt: skip


def _billed(
    month: str, service: str, category: str, amortised: str, unblended: str = "0"
) -> BillRow:
    return BillRow(
        month, service, "USE1-Discount", "", "", "{}", category, "", "", "", "USD",
        D(0), D(unblended), D(amortised), D(0), 1,
    )  # fmt: skip


# The plan: EC2 discounted by an EDP ($-10) and a private rate ($-5), and a second EDP line
# whose price is missing (counted as $0): $-15 a month, kinds "EDP, private rate" (each once).
PLAN = [
    _plan("AmazonEC2", "-10", "EDP"),
    _plan("AmazonEC2", "-5", "private rate"),
    _plan("AmazonEC2", None, "EDP"),
    _plan("Credits", "-100", "credit"),
]


def _report(rows: list[BillRow], basis: Any = "amortised") -> Any:
    from planner.actuals.variance import variance

    return variance("staging", [], rows, discount_lines=PLAN, cost_basis=basis)


def test_discounts_compared_per_service_and_month() -> None:
    rows = [
        # August: -15.20 against -15: within max($0.50, 3% x 15 = $0.45) = $0.50
        _billed("2025-08", "AmazonEC2", "Discount", "-15.20"),
        # September: two rows, -12 - 8 = -20: $5 more discount than planned
        _billed("2025-09", "AmazonEC2", "Discount", "-12"),
        _billed("2025-09", "AmazonEC2", "Discount", "-8"),
        # an RDS discount the plan has no line for stays unplanned spend
        _billed("2025-09", "AmazonRDS", "Discount", "-7"),
        # credits: -100 planned each month; -103 is within 3% = $3, -103.01 is not
        _billed("2025-08", "AmazonS3", "Credit", "-103"),
        _billed("2025-09", "AmazonEKS", "Credit", "-103.01"),
    ]
    r = _report(rows)
    ec2 = [ln for ln in r.lines if ln.service == "AmazonEC2"]
    aug, sep = ec2
    for ln in ec2:
        assert ln.resource == "discounts/AmazonEC2"
        assert ln.component == "Discounts and credits (EDP, private rate)"
        assert (ln.usage_type, ln.unit, ln.quantity_basis) == ("(discounts)", "USD", "contract")
        assert (ln.planned_quantity, ln.actual_quantity) == (D(1), D(1))
        assert (ln.planned_unit_price_usd, ln.planned_usd) == (D(-15), D(-15))
    assert (aug.month, aug.actual_usd, aug.cause) == ("2025-08", D("-15.20"), "on_plan")
    assert aug.cause_detail == "within 3% / $0.5 of plan"
    assert (sep.month, sep.actual_usd, sep.cause) == ("2025-09", D(-20), "price")
    assert sep.delta_usd == D(-5)
    assert sep.cause_detail == (
        "the bill's discounts and credits on AmazonEC2: $-20 vs $-15 planned (EDP, private rate)"
    )
    credits = [ln for ln in r.lines if ln.service == "Credits"]
    assert [(ln.month, ln.actual_usd, ln.cause) for ln in credits] == [
        ("2025-08", D(-103), "on_plan"),
        ("2025-09", D("-103.01"), "price"),
    ]
    assert [(u.service, u.month, u.actual_usd) for u in r.unplanned] == [
        ("AmazonRDS", "2025-09", D(-7))
    ]


@pytest.mark.parametrize(
    ("billed", "cause"),
    [("-15.50", "on_plan"), ("-15.51", "price"), ("-14.50", "on_plan"), ("-14.49", "price")],
)
def test_the_half_dollar_band_both_sides(billed: str, cause: str) -> None:
    # 3% of $15 is $0.45, so the band is $0.50 either side of -15
    (ln,) = [
        ln
        for ln in _report([_billed("2025-08", "AmazonEC2", "Discount", billed)]).lines
        if ln.service == "AmazonEC2"
    ]
    assert ln.cause == cause


def test_unblended_basis_reads_the_unblended_column() -> None:
    rows = [_billed("2025-08", "AmazonEC2", "Discount", amortised="-15", unblended="-30")]
    (ln,) = [ln for ln in _report(rows, "unblended").lines if ln.service == "AmazonEC2"]
    assert (ln.actual_usd, ln.cause) == (D(-30), "price")


def _sp(
    status: str, amortised: str, listed: str, usage: str = "USE1-BoxUsage:t3.medium"
) -> BillRow:
    return BillRow(
        "2025-08", "AmazonEC2", usage, "", "", "{}", "Usage", "Standard", status,
        "arn:aws:savingsplans::123456789012:savingsplan/sp-1" if status else "", "Hrs",
        D(730), D(amortised), D(amortised), D(listed), 1,
    )  # fmt: skip


def test_unused_commitment_adds_up_over_rows() -> None:
    from planner.actuals.variance import commitments

    # used: $20 amortised for usage listed at 730 h x $0.0416 = $30.368; unused $3 + $2 = $5
    (c,) = commitments(
        [
            _sp("Used", "20", "30.368"),
            _sp("Unused", "3", "0", "ComputeSP:1yrNoUpfront"),
            _sp("Unused", "2", "0", "ComputeSP:1yrNoUpfront"),
        ]
    )
    assert (c.kind, c.used_usd, c.unused_usd) == ("Savings Plans", D(20), D(5))
    assert c.utilisation_pct == D(80)  # 20 / (20 + 5)
    assert c.coverage_pct == D(100)  # the only eligible usage is covered
    assert c.savings_usd == D("5.368")  # 30.368 - 20 - 5


def _use(
    service: str,
    usage: str,
    status: str,
    ident: str,
    amortised: str,
    listed: str,
    category: str = "Usage",
) -> BillRow:
    return BillRow(
        "2025-08", service, usage, "", "", "{}", category, "Standard", status, ident, "Hrs",
        D(730), D(amortised), D(amortised), D(listed), 1,
    )  # fmt: skip


def test_coverage_per_kind_counts_what_that_kind_can_cover() -> None:
    from planner.actuals.variance import commitments

    sp = "arn:aws:savingsplans::123456789012:savingsplan/sp-1"
    ri = "arn:aws:rds:us-east-1:123456789012:ri:db-ri"
    rows = [
        _use("AmazonEC2", "BoxUsage:t3.medium", "Used", sp, "20", "30"),  # covered by the SP
        _use("AmazonEC2", "BoxUsage:t3.large", "", "", "60", "60"),  # either kind could cover
        _use("AmazonRDS", "InstanceUsage:db.t3.medium", "Used", ri, "25", "50"),  # by the RI
        _use("AmazonElastiCache", "NodeUsage:cache.t3.micro", "", "", "12", "12"),  # RI only
        _use("AmazonRDS", "RDS:GP3-Storage", "", "", "11", "11"),  # no commitment covers it
        _use("AmazonRDS", "HeavyUsage:db.t3.medium", "Unused", ri, "5", "0", "Fee"),
        _use("AmazonEC2", "BoxUsage:t3.large", "", "", "100", "100", "Tax"),  # not usage
    ]
    reserved, plans = commitments(rows)
    # Reservations: used 25, unused 5 (25 / 30 used); covered 50 of eligible 50 + 60 + 12 = 122
    assert (reserved.kind, reserved.used_usd, reserved.unused_usd) == (
        "Reserved Instances",
        D(25),
        D(5),
    )
    assert (reserved.covered_list_usd, reserved.eligible_list_usd) == (D(50), D(122))
    # Savings Plan: used 20, nothing unused; covered 30 of eligible 30 + 60 = 90 (a Compute
    # Savings Plan never covers RDS or ElastiCache)
    assert (plans.kind, plans.used_usd, plans.unused_usd) == ("Savings Plans", D(20), D(0))
    assert (plans.covered_list_usd, plans.eligible_list_usd) == (D(30), D(90))
    assert commitments([rows[1], rows[4]]) == ()  # no commitment at all
