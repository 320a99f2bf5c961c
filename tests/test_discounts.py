"""The scenario's discounts: block, worked by hand on the bundled staging scenario.

Staging at list prices (the bundled snapshot; every figure is a displayed, cent-rounded line):
EC2 $153.96 (t3.medium 1460 h x 0.0416 = 60.74, EBS 3.20, t3.large spot 18.22, EBS 1.60,
NAT 1460 h x 0.045 = 65.70, NAT data 4.50), RDS $64.06 (52.56 + 11.50 + 0.00), all services
$815.77.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO

from planner import figures
from planner.actuals.tidy import BillRow
from planner.actuals.variance import variance
from planner.catalog import default_catalog
from planner.errors import ScenarioError
from planner.pricing import price_scenario
from planner.scenario import load_scenario

D = Decimal
STAGING = REPO / "scenarios" / "staging.yaml"
RATE_CARD = (
    "service,product,term,usd,source\n"
    'AmazonEC2,instance/t3.medium,OnDemand,0.035,"Private Pricing Addendum 2025-03, schedule B"\n'
)
DISCOUNTS = """
discounts:
  enterprise: {percent: 7, services: [AmazonEC2, AmazonRDS], source: "EDP 2025, section 4"}
  rate_card: rates.csv
  credits: {usd_per_month: 50, source: "AWS Activate credits"}
"""


def _scenario(tmp_path: Path, discounts: str = DISCOUNTS, card: str = RATE_CARD) -> Path:
    (tmp_path / "rates.csv").write_text(card, encoding="utf-8")
    path = tmp_path / "staging-discounts.yaml"
    path.write_text(f"extends: {STAGING}\n{discounts}", encoding="utf-8")
    return path


def test_hand_worked_discounts(tmp_path: Path) -> None:
    report = price_scenario(load_scenario(_scenario(tmp_path)), default_catalog())
    plain = price_scenario(load_scenario(STAGING), default_catalog())
    # the list lines and the list total are those of staging without discounts
    assert report.lines == plain.lines
    assert figures.total(report) == figures.total(plain) == D("815.77")
    shown = [(ln.resource, ln.service, figures.line_usd(ln)) for ln in report.discount_lines]
    assert shown == [
        # 1460 h x (0.035 - 0.0416) = 1460 x -0.0066 = -9.636
        ("discounts/private-rate", "AmazonEC2", D("-9.64")),
        # 7% of EC2 after the private rate: (153.96 - 9.64) x 0.07 = 144.32 x 0.07 = 10.1024
        ("discounts/enterprise", "AmazonEC2", D("-10.10")),
        # 7% of RDS: 64.06 x 0.07 = 4.4842
        ("discounts/enterprise", "AmazonRDS", D("-4.48")),
        ("discounts/credits", "Credits", D("-50.00")),
    ]
    # 815.77 - 9.64 - 10.10 - 4.48 - 50.00 = 741.55
    assert figures.effective_total(report) == D("741.55")
    assert all(ln.price_basis == "contract" for ln in report.discount_lines)
    assert "EDP 2025, section 4" in report.discount_lines[1].price_source
    assert "rates.csv line 2" in report.discount_lines[0].price_source


def test_price_json_shows_list_and_effective_totals(tmp_path: Path, run_cli) -> None:
    result = run_cli(["price", str(_scenario(tmp_path)), "--format", "json"])
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["total_monthly_usd"] == doc["list_total_monthly_usd"] == 815.77
    assert doc["effective_total_monthly_usd"] == 741.55
    assert doc["discounts_monthly_usd"] == -74.22  # -9.64 - 10.10 - 4.48 - 50.00
    assert [d["monthly_usd"] for d in doc["discount_lines"]] == [-9.64, -10.1, -4.48, -50.0]
    table = run_cli(["price", str(_scenario(tmp_path))]).out
    assert "TOTAL (list prices)" in table and "$815.77" in table
    assert "TOTAL effective" in table and "$741.55" in table


def test_without_a_discounts_block_effective_is_list(run_cli) -> None:
    doc = json.loads(run_cli(["price", "staging", "--format", "json"]).out)
    assert doc["effective_total_monthly_usd"] == doc["total_monthly_usd"]
    assert doc["discount_lines"] == []


def test_credits_never_take_the_bill_below_zero(tmp_path: Path) -> None:
    path = _scenario(tmp_path, "discounts:\n  credits: {usd_per_month: 100000, source: promo}\n")
    report = price_scenario(load_scenario(path), default_catalog())
    (credit,) = report.discount_lines
    assert figures.line_usd(credit) == D("-815.77")
    assert figures.effective_total(report) == 0
    assert "capped" in credit.component


def test_a_private_rate_leaves_a_line_priced_off_its_row_alone(tmp_path: Path) -> None:
    """The t3.large group runs on spot, priced as 30% of the on-demand row: a private
    on-demand rate for t3.large is not that line's price; the rate is named as unused."""
    card = "service,product,term,usd,source\nAmazonEC2,instance/t3.large,OnDemand,0.07,card\n"
    path = _scenario(tmp_path, "discounts:\n  rate_card: rates.csv\n", card)
    report = price_scenario(load_scenario(path), default_catalog())
    assert report.discount_lines == ()
    assert any("instance/t3.large [OnDemand]" in w and "no line" in w for w in report.warnings)


def test_a_private_rate_is_for_its_purchase_option_only(tmp_path: Path) -> None:
    """At a spot discount of 0% the spot line's unit price equals the on-demand row's; it is
    still spot usage, not on-demand: an on-demand private rate does not apply to it."""
    card = "service,product,term,usd,source\nAmazonEC2,instance/t3.large,OnDemand,0.07,card\n"
    text = (
        "eks:\n  node_groups:\n    - name: compute\n      spot_discount_pct: 0\n"
        "discounts:\n  rate_card: rates.csv\n"
    )
    report = price_scenario(load_scenario(_scenario(tmp_path, text, card)), default_catalog())
    spot = next(ln for ln in report.lines if ln.purchase_option == "Spot")
    assert spot.unit_price_usd == D("0.0832")  # the on-demand row's price, at 0% off
    assert report.discount_lines == ()


def test_a_bad_rate_card_row_is_one_line_naming_file_line_and_column(tmp_path: Path) -> None:
    card = RATE_CARD + "AmazonEC2,instance/t3.large,OnDemand,cheap,card\n"
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scenario(tmp_path, card=card))
    text = str(err.value)
    assert "rates.csv" in text and "line 3: usd" in text and "'cheap'" in text


def test_a_rate_card_missing_a_column(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="missing column"):
        load_scenario(_scenario(tmp_path, card="service,product,usd\nAmazonEC2,x,1\n"))


def test_an_unknown_service_code_names_the_field(tmp_path: Path) -> None:
    text = "discounts:\n  enterprise: {percent: 7, services: [EC2], source: edp}\n"
    with pytest.raises(ScenarioError, match=r"discounts\.enterprise\.services.*'EC2'"):
        load_scenario(_scenario(tmp_path, text))


def test_a_rate_card_outside_the_scenario_folders_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "rates.csv").write_text(RATE_CARD, encoding="utf-8")
    path = inner / "s.yaml"
    path.write_text(f"extends: {STAGING}\ndiscounts:\n  rate_card: ../rates.csv\n")
    with pytest.raises(ScenarioError, match="outside the scenario's folder"):
        load_scenario(path)


def _bill(service: str, category: str, usd: str, usage_type: str = "") -> BillRow:
    amount = D(usd)
    return BillRow(
        "2025-09", service, usage_type, "", "", "{}", category, "Standard", "", "", "",
        D(0), amount, amount, D(0), 1,
    )  # fmt: skip


def test_variance_compares_discounts_with_discounts(tmp_path: Path) -> None:
    """The plan's list lines against the bill's usage rows; its discount lines against the
    bill's discount rows per service, its credits against the bill's credits."""
    report = price_scenario(load_scenario(_scenario(tmp_path)), default_catalog())
    rows = [
        _bill("AmazonEC2", "Usage", "60.74", "BoxUsage:t3.medium"),
        _bill("AmazonEC2", "Discount", "-19.74"),  # private -9.64 + EDP -10.10 = -19.74
        _bill("AmazonRDS", "Discount", "-3.00"),  # plan -4.48: off by more than 3% / $0.50
        _bill("AmazonEKS", "Credit", "-50"),
    ]
    result = variance("staging", report.lines, rows, discount_lines=report.discount_lines)
    by = {v.resource: v for v in result.lines if v.usage_type == "(discounts)"}
    ec2 = by["discounts/AmazonEC2"]
    # planned: the exact lines 1460 x -0.0066 + 144.32 x -0.07 = -9.636 - 10.1024 = -19.7384
    assert ec2.planned_usd == D("-19.7384") and ec2.actual_usd == D("-19.74")
    assert ec2.cause == "on_plan"
    rds = by["discounts/AmazonRDS"]
    assert (rds.planned_usd, rds.actual_usd, rds.cause) == (D("-4.4842"), D("-3.00"), "price")
    credits = by["discounts/Credits"]
    assert (credits.planned_usd, credits.actual_usd) == (D("-50"), D("-50"))
    # nothing unplanned but usage the plan has no line for; every dollar in one place
    assert not any(u.service in ("AmazonRDS",) for u in result.unplanned)
    assert result.matched_total_usd + result.unplanned_total_usd == result.actual_total_usd
    # without the plan's discounts the same rows stay unplanned spend, as before
    bare = variance("staging", report.lines, rows)
    assert not any(v.usage_type == "(discounts)" for v in bare.lines)
    assert sum((u.actual_usd for u in bare.unplanned), D(0)) == D("-72.74")
