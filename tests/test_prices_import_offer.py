"""``planner prices import-offer``: AWS's bulk offer files, streamed, merged into a snapshot."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

from aws_records import PUBLISHED, offer_file, staging_records
from conftest import REPO, SNAPSHOT_DIR

from planner.catalog import PriceCatalog, Term


def _eu_offers(folder: Path) -> list[Path]:
    folder.mkdir()
    return [
        offer_file(code, recs, folder / f"{code}-eu-west-1.json")
        for code, recs in staging_records("eu-west-1").items()
    ]


def test_an_eu_west_1_staging_prices_every_line_after_import(run_cli: Any, tmp_path: Path) -> None:
    scenario = tmp_path / "staging-eu.yaml"
    text = (REPO / "scenarios" / "staging.yaml").read_text()
    scenario.write_text(text.replace("region: us-east-1 ", "region: eu-west-1 ", 1))
    before = run_cli(["price", str(scenario), "--allow-missing", "--format", "json"])
    missing_before = [
        ln for ln in json.loads(before.out)["lines"] if ln["price_basis"] == "missing"
    ]
    assert len(missing_before) >= 10  # the bundled snapshot barely covers eu-west-1
    snap = tmp_path / "snap"
    shutil.copytree(SNAPSHOT_DIR, snap)
    offers = _eu_offers(tmp_path / "offers")
    result = run_cli(["prices", "import-offer", str(tmp_path / "offers"), "--out", str(snap)])
    assert result.code == 0, result.err
    assert f"from {len(offers)} offer file(s)" in result.err
    after = run_cli(["price", str(scenario), "--prices", str(snap), "--format", "json"])
    assert after.code == 0, after.err
    lines = json.loads(after.out)["lines"]
    assert lines and all(ln["price_basis"] != "missing" for ln in lines)
    catalog = PriceCatalog(snap)
    row = catalog.get("AmazonEC2", "eu-west-1", "instance/t3.medium")
    assert row.source.startswith("AWS bulk offer file AmazonEC2 AmazonEC2-eu-west-1.json sku ")
    assert row.source_date == PUBLISHED[:10]
    # the reserved offers come along, upfront apart
    term = Term("Reserved", "3yr", "All Upfront", "standard")
    assert (
        catalog.get("AmazonEC2", "eu-west-1", "instance/t3.medium/upfront", term).unit == "Quantity"
    )
    # data transfer tiers: the free first GB is its own product, not the first tier
    tiers = {r.product: r.usd for r in catalog.rows("AWSDataTransfer") if r.region == "eu-west-1"}
    assert tiers["internet-out/first-10tb"] == Decimal("0.09")
    assert tiers["internet-out/free-up-to-1"] == 0
    # us-east-1 rows are untouched
    assert catalog.get("AmazonEC2", "us-east-1", "instance/t3.medium") == PriceCatalog(
        SNAPSHOT_DIR
    ).get("AmazonEC2", "us-east-1", "instance/t3.medium")
    assert catalog.manifest["refreshes"][-1]["endpoint"] == "bulk offer files"


def test_import_skips_products_planner_does_not_price(tmp_path: Path) -> None:
    from planner.prices.offer_file import import_offers

    records = staging_records("eu-west-1")["AmazonEC2"]
    path = offer_file("AmazonEC2", records, tmp_path / "ec2.json", filler=50)
    rows, summary = import_offers([path])
    assert {r.product for r in rows} == {
        "instance/t3.medium",
        "instance/t3.medium/upfront",
        "instance/t3.large",
        "instance/t3.large/upfront",
        "ebs/gp3",
        "nat/hours",
        "nat/gb",
    }  # 50 Windows filler products skipped
    assert summary["services"] == ["AmazonEC2"] and summary["regions"] == ["eu-west-1"]
    assert import_offers([path], ["us-east-1"])[0] == []


def test_a_savings_plans_offer_file(tmp_path: Path) -> None:
    """Shaped as AWS's Savings Plans offer files (products list, terms.savingsPlan list with
    discountedRate); rates here are placeholders."""
    from planner.prices.offer_file import import_offers

    doc = {
        "version": "20261102180000",
        "publicationDate": PUBLISHED,
        "products": [
            {
                "sku": "SKUCOMPUTE1YRNU",
                "productFamily": "ComputeSavingsPlans",
                "serviceCode": "ComputeSavingsPlans",
                "usageType": "ComputeSP:1yrNoUpfront",
                "operation": "",
                "attributes": {
                    "purchaseOption": "No Upfront",
                    "purchaseTerm": "1yr",
                    "granularity": "hourly",
                    "locationType": "AWS Region",
                },
            },
            {"sku": "SKUOTHER", "productFamily": "SageMakerSavingsPlans", "attributes": {}},
        ],
        "terms": {
            "savingsPlan": [
                {
                    "sku": "SKUCOMPUTE1YRNU",
                    "description": "1 year No Upfront Compute Savings Plan",
                    "effectiveDate": "2026-11-01T00:00:00Z",
                    "leaseContractLength": {"duration": 1, "unit": "year"},
                    "rates": [
                        {
                            "discountedSku": "X1",
                            "discountedUsageType": "EU-BoxUsage:t3.medium",
                            "discountedOperation": "RunInstances",
                            "discountedServiceCode": "AmazonEC2",
                            "discountedRegionCode": "eu-west-1",
                            "rateCode": "SKUCOMPUTE1YRNU.X1",
                            "unit": "Hrs",
                            "discountedRate": {"price": "0.0301", "currency": "USD"},
                        },
                        {
                            "discountedSku": "X2",
                            "discountedUsageType": "EU-BoxUsage:t3.medium",
                            "discountedOperation": "RunInstances:0002",
                            "discountedServiceCode": "AmazonEC2",
                            "discountedRegionCode": "eu-west-1",
                            "rateCode": "SKUCOMPUTE1YRNU.X2",
                            "unit": "Hrs",
                            "discountedRate": {"price": "0.05", "currency": "USD"},
                        },
                        {
                            "discountedSku": "X3",
                            "discountedUsageType": "EU-Fargate-vCPU-Hours:perCPU",
                            "discountedOperation": "",
                            "discountedServiceCode": "AmazonECS",
                            "discountedRegionCode": "eu-west-1",
                            "rateCode": "SKUCOMPUTE1YRNU.X3",
                            "unit": "Hrs",
                            "discountedRate": {"price": "0.03", "currency": "USD"},
                        },
                    ],
                },
                {
                    "sku": "SKUOTHER",
                    "rates": [],
                    "leaseContractLength": {"duration": 1, "unit": "year"},
                },
            ]
        },
    }
    # a rate without discountedRegionCode: the region comes from the usage type's prefix
    no_region = dict(doc["terms"]["savingsPlan"][0]["rates"][0])  # type: ignore[index]
    del no_region["discountedRegionCode"]
    no_region.update(discountedUsageType="BoxUsage:m5.large", rateCode="SKUCOMPUTE1YRNU.X4")
    no_region["discountedRate"] = {"price": "0.068", "currency": "USD"}
    doc["terms"]["savingsPlan"][0]["rates"].append(no_region)  # type: ignore[index]
    path = tmp_path / "savingsplans.json"
    path.write_text(json.dumps(doc))
    rows, summary = import_offers([path])
    assert summary["services"] == ["SavingsPlans"]
    # Windows (RunInstances:0002) and Fargate rates are not shared Linux EC2
    row, m5 = sorted(rows, key=lambda r: r.region)
    assert (m5.region, m5.product, m5.usd) == ("us-east-1", "instance/m5.large", Decimal("0.068"))
    assert (row.service, row.region, row.product, row.term, row.usd, row.source_date) == (
        "AmazonEC2",
        "eu-west-1",
        "instance/t3.medium",
        Term("SavingsPlan", "1yr", "No Upfront", "compute"),
        Decimal("0.0301"),
        "2026-11-02",
    )


def test_a_broken_offer_file_is_one_line(run_cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"offerCode": "AmazonEC2", "publicationDate": "2026-11-02T00:00:00Z", "products": {"A": '
    )
    result = run_cli(["prices", "import-offer", str(bad), "--out", str(tmp_path / "snap")])
    assert result.code == 2 and result.err.count("\n") == 1
    assert f"{bad}: not a readable AWS offer file" in result.err
    assert not (tmp_path / "snap").exists()
    other = tmp_path / "other.json"
    other.write_text('{"offerCode": "AmazonSNS", "products": {}, "terms": {}}')
    result = run_cli(["prices", "import-offer", str(other), "--out", str(tmp_path / "snap")])
    assert (
        result.code == 2 and "offerCode 'AmazonSNS' is not a service planner prices" in result.err
    )


def test_records_that_disagree_on_one_product_are_dropped_and_counted(tmp_path: Path) -> None:
    from aws_records import record

    from planner.prices.offer_file import import_offers

    a = record(
        "AmazonEC2",
        "eu-west-1",
        "Storage",
        {
            "volumeApiName": "gp3",
            "volumeType": "General Purpose",
            "usagetype": "EU-EBS:VolumeUsage.gp3",
        },
        [("GB-Mo", "0.088", "0", "Inf")],
    )
    b = record(
        "AmazonEC2",
        "eu-west-1",
        "Storage",
        {"volumeApiName": "gp3", "volumeType": "SSD", "usagetype": "EU-EBS:VolumeUsage.gp3"},
        [("GB-Mo", "0.09", "0", "Inf")],
    )
    same = record(
        "AmazonEC2",
        "eu-west-1",
        "NAT Gateway",
        {"usagetype": "EU-NatGateway-Hours"},
        [("Hrs", "0.048", "0", "Inf")],
    )
    twin = record(
        "AmazonEC2",
        "eu-west-1",
        "NAT Gateway",
        {"usagetype": "EU-NatGateway-Hours", "operation": "NatGateway"},
        [("Hrs", "0.048", "0", "Inf")],
    )
    path = offer_file("AmazonEC2", [a, b, same, twin], tmp_path / "ec2.json")
    rows, summary = import_offers([path])
    assert [(r.product, r.usd) for r in rows] == [
        ("nat/hours", Decimal("0.048"))
    ]  # agreeing twins kept once
    assert summary["conflicting_records_dropped"] == 1  # ebs/gp3: 0.088 vs 0.09
