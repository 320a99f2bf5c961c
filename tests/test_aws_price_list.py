"""Price List records into rows, GetProducts through botocore's Stubber, and the session.

Real records (tests/data/README.md): m5.large us-east-1 with its 12 reserved offers, an RDS
Oracle record with lower-case ``hrs`` units, an EBS io2 record with ``GB-month``, the
botocore EBS io1 example page, an i3.metal record with empty terms.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_records import m5_large_record
from botocore.stub import Stubber

from planner.aws import session
from planner.aws.price_list import CallCounter, ec2_filters, get_products
from planner.aws.session import AwsError
from planner.catalog import Term
from planner.errors import PlannerError
from planner.prices.records import normalise_unit, record_rows
from planner.prices.services import SPECS

DATA = Path(__file__).parent / "data"
EC2 = SPECS["AmazonEC2"].mapper
SOURCE = "AWS Price List API GetProducts"


def _client() -> Any:
    return boto3.client(
        "pricing",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _rows(record: dict[str, Any], service: str = "AmazonEC2") -> list[Any]:
    return record_rows(record, service, SPECS[service].mapper, source=SOURCE)


def test_m5_large_gives_its_12_reserved_offers_exactly_as_aws_lists_them() -> None:
    record = m5_large_record()
    rows = _rows(record)
    # Expected values read straight from the record, independently of the code under test.
    expected: dict[tuple[str, str, str, str], tuple[Decimal, Decimal | None]] = {}
    for offer in record["terms"]["Reserved"].values():
        ta = offer["termAttributes"]
        hourly = upfront = None
        for dim in offer["priceDimensions"].values():
            usd = Decimal(dim["pricePerUnit"]["USD"])
            if dim["unit"] == "Quantity":
                upfront = usd
            else:
                hourly = usd
        assert hourly is not None
        key = (ta["LeaseContractLength"], ta["OfferingClass"], ta["PurchaseOption"], "")
        expected[key] = (hourly, upfront)
    assert len(expected) == 12
    got: dict[tuple[str, str, str, str], list[Decimal | None]] = {}
    for row in rows:
        if row.term.kind != "Reserved":
            continue
        key = (row.term.lease, row.term.offering_class, row.term.purchase_option, "")
        slot = got.setdefault(key, [None, None])
        if row.product == "instance/m5.large/upfront":
            assert row.unit == "Quantity"
            slot[1] = row.usd
        else:
            assert row.product == "instance/m5.large" and row.unit == "Hrs"
            slot[0] = row.usd
    assert {k: tuple(v) for k, v in got.items()} == expected
    # Hand-checked against AWS's published m5.large us-east-1 rates of 2021-02-05:
    assert expected[("1yr", "standard", "No Upfront", "")] == (Decimal("0.06"), None)
    assert expected[("1yr", "standard", "All Upfront", "")] == (Decimal(0), Decimal(494))
    assert expected[("3yr", "standard", "All Upfront", "")] == (Decimal(0), Decimal(949))
    # 12 hourly rows + 8 upfront fees (Partial and All Upfront) + 1 on-demand row
    assert len(rows) == 21
    (od,) = [r for r in rows if r.term == Term()]
    assert (od.product, od.usd, od.unit) == ("instance/m5.large", Decimal("0.096"), "Hrs")
    assert all(r.source_date == "2021-02-05" and "sku 6C86BEPQVG73ZGGR" in r.source for r in rows)


def test_empty_terms_give_no_rows() -> None:
    record = json.loads(
        (DATA / "getproducts_ec2_i3.metal_eu-west-1_empty_terms_lyft.json").read_text()
    )
    assert "terms" not in record  # the real record carries no terms at all
    assert _rows(record) == []
    linux = m5_large_record()
    linux["terms"] = {}
    assert _rows(linux) == []
    linux["terms"] = {"OnDemand": {}, "Reserved": {}}
    assert _rows(linux) == []


def test_mixed_unit_spellings_are_normalised() -> None:
    io1 = json.loads((DATA / "getproducts_ebs_io1_ca-central-1_botocore_example.json").read_text())
    io2 = json.loads((DATA / "getproducts_ebs_io2_eu-west-1_response.json").read_text())
    records = [json.loads(io1["PriceList"][0]), json.loads(io2["PriceList"][0])]
    units = [
        d["unit"]
        for r in records
        for o in r["terms"]["OnDemand"].values()
        for d in o["priceDimensions"].values()
    ]
    assert units == ["GB-Mo", "GB-month"]  # AWS's own spellings in these two records
    rows = [row for r in records for row in _rows(r)]
    assert [(r.product, r.region, r.unit, r.usd) for r in rows] == [
        ("ebs/io1", "ca-central-1", "GB-Mo", Decimal("0.138")),
        ("ebs/io2", "eu-west-1", "GB-Mo", Decimal("0.138")),
    ]
    assert [r.source_date for r in rows] == ["2017-09-01", "2021-01-15"]
    # Lower-case "hrs" (as some older records spell it), in an edited copy of m5.large:
    lower = m5_large_record()
    for offer in lower["terms"]["OnDemand"].values():
        for dim in offer["priceDimensions"].values():
            dim["unit"] = "hrs"
    assert {r.unit for r in _rows(lower) if r.term == Term()} == {"Hrs"}
    assert [normalise_unit(u) for u in ("Hrs", "hrs", "GB-Mo", "GB-month", "Quantity")] == [
        "Hrs",
        "Hrs",
        "GB-Mo",
        "GB-Mo",
        "Quantity",
    ]
    rds = json.loads((DATA / "getproducts_rds_db.m4.large_us-west-2_lyft.json").read_text())
    assert _rows(rds, "AmazonRDS") == []  # Bring-your-own-license Oracle: not a list price
    rds["product"]["attributes"]["licenseModel"] = "License included"
    assert {r.product for r in _rows(rds, "AmazonRDS")} == {
        "db/db.m4.large/Oracle/Multi-AZ",
        "db/db.m4.large/Oracle/Multi-AZ/upfront",
    }


def test_a_malformed_record_names_its_sku() -> None:
    record = m5_large_record()
    broken = copy.deepcopy(record)
    for offer in broken["terms"]["OnDemand"].values():
        for dim in offer["priceDimensions"].values():
            del dim["pricePerUnit"]
    with pytest.raises(
        PlannerError,
        match=r"AmazonEC2 price record sku 6C86BEPQVG73ZGGR is malformed: missing 'pricePerUnit'",
    ):
        _rows(broken)
    bad = copy.deepcopy(record)
    for offer in bad["terms"]["OnDemand"].values():
        for dim in offer["priceDimensions"].values():
            dim["pricePerUnit"]["USD"] = "0.09x"
    with pytest.raises(
        PlannerError,
        match=r"sku 6C86BEPQVG73ZGGR is malformed: pricePerUnit.USD '0.09x' is not a number",
    ):
        _rows(bad)


def test_a_zero_price_is_refused_unless_known_free() -> None:
    record = m5_large_record()
    for offer in record["terms"]["OnDemand"].values():
        for dim in offer["priceDimensions"].values():
            dim["pricePerUnit"]["USD"] = "0.0000000000"
    with pytest.raises(PlannerError) as err:
        _rows(record)
    text = str(err.value)
    assert "sku 6C86BEPQVG73ZGGR rate 6C86BEPQVG73ZGGR.JRTCKXETXF.6YS6EN2CT7" in text
    assert "0E-10 USD per Hrs for instance/m5.large in us-east-1 refused" in text
    # All Upfront's hourly 0 is a known-free dimension: the real record passes
    assert any(
        r.usd == 0 and r.term.purchase_option == "All Upfront" for r in _rows(m5_large_record())
    )
    negative = m5_large_record()
    for offer in negative["terms"]["Reserved"].values():
        for dim in offer["priceDimensions"].values():
            if dim["unit"] == "Quantity":
                dim["pricePerUnit"]["USD"] = "-1"
    with pytest.raises(PlannerError, match="refused"):
        _rows(negative)


def test_get_products_pages_with_the_standard_filters() -> None:
    client = _client()
    stub = Stubber(client)
    wrapped = json.loads((DATA / "getproducts_m5.large_us-east-1.json").read_text())
    example = json.loads(
        (DATA / "getproducts_ebs_io1_ca-central-1_botocore_example.json").read_text()
    )
    token = example["NextToken"]
    expected = {
        "ServiceCode": "AmazonEC2",
        "Filters": ec2_filters("m5.large", "us-east-1"),
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    stub.add_response("get_products", dict(wrapped, NextToken=token), expected)
    stub.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": example["PriceList"]},
        dict(expected, NextToken=token),
    )
    counter = CallCounter()
    with stub:
        records = list(
            get_products(client, "AmazonEC2", ec2_filters("m5.large", "us-east-1"), counter)
        )
    stub.assert_no_pending_responses()
    assert counter.calls == 2 and counter.records == 2
    assert [r["product"]["sku"] for r in records] == [
        "6C86BEPQVG73ZGGR",
        records[1]["product"]["sku"],
    ]
    assert records[1]["product"]["attributes"]["volumeType"] == "Provisioned IOPS"


def test_a_repeated_page_token_stops_with_one_line() -> None:
    client = _client()
    stub = Stubber(client)
    wrapped = json.loads((DATA / "getproducts_m5.large_us-east-1.json").read_text())
    stub.add_response("get_products", dict(wrapped, NextToken="same"))
    stub.add_response("get_products", dict(wrapped, NextToken="same"))
    with stub, pytest.raises(AwsError, match="bad page token") as err:
        list(get_products(client, "AmazonEC2", ec2_filters("m5.large", "us-east-1")))
    assert "\n" not in str(err.value)


def test_a_price_list_item_that_is_not_json_is_one_line() -> None:
    client = _client()
    stub = Stubber(client)
    stub.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": ['{"product": ']})
    with stub, pytest.raises(AwsError, match=r"PriceList item 0 of call 1 is not JSON"):
        list(get_products(client, "AmazonEC2", []))


def test_session_client_has_bounded_retries_timeouts_and_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_aws_credentials: None
) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile planner-test]\nregion = eu-west-1\n"
        "aws_access_key_id = AKIDPROFILE\naws_secret_access_key = secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", "http://127.0.0.1:9")
    client = session.client("pricing", "us-east-1", profile="planner-test")
    cfg = client.meta.config
    assert cfg.retries == {"mode": "adaptive", "total_max_attempts": 3}
    assert (cfg.connect_timeout, cfg.read_timeout) == (5, 15)
    assert "planner/0.1" in cfg.user_agent_extra
    assert client.meta.endpoint_url == "http://127.0.0.1:9"  # botocore's own env variable
    assert client._request_signer._credentials.access_key == "AKIDPROFILE"
    # worst case for one call against a silent endpoint stays under a minute
    assert session.MAX_ATTEMPTS * session.READ_TIMEOUT_S + 1 + 2 < 60
    with pytest.raises(AwsError, match=r"AWS profile 'nope' is not in ~/.aws/config .*--profile"):
        session.client("pricing", "us-east-1", profile="nope")
