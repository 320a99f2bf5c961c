"""ResourceQuota and LimitRange checks of the workloads, at each replica level."""

from __future__ import annotations

from collections.abc import Sequence

from planner.capacity.model import STATES, QuotaCheck, State
from planner.capacity.workloads import replicas
from planner.quantities import format_cpu, format_memory, parse_cpu_millicores, parse_memory_bytes
from planner.topology import LimitRange, ResourceQuota, Workload


def quota_checks(
    workloads: Sequence[Workload], quota: ResourceQuota | None, limits: LimitRange | None
) -> list[QuotaCheck]:
    """The namespace quota at each replica level, and each container against the LimitRange."""
    checks: list[QuotaCheck] = []
    if quota is not None:
        for state in STATES:
            n = {w.name: replicas(w, state) for w in workloads}
            sums = {
                "requests.cpu": (
                    sum(w.cpu_request_m * n[w.name] for w in workloads),
                    quota.requests_cpu,
                ),
                "requests.memory": (
                    sum(w.memory_request_bytes * n[w.name] for w in workloads),
                    quota.requests_memory,
                ),
            }
            if quota.limits_cpu is not None:
                sums["limits.cpu"] = (
                    sum(w.cpu_limit_m * n[w.name] for w in workloads),
                    quota.limits_cpu,
                )
            if quota.limits_memory is not None:
                sums["limits.memory"] = (
                    sum(w.memory_limit_bytes * n[w.name] for w in workloads),
                    quota.limits_memory,
                )
            for field, (used, limit_text) in sums.items():
                checks.append(_quota(state, field, used, limit_text))
    if limits is not None:
        for w in workloads:
            bounds = (
                ("cpu_request", w.cpu_request_m, ">=", parse_cpu_millicores(limits.min_cpu)),
                ("cpu_limit", w.cpu_limit_m, "<=", parse_cpu_millicores(limits.max_cpu)),
                (
                    "memory_request",
                    w.memory_request_bytes,
                    ">=",
                    parse_memory_bytes(limits.min_memory),
                ),
                (
                    "memory_limit",
                    w.memory_limit_bytes,
                    "<=",
                    parse_memory_bytes(limits.max_memory),
                ),
            )
            for field, value, op, bound in bounds:
                ok = value >= bound if op == ">=" else value <= bound
                fmt = format_cpu if field.startswith("cpu") else format_memory
                word = "min" if op == ">=" else "max"
                checks.append(
                    QuotaCheck(
                        kind="LimitRange",
                        state=None,
                        workload=w.name,
                        field=field,
                        used=fmt(value),
                        limit=fmt(bound),
                        ok=ok,
                        message=(
                            f"{w.name} {field} {fmt(value)} {'within' if ok else 'violates'}"
                            f" the per-container {word} {fmt(bound)}"
                        ),
                    )
                )
    return checks


def _quota(state: State, field: str, used: int, limit_text: str) -> QuotaCheck:
    is_cpu = field.endswith("cpu")
    limit = parse_cpu_millicores(limit_text) if is_cpu else parse_memory_bytes(limit_text)
    fmt = format_cpu if is_cpu else format_memory
    ok = used <= limit
    pct = round(100 * used / limit)
    return QuotaCheck(
        kind="ResourceQuota",
        state=state,
        workload=None,
        field=field,
        used=fmt(used),
        limit=fmt(limit),
        ok=ok,
        message=(
            f"{field} at {state} replicas: {fmt(used)} of {fmt(limit)} ({pct}%)"
            + ("" if ok else "; the quota rejects pods beyond it")
        ),
    )
