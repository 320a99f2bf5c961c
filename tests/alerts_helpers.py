"""A hand-made plan for the alerts tests (see tests/test_alerts_thresholds.py for its figures)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

D = Decimal
STATES = ("min", "expected", "max")


def plan_costs(
    longest_max_total: str = "1322", longest_expected_total: str = "1017", **extra: Any
) -> Any:
    from planner.alerts.costs import PlanCosts

    plan = {
        "min": {"AmazonEC2": D(500), "AmazonRDS": D(300), "AmazonEKS": D(100)},
        "expected": {"AmazonEC2": D(600), "AmazonRDS": D(300), "AmazonEKS": D(100)},
        "max": {"AmazonEC2": D(900), "AmazonRDS": D(300), "AmazonEKS": D(100)},
    }
    longest = {
        "min": {"AmazonEC2": D(510), "AmazonRDS": D(305), "AmazonEKS": D(102)},
        "expected": {"AmazonEC2": D(610), "AmazonRDS": D(305), "AmazonEKS": D(102)},
        "max": {"AmazonEC2": D(915), "AmazonRDS": D(305), "AmazonEKS": D(102)},
    }
    for state, table in extra.get("services", {}).items():
        plan[state].update(table)
        longest[state].update(table)
    return PlanCosts(
        total_usd={"min": D(900), "expected": D(1000), "max": D(1300)},
        by_service_usd=plan,
        from_capacity=True,
        longest_total_usd={
            "min": D(917),
            "expected": D(longest_expected_total),
            "max": D(longest_max_total),
        },
        longest_by_service_usd=longest,
    )


def policy(
    costs: Any = None,
    tags: dict[str, str] | None = None,
    forecast: Any = None,
    **alerts: Any,
) -> Any:
    from planner.alert_settings import AlertsConfig
    from planner.alerts.policy import build_policy

    return build_policy(
        "demo",
        AlertsConfig(**alerts),
        costs if costs is not None else plan_costs(),
        {"Environment": "demo"} if tags is None else tags,
        where="demo.yaml",
        forecast=forecast,
    )
