"""A price used that is older than 365 days on the scenario's as_of date is named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import REPO


def _stale(run_cli: Any, scenario: str) -> list[str]:
    result = run_cli(["price", scenario, "--format", "json"])
    assert result.code == 0, result.err
    return [w for w in json.loads(result.out)["warnings"] if " days older than " in w]


def test_staging_names_each_price_older_than_a_year(run_cli: Any) -> None:
    (warning,) = _stale(run_cli, "staging")
    # as_of 2025-11-11: the RDS price of 2021-08-03 is 1561 days old; EKS (2025-07-07) and
    # the EC2 on-demand prices (2026-07-20) are not.
    assert warning.startswith(
        "15 price(s) used are more than 365 days older than the scenario's as_of 2025-11-11: "
    )
    assert "AmazonRDS/us-east-1/db/db.t3.medium/PostgreSQL/Single-AZ (2021-08-03)" in warning
    assert "AmazonElastiCache/us-east-1/node/cache.t3.micro/Redis (2022-02-13)" in warning
    assert "AWSDataTransfer/us-east-1/internet-out/first-10tb (2024-09-25)" in warning
    assert "AmazonEKS" not in warning and "instance/t3" not in warning


def test_a_price_exactly_365_days_old_is_not_stale(run_cli: Any, tmp_path: Path) -> None:
    # the S3 price is dated 2024-07-01: 365 days before 2025-07-01, 366 before 2025-07-02
    text = (REPO / "scenarios" / "staging.yaml").read_text()
    for as_of, expect in (("2025-07-01", False), ("2025-07-02", True)):
        path = tmp_path / f"staging-{as_of}.yaml"
        path.write_text(text.replace("as_of: 2025-11-11", f"as_of: {as_of}", 1))
        (warning,) = _stale(run_cli, str(path))
        assert ("AmazonS3/us-east-1/storage/standard (2024-07-01)" in warning) is expect
