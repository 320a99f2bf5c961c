"""The scenario's ``alerts:`` block: its defaults and the bounds of each field, both sides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

D = Decimal


def _config(**fields: Any) -> Any:
    from planner.alert_settings import AlertsConfig

    return AlertsConfig(**fields)


def test_defaults_are_the_documented_policy() -> None:
    # planner/alerts/policy.py: warning at 100% of the plan, critical at the larger of 110%
    # and HPA max + 5%, forecast at 100%, the 3 largest services, one day of the largest
    # service as the anomaly threshold, a tag monitor when there are tags
    c = _config()
    assert (c.currency, c.warning_pct, c.critical_pct) == ("USD", D(100), D(110))
    assert (c.critical_hpa_margin_pct, c.forecast_pct) == (D(5), D(100))
    assert (c.warning_usd, c.critical_usd) == (None, None)
    assert (c.top_services, c.anomaly_factor) == (3, D(1))
    assert (c.anomaly_monitor, c.tag_filter) == ("auto", True)


@pytest.mark.parametrize(
    "field",
    [
        "warning_pct",
        "critical_pct",
        "critical_hpa_margin_pct",
        "forecast_pct",
        "warning_usd",
        "critical_usd",
        "anomaly_factor",
    ],
)
def test_thresholds_are_zero_or_more(field: str) -> None:
    # 0 is a threshold (fire on any spend); a cent below it is not an amount
    # (a critical_pct of 0 needs a warning_pct at or below it)
    extra = {"warning_pct": D(0)} if field == "critical_pct" else {}
    assert getattr(_config(**{field: D(0)}, **extra), field) == D(0)
    with pytest.raises(ValidationError, match=f"{field} must not be negative"):
        _config(**{field: D("-0.01")}, **extra)


@pytest.mark.parametrize(
    "field", ["critical_pct", "critical_hpa_margin_pct", "forecast_pct", "anomaly_factor"]
)
def test_percentages_up_to_ten_thousand(field: str) -> None:
    assert getattr(_config(**{field: D(10_000)}), field) == D(10_000)
    with pytest.raises(ValidationError):
        _config(**{field: D("10000.01")})


def test_amounts_up_to_a_trillion() -> None:
    assert _config(critical_usd=D(10**12)).critical_usd == D(10**12)
    assert _config(warning_usd=D(10**12)).warning_usd == D(10**12)
    with pytest.raises(ValidationError):
        _config(warning_usd=D(10**12) + D("0.01"))
    with pytest.raises(ValidationError):
        _config(critical_usd=D(10**12) + D("0.01"))
    with pytest.raises(ValidationError):
        _config(warning_usd=D("Infinity"))


def test_top_services_from_0_to_20() -> None:
    assert _config(top_services=0).top_services == 0
    assert _config(top_services=20).top_services == 20
    for bad in (-1, 21):
        with pytest.raises(ValidationError):
            _config(top_services=bad)


def test_only_usd() -> None:
    with pytest.raises(ValidationError, match=r"unknown currency 'EUR'.*USD"):
        _config(currency="EUR")


def test_unknown_fields_are_refused_and_the_config_is_frozen() -> None:
    with pytest.raises(ValidationError):
        _config(warning=90)
    c = _config()
    with pytest.raises(ValidationError):
        c.warning_pct = D(1)


def test_warning_at_or_below_critical() -> None:
    # absolute amounts: equal is allowed, a cent above is not
    assert _config(warning_usd=D(500), critical_usd=D(500)).warning_usd == D(500)
    with pytest.raises(ValidationError, match=r"warning_usd 500\.01 is above critical_usd 500"):
        _config(warning_usd=D("500.01"), critical_usd=D(500))
    # percentages, when no amount is set: equal is allowed, above is not
    assert _config(warning_pct=D(110)).warning_pct == D(110)
    with pytest.raises(ValidationError, match=r"warning_pct 110\.01 is above critical_pct 110"):
        _config(warning_pct=D("110.01"))
    # with either amount set, the percentages are not compared here (the policy compares the
    # resulting levels against the plan)
    assert _config(warning_pct=D(150), warning_usd=D(1)).warning_pct == D(150)
    assert _config(warning_pct=D(150), critical_usd=D(1)).warning_pct == D(150)
    # only one amount set: nothing to compare them with
    assert _config(warning_usd=D(900)).critical_usd is None
    assert _config(critical_usd=D(1)).warning_usd is None
