"""The variance report's sums and the cause of a line's difference, on hand-made figures.

Amounts a page shows are each service's month rounded to the cent, then added (the one
total rule), so the shown total can differ from the exact sum of the bill rows by cents.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner.actuals.tidy import BillRow
from planner.actuals.variance import (
    Commitment,
    LineVariance,
    Unplanned,
    VarianceReport,
    _cause,
    commitment_kind,
)
from planner.costing.lines import CostLine

D = Decimal


def _lv(service: str, month: str, planned: str, actual: str) -> LineVariance:
    return LineVariance(
        resource=f"r/{service}", service=service, component="c", usage_type="u", month=month,
        unit="GB", planned_quantity=D(1), actual_quantity=D(1), planned_unit_price_usd=D(1),
        planned_usd=D(planned), actual_usd=D(actual), cause="on_plan", cause_detail="",
        quantity_basis="assumption",
    )  # fmt: skip


def _report() -> VarianceReport:
    return VarianceReport(
        scenario="s",
        source="test",
        cost_basis="amortised",
        months=("2025-08", "2025-09", "2025-10"),
        lines=(
            _lv("AmazonEC2", "2025-08", "1", "1.002"),
            _lv("AmazonEC2", "2025-09", "0", "4"),
            _lv("AmazonRDS", "2025-08", "2", "2.005"),
        ),
        unplanned=(
            Unplanned("AmazonEC2", "NatGateway-Hours", "2025-08", D("0.003")),
            Unplanned("AWSLambda", "Request", "2025-08", D("0.004")),
            Unplanned("AWSLambda", "Duration", "2025-08", D("0.002")),
        ),
        commitments=(),
        actual_total_usd=D("7.016"),
        warnings=(),
        not_compared=(("ri", "fee", "2025-08", D("3.50")), ("ri", "fee", "2025-09", D("3.50"))),
    )


def test_sums_of_the_report() -> None:
    r = _report()
    # compared lines 1 + 0 + 2 = 3, plus 2 x 3.50 not compared
    assert r.planned_total_usd == D(10)
    assert r.not_compared_total_usd == D(7)
    assert r.matched_total_usd == D("7.007")  # 1.002 + 4 + 2.005
    assert r.unplanned_total_usd == D("0.009")  # 0.003 + 0.004 + 0.002
    assert r.by_service_month() == {
        ("AWSLambda", "2025-08"): (D(0), D("0.006")),
        ("AmazonEC2", "2025-08"): (D(1), D("1.005")),  # 1.002 + 0.003 unplanned
        ("AmazonEC2", "2025-09"): (D(0), D(4)),
        ("AmazonRDS", "2025-08"): (D(2), D("2.005")),
    }


def test_shown_amounts_round_each_service_month_first() -> None:
    r = _report()
    # August: Lambda 0.006 -> 0.01, EC2 1.005 -> 1.01, RDS 2.005 -> 2.01: 3.03 shown (exact
    # 3.016); September EC2 4.00; October has no rows: 0
    assert r.actual_by_month_shown() == {
        "2025-08": D("3.03"),
        "2025-09": D("4.00"),
        "2025-10": D(0),
    }
    assert r.actual_shown_total_usd == D("7.03")
    # unplanned: EC2 0.003 -> 0.00 and Lambda 0.004 + 0.002 = 0.006 -> 0.01
    assert r.unplanned_by_month_shown() == {"2025-08": D("0.01"), "2025-09": D(0), "2025-10": D(0)}
    assert r.unplanned_shown_total_usd == D("0.01")


def test_line_difference_and_percent() -> None:
    ln = _lv("AmazonEC2", "2025-08", "200", "250")
    assert (ln.delta_usd, ln.delta_pct) == (D(50), D(25))  # 50 / 200 = 25%
    assert _lv("AmazonEC2", "2025-08", "0", "4").delta_pct is None  # nothing was planned


def test_commitment_ratios_without_a_denominator() -> None:
    idle = Commitment("2025-08", D(0), D(0), D(0), D(0))
    assert (idle.utilisation_pct, idle.coverage_pct, idle.savings_usd) == (None, None, D(0))
    c = Commitment("2025-08", D(30), D(10), D(60), D(80), kind="Reserved Instances")
    # 30 / (30 + 10) = 75%; 60 / 80 = 75%; 60 - 30 - 10 = 20
    assert (c.utilisation_pct, c.coverage_pct, c.savings_usd) == (D(75), D(75), D(20))


def test_commitment_kinds() -> None:
    # AWS ARNs: EC2 reserved-instances/..., RDS and ElastiCache ...:ri:..., reservations;
    # a HeavyUsage fee is a reservation's; everything else a Savings Plan
    assert commitment_kind("arn:aws:ec2:us-east-1:1:reserved-instances/abc") == "Reserved Instances"
    assert commitment_kind("arn:aws:rds:us-east-1:1:ri:my-ri") == "Reserved Instances"
    assert commitment_kind("arn:aws:elasticache:us-east-1:1:Reservation-x") == "Reserved Instances"
    assert commitment_kind("", "HeavyUsage:t3.medium") == "Reserved Instances"
    assert commitment_kind("arn:aws:savingsplans::1:savingsplan/abc") == "Savings Plans"
    assert commitment_kind("arn:aws:savingsplans::1:savingsplan/abc", "BoxUsage") == (
        "Savings Plans"
    )


def _line(quantity: str, price: str | None) -> CostLine:
    p = None if price is None else D(price)
    return CostLine(
        resource="nat-gateways", service="AmazonEC2", component="NAT gateway data processed",
        quantity=D(quantity), unit="GB", unit_price_usd=p,
        monthly_usd=None if p is None else D(quantity) * p, purchase_option="OnDemand",
        price_source="list", price_basis="list", quantity_basis="assumption", quantity_note="",
    )  # fmt: skip


def _bill(status: str = "", pricing: str = "Standard") -> BillRow:
    return BillRow(
        "2025-08", "AmazonEC2", "NatGateway-Bytes", "", "", "{}", "Usage", pricing, status,
        "", "GB", D(0), D(0), D(0), D(0), 1,
    )  # fmt: skip


def _why(line: CostLine, planned: str, actual: str, qty: str, rows: Any = ()) -> tuple[str, str]:
    return _cause(line, "NatGateway-Bytes", D(planned), D(actual), D(qty), list(rows))


def test_quantity_cause_names_the_measured_ratio() -> None:
    # 100 GB planned at $0.045 = $4.50; 250 GB billed at the planned price = $11.25:
    # quantity effect 150 x 0.045 = 6.75, price effect 0
    cause, detail = _why(_line("100", "0.045"), "4.50", "11.25", "250")
    assert cause == "quantity"
    assert detail == (
        "NatGateway-Bytes: 250 GB billed vs 100 planned (2.5x); plan basis: assumption"
    )
    # nothing planned: 20 GB x 0.045 = 0.90 is above the $0.50 band, all quantity effect;
    # there is no ratio to a planned 0
    assert _why(_line("0", "0.045"), "0", "0.90", "20") == (
        "quantity",
        "NatGateway-Bytes: 20 GB billed vs 0 planned; plan basis: assumption",
    )


def test_price_cause_names_the_effective_rate_and_how() -> None:
    # 100 GB billed at $9 instead of $4.50: price effect 9 - 100 x 0.045 = 4.50, quantity 0;
    # effective $9 / 100 GB = $0.09 per GB
    cause, detail = _why(_line("100", "0.045"), "4.50", "9", "100", [_bill()])
    assert cause == "price"
    assert detail == "NatGateway-Bytes: effective $0.09/GB vs $0.045 planned; price basis: list"
    _, covered = _why(_line("100", "0.045"), "4.50", "9", "100", [_bill("Used")])
    assert "(covered by a Savings Plan / reservation)" in covered
    _, spot = _why(_line("100", "0.045"), "4.50", "9", "100", [_bill("", "Dynamic")])
    assert "(spot price)" in spot
    _, both = _why(_line("100", "0.045"), "4.50", "9", "100", [_bill("Used"), _bill("", "Dynamic")])
    assert "(covered by a Savings Plan / reservation, spot price)" in both
    # nothing billed in quantity: quantity effect -100 x 0.045 = -4.50, price effect 9 - 0 = 9;
    # no quantity to divide by, so the effective price is shown as 0
    assert _why(_line("100", "0.045"), "4.50", "9", "0") == (
        "price",
        "NatGateway-Bytes: effective $0/GB vs $0.045 planned; price basis: list",
    )


def test_a_line_with_no_price_is_measured_at_zero() -> None:
    # a missing price counts as $0: the quantity effect is 0, any spend is a price effect
    cause, detail = _why(_line("100", None), "0", "3", "100")
    assert cause == "price"
    assert "vs $0 planned" in detail


def test_report_names_its_scenario_and_the_ambiguous_line() -> None:
    from planner.actuals.variance import variance
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    # both staging node groups bill EBS:VolumeUsage.gp3; a row without the node-group tag
    # cannot be told apart, so the first planned line (general's root volume) takes it and
    # the warning names that line: its resource, then its component
    plan = price_scenario(load_scenario("staging"))
    row = BillRow(
        "2025-08", "AmazonEC2", "USE1-EBS:VolumeUsage.gp3", "", "", "{}", "Usage", "Standard",
        "", "", "GB-Mo", D(40), D("3.20"), D("3.20"), D("3.20"), 1,
    )  # fmt: skip
    r = variance("staging", plan.lines, [row], source="cur2 sample")
    assert (r.scenario, r.source, r.cost_basis) == ("staging", "cur2 sample", "amortised")
    (warning,) = [w for w in r.warnings if "share its usage type" in w]
    assert warning.startswith("eks-node-group/general EBS root volume")


def test_a_line_priced_missing_is_planned_at_nothing_and_named() -> None:
    import dataclasses

    from planner.actuals.variance import variance
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    # staging's NAT data processed line without its price (missing, kept out of the total):
    # the bill's $2.25 for 50 GB in 2025-09 is compared with a plan of $0, and the report says
    # the plan had no price for it (not a silent $0 plan)
    lines = [
        dataclasses.replace(ln, unit_price_usd=None, monthly_usd=None, missing=True)
        if ln.component == "NAT gateway data processed"
        else ln
        for ln in price_scenario(load_scenario("staging")).lines
    ]
    row = BillRow(
        "2025-09", "AmazonEC2", "USE1-NatGateway-Bytes", "", "", "{}", "Usage", "Standard",
        "", "", "GB", D(50), D("2.25"), D("2.25"), D("2.25"), 1,
    )  # fmt: skip
    report = variance("staging", lines, [row])
    (nat,) = [v for v in report.lines if v.component == "NAT gateway data processed"]
    assert (nat.planned_usd, nat.actual_usd, nat.actual_quantity) == (D(0), D("2.25"), D(50))
    assert "nat-gateways NAT gateway data processed: price missing in the plan" in (report.warnings)
