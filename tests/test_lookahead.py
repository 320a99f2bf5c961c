"""Look-ahead warnings: EKS and RDS support ends, stale prices, idle nodes (worked by hand)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SCENARIOS_DIR

from planner.capacity.plan import plan_capacity
from planner.catalog import load_catalog
from planner.lookahead import Warning, look_ahead, saving_ends
from planner.lookahead.warnings import add_months
from planner.pricing import price_scenario
from planner.scenario import load_scenario
from planner.support_calendars import rds_calendar, rds_major


def warnings_for(ref: str | Path, horizon: int = 12) -> dict[str, list[Warning]]:
    scenario = load_scenario(ref)
    catalog = load_catalog(None)
    report = price_scenario(scenario, catalog)
    result = plan_capacity(scenario.topology, base_dir=scenario.path.parent)
    found: dict[str, list[Warning]] = {}
    for w in look_ahead(
        scenario.topology, report, catalog, horizon_months=horizon, capacity=result
    ):
        found.setdefault(w.kind, []).append(w)
    return found


def overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overlay.yaml"
    path.write_text(f"extends: {SCENARIOS_DIR / 'staging.yaml'}\nname: overlay\n{text}")
    return path


def test_eks_upgrade_overlay_meets_the_standard_support_end_15_days_later() -> None:
    found = warnings_for("whatif/staging-eks-upgrade")
    [step] = found["eks-standard-support-end"]
    assert step.date == "2025-11-26"  # 1.31 standard support ends (EKS release calendar)
    # the control plane goes from $0.10 to $0.60 an hour: 0.50 x 730 h = $365.00 a month
    assert step.monthly_usd_change == Decimal("365.00")
    assert "15 days after as_of 2025-11-11" in step.message
    # staging itself (1.28, extended support) meets the end of extended support that day
    base = warnings_for("staging")
    [end] = base["eks-extended-support-end"]
    assert end.date == "2025-11-26" and "eks-standard-support-end" not in base
    # so the upgrade's $365.00 saving ends on 2025-11-26
    ends = saving_ends(
        [w for ws in base.values() for w in ws], [w for ws in found.values() for w in ws]
    )
    assert ends is not None and ends.date == "2025-11-26"


def test_a_short_horizon_sees_nothing_of_it(tmp_path: Path) -> None:
    path = overlay(tmp_path, 'as_of: 2025-10-01\neks:\n  kubernetes_version: "1.31"\n')
    assert "eks-standard-support-end" in warnings_for(path, horizon=2)  # 2025-12-01 >= 11-26
    assert "eks-standard-support-end" not in warnings_for(path, horizon=1)  # 2025-11-01


def test_rds_extended_support_charge_per_vcpu_hour(tmp_path: Path) -> None:
    path = overlay(tmp_path, 'rds:\n  - name: postgres\n    engine_version: "13.7"\n')
    [rds] = warnings_for(path)["rds-extended-support"]
    # PostgreSQL 13 leaves RDS standard support on 2026-02-28; charged from 2026-03-01
    assert rds.date == "2026-03-01"
    assert "110 days after as_of 2025-11-11" in rds.message
    # db.t3.medium has 2 vCPUs: 2 x $0.100 x 730 h = $146.00 a month (year 1)
    assert rds.monthly_usd_change == Decimal("146.00")
    assert "rds-extended-support" not in warnings_for(path, horizon=3)  # ends 2026-02-11


def test_rds_major_versions() -> None:
    assert rds_major("PostgreSQL", "15.4") == "15"
    assert rds_major("MySQL", "8.0.35") == "8.0"
    assert ("MySQL", "8.0") in rds_calendar() and ("PostgreSQL", "15") in rds_calendar()


def test_stale_prices_and_idle_nodes_on_the_bundled_scenarios() -> None:
    staging = warnings_for("staging")
    stale = {w.message.split(" (", 1)[0]: w for w in staging["stale-price"]}
    # 2021-08-03 to 2025-11-11: 1,461 days to 2025-08-03 (2024 is a leap year) + 100 = 1,561
    assert "1561 days older than as_of 2025-11-11" in stale["price data dated 2021-08-03"].message
    assert "rds/postgres" in stale["price data dated 2021-08-03"].message
    assert all(not w.message.startswith("price data dated 2026") for w in staging["stale-price"])
    # staging's compute group: 1 t3.large spot node, no pod at min or expected replicas:
    # 0.0832 x 0.30 x 730 = 18.2208 -> $18.22, plus 20 GB x $0.08 = $1.60: $19.82
    [idle] = staging["idle-nodes"]
    assert idle.subject == "eks-node-group/compute"
    assert idle.monthly_usd_change == Decimal("19.82")
    # production's compute group: 3 m5.xlarge spot nodes: 0.192 x 0.30 x 730 x 3 = 126.144
    # -> $126.14, plus 3 x 20 GB x $0.08 = $4.80: $130.94
    [idle] = warnings_for("production")["idle-nodes"]
    assert idle.monthly_usd_change == Decimal("130.94") and "3 m5.xlarge" in idle.message


def test_add_months_clamps_the_day() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 11), 12) == dt.date(2026, 11, 11)


def test_price_json_and_table_carry_the_warnings(run_cli) -> None:
    result = run_cli(["price", "whatif/staging-eks-upgrade", "--format", "json"])
    assert result.code == 0
    data = json.loads(result.out)
    kinds = [w["kind"] for w in data["look_ahead"]]
    assert kinds[0] == "eks-standard-support-end" and data["horizon_months"] == 12
    assert data["look_ahead"][0]["monthly_usd_change"] == 365
    assert data["look_ahead"][0]["message"] in data["warnings"]
    table = run_cli(["price", "whatif/staging-eks-upgrade"]).out
    assert "Warnings:" in table and "leaves EKS standard support on 2025-11-26" in table
    short = json.loads(
        run_cli(
            ["price", "whatif/staging-eks-upgrade", "--format", "json", "--horizon-months", "1"]
        ).out
    )
    assert "eks-standard-support-end" in [w["kind"] for w in short["look_ahead"]]  # 15 days
    bad = run_cli(["price", "--horizon-months", "0"])
    assert bad.code == 2 and "1-120" in bad.err


@pytest.mark.parametrize("scenario", ["staging", "production"])
def test_price_dates_are_the_sources_own_dates(run_cli, scenario: str) -> None:
    data = json.loads(run_cli(["price", scenario, "--format", "json"]).out)
    snapshot_built = data["price_snapshot"]["date"]
    assert data["price_dates"]["oldest"] == "2021-08-03" != snapshot_built
    assert all(ln["price_date"] and ln["price_date"] < snapshot_built for ln in data["lines"])
    spot = next(ln for ln in data["lines"] if "spot" in ln["component"])
    assert spot["price_basis"] == "assumption"
    assert spot["notes"].startswith("price rests on an assumption: 70% off on-demand")
