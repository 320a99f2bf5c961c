"""Every field ``planner actuals rebase`` measures, on one hand-made two-month bill for staging.

August 2025 has 31 days (744 h), September 30 (720 h). Flows take the monthly average,
levels the latest month (September), hours are per calendar month (planner/actuals/rebase.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.actuals.tidy import BillRow
from planner.pricing import price_scenario
from planner.scenario import load_scenario

GENERAL = json.dumps({"user_eks:nodegroup-name": "general"})
COMPUTE = json.dumps({"user_eks:nodegroup-name": "compute"})
SRC = "billing data test, 2025-08..2025-09"


def _row(month: str, service: str, usage: str, qty: str, tags: str = "{}") -> BillRow:
    return BillRow(
        month, service, f"USE1-{usage}", "", "", tags, "Usage", "Standard", "", "", "",
        Decimal(qty), Decimal(0), Decimal(0), Decimal(0), 1,
    )  # fmt: skip


def _both(service: str, usage: str, aug: str, sep: str, tags: str = "{}") -> list[BillRow]:
    return [_row("2025-08", service, usage, aug, tags), _row("2025-09", service, usage, sep, tags)]


BILL = [
    *_both("AmazonEC2", "NatGateway-Bytes", "200", "400"),  # flow: (200 + 400) / 2 = 300 GB
    *_both("AWSELB", "LCUUsage", "744", "1440"),  # 744/744 = 1, 1440/720 = 2: 1.5 LCU an hour
    *_both("AmazonCloudWatch", "DataProcessing-Bytes", "60", "100"),  # flow: 80 GB
    *_both("AmazonCloudWatch", "TimedStorage-ByteHrs", "50", "130"),  # level: 130 GB
    *_both("AWSDataTransfer", "DataTransfer-Out-Bytes", "100", "300"),  # flow: 200 GB
    *_both("AmazonRDS", "RDS:GP3-Storage", "110", "120"),  # level: 120 GB
    *_both("AmazonMSK", "Kafka.Storage.GP2", "300", "500"),  # level 500 / 2 brokers = 250
    *_both("AmazonS3", "TimedStorage-ByteHrs", "10", "12"),  # level: 12 GB
    *_both("AmazonECR", "TimedStorage-ByteHrs", "7", "5"),  # level: 5 GB (images pruned)
    *_both("awskms", "KMS-Keys", "3", "4"),  # level: 4 keys
    *_both("awskms", "KMS-Requests", "20000", "40000"),  # 30,000 a month = 3 x 10,000
    # general: 2,232 h / 744 h = 3 nodes in August, 2,160 / 720 = 3 in September
    *_both("AmazonEC2", "BoxUsage:t3.medium", "2232", "2160", GENERAL),
    # compute runs 1 node (desired_size 1): 20 GB-months of root volume = 20 GB a node
    *_both("AmazonEC2", "EBS:VolumeUsage.gp3", "0", "20", COMPUTE),
]


def _rebased(rows: list[BillRow], scenario: Any = "staging") -> tuple[dict[str, Any], list[str]]:
    from planner.actuals.rebase import overlay

    s = load_scenario(scenario)
    return overlay(s, rows, "test", price_scenario(s).lines)


def _field(value: str, note: str) -> dict[str, str]:
    return {"value": value, "basis": "measured", "note": note, "source": SRC}


def test_every_measured_field_of_staging() -> None:
    doc, done = _rebased(BILL)
    assert doc["nat_gateways"] == {
        "data_processed_gb": _field("300", "monthly average of NatGateway-Bytes over 2 months")
    }
    (lb,) = doc["load_balancers"]
    assert lb["name"] == "api-gateway"
    assert lb["processed_gb_per_hour"]["value"] == "1.5"
    assert doc["cloudwatch_logs"] == {
        "ingestion_gb": _field("80", "monthly average of DataProcessing-Bytes"),
        "storage_gb": _field("130", "TimedStorage-ByteHrs in 2025-09 (latest month)"),
    }
    assert doc["data_transfer"] == {
        "internet_egress_gb": _field("200", "monthly average of DataTransfer-Out-Bytes")
    }
    (db,) = doc["rds"]
    assert (db["name"], db["storage_gb"]) == (
        "postgres",
        _field("120", "GB-months billed in 2025-09"),
    )
    (kafka,) = doc["msk"]
    assert kafka["storage_gb_per_broker"] == _field(
        "250", "GB-months billed in 2025-09 / 2 brokers"
    )
    assert doc["s3"] == {"storage_gb": _field("12", "GB-months billed in 2025-09")}
    assert doc["ecr"] == {"storage_gb": _field("5", "GB-months billed in 2025-09")}
    assert doc["kms"] == {
        "keys": _field("4", "KMS-Keys, latest month"),
        "requests_10k": _field("3", "monthly average of KMS-Requests / 10,000"),
    }
    general, compute = doc["eks"]["node_groups"]
    assert (general["name"], general["desired_size"]) == ("general", 3)
    assert (compute["name"], compute["disk_gb"]) == (
        "compute",
        _field("20", "EBS GB-months billed in 2025-09 / 1 nodes"),
    )
    assert done == [
        "nat_gateways.data_processed_gb",
        "load_balancers[api-gateway].processed_gb_per_hour",
        "cloudwatch_logs.ingestion_gb",
        "cloudwatch_logs.storage_gb",
        "data_transfer.internet_egress_gb",
        "rds[postgres].storage_gb",
        "msk[kafka].storage_gb_per_broker",
        "s3.storage_gb",
        "ecr.storage_gb",
        "kms.keys",
        "kms.requests_10k",
        f"eks.node_groups[general].desired_size = 3 (measured 3 nodes on average, {SRC})",
        "eks.node_groups[compute].disk_gb",
    ]


def test_nothing_billed_nothing_measured() -> None:
    assert _rebased([]) == ({}, [])


def test_inter_az_field_and_its_note() -> None:
    # production plans inter-AZ traffic: (200 + 400) / 2 = 300 GB billed a month, counted
    # once leaving one AZ and once entering the other: 150 GB crossing
    rows = _both("AWSDataTransfer", "DataTransfer-Regional-Bytes", "200", "400")
    doc, done = _rebased(rows, "production")
    assert doc["data_transfer"]["inter_az_gb"] == _field(
        "150", "monthly average of DataTransfer-Regional-Bytes / 2 (billed in both directions)"
    )
    assert done == ["data_transfer.inter_az_gb"]


def test_lcu_hours_are_per_load_balancer(tmp_path: Path) -> None:
    # two NLBs share the billed LCU-hours: 1,440 LCU-hours in September / 720 h = 2 an hour,
    # 1 per load balancer
    path = tmp_path / "two-lbs.yaml"
    base = Path(load_scenario("staging").path).resolve()
    path.write_text(
        f"extends: {base}\nname: two-lbs\nload_balancers:\n  - name: api-gateway\n    count: 2\n"
    )
    (lb,) = _rebased([_row("2025-09", "AWSELB", "LCUUsage", "1440")], path)[0]["load_balancers"]
    assert lb["processed_gb_per_hour"]["value"] == "1"


def test_long_lines_of_the_overlay_are_not_folded(tmp_path: Path) -> None:
    from planner.actuals.rebase import overlay_yaml

    # the source line is 88 characters: above PyYAML's default width (80), within the 100
    # the overlay asks for, so it stays one line
    source = "s3://cost-exports/cur2/2025/part-0001.parquet"
    s = load_scenario("staging")
    rows = _both("AmazonEC2", "NatGateway-Bytes", "200", "400")
    text, done = overlay_yaml(s, rows, source, price_scenario(s).lines, tmp_path / "o.yaml")
    line = f"    source: billing data {source}, 2025-08..2025-09"
    assert 80 < len(line) <= 100
    assert line in text.splitlines()
    assert done == ["nat_gateways.data_processed_gb"]
    assert "# base scenario. Measured: 1 field(s).\n#   nat_gateways.data_processed_gb\n" in text


def test_an_application_load_balancer_is_rebased_too(tmp_path: Path) -> None:
    # the same NLB made an ALB: its LCU line is alb/api-gateway; 1,440 LCU-hours / 720 h = 2
    path = tmp_path / "alb.yaml"
    base = Path(load_scenario("staging").path).resolve()
    path.write_text(
        f"extends: {base}\nname: alb\nload_balancers:\n"
        "  - name: api-gateway\n    type: application\n"
    )
    doc, done = _rebased([_row("2025-09", "AWSELB", "LCUUsage", "1440")], path)
    (lb,) = doc["load_balancers"]
    assert (lb["name"], lb["processed_gb_per_hour"]["value"]) == ("api-gateway", "2")
    assert done == ["load_balancers[api-gateway].processed_gb_per_hour"]


def test_a_measured_amount_rounds_half_up_at_the_fourth_decimal() -> None:
    # A measured amount is kept to 4 decimals, rounded half up (as the cost lines are). NAT
    # data processed (100.00025 + 100.00025) / 2 = 100.00025 GB is exactly half way between
    # 100.0002 and 100.0003: half up gives 100.0003 (half-even would keep 100.0002).
    rows = _both("AmazonEC2", "NatGateway-Bytes", "100.00025", "100.00025")
    doc, _ = _rebased(rows)
    assert doc["nat_gateways"]["data_processed_gb"]["value"] == "100.0003"
    # and just below half way rounds down: 100.000249 -> 100.0002
    rows = _both("AmazonEC2", "NatGateway-Bytes", "100.000249", "100.000249")
    doc, _ = _rebased(rows)
    assert doc["nat_gateways"]["data_processed_gb"]["value"] == "100.0002"


def test_kms_requests_alone_are_rebased() -> None:
    # a bill with KMS requests and no key-months: (20,000 + 40,000) / 2 = 30,000 requests a
    # month = 3 units of 10,000, rebased with nothing else of KMS measured
    rows = _both("awskms", "KMS-Requests", "20000", "40000")
    doc, done = _rebased(rows)
    assert doc["kms"]["requests_10k"]["value"] == "3"
    assert done == ["kms.requests_10k"]
