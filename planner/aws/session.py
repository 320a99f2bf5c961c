"""One place that creates boto3 clients, with adaptive retries and a planner user agent."""

from __future__ import annotations

from typing import Any

from planner.errors import PlannerError

# The Price List API is served from a few regions only (us-east-1, eu-central-1, ap-south-1).
PRICING_API_REGION = "us-east-1"


def client(service: str, region: str, *, profile: str | None = None) -> Any:
    """A boto3 client. Credentials come from the standard chain (env, profile, SSO, role)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:  # pragma: no cover - boto3 is a runtime dependency
        raise PlannerError("boto3 is not installed: pip install planner") from exc
    session = boto3.session.Session(profile_name=profile) if profile else boto3.session.Session()
    config = Config(
        retries={"mode": "adaptive", "max_attempts": 10},
        user_agent_extra="planner/0.1",
        connect_timeout=10,
        read_timeout=30,
    )
    return session.client(service, region_name=region, config=config)  # type: ignore[call-overload]
