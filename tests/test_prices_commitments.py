"""Spot summaries from the real DescribeSpotPriceHistory response, Savings Plans rates through
botocore's Stubber, and the offline commitment rates brought into the snapshot."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from conftest import REPO, SNAPSHOT_DIR

from planner.aws.savings_plans import offering_rates
from planner.aws.spot import spot_history
from planner.catalog import PriceCatalog, Term
from planner.errors import PlannerError
from planner.prices.commitments import savings_plan_rows, spot_rows

SPOT_SAMPLE = (
    REPO
    / "pricing"
    / "sources"
    / "api-response-samples"
    / "ec2_describe_spot_price_history_m5.large_linux_us-east-1_2021-02.json"
)


def _history() -> list[dict[str, Any]]:
    return json.loads(SPOT_SAMPLE.read_text())["SpotPriceHistory"]


def test_spot_summary_of_the_real_response() -> None:
    history = _history()
    prices = sorted(Decimal(e["SpotPrice"]) for e in history)
    assert len(prices) == 250
    # 250 samples: the median is the mean of the 125th and 126th smallest.
    by_hand = (prices[124] + prices[125]) / 2
    (row,) = spot_rows(history, "us-east-1", "sample")
    assert row.usd == by_hand == Decimal("0.0409")
    assert (row.product, row.term, row.unit, row.price_kind) == (
        "instance/m5.large",
        Term("Spot"),
        "Hrs",
        "spot median",
    )
    assert "samples=250;" in row.attributes and "max=0.0437;" in row.attributes
    assert "azs=us-east-1a,us-east-1b,us-east-1c,us-east-1d,us-east-1f" in row.attributes
    assert "window=2021-01-08T01:06:24Z..2021-02-09T01:40:10Z" in row.attributes
    assert row.source_date == "2021-02-09"  # the newest sample, not the build date
    bundled = PriceCatalog(SNAPSHOT_DIR).get(
        "AmazonEC2", "us-east-1", "instance/m5.large", Term("Spot")
    )
    assert bundled.usd == by_hand


def test_spot_history_through_stubber_over_pages() -> None:
    client = boto3.client(
        "ec2", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    stub = Stubber(client)
    history = _history()
    now = dt.datetime(2021, 2, 9, 2, tzinfo=dt.UTC)
    expected = {
        "InstanceTypes": ["m5.large"],
        "ProductDescriptions": ["Linux/UNIX"],
        "StartTime": now - dt.timedelta(days=30),
        "EndTime": now,
    }
    stub.add_response(
        "describe_spot_price_history",
        {"SpotPriceHistory": history[:100], "NextToken": "p2"},
        expected,
    )
    stub.add_response(
        "describe_spot_price_history",
        {"SpotPriceHistory": history[100:]},
        dict(expected, NextToken="p2"),
    )
    with stub:
        got = spot_history(client, ["m5.large"], now=now)
    stub.assert_no_pending_responses()
    (row,) = spot_rows(got, "us-east-1", "AWS EC2 DescribeSpotPriceHistory")
    assert row.usd == Decimal("0.0409")


def test_a_spot_node_group_uses_the_spot_median_where_it_exists(
    run_cli: Any, tmp_path: Path
) -> None:
    text = (
        (REPO / "scenarios" / "staging.yaml")
        .read_text()
        .replace("instance_type: t3.large", "instance_type: m5.large")
    )
    scenario = tmp_path / "staging-m5.yaml"
    scenario.write_text(text)
    result = run_cli(["price", str(scenario), "--format", "json"])
    assert result.code == 0, result.err
    (line,) = [ln for ln in json.loads(result.out)["lines"] if "spot" in ln["component"]]
    # 1 node x 730 h x 0.0409 (median of the sample) = 29.857, shown as 29.86
    assert Decimal(line["monthly_usd_exact"]) == Decimal("29.857")
    assert Decimal(str(line["monthly_usd"])) == Decimal("29.86")
    assert line["price_basis"] == "derived" and "spot median" in line["price_source"]
    # t3.large has no spot data: the stated discount stays, labelled as an assumption
    staging = run_cli(["price", "staging", "--format", "json"])
    (t3,) = [ln for ln in json.loads(staging.out)["lines"] if "spot" in ln["component"]]
    assert t3["price_basis"] == "assumption"


def _sp_result(
    plan: str, seconds: int, option: str, rate: str, instance: str = "m5.large"
) -> dict[str, Any]:
    """Shaped as the DescribeSavingsPlansOfferingRates API reference documents a result
    (no real response sample exists; the rates here are placeholders)."""
    return {
        "savingsPlanOffering": {
            "offeringId": f"{plan}-{seconds}-{option}".replace(" ", ""),
            "paymentOption": option,
            "planType": plan,
            "durationSeconds": seconds,
            "currency": "USD",
            "planDescription": f"{plan} Savings Plan",
        },
        "rate": rate,
        "unit": "Hrs",
        "productType": "EC2",
        "serviceCode": "AmazonEC2",
        "usageType": f"BoxUsage:{instance}",
        "operation": "RunInstances",
        "properties": [
            {"name": "region", "value": "us-east-1"},
            {"name": "instanceType", "value": instance},
            {"name": "productDescription", "value": "Linux/UNIX"},
            {"name": "tenancy", "value": "shared"},
        ],
    }


def test_savings_plans_rates_through_stubber() -> None:
    client = boto3.client(
        "savingsplans", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    stub = Stubber(client)
    page1 = [
        _sp_result("Compute", 31536000, "No Upfront", "0.068"),
        _sp_result("EC2Instance", 94608000, "All Upfront", "0.0401"),
    ]
    dedicated = _sp_result("Compute", 31536000, "Partial Upfront", "0.07")
    dedicated["usageType"] = "DedicatedUsage:m5.large"
    stub.add_response(
        "describe_savings_plans_offering_rates",
        {"searchResults": page1, "nextToken": "n2"},
        {
            "savingsPlanTypes": ["Compute", "EC2Instance"],
            "savingsPlanPaymentOptions": ["No Upfront", "Partial Upfront", "All Upfront"],
            "products": ["EC2"],
            "serviceCodes": ["AmazonEC2"],
            "filters": ANY,
            "maxResults": 1000,
        },
    )
    stub.add_response(
        "describe_savings_plans_offering_rates",
        {"searchResults": [dedicated]},
        {
            "savingsPlanTypes": ANY,
            "savingsPlanPaymentOptions": ANY,
            "products": ANY,
            "serviceCodes": ANY,
            "filters": ANY,
            "maxResults": ANY,
            "nextToken": "n2",
        },
    )
    with stub:
        results, calls = offering_rates(client, "us-east-1", ["m5.large"])
    assert calls == 2 and len(results) == 3
    rows = savings_plan_rows(results, "us-east-1", "2026-11-25")
    got = {
        (r.term.kind, r.term.lease, r.term.purchase_option, r.term.offering_class): (
            r.product,
            r.usd,
            r.unit,
        )
        for r in rows
    }
    assert got == {
        ("SavingsPlan", "1yr", "No Upfront", "compute"): (
            "instance/m5.large",
            Decimal("0.068"),
            "Hrs",
        ),
        ("SavingsPlan", "3yr", "All Upfront", "ec2instance"): (
            "instance/m5.large",
            Decimal("0.0401"),
            "Hrs",
        ),
    }  # the dedicated-tenancy rate is not a shared Linux rate
    with pytest.raises(PlannerError, match="rate 0 refused"):
        savings_plan_rows(
            [_sp_result("Compute", 31536000, "No Upfront", "0")], "us-east-1", "2026-11-25"
        )


def test_offline_commitment_rates_are_in_the_snapshot_with_source_and_date() -> None:
    catalog = PriceCatalog(SNAPSHOT_DIR)
    # commitments/commitment_rates_us-east-1.csv: t3.medium std 1yr No Upfront 0.0261 (2019)
    row = catalog.get(
        "AmazonEC2",
        "us-east-1",
        "instance/t3.medium",
        Term("Reserved", "1yr", "No Upfront", "standard"),
    )
    assert (row.usd, row.price_kind, row.unit) == (
        Decimal("0.0261"),
        "effective hourly",
        "Hrs (effective, upfront amortised)",
    )
    assert row.source_date == "2019-04-05" and row.source.startswith(
        "LeanerCloud/ec2-instances-info:"
    )
    # m5.xlarge std 1yr All Upfront: the 2023 value 0.1129 wins over 2019's 0.114498
    xl = catalog.get(
        "AmazonEC2",
        "us-east-1",
        "instance/m5.xlarge",
        Term("Reserved", "1yr", "All Upfront", "standard"),
    )
    assert xl.usd == Decimal("0.1129") and xl.source_date[:4] == "2023"
    # AWS's own record keeps the split for m5.large: recurring and upfront apart
    term = Term("Reserved", "1yr", "Partial Upfront", "standard")
    assert catalog.get("AmazonEC2", "us-east-1", "instance/m5.large", term).usd == Decimal("0.029")
    assert (
        catalog.get("AmazonEC2", "us-east-1", "instance/m5.large/upfront", term).unit == "Quantity"
    )
    # ElastiCache: the 2025 source of the same values
    cache = catalog.get(
        "AmazonElastiCache",
        "us-east-1",
        "node/cache.t3.micro/Redis",
        Term("Reserved", "1yr", "No Upfront", "standard"),
    )
    assert cache.usd == Decimal("0.012") and cache.source_date == "2025-04-24"
    # no Savings Plans rate exists offline: the catalog says so (prices refresh fills it)
    with pytest.raises(PlannerError, match="no SavingsPlan 1yr compute No Upfront price for"):
        catalog.get(
            "AmazonEC2",
            "us-east-1",
            "instance/m5.large",
            Term("SavingsPlan", "1yr", "No Upfront", "compute"),
        )


def test_refresh_fetches_spot_and_savings_plans_for_the_scenario(tmp_path: Path) -> None:
    """The refresh's own path (make_plan + fetch) with stubbed ec2 and savingsplans clients."""
    from aws_records import staging_records

    from planner.prices.refresh import fetch, make_plan

    text = (REPO / "scenarios" / "staging.yaml").read_text()
    scenario = tmp_path / "staging-m5.yaml"
    scenario.write_text(text.replace("instance_type: t3.large", "instance_type: m5.large"))
    plan = make_plan([str(scenario)], [], ["AmazonEKS"], spot=True, savings_plans=True)
    assert plan.spot == {"us-east-1": {"m5.large"}}
    assert plan.savings == {"us-east-1": {"m5.large", "t3.medium"}}
    clients: dict[str, Any] = {}
    for service in ("pricing", "ec2", "savingsplans"):
        clients[service] = boto3.client(
            service, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
    stubs = {name: Stubber(c) for name, c in clients.items()}
    eks = [json.dumps(r) for r in staging_records("us-east-1")["AmazonEKS"]]
    stubs["pricing"].add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": eks})
    stubs["ec2"].add_response("describe_spot_price_history", {"SpotPriceHistory": _history()})
    rates = [
        _sp_result("Compute", 31536000, "No Upfront", "0.068"),
        _sp_result("Compute", 31536000, "No Upfront", "0.0301", "t3.medium"),
    ]
    stubs["savingsplans"].add_response(
        "describe_savings_plans_offering_rates", {"searchResults": rates}
    )
    for stub in stubs.values():
        stub.activate()
    result = fetch(plan, lambda service, region: clients[service], today="2026-11-25")
    for stub in stubs.values():
        stub.assert_no_pending_responses()
    got = {
        (r.product, r.term.kind, r.term.offering_class): r.usd
        for r in result.rows
        if r.service == "AmazonEC2"
    }
    assert got == {
        ("instance/m5.large", "Spot", ""): Decimal("0.0409"),
        ("instance/m5.large", "SavingsPlan", "compute"): Decimal("0.068"),
        ("instance/t3.medium", "SavingsPlan", "compute"): Decimal("0.0301"),
    }
    assert result.calls == {
        "AmazonEKS": 1,
        "ec2 DescribeSpotPriceHistory": 1,
        "savingsplans DescribeSavingsPlansOfferingRates": 1,
    }
    assert result.missing == []


def test_status_counts_terms_and_stale_rows() -> None:
    from planner.prices.status import status_json, status_rows

    catalog = PriceCatalog(SNAPSHOT_DIR)
    today = dt.date(2026, 11, 25)
    rows = {(c.service, c.region): c for c in status_rows(catalog, today, ["us-east-1"])}
    ec2 = rows[("AmazonEC2", "us-east-1")]
    assert ec2.spot == 1 and ec2.savings_plan == 0
    assert ec2.on_demand + ec2.reserved + ec2.spot == ec2.rows
    eks = rows[("AmazonEKS", "us-east-1")]
    # both EKS rows come from infracost's 2025-07-07 golden: 506 days before 2026-11-25
    assert (eks.rows, eks.oldest, eks.oldest_age_days, eks.stale_rows) == (2, "2025-07-07", 506, 2)
    doc = json.loads(status_json(catalog, list(rows.values()), today))
    assert doc["stale_after_days"] == 365 and len(doc["coverage"]) == len(rows)
