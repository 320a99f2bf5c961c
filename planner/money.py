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
