"""The rebase overlay: measured quantities, loads, validates and prices."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

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
