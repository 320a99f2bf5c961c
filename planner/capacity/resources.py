"""Pure resource-vector helpers (CPU millicores, memory bytes, pod slots), Karpenter style."""

from __future__ import annotations

from typing import NamedTuple


class Resources(NamedTuple):
    cpu_m: int
    memory_bytes: int
    pods: int


MIB = 2**20


def fits(request: Resources, available: Resources) -> bool:
    """Every dimension of ``request`` is within ``available``."""
    return (
        request.cpu_m <= available.cpu_m
        and request.memory_bytes <= available.memory_bytes
        and request.pods <= available.pods
    )


def subtract(a: Resources, b: Resources) -> Resources:
    return Resources(a.cpu_m - b.cpu_m, a.memory_bytes - b.memory_bytes, a.pods - b.pods)


def shortfall(request: Resources, available: Resources) -> list[str]:
    """Names of the dimensions where ``request`` exceeds ``available``."""
    names = []
    if request.cpu_m > available.cpu_m:
        names.append("cpu")
    if request.memory_bytes > available.memory_bytes:
        names.append("memory")
    if request.pods > available.pods:
        names.append("pods")
    return names


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)
