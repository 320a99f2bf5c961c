"""When would each level fire: generated thresholds and the seed report's, against the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from planner.alerts.policy import HUNDRED, AlertPolicy
from planner.money import usd

STATE_LABELS = {"min": "min replicas", "expected": "expected replicas", "max": "HPA maximum"}


class LevelCheck(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    notification_type: str
    monthly_usd: Decimal  # at the flat planned month
    source: str
    fires_at: tuple[str, ...]  # states whose monthly cost is above the level
    fires_in_months: tuple[dt.date, ...]  # forecast months at expected cost above the level
    fires_in_months_at_max: tuple[dt.date, ...]  # ... at the forecast scaled to HPA maximum
    verdict: str


def _state_costs(policy: AlertPolicy) -> dict[str, Decimal]:
    return {"min": policy.min_usd, "expected": policy.expected_usd, "max": policy.max_usd}


def _verdict(fires_at: tuple[str, ...], level: Decimal, policy: AlertPolicy) -> str:
    if "min" in fires_at or "expected" in fires_at:
        return f"fires every normal month (expected {usd(policy.expected_usd)} > {usd(level)})"
    if "max" in fires_at:
        return "fires only when autoscaling runs above expected replicas"
    headroom = (level - policy.max_usd) * HUNDRED / policy.max_usd
    if headroom < 1:
        return "fires as soon as the month costs more than the plan's maximum"
    return f"never within the plan; {headroom:.1f}% above the HPA-maximum cost"


def level_checks(policy: AlertPolicy) -> list[LevelCheck]:
    """Generated total-budget levels first, then the seed report's levels."""
    costs = _state_costs(policy)
    ratio_max = policy.max_usd / policy.expected_usd
    out: list[LevelCheck] = []
    total = policy.total
    for t in total.thresholds:
        level = t.monthly_usd
        fires = tuple(s for s, c in costs.items() if c > level)
        # generated levels scale with each month's budget: month cost / month limit is flat
        months = tuple(
            m.month for m in policy.forecast if m.limit_usd > m.limit_usd * t.percent / HUNDRED
        )
        months_max = tuple(
            m.month
            for m in policy.forecast
            if m.limit_usd * ratio_max > m.limit_usd * t.percent / HUNDRED
        )
        out.append(
            LevelCheck(
                label=f"planner {t.level}",
                notification_type=t.notification_type,
                monthly_usd=level,
                source=t.source,
                fires_at=fires,
                fires_in_months=months,
                fires_in_months_at_max=months_max,
                verdict=(
                    _verdict(fires, level, policy)
                    if t.notification_type == "ACTUAL"
                    else "early warning: AWS forecasts the month above the budget"
                ),
            )
        )
    for seed in policy.seed_levels:
        level = seed.monthly_usd
        fires = tuple(s for s, c in costs.items() if c > level)
        out.append(
            LevelCheck(
                label=f"seed §9.4 {seed.level}",
                notification_type="ACTUAL",
                monthly_usd=level,
                source=seed.source,
                fires_at=fires,
                fires_in_months=tuple(m.month for m in policy.forecast if m.limit_usd > level),
                fires_in_months_at_max=tuple(
                    m.month for m in policy.forecast if m.limit_usd * ratio_max > level
                ),
                verdict=_verdict(fires, level, policy),
            )
        )
    return out
