"""Exact money and the one hours-per-month constant.

Money is :class:`decimal.Decimal` end to end; rounding happens only when presenting.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# AWS bills hourly resources on 730 hours a month (8,760 h / 12); every pricing page uses it.
HOURS_PER_MONTH = Decimal(730)
CENT = Decimal("0.01")
ZERO = Decimal(0)


def to_decimal(value: object) -> Decimal:
    """Convert a number or numeric string to Decimal without going through binary floats."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return Decimal(value.strip())
    raise TypeError(f"not a number: {value!r}")


# No AWS unit price comes near $100 million (the largest 3-year all-upfront fees are a few
# million dollars); anything above, or infinite, or NaN, is a poisoned or garbled price.
MAX_UNIT_PRICE_USD = Decimal(10) ** 8


def price_problem(value: Decimal, *, allow_zero: bool = True) -> str | None:
    """Why ``value`` cannot be a price (None when it can): every price from every source
    (catalog rows, the Price List API, offer files, spot and Savings Plans rates, rate cards)
    is finite, not negative, and at most :data:`MAX_UNIT_PRICE_USD`."""
    if not value.is_finite():
        return f"{value} is not a finite number"
    if value < 0:
        return f"{value} is negative"
    if value == 0 and not allow_zero:
        return f"{value} is zero"
    if value > MAX_UNIT_PRICE_USD:
        return f"{value:.6g} is above ${MAX_UNIT_PRICE_USD:,} (no AWS price comes near)"
    return None


def cents(value: Decimal) -> Decimal:
    """Round half up to whole cents, for display only."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def usd(value: Decimal) -> str:
    """Format as US dollars with thousands separators: ``$1,234.56``."""
    rounded = cents(value)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"


def plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros, for tables and JSON strings."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def json_number(value: Decimal) -> float | int:
    """JSON number for a Decimal: int when whole, else float of its exact decimal text."""
    if value == value.to_integral_value():
        return int(value)
    return float(plain(value))
