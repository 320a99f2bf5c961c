"""Pricing honesty under hostile sizes: S3 volume tiers, pods that fit nowhere."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from hostile.hostile_cases import STAGING, Case, overlay, run_case
from planner.catalog import ON_DEMAND, PriceRow, Term, load_catalog
from planner.cli import main
from planner.costing.context import PricingContext
from planner.costing.services import s3
from planner.errors import PriceNotFoundError
from planner.scenario import load_scenario


class TieredCatalog:
    """The bundled S3 first-tier row plus tier rows at the AWS S3 pricing page's us-east-1
    rates (next 450 TB $0.022, over 500 TB $0.021 per GB-month): the bundled snapshot lacks
    them, so the tier arithmetic is checked against hand-worked figures with these rows."""

    def __init__(self) -> None:
        first = load_catalog(None).get("AmazonS3", "us-east-1", "storage/standard")
        self.rows = {
            "storage/standard": first,
            "storage/standard/next-450tb": dataclasses.replace(
                first, product="storage/standard/next-450tb", usd=Decimal("0.022")
            ),
            "storage/standard/over-500tb": dataclasses.replace(
                first, product="storage/standard/over-500tb", usd=Decimal("0.021")
            ),
        }

    def get(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND, *, what: str = ""
    ) -> PriceRow:
        if product not in self.rows:
            raise PriceNotFoundError(f"no price for {what or product} in {region}")
        return self.rows[product]

    def explain_missing(self, *args: Any, **kwargs: Any) -> str:
        return "missing"


def _s3_lines(storage_gb: str) -> list[tuple[str, Decimal, Decimal | None]]:
    topology = load_scenario("staging").topology
    assert topology.s3 is not None
    big = topology.model_copy(
        update={
            "s3": topology.s3.model_copy(
                update={
                    "storage_gb": topology.s3.storage_gb.model_copy(
                        update={"value": Decimal(storage_gb)}
                    )
                }
            )
        }
    )
    ctx = PricingContext(catalog=TieredCatalog(), region="us-east-1")  # type: ignore[arg-type]
    return [(ln.component, ln.quantity, ln.monthly_usd) for ln in s3.price(big, ctx)]


def test_s3_tiers_hand_worked() -> None:
    # 1e12 GB: 51,200 x 0.023 = 1,177.60; 460,800 x 0.022 = 10,137.60;
    # (1e12 - 512,000) = 999,999,488,000 x 0.021 = 20,999,989,248.00
    lines = _s3_lines("1000000000000")
    assert [(c, q) for c, q, _ in lines] == [
        ("S3 Standard storage, first 50 TB", Decimal(51_200)),
        ("S3 Standard storage, next 450 TB", Decimal(460_800)),
        ("S3 Standard storage, over 500 TB", Decimal(999_999_488_000)),
    ]
    assert [m for _, _, m in lines] == [
        Decimal("1177.600"),
        Decimal("10137.600"),
        Decimal("20999989248.000"),
    ]
    assert sum(m for _, _, m in lines if m is not None) == Decimal("21000000563.200")
    # 60 TB = 61,440 GB: 51,200 x 0.023 = 1,177.60 and 10,240 x 0.022 = 225.28
    assert [m for _, _, m in _s3_lines("61440")] == [Decimal("1177.600"), Decimal("225.280")]
    # exactly 50 TB stays one line at the first tier's rate: 51,200 x 0.023 = 1,177.60
    assert _s3_lines("51200") == [("S3 Standard storage", Decimal(51_200), Decimal("1177.600"))]


def test_s3_tiers_boundaries() -> None:
    assert s3.tiers(Decimal(0)) == [("storage/standard", "first 50 TB", Decimal(0))]
    assert [q for _, _, q in s3.tiers(Decimal(512_000))] == [Decimal(51_200), Decimal(460_800)]
    assert [q for _, _, q in s3.tiers(Decimal(512_001))] == [
        Decimal(51_200),
        Decimal(460_800),
        Decimal(1),
    ]


def test_s3_tier_missing_from_snapshot_is_an_error_not_the_first_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = Case(
        "s3-1e12",
        overlay("s3:\n  storage_gb: 1000000000000\n"),
        2,
        "no on-demand price for S3 Standard storage (next 450 TB tier) in us-east-1",
    )
    run_case(case, tmp_path, capsys)


def test_s3_tier_missing_with_allow_missing_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s3.yaml"
    path.write_text(f"extends: {STAGING}\ns3:\n  storage_gb: 61440\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["price", str(path), "--allow-missing", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    s3_lines = [ln for ln in data["lines"] if ln["resource"] == "s3"]
    assert [ln["missing"] for ln in s3_lines] == [False, True]
    assert "next 450 TB tier" in err


def test_unplaced_pods_warn_in_price_text_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(
        f"extends: {STAGING}\neks:\n  workloads:\n  - name: huge\n    replicas_min: 1\n"
        "    replicas_max: 3\n    cpu_request: '64'\n    memory_request: 1Gi\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["price", str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning: capacity: 3 huge pod(s) cannot be placed at max replicas (needs 64 vCPU" in err
    assert main(["price", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any(
        w.startswith("capacity: 1 huge pod(s) cannot be placed at expected")
        for w in data["warnings"]
    )


def test_unplaced_pods_warn_when_nodes_come_from_capacity(tmp_path: Path) -> None:
    from planner.pricing import price_scenario

    path = tmp_path / "huge.yaml"
    path.write_text(
        f"extends: {STAGING}\neks:\n  node_count: from_capacity\n  workloads:\n"
        "  - name: huge\n    replicas_min: 2\n    replicas_max: 3\n    cpu_request: '64'\n"
        "    memory_request: 1Gi\n",
        encoding="utf-8",
    )
    report = price_scenario(load_scenario(path))
    assert [w for w in report.warnings if "huge" in w] == [
        w for w in report.warnings if "2 huge pod(s) cannot be placed at expected replicas" in w
    ]
    assert len([w for w in report.warnings if "huge" in w]) == 1


def test_unplaced_pods_warn_in_the_notebook_summaries(tmp_path: Path) -> None:
    from planner.notebooks.data import Capacity, Overview, capacity_summary, overview_summary
    from planner.pricing import price_scenario, scenario_capacity_range

    path = tmp_path / "huge.yaml"
    path.write_text(
        f"extends: {STAGING}\neks:\n  node_count: from_capacity\n  workloads:\n"
        "  - name: huge\n    replicas_min: 1\n    replicas_max: 3\n    cpu_request: '64'\n"
        "    memory_request: 1Gi\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    report = price_scenario(scenario)
    result, costs = scenario_capacity_range(scenario)
    from planner.figures import state_totals

    shown = state_totals(scenario.topology, result)
    states = {str(k): v for k, v in costs.items()}
    summary = capacity_summary(Capacity(report, result, states, shown, [], shown))
    assert summary["ok"] is False
    assert [w.split(" (")[0] for w in summary["capacity_warnings"]] == [
        "capacity: 1 huge pod(s) cannot be placed at min replicas",
        "capacity: 1 huge pod(s) cannot be placed at expected replicas",
        "capacity: 3 huge pod(s) cannot be placed at max replicas",
    ]
    overview = overview_summary(Overview(report, {}, None, None, [], []))
    assert any("at expected replicas" in w for w in overview["pricing_warnings"])
