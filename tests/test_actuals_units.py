"""Small units of the actuals package: Cost Explorer shaping, filters, usage types, rebase."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from planner.actuals.mapping import strip_region, usage_match
from planner.actuals.pull import period, tidy_records
from planner.actuals.rebase import overlay
from planner.actuals.tidy import BillRow
from planner.aws.cost_explorer import cost_filter
from planner.errors import InputError
from planner.pricing import price_scenario
from planner.scenario import load_scenario


def test_daily_results_sum_per_month_and_names_become_codes() -> None:
    def day(date: str, cost: str) -> dict[str, object]:
        return {
            "TimePeriod": {"Start": date, "End": date},
            "Groups": [
                {
                    "Keys": ["EC2 - Other", "NatGateway-Bytes"],
                    "Metrics": {
                        "UnblendedCost": {"Amount": cost, "Unit": "USD"},
                        "AmortizedCost": {"Amount": cost, "Unit": "USD"},
                        "UsageQuantity": {"Amount": "10", "Unit": "GB"},
                    },
                }
            ],
        }

    records = tidy_records(
        [day("2025-08-01", "0.45"), day("2025-08-02", "0.45"), day("2025-09-01", "0.1")]
    )
    assert [
        (r["month"], r["service"], r["unblended_usd"], r["usage_quantity"]) for r in records
    ] == [
        ("2025-08", "AmazonEC2", Decimal("0.90"), Decimal(20)),
        ("2025-09", "AmazonEC2", Decimal("0.1"), Decimal(10)),
    ]


def test_cost_filter_tags_and_account() -> None:
    assert cost_filter({}, None) is None
    assert cost_filter({"Environment": "staging"}, "111122223333") == {
        "And": [
            {"Tags": {"Key": "Environment", "Values": ["staging"], "MatchOptions": ["EQUALS"]}},
            {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": ["111122223333"]}},
        ]
    }


def test_period_counts_whole_months_back() -> None:
    assert period(3, dt.date(2025, 11, 11)) == ("2025-08-01", "2025-11-01")
    assert period(2, dt.date(2026, 1, 31)) == ("2025-11-01", "2026-01-01")
    with pytest.raises(InputError, match="1 to 14 months"):
        period(0, dt.date(2025, 11, 11))


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("USE2-BoxUsage:t3.medium", "BoxUsage:t3.medium"),
        ("EU-NatGateway-Bytes", "NatGateway-Bytes"),
        ("NatGateway-Bytes", "NatGateway-Bytes"),
        ("APN1-DataTransfer-Out-Bytes", "DataTransfer-Out-Bytes"),
        ("EBS:VolumeUsage.gp3", "EBS:VolumeUsage.gp3"),
    ],
)
def test_strip_region(raw: str, plain: str) -> None:
    assert strip_region(raw) == plain


# Usage types as AWS bills them in us-east-1 (no region prefix), written by hand.
STAGING_USAGE_TYPES = {
    ("eks/emrtask-staging", "EKS control plane"): "AmazonEKS-Hours:extendedSupport",
    ("eks-node-group/general", "Instance usage"): "BoxUsage:t3.medium",
    ("eks-node-group/general", "EBS root volume"): "EBS:VolumeUsage.gp3",
    ("eks-node-group/compute", "Instance usage"): "SpotUsage:t3.large",
    ("eks-node-group/compute", "EBS root volume"): "EBS:VolumeUsage.gp3",
    ("rds/postgres", "DB instance"): "InstanceUsage:db.t3.medium",
    ("rds/postgres", "Storage"): "RDS:GP3-Storage",
    ("rds/postgres", "Backup storage"): "RDS:ChargedBackupUsage",
    ("elasticache/redis", "Cache nodes"): "NodeUsage:cache.t3.micro",
    ("msk/kafka", "Broker instances"): "Kafka.t3.small",
    ("msk/kafka", "Broker storage"): "Kafka.Storage.GP2",
    ("nat-gateways", "NAT gateway hours"): "NatGateway-Hours",
    ("nat-gateways", "NAT gateway data"): "NatGateway-Bytes",
    ("nlb/api-gateway", "Network load balancer hours"): "LoadBalancerUsage",
    ("nlb/api-gateway", "Load balancer capacity units"): "LCUUsage",
    ("data-transfer", "Data transfer out"): "DataTransfer-Out-Bytes",
    ("cloudwatch-logs", "Logs ingestion"): "DataProcessing-Bytes",
    ("cloudwatch-logs", "Logs storage"): "TimedStorage-ByteHrs",
    ("s3", "S3 Standard"): "TimedStorage-ByteHrs",
    ("kms", "Customer managed keys"): "KMS-Keys",
    ("kms", "Requests"): "KMS-Requests",
    ("ecr", "Image storage"): "TimedStorage-ByteHrs",
}


def test_staging_lines_map_to_the_usage_types_aws_bills() -> None:
    lines = price_scenario(load_scenario("staging")).lines
    assert len(lines) == len(STAGING_USAGE_TYPES)
    for line in lines:
        found = usage_match(line)
        assert found is not None
        (expected,) = [
            v
            for (res, start), v in STAGING_USAGE_TYPES.items()
            if res == line.resource and line.component.startswith(start)
        ]
        assert found.usage_types == (expected,), (line.resource, line.component)


def test_production_lines_all_map() -> None:
    lines = price_scenario(load_scenario("production")).lines
    types = {usage_match(ln).usage_types[0] for ln in lines if usage_match(ln)}  # type: ignore[union-attr]
    assert all(usage_match(ln) is not None for ln in lines)
    assert {"Kafka.m5.large", "DataTransfer-Regional-Bytes"} <= types


def _row(
    month: str, usage_type: str, qty: str, service: str = "AmazonEC2", tags: str = "{}"
) -> BillRow:
    return BillRow(
        month,
        service,
        usage_type,
        "",
        "",
        tags,
        "Usage",
        "Standard",
        "",
        "",
        "Hrs",
        Decimal(qty),
        Decimal(0),
        Decimal(0),
        Decimal(0),
        1,
    )


def test_rebase_node_hours_become_desired_size(tmp_path: Path) -> None:
    scenario = load_scenario("staging")
    lines = price_scenario(scenario).lines
    # 3 general nodes all of August (744 h) and September (720 h): 3 nodes on average
    rows = [
        _row("2025-08", "BoxUsage:t3.medium", "2232"),
        _row("2025-09", "BoxUsage:t3.medium", "2160"),
    ]
    doc, done = overlay(scenario, rows, "test", lines)
    (general,) = doc["eks"]["node_groups"]
    assert general == {"name": "general", "desired_size": 3}
    assert "measured 3 nodes on average" in done[0]


def test_sql_command_prints_source_and_renderings(run_cli) -> None:
    source = run_cli(["actuals", "sql", "--layout", "focus"])
    assert "{{month:BillingPeriodStart}}" in source.out and "FROM {{source}}" in source.out
    athena = run_cli(["actuals", "sql", "--layout", "cur2", "--engine", "athena"])
    assert "date_format(CAST(bill_billing_period_start_date AS TIMESTAMP), '%Y-%m')" in athena.out
    assert "json_format(CAST(resource_tags AS JSON))" in athena.out
    assert re.search(r"\{\{\w+", athena.out) is None  # every placeholder filled
    duck = run_cli(["actuals", "sql", "--engine", "duckdb"])
    assert "strftime(" in duck.out and "to_json(resource_tags)" in duck.out
