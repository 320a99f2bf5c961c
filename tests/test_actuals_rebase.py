"""The rebase overlay: measured quantities, loads, validates and prices."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from planner.actuals.tidy import BillRow
from planner.pricing import price_scenario
from planner.scenario import load_scenario
from planner.topology import Basis


@pytest.fixture(scope="module")
def overlay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from planner.cli import main

    out = tmp_path_factory.mktemp("rebase") / "staging-rebased.yaml"
    assert main(["actuals", "rebase", "staging", "--actuals", "sample", "-o", str(out)]) == 0
    return out


def test_overlay_loads_and_measures(overlay: Path) -> None:
    scenario = load_scenario(overlay)
    topo = scenario.topology
    assert topo.name == "staging-rebased"
    nat = topo.nat_gateways
    assert nat is not None
    assert nat.data_processed_gb.basis is Basis.MEASURED
    assert nat.data_processed_gb.value == Decimal(300)
    assert "2025-08..2025-10" in nat.data_processed_gb.source
    logs = topo.cloudwatch_logs
    assert logs is not None
    assert logs.ingestion_gb.value == Decimal(80)
    assert logs.storage_gb.value == Decimal(210)  # latest month: 50 + 80 + 80 GB kept
    (lb,) = topo.load_balancers
    assert lb.processed_gb_per_hour.value == Decimal("0.35")
    assert lb.processed_gb_per_hour.basis is Basis.MEASURED
    (db,) = topo.rds
    assert db.storage_gb.value == Decimal(120)
    assert topo.kms is not None and topo.kms.requests_10k.value == Decimal("2.5")
    # unchanged fields still come from the base scenario
    assert topo.eks is not None and topo.eks.cluster_name == "emrtask-staging"
    assert "SAMPLE" in overlay.read_text()


def test_overlay_prices_on_measured_figures(overlay: Path, run_cli) -> None:
    base = price_scenario(load_scenario("staging"))
    rebased = price_scenario(load_scenario(overlay))
    nat = next(ln for ln in rebased.lines if ln.component == "NAT gateway data processed")
    assert nat.monthly_usd == Decimal("13.5")  # 300 GB x $0.045
    assert nat.quantity_basis == "measured"
    # NAT +9.00, logs ingestion +15.00 (30 GB x $0.50), logs storage +4.80 (160 GB-Mo x $0.03),
    # ... the rebased plan is dearer than the original
    assert rebased.total_monthly_usd > base.total_monthly_usd + Decimal(28)
    result = run_cli(["price", str(overlay), "--format", "json"])
    assert result.code == 0, result.err


def test_rebase_needs_output(run_cli) -> None:
    result = run_cli(["actuals", "rebase", "staging", "--actuals", "sample"])
    assert result.code == 2 and "--output" in result.err


# Rules of the rebase, each on a hand-made bill (one row per month and usage type).
def _row(month: str, service: str, usage: str, qty: str, tags: str = "{}") -> BillRow:
    q = Decimal(qty)
    return BillRow(
        month, service, f"USE1-{usage}", "", "", tags, "Usage", "Standard", "", "", "", q,
        Decimal(0), Decimal(0), Decimal(0), 1,
    )  # fmt: skip


def _rebased(rows: list[BillRow], name: str = "staging") -> dict[str, Any]:
    from planner.actuals.rebase import overlay as make_overlay

    scenario = load_scenario(name)
    doc, _ = make_overlay(scenario, rows, "test", price_scenario(scenario).lines)
    return doc


def _node_hours(hours: str, group: str = "general", month: str = "2025-09") -> BillRow:
    itype = {"general": "t3.medium", "compute": "t3.large"}[group]
    kind = "BoxUsage" if group == "general" else "SpotUsage"
    tags = json.dumps({"user_eks:nodegroup-name": group})
    return _row(month, "AmazonEC2", f"{kind}:{itype}", hours, tags)


def test_inter_az_gb_is_half_the_billed_bytes() -> None:
    # AWS bills a GB crossing AZs once out of one AZ and once into the other, and the plan
    # prices inter_az_gb x 2; so the measured field is the billed average / 2:
    # (200 + 400) / 2 months = 300 GB billed a month -> 150 GB crossing (production plans
    # inter-AZ traffic; staging does not)
    rows = [
        _row("2025-08", "AWSDataTransfer", "DataTransfer-Regional-Bytes", "200"),
        _row("2025-09", "AWSDataTransfer", "DataTransfer-Regional-Bytes", "400"),
    ]
    assert _rebased(rows, "production")["data_transfer"]["inter_az_gb"]["value"] == "150"


def test_msk_storage_is_per_broker_from_the_latest_month() -> None:
    # staging has 2 brokers; storage is a level, so the latest month counts: 500 / 2 = 250
    rows = [
        _row("2025-08", "AmazonMSK", "Kafka.Storage.GP2", "300"),
        _row("2025-09", "AmazonMSK", "Kafka.Storage.GP2", "500"),
    ]
    (kafka,) = _rebased(rows)["msk"]
    assert kafka["storage_gb_per_broker"]["value"] == "250"


@pytest.mark.parametrize(
    ("hours", "nodes"),
    [
        ("2160", 3),  # September has 30 days = 720 h: 2,160 / 720 = 3 nodes
        ("1800", 3),  # 2.5 nodes: a count, rounded half up
        ("1799", 2),  # 2.4986 nodes
        ("7200", 4),  # 10 nodes measured: clamped to general's max_size 4
        ("288", 2),  # 0.4 nodes: clamped to general's min_size 2
    ],
)
def test_node_hours_become_a_clamped_desired_size(hours: str, nodes: int) -> None:
    (group,) = _rebased([_node_hours(hours)])["eks"]["node_groups"]
    assert (group["name"], group["desired_size"]) == ("general", nodes)


def test_hours_are_per_calendar_month_not_730() -> None:
    # 744 LCU-hours in August (31 days = 744 h) is 1 LCU an hour (not 744 / 730 = 1.0192)
    rows = [_row("2025-08", "AWSELB", "LCUUsage", "744")]
    (lb,) = _rebased(rows)["load_balancers"]
    assert lb["processed_gb_per_hour"]["value"] == "1"


def test_root_volume_gb_is_per_node() -> None:
    # general runs desired_size 2 nodes: 50 GB-months billed -> 25 GB each
    tags = '{"user_eks:nodegroup-name": "general"}'
    rows = [_row("2025-09", "AmazonEC2", "EBS:VolumeUsage.gp3", "50", tags)]
    (group,) = _rebased(rows)["eks"]["node_groups"]
    assert group["disk_gb"]["value"] == "25"


def test_levels_take_the_latest_month_flows_the_average() -> None:
    # RDS backup GB-months and KMS keys are levels: the latest month (September: 30 GB,
    # 4 keys); KMS requests are a flow: (20,000 + 40,000) / 2 months = 30,000 requests =
    # 3 plan units of 10,000.
    rows = [
        _row("2025-08", "AmazonRDS", "RDS:ChargedBackupUsage", "10"),
        _row("2025-09", "AmazonRDS", "RDS:ChargedBackupUsage", "30"),
        _row("2025-08", "awskms", "KMS-Keys", "3"),
        _row("2025-09", "awskms", "KMS-Keys", "4"),
        _row("2025-08", "awskms", "KMS-Requests", "20000"),
        _row("2025-09", "awskms", "KMS-Requests", "40000"),
    ]
    doc = _rebased(rows)
    (db,) = doc["rds"]
    assert db["backup_storage_gb"]["value"] == "30"
    assert doc["kms"]["keys"]["value"] == "4"
    assert doc["kms"]["requests_10k"]["value"] == "3"
