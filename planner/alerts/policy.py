"""Thresholds from the plan: each budget, alarm and anomaly threshold says where it came from.

Defaults (every one can be changed in the scenario's ``alerts:`` block):

* the monthly budget is the planned cost at expected replicas in the longest month (31 days:
  hourly lines at 744 hours, where the plan shows 730), so a normal long month is no alert;
  with a month-by-month forecast, the budget follows it (``PlannedBudgetLimits``), so a
  planned step is no alert either;
* ACTUAL warning at 100% of the budget: the month cost more than planned;
* ACTUAL critical at the larger of 110% of the budget and the cost at HPA maximum plus 5%:
  more than the plan can explain even fully scaled out, so never below the HPA-maximum cost;
* FORECASTED at 100%: AWS expects the month to end above plan;
* the same three on a budget per service for the largest services;
* an anomaly subscription whose impact threshold is one day of the largest service's cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from planner.alert_settings import AlertsConfig
from planner.alerts.costs import PlanCosts
from planner.alerts.services import cost_explorer_names
from planner.errors import InputError, ScenarioError
from planner.money import CENT, HOURS_PER_MONTH, cents, usd

PREFIX = "planner"  # every resource planner creates is named planner-<scenario>-...
SEED_SOURCE = "Staging Deployment Report - EMRTask Platform v1.0, 2025-11-11, §9.4"
HUNDRED = Decimal(100)
PCT = Decimal("0.01")

Level = Literal["warning", "critical", "forecast"]
ForecastSeries = Sequence[tuple[dt.date, Decimal]]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeedLevel(_Frozen):
    level: Level
    monthly_usd: Decimal
    source: str = SEED_SOURCE


SEED_LEVELS = (
    SeedLevel(level="warning", monthly_usd=Decimal(750)),
    SeedLevel(level="critical", monthly_usd=Decimal(1000)),
)


class Threshold(_Frozen):
    level: Level
    notification_type: Literal["ACTUAL", "FORECASTED"]
    percent: Decimal  # of the monthly budget limit: what AWS Budgets stores
    monthly_usd: Decimal  # percent x the flat planned month, in cents
    source: Literal["planned cost", "HPA range", "forecast", "percentage", "scenario"]
    reason: str


class PlannedMonth(_Frozen):
    month: dt.date
    limit_usd: Decimal


class Budget(_Frozen):
    name: str
    scope: str  # "total" or a price-list service code
    cost_explorer_services: tuple[str, ...]
    limit_usd: Decimal
    limit_source: str
    planned_limits: tuple[PlannedMonth, ...]
    tag_filter: tuple[tuple[str, str], ...]
    thresholds: tuple[Threshold, ...]
    min_usd: Decimal
    expected_usd: Decimal
    max_usd: Decimal
    planned_usd: Decimal | None = None  # the plan's month (730 h) at expected replicas

    def threshold(self, level: Level) -> Threshold:
        return next(t for t in self.thresholds if t.level == level)


class Alarm(_Frozen):
    name: str
    level: Literal["warning", "critical"]
    service_code: str | None
    threshold_usd: Decimal
    source: str


class Anomaly(_Frozen):
    monitor_name: str
    monitor_type: Literal["DIMENSIONAL", "CUSTOM"]
    monitor_tags: tuple[tuple[str, str], ...]
    subscription_name: str
    impact_usd: Decimal
    largest_service: str
    largest_daily_usd: Decimal
    source: str


class AlertPolicy(_Frozen):
    scenario: str
    currency: str
    min_usd: Decimal
    expected_usd: Decimal
    max_usd: Decimal
    from_capacity: bool
    forecast: tuple[PlannedMonth, ...]
    budgets: tuple[Budget, ...]
    alarms: tuple[Alarm, ...]
    anomaly: Anomaly
    seed_levels: tuple[SeedLevel, ...] = ()
    """The seed report's §9.4 levels, for a scenario modelled on it (``seed_figures``)."""

    @property
    def total(self) -> Budget:
        return self.budgets[0]


def build_policy(
    name: str,
    config: AlertsConfig,
    costs: PlanCosts,
    tags: dict[str, str],
    *,
    where: str = "",
    forecast: ForecastSeries | None = None,
    seed_levels: Sequence[SeedLevel] = (),
) -> AlertPolicy:
    """The alert policy for one scenario. ``where`` names the scenario file in errors;
    ``seed_levels`` are set beside the generated ones (:func:`seed_levels_for`)."""
    months = _forecast_months(forecast)
    tag_filter = tuple(sorted(tags.items())) if config.tag_filter else ()
    total = _budget(
        f"{PREFIX}-{name}-total",
        "total",
        (),
        costs.longest,
        costs.total_usd["expected"],
        config,
        tag_filter,
        months,
        where=where,
        overrides=True,
    )
    ranked = sorted(
        ((usd_, code) for code, usd_ in costs.by_service_usd["expected"].items() if usd_ > 0),
        key=lambda pair: (-pair[0], pair[1]),
    )
    services = [
        _budget(
            f"{PREFIX}-{name}-{code}",
            code,
            cost_explorer_names(code),
            {s: costs.longest_service(s, code) for s in costs.total_usd},
            costs.service("expected", code),
            config,
            tag_filter,
            (),
            where=where,
            overrides=False,
        )
        for _, code in ranked[: config.top_services]
    ]
    budgets = (total, *services)
    return AlertPolicy(
        scenario=name,
        currency=config.currency,
        min_usd=costs.total_usd["min"],
        expected_usd=costs.total_usd["expected"],
        max_usd=costs.total_usd["max"],
        from_capacity=costs.from_capacity,
        forecast=months,
        budgets=budgets,
        alarms=tuple(_alarms(name, budgets)),
        anomaly=_anomaly(name, config, ranked, tags, where),
        seed_levels=tuple(seed_levels),
    )


def seed_levels_for(seed_figures: Sequence[str]) -> tuple[SeedLevel, ...]:
    """The seed report's §9.4 levels when the scenario says it is modelled on them."""
    return SEED_LEVELS if "§9.4" in seed_figures else ()


def _forecast_months(forecast: ForecastSeries | None) -> tuple[PlannedMonth, ...]:
    if not forecast:
        return ()
    out: list[PlannedMonth] = []
    for month, value in forecast:
        if month.day != 1:
            raise InputError(f"forecast month {month.isoformat()} is not the first of a month")
        if value <= 0:
            raise InputError(f"forecast {month.isoformat()}: {value} is not a positive amount")
        if out:
            prev = out[-1].month
            following = dt.date(prev.year + prev.month // 12, prev.month % 12 + 1, 1)
            if month != following:
                raise InputError(
                    f"forecast month {month.isoformat()} does not follow {prev.isoformat()}; "
                    "give consecutive months"
                )
        out.append(PlannedMonth(month=month, limit_usd=cents(value)))
    return tuple(out)


def _pct_of(amount: Decimal, limit: Decimal, rounding: str) -> Decimal:
    return (amount * HUNDRED / limit).quantize(PCT, rounding=rounding)


def _budget(
    budget_name: str,
    scope: str,
    ce_names: tuple[str, ...],
    state_usd: dict[str, Decimal],
    planned: Decimal,
    config: AlertsConfig,
    tag_filter: tuple[tuple[str, str], ...],
    months: tuple[PlannedMonth, ...],
    *,
    where: str,
    overrides: bool,
) -> Budget:
    """``state_usd``: the scope's cost in the longest month per state; ``planned``: its plan
    in a 730-hour month at expected replicas (what ``planner price`` shows)."""
    what = "the planned cost" if scope == "total" else f"{scope}'s planned cost"
    limit = cents(state_usd["expected"])
    if limit <= 0:
        raise ScenarioError(where, "alerts", f"{what} is $0; there is nothing to budget")
    hpa_max = state_usd["max"]
    followed = "forecast" if months else "planned cost"
    limit_source = (
        "forecast, month by month"
        if months
        else f"{what} at expected replicas in the dearest calendar month of the year ahead "
        f"({usd(limit)}: 31 days of hourly lines, a schedule's weekdays counted, support "
        f"calendars applied; {usd(planned)} in the plan's 730-hour month)"
    )

    def at(pct: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
        return (limit * pct / HUNDRED).quantize(CENT, rounding=rounding)

    # warning
    if overrides and config.warning_usd is not None:
        w_pct = _pct_of(config.warning_usd, limit, ROUND_HALF_UP)
        warning = Threshold(
            level="warning",
            notification_type="ACTUAL",
            percent=w_pct,
            monthly_usd=at(w_pct),
            source="scenario",
            reason=f"alerts.warning_usd {usd(config.warning_usd)} = {w_pct}% of the budget",
        )
    else:
        warning = Threshold(
            level="warning",
            notification_type="ACTUAL",
            percent=config.warning_pct,
            monthly_usd=at(config.warning_pct),
            source=followed if config.warning_pct == HUNDRED else "percentage",
            reason=f"{config.warning_pct}% of {what}: the month cost more than planned",
        )
    # critical
    if overrides and config.critical_usd is not None:
        if config.critical_usd < hpa_max:
            raise ScenarioError(
                where,
                "alerts.critical_usd",
                f"{config.critical_usd} is below the cost at HPA maximum {usd(hpa_max)}; "
                "a critical alert must not fire in a month the plan allows",
            )
        c_pct = _pct_of(config.critical_usd, limit, ROUND_CEILING)
        c_source: Literal["HPA range", "percentage", "scenario"] = "scenario"
        c_reason = f"alerts.critical_usd {usd(config.critical_usd)} = {c_pct}% of the budget"
    else:
        by_pct = limit * config.critical_pct / HUNDRED
        by_hpa = hpa_max * (HUNDRED + config.critical_hpa_margin_pct) / HUNDRED
        if by_hpa > by_pct:
            c_pct = _pct_of(by_hpa, limit, ROUND_CEILING)
            c_source = "HPA range"
            c_reason = (
                f"cost at HPA maximum {usd(hpa_max)} + {config.critical_hpa_margin_pct}% "
                f"= {usd(by_hpa)}, {c_pct}% of the budget (AWS takes a percentage to 2 "
                f"decimals, rounded up: {usd(limit * c_pct / HUNDRED)}): more than full "
                "scale-out explains"
            )
        else:
            c_pct = config.critical_pct
            c_source = "percentage"
            c_reason = (
                f"{c_pct}% of {what}; above the cost at HPA maximum {usd(hpa_max)} + "
                f"{config.critical_hpa_margin_pct}% ({usd(by_hpa)})"
            )
    critical = Threshold(
        level="critical",
        notification_type="ACTUAL",
        percent=c_pct,
        monthly_usd=at(c_pct, ROUND_CEILING),  # rounded up: never below the HPA maximum
        source=c_source,
        reason=c_reason,
    )
    if warning.monthly_usd > critical.monthly_usd:
        field = "alerts.warning_usd" if overrides and config.warning_usd else "alerts.warning_pct"
        raise ScenarioError(
            where,
            field,
            f"warning {usd(warning.monthly_usd)} is above critical "
            f"{usd(critical.monthly_usd)} for {budget_name}; lower the warning",
        )
    forecast = Threshold(
        level="forecast",
        notification_type="FORECASTED",
        percent=config.forecast_pct,
        monthly_usd=at(config.forecast_pct),
        source=followed if config.forecast_pct == HUNDRED else "percentage",
        reason=f"AWS forecasts the month to end above {config.forecast_pct}% of the budget",
    )
    return Budget(
        name=budget_name,
        scope=scope,
        cost_explorer_services=ce_names,
        limit_usd=limit,
        limit_source=limit_source,
        planned_limits=months,
        tag_filter=tag_filter,
        thresholds=(warning, critical, forecast),
        min_usd=state_usd["min"],
        expected_usd=state_usd["expected"],
        max_usd=hpa_max,
        planned_usd=planned,
    )


def _alarms(name: str, budgets: Sequence[Budget]) -> list[Alarm]:
    out: list[Alarm] = []
    for budget in budgets:
        code = None if budget.scope == "total" else budget.scope
        levels: tuple[Literal["warning", "critical"], ...] = ("warning", "critical")
        for level in levels:
            t = budget.threshold(level)
            out.append(
                Alarm(
                    name=f"{PREFIX}-{name}-billing-{budget.scope}-{level}",
                    level=level,
                    service_code=code,
                    threshold_usd=t.monthly_usd,
                    source=f"same level as budget {budget.name} ({t.source})",
                )
            )
    return out


def _anomaly(
    name: str,
    config: AlertsConfig,
    ranked: list[tuple[Decimal, str]],
    tags: dict[str, str],
    where: str,
) -> Anomaly:
    if not ranked:
        raise ScenarioError(where, "alerts", "the scenario has no priced service to watch")
    largest_usd, largest = ranked[0]
    daily = largest_usd * 24 / HOURS_PER_MONTH
    kind = config.anomaly_monitor
    if kind == "tag" and not tags:
        raise ScenarioError(
            where,
            "alerts.anomaly_monitor",
            "'tag' needs cost_allocation_tags in the scenario (e.g. {Environment: staging})",
        )
    use_tags = kind == "tag" or (kind == "auto" and bool(tags) and config.tag_filter)
    return Anomaly(
        monitor_name=f"{PREFIX}-{name}",
        monitor_type="CUSTOM" if use_tags else "DIMENSIONAL",
        monitor_tags=tuple(sorted(tags.items())) if use_tags else (),
        subscription_name=f"{PREFIX}-{name}",
        impact_usd=cents(daily * config.anomaly_factor),
        largest_service=largest,
        largest_daily_usd=cents(daily),
        source=(
            f"one day of the largest service ({largest} {usd(largest_usd)}/month x 24 h / "
            f"{HOURS_PER_MONTH} h = {usd(daily)}/day) x factor {config.anomaly_factor}"
        ),
    )
