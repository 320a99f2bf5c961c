"""Savings Plans applied hour by hour, the way AWS applies them.

In each hour, EC2 Instance Savings Plans apply before Compute Savings Plans; within a plan,
usage with the highest discount (1 - plan rate / on-demand rate) is covered first. A plan's
commitment ($/hour at plan rates) is billed every hour; what is not used in an hour is lost.
Usage a plan does not cover is billed on-demand. For one kind of usage with on-demand spend
``U`` per hour, discount ``s`` and commitment ``C``:
``cost/h = C + max(0, U(1 - s) - C) / (1 - s)`` (DESIGN.md). Reserved instances and spot are
applied before any Savings Plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Use:
    """On-demand instances of one type running in one hour."""

    key: str  # the caller's handle (resource and segment)
    instance_type: str
    instances: Decimal
    od_rate: Decimal  # $/hour on-demand


@dataclass(frozen=True)
class Plan:
    name: str
    type: str  # "compute" or "ec2_instance"
    commitment: Decimal  # $/hour at plan rates
    rates: dict[str, Decimal]  # plan $/hour per instance type
    family: str | None = None  # EC2 Instance plans: one family (e.g. "m5")

    def covers(self, instance_type: str) -> bool:
        if instance_type not in self.rates:
            return False
        return self.type == "compute" or instance_type.split(".")[0] == self.family


@dataclass
class HourResult:
    """One hour: instances covered per (plan, use), left on-demand per use, and money."""

    covered: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    uncovered: dict[str, Decimal] = field(default_factory=dict)
    used: dict[str, Decimal] = field(default_factory=dict)  # commitment used per plan

    def commitment_usd(self, plans: Sequence[Plan]) -> Decimal:
        return sum((p.commitment for p in plans), ZERO)

    def on_demand_usd(self, uses: Sequence[Use]) -> Decimal:
        return sum((self.uncovered[u.key] * u.od_rate for u in uses), ZERO)

    def unused_usd(self, plans: Sequence[Plan]) -> Decimal:
        return sum((p.commitment - self.used.get(p.name, ZERO) for p in plans), ZERO)


def order_plans(plans: Sequence[Plan]) -> list[Plan]:
    """EC2 Instance plans first, then Compute; stable within a type."""
    return sorted(plans, key=lambda p: 0 if p.type == "ec2_instance" else 1)


def apply_hour(plans: Sequence[Plan], uses: Sequence[Use]) -> HourResult:
    """Cover one hour's on-demand usage with the plans, as AWS does."""
    result = HourResult(uncovered={u.key: u.instances for u in uses})
    for plan in order_plans(plans):
        left = plan.commitment
        eligible = [u for u in uses if plan.covers(u.instance_type) and u.od_rate > 0]
        # highest discount first; ties by key for a deterministic answer
        eligible.sort(key=lambda u: (plan.rates[u.instance_type] / u.od_rate, u.key))
        for use in eligible:
            if left <= 0:
                break
            rate = plan.rates[use.instance_type]
            remaining = result.uncovered[use.key]
            if remaining <= 0:
                continue
            if remaining * rate <= left:  # all of it fits in what is left
                take = remaining
                left -= remaining * rate
            else:  # the commitment runs out on this usage (no rounding residue left over)
                take = left / rate
                left = ZERO
            result.uncovered[use.key] = remaining - take
            result.covered[(plan.name, use.key)] = take
        result.used[plan.name] = plan.commitment - left
    return result


def hourly_cost(plans: Sequence[Plan], uses: Sequence[Use]) -> Decimal:
    """Commitments plus on-demand for what they leave uncovered, for one hour."""
    result = apply_hour(plans, uses)
    return result.commitment_usd(plans) + result.on_demand_usd(uses)
