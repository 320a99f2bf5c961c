"""Right-sizing's result arithmetic on hand-made recommendations: the figures a page shows and
the totals of surplus CPU credits (planner.rightsize.model, planner.rightsize.run)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from planner.errors import InputError
from planner.rightsize.model import Recommendation, Settings
from planner.rightsize.run import RightsizeResult

D = Decimal


def _rec(
    current: dict[str, Any],
    recommended: dict[str, Any],
    now: str = "0",
    then: str = "0",
    *,
    counted: bool = True,
    current_pieces_usd: list[Decimal] | None = None,
    recommended_pieces_usd: list[Decimal] | None = None,
) -> Recommendation:
    return Recommendation(
        resource="r",
        kind="node_group",
        current=current,
        recommended=recommended,
        current_monthly_usd=D(now),
        recommended_monthly_usd=D(then),
        evidence={},
        counted_in_total=counted,
        current_pieces_usd=current_pieces_usd or [],
        recommended_pieces_usd=recommended_pieces_usd or [],
    )


def test_shown_rounds_each_line_before_adding() -> None:
    # lines 10.40 and 3.40 (total 13.80): a whole-dollar page shows 10 + 3 = 13, the sum of
    # the rounded lines, not 13.80 rounded (14); at the cent it is 13.80
    rec = _rec(
        {},
        {},
        "13.80",
        "20.60",
        current_pieces_usd=[D("10.40"), D("3.40")],
        recommended_pieces_usd=[D("10.30"), D("10.30")],
    )
    assert rec.current_shown(0) == D("13")
    assert rec.current_shown() == D("13.80")
    # 10.30 + 10.30 = 20.60; whole dollars 10 + 10 = 20 (not 21)
    assert rec.recommended_shown(0) == D("20")
    assert rec.recommended_shown() == D("20.60")


def test_shown_without_lines_rounds_the_figure() -> None:
    # a workload's share has no lines: its figure, half up to the cent (12.3456 -> 12.35),
    # then to the dollar (12)
    rec = _rec({}, {}, "12.3456", "7.505")
    assert rec.current_shown() == D("12.35")
    assert rec.current_shown(0) == D("12")
    assert rec.recommended_shown() == D("7.51")  # half up


def test_credit_totals_count_the_counted_recommendations_only() -> None:
    # a: t3.large -> c6g.large, credits 9.57 today, none after: 9.57 avoided
    # b: kept as t3.medium with 2.00 of credits: now 2.00, the same after, 0 avoided
    # c: m5 -> t3a with 0 today and 1.50 after: -1.50 avoided (a move that adds credits)
    # d: not counted in the total (a workload's share): left out of both totals
    a = _rec(
        {"class": "t3.large", "cpu_credit_surplus_monthly_usd": "9.57"}, {"class": "c6g.large"}
    )
    b = _rec(
        {"class": "t3.medium", "cpu_credit_surplus_monthly_usd": "2.00"}, {"class": "t3.medium"}
    )
    c = _rec({"class": "m5.large"}, {"class": "t3a.large", "cpu_credit_surplus_monthly_usd": "1.5"})
    d = _rec({"class": "x", "cpu_credit_surplus_monthly_usd": "100"}, {"class": "y"}, counted=False)
    assert b.credits_recommended_usd == D("2.00")  # same class: today's credits
    assert c.credits_now_usd == D("0") and c.credits_recommended_usd == D("1.5")
    result = RightsizeResult("t", None, Settings(), [a, b, c, d])  # type: ignore[arg-type]
    # 9.57 + 2.00 + 0 = 11.57
    assert result.credits_now_monthly_usd == D("11.57")
    # (9.57 - 0) + (2.00 - 2.00) + (0 - 1.5) = 8.07
    assert result.credits_avoided_monthly_usd == D("8.07")


def test_total_savings_add_the_counted_recommendations() -> None:
    # 63.94 - 52.26 = 11.68 and 19.82 - 16.49 = 3.33: 15.01; the workload share (5.00) is
    # informative and not added
    recs = [
        _rec({}, {}, "63.94", "52.26"),
        _rec({}, {}, "19.82", "16.49"),
        _rec({}, {}, "10.00", "5.00", counted=False),
    ]
    result = RightsizeResult("t", None, Settings(), recs)  # type: ignore[arg-type]
    assert result.total_savings_monthly_usd == D("15.01")


@pytest.mark.parametrize(
    ("kwargs", "ok"),
    [
        ({"percentile": 100.0}, True),
        ({"percentile": 100.001}, False),
        ({"percentile": 0.001}, True),
        ({"percentile": 0.0}, False),
        ({"memory_percentile": 100.0}, True),
        ({"memory_percentile": 100.5}, False),
        ({"headroom_pct": 500.0}, True),  # at most 500% headroom (x6)
        ({"headroom_pct": 500.001}, False),
        ({"headroom_pct": 500.5}, False),
        ({"headroom_pct": 0.0}, True),
        ({"headroom_pct": -0.001}, False),
        ({"headroom_pct": float("nan")}, False),
    ],
)
def test_settings_bounds_at_both_sides(kwargs: dict[str, float], ok: bool) -> None:
    if ok:
        Settings(**kwargs)  # type: ignore[arg-type]
    else:
        with pytest.raises(InputError):
            Settings(**kwargs)  # type: ignore[arg-type]
