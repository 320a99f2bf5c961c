"""Kubernetes quantities (kubernetes.io "Resource units"): CPU in millicores, memory in bytes,
each unit's factor, the 64-bit size limit at both sides, rounding up, and the hints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.quantities import (
    QuantityError,
    format_cpu,
    format_memory,
    parse_cpu_millicores,
    parse_memory_bytes,
)


@pytest.mark.parametrize(
    ("text", "millicores"),
    [
        ("250m", 250),
        ("1", 1000),  # one core is 1000 millicores
        ("+1", 1000),  # a leading + is a valid quantity
        (".5", 500),
        ("1.5", 1500),
        ("0.0005", 1),  # 0.5 millicores rounds up to 1, never down to 0
        ("1.2m", 2),  # 1.2 millicores rounds up to 2
        ("1e3m", 1000),  # 10^3 millicores
        ("2e-3", 2),  # 0.002 cores = 2 millicores
        (" 100m ", 100),  # blanks around are ignored
        (2, 2000),
        (0.25, 250),
    ],
)
def test_cpu_units(text: str | int | float, millicores: int) -> None:
    assert parse_cpu_millicores(text) == millicores


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "CPU '0' must be greater than zero"),
        ("0m", "CPU '0m' must be greater than zero"),
        ("250M", "CPU '250M' means 250 million cores; did you mean 250m (millicores)?"),
        ("1Gi", "CPU '1Gi': use millicores like 250m or cores like 0.5"),
        ("1k", "CPU '1k': use millicores like 250m or cores like 0.5"),
        ("-1", "'-1' is not a Kubernetes quantity (e.g. 250m, 0.5, 512Mi, 1Gi)"),
        ("1.", "'1.' is not a Kubernetes quantity"),
        ("", "'' is not a Kubernetes quantity"),
    ],
)
def test_cpu_mistakes(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as err:
        parse_cpu_millicores(text)
    assert str(err.value).startswith(message)


def test_booleans_are_not_quantities() -> None:
    # YAML "true" is a boolean; str(True) = "True" would otherwise be parsed as text
    with pytest.raises(QuantityError, match="a boolean is not a CPU quantity"):
        parse_cpu_millicores(True)
    with pytest.raises(QuantityError, match="a boolean is not a memory quantity"):
        parse_memory_bytes(False)


def test_the_size_limit_is_at_both_sides_of_10_to_the_18() -> None:
    # Kubernetes quantities fit a signed 64-bit integer (about 9.2e18): a number of 19 digits
    # (exponent 18) is allowed, one of 20 digits (exponent 19) is refused
    assert parse_memory_bytes("1" + "0" * 18) == 10**18
    assert parse_memory_bytes("9e18") == 9 * 10**18
    with pytest.raises(QuantityError, match=r"'1e19' is too large for a Kubernetes quantity"):
        parse_memory_bytes("1e19")
    with pytest.raises(QuantityError, match="too large"):
        parse_memory_bytes("1" + "0" * 19)
    with pytest.raises(QuantityError, match="too large"):
        parse_cpu_millicores("1e19m")
    assert parse_cpu_millicores("1e18m") == 10**18


@pytest.mark.parametrize(
    ("text", "num_bytes"),
    [
        ("1Ki", 1024),
        ("1Mi", 1024**2),
        ("1Gi", 1024**3),
        ("1Ti", 1024**4),
        ("1Pi", 1024**5),
        ("1Ei", 1024**6),
        ("1", 1),
        ("1k", 1000),
        ("1M", 1000**2),
        ("1G", 1000**3),
        ("1T", 1000**4),
        ("1P", 1000**5),
        ("1E", 1000**6),
        ("1.5Ki", 1536),  # 1.5 x 1024
        ("0.5", 1),  # half a byte rounds up to one
        ("1.1", 2),
        ("128974848", 128974848),
        (128974848, 128974848),
        ("2.5e3", 2500),
    ],
)
def test_memory_units(text: str | int, num_bytes: int) -> None:
    assert parse_memory_bytes(text) == num_bytes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("512m", "memory '512m' is in millibytes; did you mean 512Mi?"),
        ("0", "memory '0' must be greater than zero"),
        ("0Gi", "memory '0Gi' must be greater than zero"),
        ("1Mb", "did you mean 1Mi?"),
        ("1mb", "did you mean 1Mi?"),
        ("1MB", "did you mean 1Mi?"),
        ("2KB", "did you mean 2Ki?"),
        ("2kb", "did you mean 2Ki?"),
        ("3gb", "did you mean 3Gi?"),
        ("3gi", "did you mean 3Gi?"),
        ("4TB", "did you mean 4Ti?"),
        ("4ti", "did you mean 4Ti?"),
        ("5mi", "did you mean 5Mi?"),
    ],
)
def test_memory_mistakes_and_hints(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as err:
        parse_memory_bytes(text)
    assert message in str(err.value)


def test_an_unknown_memory_unit_names_the_units_and_hints_only_when_close() -> None:
    with pytest.raises(QuantityError) as err:
        parse_memory_bytes("1Xi")
    assert str(err.value) == ("memory '1Xi' has unknown unit 'Xi' (use Ki, Mi, Gi, Ti or k, M, G)")
    with pytest.raises(QuantityError) as err:
        parse_memory_bytes("1PB")  # no hint: Pi is not among the hinted units
    assert str(err.value).endswith("(use Ki, Mi, Gi, Ti or k, M, G)")


@pytest.mark.parametrize(
    ("millicores", "text"),
    [(250, "250m"), (1000, "1"), (1500, "1500m"), (2000, "2"), (1, "1m"), (999, "999m")],
)
def test_format_cpu(millicores: int, text: str) -> None:
    assert format_cpu(millicores) == text


@pytest.mark.parametrize(
    ("num_bytes", "text"),
    [
        (1024**4, "1Ti"),  # the largest unit that divides it
        (3 * 1024**3, "3Gi"),
        (1536 * 1024**2, "1536Mi"),  # 1.5 Gi is not whole Gi
        (512 * 1024**2, "512Mi"),
        (1024, "1Ki"),
        (1536, "1536"),  # 1.5 Ki: no unit divides it
        (1000, "1000"),
    ],
)
def test_format_memory(num_bytes: int, text: str) -> None:
    assert format_memory(num_bytes) == text


@given(st.integers(min_value=1, max_value=10**9))
def test_cpu_round_trips_through_its_format(millicores: int) -> None:
    assert parse_cpu_millicores(format_cpu(millicores)) == millicores


@given(st.integers(min_value=1, max_value=2**50))
def test_memory_round_trips_through_its_format(num_bytes: int) -> None:
    assert parse_memory_bytes(format_memory(num_bytes)) == num_bytes
