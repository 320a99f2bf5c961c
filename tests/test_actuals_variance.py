"""Variance: every sample billing line matched or unplanned, totals exact, causes worked by hand."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Literal

import pytest
from actuals_helpers import CUR2, FOCUS, FOCUS_CSV
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from planner.actuals.cli import load_actuals
from planner.actuals.match import match
from planner.actuals.tidy import BillRow
from planner.actuals.variance import variance
from planner.pricing import price_scenario
from planner.scenario import load_scenario


@pytest.fixture(scope="module")
def plan():
    return price_scenario(load_scenario("staging"))


@pytest.fixture(scope="module")
def contract(plan):
    from planner.actuals.render import variance_json

    rows, label = load_actuals("sample")
    text = json.dumps(variance_json(variance("staging", plan.lines, rows, source=label)))
    return json.loads(text, parse_float=Decimal)


def _line(contract, resource: str, component_start: str, month: str):
    found = [
        ln
        for ln in contract["lines"]
        if ln["resource"] == resource
        and ln["component"].startswith(component_start)
        and ln["month"] == month
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("path", [CUR2, FOCUS, FOCUS_CSV], ids=["cur2", "focus", "focus-csv"])
@pytest.mark.parametrize("basis", ["amortised", "unblended"])
def test_every_row_matched_or_unplanned_and_totals_reconcile(plan, path, basis) -> None:
    rows, _ = load_actuals(str(path))
    result = match(plan.lines, rows)
    matched = [r for rs in result.matched.values() for r in rs]
    # each row in exactly one place
    assert sorted(map(id, matched + result.unplanned)) == sorted(map(id, rows))
    report = variance("staging", plan.lines, rows, cost_basis=basis)
    column = "amortised_usd" if basis == "amortised" else "unblended_usd"
    bill_total = sum((getattr(r, column) for r in rows), Decimal(0))
    assert report.actual_total_usd == bill_total
    assert report.matched_total_usd + report.unplanned_total_usd == bill_total


def test_contract_keys_and_reconciliation(contract) -> None:
    assert {"lines", "unplanned", "totals"} <= contract.keys()
    for ln in contract["lines"]:
        assert {
            "resource",
            "service",
            "month",
            "planned_usd",
            "actual_usd",
            "delta_usd",
            "cause",
        } <= ln.keys()
        assert ln["delta_usd"] == ln["actual_usd"] - ln["planned_usd"]
        assert ln["cause"] in {"quantity", "price", "on_plan"}
    for u in contract["unplanned"]:
        assert {"service", "usage_type", "month", "actual_usd"} <= u.keys()
    totals = contract["totals"]
    assert {"planned_usd", "actual_usd", "unplanned_usd"} <= totals.keys()
    matched = sum((ln["actual_usd"] for ln in contract["lines"]), Decimal(0))
    unplanned = sum((u["actual_usd"] for u in contract["unplanned"]), Decimal(0))
    assert unplanned == totals["unplanned_usd"]
    assert (matched + unplanned).quantize(Decimal("0.01")) == totals["actual_usd"].quantize(
        Decimal("0.01")
    )
    assert matched + unplanned == totals["actual_usd"]


def test_nat_gb_three_times_the_assumption_is_a_quantity_cause(contract) -> None:
    ln = _line(contract, "nat-gateways", "NAT gateway data processed", "2025-08")
    # planned 100 GB x $0.045 = $4.50; billed 300 GB x $0.045 = $13.50
    assert ln["planned_usd"] == Decimal("4.5")
    assert ln["actual_usd"] == Decimal("13.5")
    assert ln["cause"] == "quantity"
    assert "300 GB billed vs 100 planned (3x)" in ln["cause_detail"]


def test_spot_price_other_than_assumed_is_a_price_cause(contract) -> None:
    ln = _line(contract, "eks-node-group/compute", "Instance usage", "2025-08")
    # planned 730 h x $0.0832 x 30% = $18.2208, shown (and compared) as $18.22;
    # billed 744 h x $0.0335 = $24.924
    assert ln["planned_usd"] == Decimal("18.22")
    assert ln["actual_usd"] == Decimal("24.924")
    assert ln["cause"] == "price"
    assert "spot price" in ln["cause_detail"]


def test_savings_plan_covered_node_is_a_price_cause(contract) -> None:
    ln = _line(contract, "eks-node-group/general", "Instance usage", "2025-10")
    # one node at the SP rate 744 h x $0.02995 = $22.2828, one on demand 744 x $0.0416 = $30.9504
    assert ln["actual_usd"] == Decimal("53.2332")
    assert ln["planned_usd"] == Decimal("60.74")  # 1460 h x $0.0416 = 60.736, as shown
    assert ln["cause"] == "price"


def test_unplanned_spend_and_commitments(contract) -> None:
    unplanned = {
        (u["service"], u["usage_type"], u["month"]): u["actual_usd"] for u in contract["unplanned"]
    }
    assert unplanned[("AWSSecretsManager", "AWSSecretsManager-Secrets", "2025-09")] == Decimal(
        "1.6"
    )
    assert unplanned[("AmazonEC2", "EBS:SnapshotUsage", "2025-09")] == Decimal("7.5")
    assert unplanned[("ComputeSavingsPlans", "ComputeSP:1yrNoUpfront", "2025-10")] == Decimal(
        "3.7572"
    )
    # nothing planned lands in unplanned
    assert not any(k[1].startswith(("BoxUsage", "NatGateway", "LCUUsage")) for k in unplanned)
    october = next(c for c in contract["commitments"] if c["month"] == "2025-10")
    # utilisation 22.2828 / 26.04 = 85.57 %
    assert october["utilisation_pct"] == Decimal("85.57")
    assert october["used_usd"] == Decimal("22.2828")
    assert october["kind"] == "Savings Plans"
    # net of the unused commitment: 30.9504 (on-demand value of the covered hours) - 22.2828
    # (used) - 3.7572 (unused: 26.04 - 22.2828) = 4.9104
    assert october["savings_usd"] == Decimal("4.9104")


def test_on_plan_lines(contract) -> None:
    ln = _line(contract, "rds/postgres", "DB instance", "2025-09")
    # 720 h x $0.072 = $51.84 vs 730 h planned $52.56: -1.4 %, within 3 %
    assert ln["actual_usd"] == Decimal("51.84")
    assert ln["cause"] == "on_plan"


def test_cli_formats(run_cli) -> None:
    table = run_cli(["variance", "staging", "--actuals", "sample"])
    assert table.code == 0, table.err
    assert "Unplanned spend" in table.out and "AWSSecretsManager-Secrets" in table.out
    assert "quantity: NatGateway-Bytes" in table.out
    assert "SAMPLE" in table.out
    csv_out = run_cli(["variance", "staging", "--actuals", "sample", "--format", "csv"])
    assert csv_out.out.splitlines()[0].startswith("kind,month,service")
    assert sum(1 for line in csv_out.out.splitlines() if line.startswith("unplanned,")) == 10
    js = run_cli(["variance", "staging", "--actuals", str(FOCUS), "--format", "json"])
    assert json.loads(js.out)["totals"]["unplanned_usd"] > 0


def test_cli_bad_actuals_is_one_line(run_cli, tmp_path) -> None:
    result = run_cli(["variance", "staging", "--actuals", str(tmp_path / "nope.parquet")])
    assert result.code == 2 and "--actuals not found" in result.err


MONTHS = st.sampled_from(["2025-08", "2025-09"])
USAGE = st.sampled_from(
    [
        ("AmazonEC2", "BoxUsage:t3.medium"),
        ("AmazonEC2", "USE2-NatGateway-Bytes"),
        ("AmazonEC2", "EBS:VolumeUsage.gp3"),
        ("AWSELB", "LCUUsage"),
        ("AmazonEC2", "SomethingElse"),
        ("AWSSecretsManager", "AWSSecretsManager-Secrets"),
        ("AWSDataTransfer", "DataTransfer-Out-Bytes"),
    ]
)
AMOUNT = st.decimals(min_value=-100, max_value=10_000, places=10, allow_nan=False)


@given(st.lists(st.tuples(MONTHS, USAGE, AMOUNT, AMOUNT), max_size=40))
def test_matched_plus_unplanned_is_the_total(plan, rows) -> None:
    bill = [
        BillRow(m, s, u, "", "", "{}", "Usage", "Standard", "", "", "", q.copy_abs(), a, a, a, 1)
        for m, (s, u), a, q in rows
    ]
    report = variance("staging", plan.lines, bill)
    total = sum((r.amortised_usd for r in bill), Decimal(0))
    assert report.matched_total_usd + report.unplanned_total_usd == total == report.actual_total_usd
    # the plan side is the plan as shown: each month, every line rounded to the cent
    for ln in report.lines:
        assert ln.planned_usd == ln.planned_usd.quantize(Decimal("0.01"))
    # each planned line's actual is the sum of its month's rows of its usage type (the
    # staging plan has one line per usage type below, and none for SomethingElse/Secrets)
    mine = {
        ("eks-node-group/general", "BoxUsage:t3.medium"),
        ("nat-gateways", "NatGateway-Bytes"),
        ("nlb/api-gateway", "LCUUsage"),
        ("data-transfer", "DataTransfer-Out-Bytes"),
    }
    for ln in report.lines:
        for resource, usage in mine:
            if ln.resource == resource and ln.usage_type == usage:
                month_rows = [
                    r for r in bill if r.month == ln.month and r.usage_type.endswith(usage)
                ]
                assert ln.actual_usd == sum((r.amortised_usd for r in month_rows), Decimal(0))
                assert ln.actual_quantity == sum((r.usage_quantity for r in month_rows), Decimal(0))


def _nat_bytes(actual_usd: str, gb: str) -> list[BillRow]:
    """One month's NAT gateway data-processing bill: ``gb`` GB costing ``actual_usd``."""
    a, q = Decimal(actual_usd), Decimal(gb)
    row = BillRow(
        "2025-08",
        "AmazonEC2",
        "USE1-NatGateway-Bytes",
        "",
        "",
        "{}",
        "Usage",
        "Standard",
        "",
        "",
        "GB",
        q,
        a,
        a,
        a,
        1,
    )
    return [row]


# Staging plans 100 GB of NAT data processing at $0.045 = $4.50 a month. On plan means within
# max($0.50, 3% of $4.50 = $0.135) = $0.50 of it. Otherwise the cause is the larger of
#   quantity effect = (GB billed - 100) x 0.045   and   price effect = actual - GB x 0.045,
# the quantity named on a tie.
@pytest.mark.parametrize(
    ("actual", "gb", "cause"),
    [
        ("4.50", "100", "on_plan"),  # exactly the plan
        ("5.00", "100", "on_plan"),  # +0.50: on the boundary, still on plan
        ("4.00", "100", "on_plan"),  # -0.50: the boundary below
        ("5.01", "100", "price"),  # +0.51: quantity effect 0, price effect 0.51
        ("3.99", "100", "price"),  # -0.51 at the planned quantity: a price cause
        ("9.00", "200", "quantity"),  # 100 GB more x 0.045 = 4.50; price effect 9 - 9 = 0
        ("6.75", "125", "quantity"),  # tie: 25 x 0.045 = 1.125 = 6.75 - 125 x 0.045
        ("6.76", "125", "price"),  # 1.125 vs 1.135: price is larger
        ("2.25", "50", "quantity"),  # half the GB at the planned price: -2.25 quantity effect
    ],
)
def test_cause_boundaries_worked_by_hand(plan, actual: str, gb: str, cause: str) -> None:
    report = variance("staging", plan.lines, _nat_bytes(actual, gb))
    (ln,) = [ln for ln in report.lines if ln.usage_type == "NatGateway-Bytes"]
    assert (ln.planned_quantity, ln.planned_unit_price_usd) == (Decimal(100), Decimal("0.045"))
    assert ln.planned_usd == Decimal("4.5")
    assert (ln.actual_usd, ln.actual_quantity) == (Decimal(actual), Decimal(gb))
    assert ln.delta_usd == Decimal(actual) - Decimal("4.5")
    assert ln.cause == cause, ln.cause_detail


def test_on_plan_band_grows_with_the_plan(plan) -> None:
    """EKS extended support: 730 h x $0.60 = $438 planned; 3% of it is $13.14 > $0.50."""
    (eks,) = [ln for ln in plan.lines if ln.resource.startswith("eks/")]
    assert eks.monthly_usd == Decimal("438")
    for actual, cause in (("451.14", "on_plan"), ("451.15", "price"), ("424.86", "on_plan")):
        a = Decimal(actual)
        row = BillRow(
            "2025-08",
            "AmazonEKS",
            "USE1-AmazonEKS-Hours:extendedSupport",
            "",
            "",
            "{}",
            "Usage",
            "Standard",
            "",
            "",
            "Hrs",
            Decimal(730),
            a,
            a,
            a,
            1,
        )
        report = variance("staging", plan.lines, [row])
        (ln,) = [ln for ln in report.lines if ln.resource.startswith("eks/")]
        assert ln.cause == cause, (actual, ln.cause_detail)


def test_node_groups_sharing_a_usage_type_are_told_apart_by_tag(contract) -> None:
    # both node groups bill EBS:VolumeUsage.gp3; the eks:nodegroup-name tag splits them:
    # general 2 nodes x 20 GB x $0.08 = $3.20, compute 1 x 20 GB x $0.08 = $1.60
    general = _line(contract, "eks-node-group/general", "EBS root volume", "2025-08")
    compute = _line(contract, "eks-node-group/compute", "EBS root volume", "2025-08")
    assert (general["actual_usd"], compute["actual_usd"]) == (Decimal("3.2"), Decimal("1.6"))
    assert general["cause"] == compute["cause"] == "on_plan"


def test_bill_units_are_converted_to_the_plans_unit(plan) -> None:
    """KMS is planned per 10,000 requests ($0.03 each) and billed per request: 50,000
    requests costing $0.15 are 5 plan units (5 x $0.03 = $0.15: no price effect)."""
    (kms,) = [ln for ln in plan.lines if ln.resource == "kms" and ln.unit.startswith("10k")]
    assert kms.unit_price_usd == Decimal("0.03")
    row = BillRow(
        "2025-08", "awskms", "USE1-KMS-Requests", "", "", "{}", "Usage", "Standard",
        "", "", "Requests", Decimal(50_000), Decimal("0.15"), Decimal("0.15"), Decimal("0.15"), 1,
    )  # fmt: skip
    report = variance("staging", plan.lines, [row])
    (ln,) = [ln for ln in report.lines if ln.resource == "kms" and ln.usage_type == "KMS-Requests"]
    assert ln.actual_quantity == Decimal(5)
    assert ln.actual_usd == Decimal("0.15")


def _bill(usage: str, status: str, unblended: str, amortised: str, listed: str, **kw) -> BillRow:
    return BillRow(
        kw.get("month", "2025-08"), "AmazonEC2", usage, "", "", "{}",
        kw.get("charge", "Usage"), "Standard", status, "sp-1" if status else "", "Hrs",
        Decimal(kw.get("qty", "730")), Decimal(unblended), Decimal(amortised), Decimal(listed), 1,
    )  # fmt: skip


def test_savings_plan_use_coverage_and_savings_by_hand() -> None:
    """One month of a Savings Plan bill, worked by hand (the CUR's amortised columns):
    - a t3.medium node covered by the plan: list 730 h x $0.0416 = $30.368, amortised $20;
    - an uncovered t3.medium node on demand: list = amortised = $30.368;
    - $5 of the commitment unused (status Unused).
    Utilisation = used / (used + unused) = 20 / 25 = 80%; coverage = covered list / eligible
    list = 30.368 / 60.736 = 50%; savings, net of the unused commitment = covered list -
    amortised - unused = 30.368 - 20 - 5 = 5.368."""
    from planner.actuals.variance import commitments

    rows = [
        _bill("USE1-BoxUsage:t3.medium", "Used", "0", "20", "30.368"),
        _bill("USE1-BoxUsage:t3.medium", "", "30.368", "30.368", "30.368"),
        _bill("USE1-ComputeSP:1yrNoUpfront", "Unused", "5", "5", "0", charge="SPRecurringFee"),
    ]
    (c,) = commitments(rows)
    assert (c.month, c.used_usd, c.unused_usd) == ("2025-08", Decimal(20), Decimal(5))
    assert (c.covered_list_usd, c.eligible_list_usd) == (Decimal("30.368"), Decimal("60.736"))
    assert c.utilisation_pct == Decimal(80)
    assert c.coverage_pct == Decimal(50)
    assert c.kind == "Savings Plans"
    assert c.savings_usd == Decimal("5.368")
    # a bill with no commitment rows has no commitment section at all
    assert commitments(rows[1:2]) == ()


def test_savings_plan_coverage_counts_only_what_a_compute_plan_can_cover() -> None:
    """AWS's Savings Plans coverage: covered spend over the spend a Compute Savings Plan can
    cover (EC2 instance hours, Fargate, Lambda), never RDS or ElastiCache. One covered
    t3.medium ($30.368 list), one on-demand t3.medium ($30.368) and an RDS instance on demand
    (730 h x $0.072 = $52.56): coverage 30.368 / 60.736 = 50%, not 30.368 / 113.296 = 26.8%."""
    from planner.actuals.variance import commitments

    rds = BillRow(
        "2025-08", "AmazonRDS", "USE1-InstanceUsage:db.t3.medium", "", "", "{}", "Usage",
        "Standard", "", "", "Hrs", Decimal(730), Decimal("52.56"), Decimal("52.56"),
        Decimal("52.56"), 1,
    )  # fmt: skip
    sp = "arn:aws:savingsplans::123456789012:savingsplan/abc"
    rows = [
        _bill("USE1-BoxUsage:t3.medium", "Used", "0", "20", "30.368"),
        _bill("USE1-BoxUsage:t3.medium", "", "30.368", "30.368", "30.368"),
        rds,
    ]
    rows[0] = dataclasses.replace(rows[0], commitment_id=sp)
    (c,) = commitments(rows)
    assert c.kind == "Savings Plans"
    assert c.coverage_pct == Decimal(50)
    # a reserved instance (its ARN) is reservation coverage: its service's instance hours
    ri = "arn:aws:ec2:us-east-1:123456789012:reserved-instances/abc"
    rows[0] = dataclasses.replace(rows[0], commitment_id=ri)
    (r,) = commitments(rows)
    assert r.kind == "Reserved Instances"
    # RI-eligible: both t3.medium nodes and the RDS instance hours: 30.368 / 113.296
    assert r.eligible_list_usd == Decimal("113.296")


def test_cost_basis_picks_the_column(plan) -> None:
    """Amortised spreads the plan's fee over the hours it covers; unblended is what the
    invoice line says (0 for covered usage). NAT GB: unblended $0, amortised $4.50."""
    row = BillRow(
        "2025-08", "AmazonEC2", "USE1-NatGateway-Bytes", "", "", "{}", "Usage", "Standard",
        "", "", "GB", Decimal(100), Decimal(0), Decimal("4.5"), Decimal("4.5"), 1,
    )  # fmt: skip
    cases: tuple[tuple[Literal["amortised", "unblended"], str], ...] = (
        ("amortised", "4.5"),
        ("unblended", "0"),
    )
    for basis, actual in cases:
        report = variance("staging", plan.lines, [row], cost_basis=basis)
        (ln,) = [ln for ln in report.lines if ln.usage_type == "NatGateway-Bytes"]
        assert ln.actual_usd == Decimal(actual), basis
        assert report.actual_total_usd == Decimal(actual), basis


def test_the_actual_total_is_the_sum_of_what_is_shown(run_cli) -> None:
    """The sample bill's rows add to $2,605.7036 exactly. Shown per service and month (the
    finest cut a page shows) to the cent, they add to $2,605.71: the table's months, its total,
    the page's service-by-month TOTAL row and its headline all show that figure."""
    from planner.actuals.cli import load_actuals
    from planner.actuals.notebook import PlanVsActual, headline, service_months
    from planner.catalog import default_catalog
    from planner.pricing import price_scenario
    from planner.scenario import load_scenario

    rows, _label = load_actuals(str(REPO / "scenarios" / "actuals" / "cur2"))
    plan = price_scenario(load_scenario("staging"), default_catalog())
    v = variance("staging", plan.lines, rows)
    assert v.actual_total_usd == Decimal("2605.7036")
    by_month = v.actual_by_month_shown()
    assert sum(by_month.values()) == v.actual_shown_total_usd == Decimal("2605.71")
    table = run_cli(["variance", "staging", "--actuals", str(REPO / "scenarios/actuals/cur2")])
    total_row = next(line for line in table.out.splitlines() if line.startswith("total"))
    assert total_row.split()[2] == "$2,605.71"
    for month, amount in by_month.items():
        row = next(line for line in table.out.splitlines() if line.startswith(month))
        assert row.split()[2] == f"${amount:,}"
    frame = service_months(v)
    total = frame[frame["month"] == "TOTAL"].iloc[0]
    assert Decimal(str(total["actual"])) == Decimal("2605.71")
    assert Decimal(str(total["planned"])) == Decimal("2447.31")  # 3 x 815.77
    data = PlanVsActual("staging", plan, v, False, "", None, ())
    assert headline(data, md=False).startswith("Actual $2,605.71 against a plan of $2,447.31")
    # at whole dollars the plan's months are the cost overview's $818 (its 22 lines each
    # rounded to the dollar first), not the cent month $815.77 rounded ($816)
    whole = service_months(v, 0)
    months = whole[whole["month"].str.fullmatch(r"\d{4}-\d{2}")]
    assert set(months.groupby("month")["planned"].sum()) == {818.0}
    assert whole[whole["month"] == "TOTAL"].iloc[0]["planned"] == 3 * 818.0
