"""Money rules worked by hand: conversion to Decimal, the price guard's bounds, rounding half up
to the cent and to whole dollars, the formatters, and the 'sum of the shown figures' totals."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import figures
from planner.money import (
    HOURS_PER_MONTH,
    MAX_UNIT_PRICE_USD,
    cents,
    json_number,
    plain,
    price_problem,
    to_decimal,
    usd,
)

D = Decimal


def test_the_month_is_730_hours_and_the_price_ceiling_100_million() -> None:
    # AWS pricing pages: 8,760 hours a year / 12 months = 730 hours a month
    assert D(8760) / 12 == HOURS_PER_MONTH == D(730)
    # the guard's ceiling: $100,000,000 = 10^8
    assert D("100000000") == MAX_UNIT_PRICE_USD


def test_to_decimal_keeps_the_written_digits() -> None:
    assert to_decimal(D("0.0416")) == D("0.0416")
    assert to_decimal(3) == D(3) and isinstance(to_decimal(3), Decimal)
    # a float goes through its shortest repr: 0.1 is "0.1", not 0.1000000000000000055...
    assert str(to_decimal(0.1)) == "0.1"
    assert str(to_decimal(1.1)) == "1.1"
    # a string is stripped of blanks first
    assert to_decimal(" 12.50 ") == D("12.50")
    with pytest.raises(TypeError, match="boolean"):
        to_decimal(False)
    with pytest.raises(TypeError, match=r"not a number: \[1\]"):
        to_decimal([1])
    with pytest.raises(TypeError, match="not a number: None"):
        to_decimal(None)


def test_price_problem_at_both_sides_of_each_bound() -> None:
    # zero is a price (free tiers), unless the caller says it cannot be
    assert price_problem(D(0)) is None
    assert price_problem(D(0), allow_zero=True) is None
    assert price_problem(D(0), allow_zero=False) == "0 is zero"
    assert price_problem(D("0.000001"), allow_zero=False) is None
    # negative: the smallest step below zero is refused
    assert price_problem(D("-0.000001")) == "-0.000001 is negative"
    assert price_problem(D("-0.000001"), allow_zero=False) == "-0.000001 is negative"
    # the ceiling itself is allowed; a cent above it is not
    assert price_problem(D("100000000")) is None
    # the value in six significant digits (Decimal's ".6g": 1.00000e+8), the ceiling in full
    assert price_problem(D("100000000.01")) == (
        "1.00000e+8 is above $100,000,000 (no AWS price comes near)"
    )
    # infinite and NaN are never prices
    assert price_problem(D("Infinity")) == "Infinity is not a finite number"
    assert price_problem(D("-Infinity")) == "-Infinity is not a finite number"
    assert price_problem(D("NaN")) == "NaN is not a finite number"


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.004999", "0.00"),  # below the half cent: down
        ("0.005", "0.01"),  # the half cent: up (half up, not half even)
        ("0.015", "0.02"),  # half even would give 0.02 too; 0.025 tells them apart:
        ("0.025", "0.03"),  # half up 0.03, half even 0.02
        ("-0.025", "-0.03"),  # half up rounds away from zero on negatives too
        ("210.24", "210.24"),  # 3 nodes x 730 h x $0.096/h, already whole cents
        ("1.994999", "1.99"),
        ("1.995", "2.00"),
    ],
)
def test_cents_and_round_usd_round_half_up(amount: str, rounded: str) -> None:
    assert cents(D(amount)) == D(rounded)
    assert str(cents(D(amount))) == rounded
    assert figures.round_usd(D(amount)) == D(rounded)
    assert str(figures.round_usd(D(amount))) == rounded


def test_round_usd_to_whole_dollars_and_other_places() -> None:
    # 132.50 is half a dollar: half up gives 133 (half even would give 132)
    assert str(figures.round_usd(D("132.50"), 0)) == "133"
    assert str(figures.round_usd(D("132.49"), 0)) == "132"
    assert str(figures.round_usd(D("-132.50"), 0)) == "-133"
    # one decimal: 0.25 -> 0.3 half up
    assert str(figures.round_usd(D("0.25"), 1)) == "0.3"
    # four decimals (unit prices): 0.04165 -> 0.0417
    assert str(figures.round_usd(D("0.04165"), 4)) == "0.0417"
    # floats go through their shortest repr: 2.675 is "2.675" -> 2.68 (binary 2.67499...)
    assert str(figures.round_usd(2.675)) == "2.68"
    assert str(figures.round_usd(7)) == "7.00"


def test_money_usd_formats_sign_and_thousands() -> None:
    assert usd(D("1234567.891")) == "$1,234,567.89"
    assert usd(D("0")) == "$0.00"
    assert usd(D("-0.004")) == "$0.00"  # rounds to zero: no minus sign
    assert usd(D("-0.005")) == "-$0.01"
    assert usd(D("999.995")) == "$1,000.00"


def test_figures_usd_signed_and_whole_dollars() -> None:
    assert figures.usd(D("1234.565")) == "$1,234.57"
    assert figures.usd(D("-1")) == "-$1.00"
    assert figures.usd(D("1"), signed=True) == "+$1.00"
    assert figures.usd(D("-1"), signed=True) == "-$1.00"
    # zero is neither gain nor loss: no sign even when signed
    assert figures.usd(D("0"), signed=True) == "$0.00"
    assert figures.usd(D("0.004"), signed=True) == "$0.00"
    assert figures.usd(D("0.005"), signed=True) == "+$0.01"
    # whole dollars: $132.50 shows as $133 (half up), thousands separated
    assert figures.usd(D("132.50"), 0) == "$133"
    assert figures.usd(D("1499.5"), 0) == "$1,500"
    assert figures.usd(D("-400.4"), 0, signed=True) == "-$400"


def test_plain_and_json_number() -> None:
    assert plain(D("1.500")) == "1.5"
    assert plain(D("1E+3")) == "1000"
    assert plain(D("-0.00")) == "0"
    assert plain(D("-2.50")) == "-2.5"
    assert json_number(D("3.00")) == 3 and isinstance(json_number(D("3.00")), int)
    assert json_number(D("0.1")) == 0.1 and isinstance(json_number(D("0.1")), float)
    assert json_number(D("-7")) == -7


def test_shown_rounds_the_cent_figure_again_for_whole_dollars() -> None:
    assert figures.shown(D("10.004")) == D("10.00")
    assert figures.shown(D("10.005")) == D("10.01")
    # 10.495 -> 10.50 at cents -> 11 at whole dollars (a reader rounds the cent row);
    # rounding 10.495 straight to dollars would give 10
    assert figures.shown(D("10.495"), 0) == D("11")
    assert figures.shown(D("10.494"), 0) == D("10")


def test_add_shown_sums_the_rounded_amounts() -> None:
    # three lines of $0.005: each shows $0.01, so the total shows $0.03 (not round(0.015))
    assert figures.add_shown([D("0.005")] * 3) == D("0.03")
    assert figures.add_shown([]) == D(0)
    # whole dollars: 10.495 -> 11, 0.5 -> 1 (0.50 -> 1): 12
    assert figures.add_shown([D("10.495"), D("0.5")], 0) == D("12")


@given(st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=4), max_size=8))
def test_add_shown_is_the_sum_of_each_cent_rounding(amounts: list[Decimal]) -> None:
    total = figures.add_shown(amounts)
    assert total == sum((cents(a) for a in amounts), D(0))
    assert total == total.quantize(D("0.01"))  # a sum of cents is whole cents


def test_annual_is_twelve_months() -> None:
    assert figures.MONTHS_PER_YEAR == 12
    assert figures.annual(D("815.77")) == D("9789.24")  # 815.77 x 12


@pytest.mark.parametrize(
    ("old", "new", "text"),
    [
        ("0", "0", ""),  # nothing before, nothing now
        ("0", "5", "new"),
        ("0", "-5", "new"),
        ("100", "110", "+10.0%"),
        ("100", "90", "-10.0%"),
        ("100", "100", "+0.0%"),
        # 200 -> 200.1: +0.05% rounds half up to +0.1%
        ("200", "200.1", "+0.1%"),
        # 200 -> 200.09: +0.045% -> +0.0%
        ("200", "200.09", "+0.0%"),
        # 815.77 -> 799.86: -15.91 / 815.77 = -1.9503...% -> -2.0%
        ("815.77", "799.86", "-2.0%"),
        ("3", "4", "+33.3%"),  # 1/3 = 33.33..%
    ],
)
def test_pct_change(old: str, new: str, text: str) -> None:
    assert figures.pct(D(old), D(new)) == text


def _line(service: str, resource: str, usd: str | None) -> Any:
    return SimpleNamespace(
        service=service, resource=resource, monthly_usd=None if usd is None else D(usd)
    )


# Cent figures: 10.495 -> 10.50, 0.5 -> 0.50, 2.004 -> 2.00; the fourth line has no price.
# Whole dollars (each cent figure rounded again, half up): 10.50 -> 11, 0.50 -> 1, 2.00 -> 2.
LINES = [
    _line("AmazonEC2", "node/a", "10.495"),
    _line("AmazonEC2", "node/b", "0.5"),
    _line("AmazonRDS", "db", "2.004"),
    _line("AmazonRDS", "db", None),
]
# a discount of -1.255: -1.26 at cents (half up rounds away from zero), -1 at whole dollars
DISCOUNTS = [_line("AWSCredits", "credit", "-1.255")]


ENGINE_BY_SERVICE = {"AmazonEC2": D("11.00"), "AmazonRDS": D("2.00")}
ENGINE_BY_RESOURCE = {("AmazonRDS", "db"): D("2.00")}


def _report(lines: list[Any] = LINES) -> Any:
    return SimpleNamespace(
        lines=lines,
        discount_lines=DISCOUNTS,
        missing=[ln for ln in lines if ln.monthly_usd is None],
        total_monthly_usd=D("13.00"),  # 10.50 + 0.50 + 2.00, as the engine keeps it
        by_service=lambda: ENGINE_BY_SERVICE,
        by_resource=lambda: ENGINE_BY_RESOURCE,
    )


def test_line_and_report_totals_at_cents_and_whole_dollars() -> None:
    report = _report()
    assert figures.line_usd(LINES[0]) == D("10.50")
    assert figures.line_usd(LINES[0], 0) == D("11")
    assert figures.line_usd(LINES[3]) is None
    assert figures.sum_rounded(LINES) == D("13.00")  # 10.50 + 0.50 + 2.00
    assert figures.sum_rounded(LINES, 0) == D("14")  # 11 + 1 + 2
    assert figures.total(report) == D("13.00")
    assert figures.total(report, 0) == D("14")
    assert figures.discounts_total(report) == D("-1.26")
    assert figures.discounts_total(report, 0) == D("-1")
    assert figures.effective_total(report) == D("11.74")  # 13.00 - 1.26
    assert figures.effective_total(report, 0) == D("13")  # 14 - 1


def test_service_and_resource_totals_at_whole_dollars() -> None:
    report = _report()
    # at cents the engine's own totals are the displayed ones
    assert figures.by_service(report) is ENGINE_BY_SERVICE
    assert figures.by_service(report, 0) == {"AmazonEC2": D("12"), "AmazonRDS": D("2")}
    assert figures.by_resource(report) is ENGINE_BY_RESOURCE
    assert figures.by_resource(report, 0) == {
        ("AmazonEC2", "node/a"): D("11"),
        ("AmazonEC2", "node/b"): D("1"),
        ("AmazonRDS", "db"): D("2"),
    }


def test_partial_note_counts_the_unpriced_lines() -> None:
    assert figures.partial_note(_report()) == "partial: 1 of 4 lines unpriced"
    assert figures.partial_note(_report(LINES[:3])) == ""
