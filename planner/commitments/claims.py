"""The seed report's §9.2 savings claims, line by line against the model.

"Staging Deployment Report - EMRTask Platform v1.0, 2025-11-11, §9.2 Cost Optimization
Strategies" claims: off-hours scaling saves ~$100/month; 1-year reserved capacity saves 30%
(RDS ~$45, EKS nodes ~$35, ~$80 in total); right-sizing $50-100; total potential savings
$230-280; an optimised $550-600/month. Each is set against the model: the scenario priced
with and without the change, at the catalog's rates. Where a rate is missing the model figure
is ``None`` and the line says which rate and how to fill it; the claim's own percentage is
never used as a rate.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from planner.catalog import PriceCatalog
from planner.commitments.model import Resource, resource_monthly, with_purchase
from planner.costing.engine import price_topology
from planner.costing.rates import FILL_COMMAND
from planner.errors import PriceNotFoundError
from planner.money import ZERO
from planner.scenario import Scenario
from planner.topology import Purchase, Schedule, Topology

SOURCE = "Staging Deployment Report - EMRTask Platform v1.0, 2025-11-11, §9.2"
OFF_HOURS = Schedule(
    name="12h x 5d, nodes to zero, RDS stopped",
    hours_per_day=12,
    days_per_week=5,
    start_hour=8,
    node_groups_off="zero",
    rds_off="stopped",
)
OFF_HOURS_MIN = OFF_HOURS.model_copy(
    update={"name": "12h x 5d, nodes to min, RDS stopped", "node_groups_off": "min"}
)


@dataclass(frozen=True)
class Claim:
    claim: str
    claimed_low_usd: Decimal
    claimed_high_usd: Decimal
    model_usd: Decimal | None  # None: a rate is missing
    how: str  # what the model priced

    @property
    def verdict(self) -> str:
        """A "~X" claim holds within 10% of X; a range claim holds inside the range."""
        if self.model_usd is None:
            return "cannot check: rate missing"
        low, high = self.claimed_low_usd, self.claimed_high_usd
        if low == high:
            low, high = low * Decimal("0.9"), high * Decimal("1.1")
        if low <= self.model_usd <= high:
            return "holds"
        return "overstated" if self.model_usd < low else "understated"


def _reserve_saving(
    scenario: Scenario, catalog: PriceCatalog, res: Resource, count: int
) -> tuple[Decimal | None, Decimal, str]:
    """(monthly saving of a 1yr standard No Upfront reservation, on-demand monthly, note)."""
    topology = scenario.topology
    od = resource_monthly(
        price_topology(with_purchase(topology, res, Purchase()), catalog), res.resource
    )
    purchase = Purchase(type="reserved", term="1yr", payment="no_upfront", count=count)
    try:
        report = price_topology(with_purchase(topology, res, purchase), catalog)
    except PriceNotFoundError as exc:
        return None, od, f"{exc}"
    return od - resource_monthly(report, res.resource), od, "1yr standard No Upfront"


def seed_claims(scenario: Scenario, catalog: PriceCatalog) -> list[Claim]:
    """The §9.2 claims against the model of ``scenario`` (the bundled staging)."""
    topology = scenario.topology
    base = price_topology(topology, catalog).total_monthly_usd
    zero = price_topology(topology.model_copy(update={"schedule": OFF_HOURS}), catalog)
    at_min = price_topology(topology.model_copy(update={"schedule": OFF_HOURS_MIN}), catalog)
    off_zero = base - zero.total_monthly_usd
    off_min = base - at_min.total_monthly_usd
    claims = [
        Claim(
            "Off-hours scaling (nights and weekends)",
            Decimal(100),
            Decimal(100),
            off_zero,
            f"{OFF_HOURS.name}: saves {off_zero:.2f}; with nodes at min_size instead of zero "
            f"{off_min:.2f}. EKS control plane, NAT, NLB, MSK and ElastiCache bill every hour",
        )
    ]
    rds = topology.rds[0] if topology.rds else None
    node_saving: Decimal | None = ZERO
    notes: list[str] = []
    rds_saving: Decimal | None = ZERO  # no database: nothing to reserve, nothing missing
    if rds is not None:
        res = Resource.of_rds(rds)
        rds_saving, rds_od, note = _reserve_saving(scenario, catalog, res, 1)
        claims.append(
            Claim(
                "Reserved RDS, 1 year (30%)",
                Decimal(45),
                Decimal(45),
                rds_saving,
                f"{rds.instance_class} {rds.engine}: on-demand instance "
                f"{_instance(scenario, catalog, res.resource):.2f}/month, with storage "
                f"{rds_od:.2f} (storage is not reserved); "
                + (note if rds_saving is None else f"{note}: saves {rds_saving:.2f}"),
            )
        )
    if topology.eks is not None:
        for g in topology.eks.node_groups:
            if g.capacity_type == "SPOT":
                notes.append(f"{g.name} is spot: a reservation would replace, not add to, spot")
                continue
            res = Resource.of_node_group(g, g.desired_size)
            saving, od, note = _reserve_saving(scenario, catalog, res, g.desired_size)
            if saving is None or node_saving is None:
                node_saving = None
                notes.append(f"{g.name}: {note}")
            else:
                node_saving += saving
                notes.append(
                    f"{g.name} {g.desired_size} x {g.instance_type}: on-demand {od:.2f}, "
                    f"saves {saving:.2f}"
                )
    claims.append(
        Claim(
            "Reserved EKS nodes, 1 year (30%)",
            Decimal(35),
            Decimal(35),
            node_saving,
            "; ".join(notes),
        )
    )
    reserved_total = None if rds_saving is None or node_saving is None else rds_saving + node_saving
    claims.append(
        Claim(
            "Reserved capacity total",
            Decimal(80),
            Decimal(80),
            reserved_total,
            "RDS + EKS nodes above"
            + (
                ""
                if reserved_total is not None
                else f"; fill the missing rates with `{FILL_COMMAND}`"
            ),
        )
    )
    combo = best_combination(topology, catalog)
    claims.append(
        Claim(
            "Total potential savings (incl. right-sizing $50-100)",
            Decimal(230),
            Decimal(280),
            combo.saving,
            combo.how,
        )
    )
    optimised = base - combo.saving
    claims.append(
        Claim(
            "Optimised monthly cost",
            Decimal(550),
            Decimal(600),
            optimised,
            f"modelled staging {base:.2f} (the report's base is $837.30) less the best "
            f"combination ({combo.label})",
        )
    )
    return claims


@dataclass(frozen=True)
class Combination:
    """The cheapest set of levers, each set priced together through the engine."""

    label: str
    saving: Decimal
    how: str
    tried: tuple[tuple[str, Decimal | None], ...]  # every set: its monthly total, or missing


def levers(topology: Topology) -> list[tuple[str, Callable[[Topology], Topology]]]:
    """The §9.2 levers that can be priced from the scenario alone: the off-hours schedule,
    and a 1-year Standard No Upfront reservation of the RDS instance and of each on-demand
    node group (a spot group is not reserved: the reservation would replace spot)."""
    out: list[tuple[str, Callable[[Topology], Topology]]] = [
        ("off-hours", lambda t: t.model_copy(update={"schedule": OFF_HOURS}))
    ]
    for db in topology.rds[:1]:
        res = Resource.of_rds(db)
        buy = Purchase(type="reserved", term="1yr", payment="no_upfront", count=1)
        out.append((f"reserved RDS {db.name}", _bind(res, buy)))
    if topology.eks is not None:
        for g in topology.eks.node_groups:
            if g.capacity_type == "SPOT":
                continue
            res = Resource.of_node_group(g, g.desired_size)
            buy = Purchase(type="reserved", term="1yr", payment="no_upfront", count=g.desired_size)
            out.append((f"reserved nodes {g.name}", _bind(res, buy)))
    return out


def _bind(res: Resource, buy: Purchase) -> Callable[[Topology], Topology]:
    return lambda t: with_purchase(t, res, buy)


def best_combination(topology: Topology, catalog: PriceCatalog) -> Combination:
    """Every set of levers applied together and priced by the engine (savings that cannot
    be combined, such as a reservation that also bills the off-hours, are not added up)."""
    base = price_topology(topology, catalog).total_monthly_usd
    options = levers(topology)
    tried: list[tuple[str, Decimal | None]] = []
    best: tuple[Decimal, str] = (base, "no change")
    for size in range(1, len(options) + 1):
        for subset in itertools.combinations(options, size):
            variant = topology
            for _name, apply in subset:
                variant = apply(variant)
            name = " + ".join(n for n, _a in subset)
            try:
                total = price_topology(variant, catalog).total_monthly_usd
            except PriceNotFoundError:
                tried.append((name, None))
                continue
            tried.append((name, total))
            if total < best[0]:
                best = (total, name)
    saving = base - best[0]
    shown = "; ".join(f"{n} {'rate missing' if t is None else f'{base - t:.2f}'}" for n, t in tried)
    how = (
        f"best combination, priced together: {best[1]} saves {saving:.2f} a month. Each set "
        f"(saving against {base:.2f}): {shown}. Right-sizing is not in the combination: it "
        "needs measured usage (the rightsizing page)"
    )
    return Combination(best[1], saving, how, tuple(tried))


def _instance(scenario: Scenario, catalog: PriceCatalog, resource: str) -> Decimal:
    report = price_topology(scenario.topology, catalog)
    return sum(
        (
            ln.monthly_usd
            for ln in report.lines
            if ln.resource == resource
            and ln.monthly_usd is not None
            and ln.component.startswith("DB instance")
        ),
        ZERO,
    )
