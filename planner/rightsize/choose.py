"""Pick the cheapest class that covers a need: the pure core of right-sizing.

A class fits when its vCPUs cover the CPU need (chosen percentile plus headroom) and its
memory covers the memory floor. A burstable class whose average use is above its baseline
either pays surplus credits (unlimited mode: EC2 T3 nodes, RDS db.t3) or is throttled once
its credits run out (standard mode, assumed for ElastiCache and MSK t3): then it does not fit.
Ties break on the smaller class, then the name, so the result is deterministic and a
larger need never picks a smaller class.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from planner.money import HOURS_PER_MONTH, ZERO
from planner.rightsize.classes import ClassSpec

# Surplus CPU credits of T2/T3/T4g instances in unlimited mode: $0.05 per vCPU-hour for Linux
# (Amazon EC2 On-Demand pricing page, "T2/T3/T4g Unlimited Mode Pricing"; EC2 user guide,
# "Unlimited mode for burstable performance instances": surplus credits are charged when the
# average CPU over 24 hours exceeds the baseline). Applied to RDS db.t3 too, which runs in
# unlimited mode (RDS user guide, "DB instance class types"); RDS publishes its own CPU-credit
# price per engine, so treat the RDS surplus as an estimate at the EC2 rate.
SURPLUS_CREDIT_USD_PER_VCPU_HOUR = Decimal("0.05")


@dataclass(frozen=True, slots=True)
class Need:
    """Per instance: vCPUs at the percentile plus headroom, average vCPUs, memory floor."""

    cpu_vcpu: Decimal
    mean_vcpu: Decimal
    memory_gib: Decimal


@dataclass(frozen=True, slots=True)
class Priced:
    spec: ClassSpec
    hourly_usd: Decimal
    caveat: str = ""  # the price row's own caveat, if it carries one


@dataclass(frozen=True, slots=True)
class Choice:
    spec: ClassSpec
    hourly_usd: Decimal
    instance_monthly_usd: Decimal
    surplus_monthly_usd: Decimal
    caveat: str = ""

    @property
    def monthly_usd(self) -> Decimal:
        return self.instance_monthly_usd + self.surplus_monthly_usd


def surplus_monthly_usd(spec: ClassSpec, mean_vcpu: Decimal, units: int) -> Decimal:
    """Surplus credits a month when the average use is above the baseline (else 0)."""
    baseline = spec.baseline_vcpu
    if baseline is None or mean_vcpu <= baseline:
        return ZERO
    return (mean_vcpu - baseline) * units * HOURS_PER_MONTH * SURPLUS_CREDIT_USD_PER_VCPU_HOUR


def evaluate(p: Priced, need: Need, units: int, *, unlimited: bool) -> Choice | None:
    spec = p.spec
    if spec.vcpu < need.cpu_vcpu or spec.memory_gib < need.memory_gib:
        return None
    baseline = spec.baseline_vcpu
    if baseline is not None and need.mean_vcpu > baseline and not unlimited:
        return None
    surplus = surplus_monthly_usd(spec, need.mean_vcpu, units) if unlimited else ZERO
    return Choice(spec, p.hourly_usd, p.hourly_usd * units * HOURS_PER_MONTH, surplus, p.caveat)


def choose(
    candidates: Iterable[Priced], need: Need, units: int, *, unlimited: bool
) -> Choice | None:
    """The cheapest fitting class (instances plus surplus credits), or None if none fits."""
    fitting = [c for c in (evaluate(p, need, units, unlimited=unlimited) for p in candidates) if c]
    if not fitting:
        return None
    return min(
        fitting,
        key=lambda c: (c.monthly_usd, c.spec.vcpu, c.spec.memory_gib, c.spec.name),
    )
