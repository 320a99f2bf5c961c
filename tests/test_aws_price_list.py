"""The live Price List source, through botocore's Stubber with a real GetProducts response."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from planner.aws.price_list import ec2_filters, ec2_rows, fetch_ec2, merge_rows, write_snapshot
from planner.catalog import SERVICES, PriceCatalog, Term, default_catalog
from planner.errors import PlannerError

DATA = Path(__file__).parent / "data" / "getproducts_m5.large_us-east-1.json"


def _client() -> object:
    return boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _response() -> dict[str, object]:
    return json.loads(DATA.read_text())


def test_real_record_gives_on_demand_and_all_reserved_offers() -> None:
    record = json.loads(_response()["PriceList"][0])  # type: ignore[index]
    rows = ec2_rows(record)
    on_demand = [r for r in rows if r.term == Term()]
    assert [(r.product, r.usd, r.unit) for r in on_demand] == [
        ("instance/m5.large", Decimal("0.096"), "Hrs")
    ]
    reserved = {
        (r.term.lease, r.term.offering_class, r.term.purchase_option, r.unit): r.usd
        for r in rows
        if r.term.kind == "Reserved"
    }
    # 12 offers: No Upfront has one hourly dimension, Partial two, All Upfront two.
    assert len({k[:3] for k in reserved}) == 12
    assert reserved[("1yr", "standard", "No Upfront", "Hrs")] == Decimal("0.06")
    assert reserved[("3yr", "standard", "All Upfront", "Quantity")] == Decimal("949")
    assert all(r.source_date == "2021-02-05" and "sku 6C86BEPQVG73ZGGR" in r.source for r in rows)


def test_fetch_paginates_with_the_standard_filters() -> None:
    client = _client()
    stub = Stubber(client)
    first = dict(_response(), NextToken="page-2")
    second = {"FormatVersion": "aws_v1", "PriceList": []}
    expected = {
        "ServiceCode": "AmazonEC2",
        "Filters": ec2_filters("m5.large", "us-east-1"),
        "FormatVersion": "aws_v1",
    }
    stub.add_response("get_products", first, expected)
    stub.add_response("get_products", second, dict(expected, NextToken="page-2"))
    with stub:
        rows = fetch_ec2(client, ["m5.large"], "us-east-1")
    stub.assert_no_pending_responses()
    assert {r.usd for r in rows if r.term == Term()} == {Decimal("0.096")}


def test_no_record_is_an_error_not_zero() -> None:
    client = _client()
    stub = Stubber(client)
    stub.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": []})
    with stub, pytest.raises(PlannerError, match=r"no Linux price for m5\.larg in us-east-1"):
        fetch_ec2(client, ["m5.larg"], "us-east-1")


def test_refreshed_snapshot_is_a_full_catalog(tmp_path: Path) -> None:
    record = json.loads(_response()["PriceList"][0])  # type: ignore[index]
    live = [r for r in ec2_rows(record)]
    changed = [
        r.__class__(**{**{f: getattr(r, f) for f in r.__slots__}, "usd": Decimal("0.1")})
        if r.term == Term()
        else r
        for r in live
    ]
    base = default_catalog()
    rows = merge_rows((r for s in SERVICES for r in base.rows(s)), changed)
    out = write_snapshot(rows, tmp_path / "snap", "2026-11-25")
    catalog = PriceCatalog(out)
    assert catalog.verify() == []
    assert catalog.get("AmazonEC2", "us-east-1", "instance/m5.large").usd == Decimal("0.1")
    assert catalog.get("AmazonEC2", "us-east-1", "instance/t3.medium").usd == Decimal("0.0416")
    # writing again replaces the folder whole
    write_snapshot(rows[:10], out, "2026-11-26")
    assert PriceCatalog(out).manifest["total_rows"] == 10
