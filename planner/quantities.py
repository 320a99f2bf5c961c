"""Kubernetes resource quantities (``250m``, ``512Mi``, ``1Gi``) as exact integers.

CPU becomes millicores, memory becomes bytes. Spelling mistakes that Kubernetes would
accept but that are almost certainly wrong (``250M`` CPU) are reported with a hint.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_QUANTITY = re.compile(r"^([+]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$")
MIB = 2**20
MAX_DIGITS = 18  # Kubernetes quantities fit in a signed 64-bit integer (about 9.2e18)


class QuantityError(ValueError):
    """A quantity string is not valid; the message says what would be."""


def _split(text: str) -> tuple[Decimal, str]:
    match = _QUANTITY.match(text.strip())
    if not match:
        raise QuantityError(f"{text!r} is not a Kubernetes quantity (e.g. 250m, 0.5, 512Mi, 1Gi)")
    try:
        number = Decimal(match.group(1))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise QuantityError(f"{text!r} is not a number") from exc
    if number.adjusted() > MAX_DIGITS:
        raise QuantityError(f"{text!r} is too large for a Kubernetes quantity")
    return number, match.group(2)


def _ceil(value: Decimal) -> int:
    # not -(-value // 1): Decimal's // truncates toward zero, so that would round down
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def parse_cpu_millicores(value: str | int | float) -> int:
    """``250m`` -> 250, ``1`` -> 1000, ``0.5`` -> 500. Rounds up to whole millicores."""
    if isinstance(value, bool):
        raise QuantityError("a boolean is not a CPU quantity")
    text = str(value)
    number, suffix = _split(text)
    if suffix == "m":
        millis = number
    elif suffix == "":
        millis = number * 1000
    elif suffix == "M":
        raise QuantityError(
            f"CPU {text!r} means {number} million cores; did you mean {number}m (millicores)?"
        )
    else:
        raise QuantityError(f"CPU {text!r}: use millicores like 250m or cores like 0.5")
    if millis <= 0:
        raise QuantityError(f"CPU {text!r} must be greater than zero")
    return _ceil(millis)


def parse_memory_bytes(value: str | int | float) -> int:
    """``512Mi`` -> 536870912, ``1G`` -> 10**9, ``128974848`` -> 128974848."""
    if isinstance(value, bool):
        raise QuantityError("a boolean is not a memory quantity")
    text = str(value)
    number, suffix = _split(text)
    if suffix in _BINARY:
        factor = _BINARY[suffix]
    elif suffix in _DECIMAL:
        factor = _DECIMAL[suffix]
    elif suffix == "m":
        raise QuantityError(f"memory {text!r} is in millibytes; did you mean {number}Mi?")
    else:
        hint = ""
        lowered = suffix.lower()
        for good in ("Ki", "Mi", "Gi", "Ti"):
            # ``lowered`` is lower case: "Mi", "mb", "MB" and "Mb" all arrive as "mi" or "mb"
            if lowered in (good.lower(), good[0].lower() + "b"):
                hint = f"; did you mean {number}{good}?"
                break
        raise QuantityError(
            f"memory {text!r} has unknown unit {suffix!r} (use Ki, Mi, Gi, Ti or k, M, G){hint}"
        )
    total = number * factor
    if total <= 0:
        raise QuantityError(f"memory {text!r} must be greater than zero")
    return _ceil(total)


def format_cpu(millicores: int) -> str:
    return f"{millicores}m" if millicores % 1000 else str(millicores // 1000)


def format_memory(num_bytes: int) -> str:
    for suffix in ("Ti", "Gi", "Mi", "Ki"):
        factor = _BINARY[suffix]
        if num_bytes % factor == 0:
            return f"{num_bytes // factor}{suffix}"
    return str(num_bytes)
