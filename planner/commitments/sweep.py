"""Sweep a grid of variants in one vectorised computation (numpy, integer arithmetic).

A variant picks, for every node group, an instance type and a purchase option, and one
schedule for the whole environment. Node counts come from the capacity model (one run per
combination of instance types, not per variant). Everything else is priced once per
schedule by the Decimal engine. The per-variant sums are then integer arithmetic on arrays:
every amount is held in units of 1 / (10^8 x 168 x 36) dollar, in which hourly prices with up
to 8 decimals, hours of a 168-hour week spread over a 730-hour month, and upfront fees spread
over 12 or 36 months are all whole numbers. Each term that is a line in the Decimal engine
(an instance segment, a reservation's recurring hours and its amortised upfront, a root
volume, every other line of the scenario) is rounded to the cent, half up, before it is
added, as the engine's one total rule does; ``scalar_cost`` is that engine, variant by
variant, for checking.

Infeasible variants (pods that do not fit, node group maxima, quotas) and variants whose
rate is missing are marked, not dropped. The Pareto frontiers are taken over the feasible,
priced variants.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.commitments.grid import Grid, parse_purchase
from planner.costing.rates import TERM_MONTHS, reserved_offer
from planner.costing.schedules import HOURS_PER_WEEK, weekly_on_hours
from planner.errors import InputError, PriceNotFoundError
from planner.money import HOURS_PER_MONTH, ZERO, cents
from planner.topology import CapacityType, Purchase, Schedule, Topology

if TYPE_CHECKING:
    import numpy as np

    from planner.catalog import PriceCatalog
    from planner.scenario import Scenario

PRICE_SCALE = 10**8
UNITS_PER_USD = PRICE_SCALE * HOURS_PER_WEEK * 36  # 36: lcm of the 12- and 36-month terms
UNITS_PER_CENT = UNITS_PER_USD // 100
M = int(HOURS_PER_MONTH)


@dataclass
class SweepResult:
    scenario: str
    groups: list[str]
    types: list[list[str]]  # per group, candidate types
    purchases: list[str]
    schedules: list[str]
    shape: tuple[int, ...]  # (combos, purchases x groups..., schedules)
    combos: list[tuple[str, ...]]
    monthly_units: np.ndarray  # int64, flat
    upfront_units: np.ndarray  # int64, flat
    feasible: np.ndarray  # bool, flat
    priced: np.ndarray  # bool, flat (False: a rate is missing)
    upfront_known: np.ndarray  # bool, flat (False: an offer's upfront/recurring split unknown)
    headroom_pct: np.ndarray  # float, flat
    reasons: dict[int, str] = field(default_factory=dict)  # combo index -> why infeasible
    seconds_vector: float = 0.0

    @property
    def count(self) -> int:
        return int(self.monthly_units.size)

    def describe(self, flat: int) -> dict[str, Any]:
        import numpy as np

        idx = np.unravel_index(flat, self.shape)
        combo = int(idx[0])
        out: dict[str, Any] = {
            "variant": int(flat),
            "schedule": self.schedules[int(idx[-1])],
            "groups": {
                g: {
                    "instance_type": self.combos[combo][i],
                    "purchase": self.purchases[int(idx[1 + i])],
                }
                for i, g in enumerate(self.groups)
            },
            "monthly_usd": float(self.monthly_cents(flat)) / 100,
            "upfront_usd": float(self.upfront_units[flat]) / UNITS_PER_USD
            if self.upfront_known[flat]
            else None,
            "headroom_pct": round(float(self.headroom_pct[flat]), 1),
            "feasible": bool(self.feasible[flat]),
            "priced": bool(self.priced[flat]),
        }
        if combo in self.reasons:
            out["infeasible_reason"] = self.reasons[combo]
        return out

    def monthly_cents(self, flat: int) -> int:
        return int((int(self.monthly_units[flat]) + UNITS_PER_CENT // 2) // UNITS_PER_CENT)


def line_cents(units: Any) -> Any:
    """Non-negative amounts in units rounded to whole cents, half up (still in units)."""
    return (units + UNITS_PER_CENT // 2) // UNITS_PER_CENT * UNITS_PER_CENT


def to_units(value: Decimal, what: str) -> int:
    scaled = value * PRICE_SCALE
    if scaled != scaled.to_integral_value():
        raise InputError(f"{what} {value} has more than 8 decimals: the sweep cannot be exact")
    return int(scaled)


@dataclass
class _Rates:
    od: int  # e8 $/h
    spot: int | None
    # purchase index -> (recurring e8, upfront e8, upfront known); an offer whose source gives
    # only the effective rate (Partial Upfront, split unknown) is (effective e8, 0, False):
    # its amortised month is exact, its upfront cash is not known
    reserved: dict[int, tuple[int, int, bool] | None]


def variant_topology(
    topology: Topology,
    types: tuple[str, ...],
    purchases: tuple[Purchase, ...],
    schedule: Schedule,
    groups: list[str],
) -> Topology:
    assert topology.eks is not None
    by_name = dict(zip(groups, zip(types, purchases, strict=True), strict=True))
    new = []
    for g in topology.eks.node_groups:
        if g.name in by_name:
            itype, purchase = by_name[g.name]
            g = g.model_copy(
                update={
                    "instance_type": itype,
                    "purchase": purchase,
                    "capacity_type": CapacityType.ON_DEMAND,
                }
            )
        new.append(g)
    return topology.model_copy(
        update={
            "eks": topology.eks.model_copy(update={"node_groups": tuple(new)}),
            "schedule": None if schedule.always_on else schedule,
        }
    )


def _capacity(
    topology: Topology, base_dir: Path
) -> tuple[dict[str, int], dict[str, int], bool, float, str]:
    from planner.capacity.plan import plan_capacity
    from planner.errors import CapacityInputError

    try:
        cap = plan_capacity(topology, base_dir=base_dir)
    except CapacityInputError as exc:
        return {}, {}, False, 0.0, str(exc)
    used_cpu = used_mem = alloc_cpu = alloc_mem = 0.0
    for g in cap.node_groups:
        u = g.usage["expected"]
        used_cpu += u.requested_cpu_millicores + u.daemonset_cpu_millicores
        used_mem += u.requested_memory_mib + u.daemonset_memory_mib
        alloc_cpu += u.allocatable_cpu_millicores
        alloc_mem += u.allocatable_memory_mib
    util = max(
        used_cpu / alloc_cpu if alloc_cpu else 1.0, used_mem / alloc_mem if alloc_mem else 1.0
    )
    reason = ""
    if not cap.ok:
        bits = [f"{u.count} {u.workload} pods unplaced at {u.state}" for u in cap.unplaced[:2]]
        bits += [
            f"{e.node_group} needs {e.nodes_needed} > max {e.max_size} at {e.state}"
            for e in cap.exceeded_maxima[:2]
        ]
        bits += [q.message for q in cap.quota_checks if not q.ok][:1]
        reason = "; ".join(bits) or "capacity check failed"
    return cap.nodes("min"), cap.nodes("expected"), cap.ok, 100 * (1 - util), reason


def run_grid(
    scenario: Scenario,
    grid: Grid,
    catalog: PriceCatalog,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Evaluate every variant of the grid (see the module docstring)."""
    import time

    import numpy as np

    from planner.catalog import ON_DEMAND, Term
    from planner.costing.engine import price_topology

    topology = scenario.topology
    if topology.eks is None:
        raise InputError(f"{scenario.path}: the sweep needs an eks block with node groups")
    names = [g.name for g in topology.eks.node_groups]
    for name in grid.node_groups:
        if name not in names:
            raise InputError(
                f"grid node_groups.{name}: no such node group (have {', '.join(names)})"
            )
    groups = [n for n in names if n in grid.node_groups]
    base_groups = {g.name: g for g in topology.eks.node_groups}
    types = [list(grid.node_groups[g].instance_types) for g in groups]
    purchases = [parse_purchase(p) for p in grid.purchases]
    schedules = list(grid.schedules)
    G, P, S = len(groups), len(purchases), len(schedules)
    combos = list(itertools.product(*types))
    C = len(combos)

    # capacity per type combination
    n_min = np.zeros((C, G), dtype=np.int64)
    n_exp = np.zeros((C, G), dtype=np.int64)
    ok = np.zeros(C, dtype=bool)
    head = np.zeros(C, dtype=np.float64)
    reasons: dict[int, str] = {}
    for c, combo in enumerate(combos):
        if progress is not None:
            progress(c + 1, C)
        variant = variant_topology(
            topology, combo, tuple(Purchase() for _ in groups), schedules[0], groups
        )
        mins, exps, fine, room, why = _capacity(variant, scenario.path.parent)
        ok[c] = fine
        head[c] = room
        if why:
            reasons[c] = why
        for i, g in enumerate(groups):
            n_min[c, i] = mins.get(g, 0)
            n_exp[c, i] = exps.get(g, 0)

    # rates per (group, type)
    rates: list[dict[str, _Rates]] = []
    for i, g in enumerate(groups):
        table: dict[str, _Rates] = {}
        discount = base_groups[g].spot_discount_pct
        for t in types[i]:
            od_row = catalog.find("AmazonEC2", topology.region, f"instance/{t}")
            if od_row is None:
                raise PriceNotFoundError(
                    catalog.explain_missing(
                        "AmazonEC2", topology.region, f"instance/{t}", ON_DEMAND, t
                    )
                )
            od = to_units(od_row.usd, f"{t} on-demand")
            spot_row = catalog.find("AmazonEC2", topology.region, f"instance/{t}", Term("Spot"))
            if spot_row is not None:  # the spot median first, as the engine does
                spot: int | None = to_units(spot_row.usd, f"{t} spot")
            elif discount is not None:
                spot = to_units(od_row.usd * (100 - discount.value) / 100, f"{t} spot")
            else:
                spot = None
            reserved: dict[int, tuple[int, int, bool] | None] = {}
            for k, p in enumerate(purchases):
                if p.type != "reserved":
                    continue
                offer = reserved_offer(catalog, "AmazonEC2", topology.region, f"instance/{t}", p)
                if offer is None:
                    reserved[k] = None
                elif offer.upfront_usd is None or offer.recurring_hourly_usd is None:
                    reserved[k] = (to_units(offer.effective_hourly_usd, f"{t} effective"), 0, False)
                else:
                    fee_e8 = to_units(offer.upfront_usd, f"{t} upfront")
                    rec_e8 = to_units(offer.recurring_hourly_usd, f"{t} recurring")
                    reserved[k] = (rec_e8, fee_e8, True)
            table[t] = _Rates(od, spot, reserved)
        rates.append(table)
    disk_e8 = []
    for g in groups:
        grp = base_groups[g]
        row = catalog.get(
            "AmazonEC2", topology.region, f"ebs/{grp.disk_type}", what=f"EBS {grp.disk_type}"
        )
        disk_e8.append(to_units(grp.disk_gb.value * row.usd, f"{g} root volume GB-month"))

    # everything but the swept node groups, per schedule (Decimal engine)
    fixed = np.zeros(S, dtype=np.int64)
    for s, sched in enumerate(schedules):
        variant = variant_topology(
            topology, combos[0], tuple(Purchase() for _ in groups), sched, groups
        )
        report = price_topology(variant, catalog, node_counts={g: 0 for g in groups})
        rest = sum(
            (
                cents(ln.monthly_usd)  # each line rounded first, as the engine's total
                for ln in report.lines
                if ln.monthly_usd is not None
                and not any(ln.resource == f"eks-node-group/{g}" for g in groups)
            ),
            ZERO,
        )
        fixed[s] = int(rest * UNITS_PER_USD)

    start = time.perf_counter()
    shape = (C, *([P] * G), S)
    total = np.broadcast_to(fixed.reshape((1,) * (1 + G) + (S,)), shape).astype(np.int64)
    upfront = np.zeros(shape, dtype=np.int64)
    priced = np.ones(shape, dtype=bool)
    upfront_known = np.ones(shape, dtype=bool)
    week_on = np.array(
        [weekly_on_hours(None if s.always_on else s) for s in schedules], dtype=np.int64
    )
    zero_off = np.array(
        [0 if s.always_on or s.node_groups_off == "min" else 1 for s in schedules], dtype=bool
    )
    for i, g in enumerate(groups):
        cost, fee, have, known = _group_cost(
            i,
            types,
            purchases,
            rates[i],
            combos,
            n_min,
            n_exp,
            week_on,
            zero_off,
            base_groups[g].min_size,
            disk_e8[i],
            np,
        )  # (C, P, S)
        view = [C] + [1] * G + [S]
        view[1 + i] = P
        total = total + cost.reshape(view)
        upfront = upfront + fee.reshape(view)
        priced = priced & have.reshape(view)
        upfront_known = upfront_known & known.reshape(view)
    feasible = np.broadcast_to(ok.reshape((C,) + (1,) * (G + 1)), shape)
    headroom = np.broadcast_to(head.reshape((C,) + (1,) * (G + 1)), shape)
    result = SweepResult(
        scenario=topology.name,
        groups=groups,
        types=types,
        purchases=list(grid.purchases),
        schedules=[s.name for s in schedules],
        shape=shape,
        combos=combos,
        monthly_units=np.ascontiguousarray(total).ravel(),
        upfront_units=np.ascontiguousarray(upfront).ravel(),
        feasible=np.ascontiguousarray(feasible).ravel(),
        priced=np.ascontiguousarray(priced).ravel(),
        upfront_known=np.ascontiguousarray(upfront_known).ravel(),
        headroom_pct=np.ascontiguousarray(headroom).ravel(),
        reasons=reasons,
    )
    result.seconds_vector = time.perf_counter() - start
    return result


def _group_cost(
    i: int,
    types: list[list[str]],
    purchases: list[Purchase],
    rates: dict[str, _Rates],
    combos: list[tuple[str, ...]],
    n_min: np.ndarray,
    n_exp: np.ndarray,
    week_on: np.ndarray,
    zero_off: np.ndarray,
    min_size: int,
    disk_e8: int,
    np: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Monthly units, upfront units, priced and upfront-known flags of one node group:
    each (combos, P, S)."""
    C, P, S = len(combos), len(purchases), len(week_on)
    t_index = {t: k for k, t in enumerate(types[i])}
    tix = np.array([t_index[c[i]] for c in combos], dtype=np.int64)
    tlist = types[i]
    od = np.array([rates[t].od for t in tlist], dtype=np.int64)[tix]  # (C,)
    spot = np.array(
        [rates[t].spot if rates[t].spot is not None else -1 for t in tlist], dtype=np.int64
    )[tix]
    on_n = n_exp[:, i][:, None]  # (C,1)
    off_n = np.where(zero_off[None, :], 0, np.minimum(min_size, on_n))  # (C,S)
    w_on = week_on[None, :]  # (1,S)
    w_off = HOURS_PER_WEEK - w_on
    node_weeks = on_n * w_on + off_n * w_off  # (C,S) node-hours a week
    # units: week-hours x 730 x price_e8 x 36 (= x730/168 month, x D); every engine line is
    # rounded to the cent (line_cents) before it is added
    disk = line_cents(node_weeks * disk_e8 * 36)  # GB-month: node-hours/168 x $/GB x D

    def segments(price: Any, on: Any, off: Any) -> Any:
        """The on-hours and off-hours lines of ``on`` / ``off`` instances at ``price``."""
        return line_cents(on * w_on * M * price * 36) + line_cents(off * w_off * M * price * 36)

    cost = np.zeros((C, P, S), dtype=np.int64)
    fee = np.zeros((C, P, S), dtype=np.int64)
    have = np.ones((C, P, S), dtype=bool)
    known = np.ones((C, P, S), dtype=bool)
    for k, p in enumerate(purchases):
        if p.type in ("on_demand", "savings_plan"):
            cost[:, k, :] = segments(od[:, None], on_n, off_n) + disk
            have[:, k, :] = p.type == "on_demand"
        elif p.type == "spot":
            cost[:, k, :] = segments(np.maximum(spot, 0)[:, None], on_n, off_n) + disk
            have[:, k, :] = (spot >= 0)[:, None]
        else:
            offers = [rates[t].reserved[k] or (0, 0, True) for t in tlist]
            rec = np.array([o[0] for o in offers], dtype=np.int64)[tix]
            upf = np.array([o[1] for o in offers], dtype=np.int64)[tix]
            split = np.array([o[2] for o in offers], dtype=bool)[tix]
            ok = np.array([rates[t].reserved[k] is not None for t in tlist], dtype=bool)[tix]
            r = n_min[:, i][:, None]  # reserve the nodes at HPA minimum
            months = TERM_MONTHS[p.term]
            cost[:, k, :] = (
                # reserved: every hour of the term; then the upfront over the term's months
                line_cents(r * M * rec[:, None] * HOURS_PER_WEEK * 36)
                + line_cents(r * upf[:, None] * HOURS_PER_WEEK * (36 // months))
                + segments(od[:, None], np.maximum(on_n - r, 0), np.maximum(off_n - r, 0))
                + disk
            )
            fee[:, k, :] = r * upf[:, None] * HOURS_PER_WEEK * 36
            have[:, k, :] = ok[:, None]
            # no reserved node, no upfront to know; else the offer's split must be known
            known[:, k, :] = (split | (n_min[:, i] == 0))[:, None]
    return cost, fee, have, known


def scalar_cost(
    scenario: Scenario, grid: Grid, result: SweepResult, flat: int, catalog: PriceCatalog
) -> Decimal | None:
    """The Decimal engine's monthly total for one variant (None: a rate is missing)."""
    import numpy as np

    from planner.capacity.plan import plan_capacity
    from planner.costing.engine import price_topology

    idx = np.unravel_index(flat, result.shape)
    combo = result.combos[int(idx[0])]
    schedule = grid.schedules[int(idx[-1])]
    topology = scenario.topology
    probe = variant_topology(
        topology, combo, tuple(Purchase() for _ in result.groups), schedule, result.groups
    )
    cap = plan_capacity(probe, base_dir=scenario.path.parent)
    mins = cap.nodes("min")
    chosen = []
    for i, g in enumerate(result.groups):
        p = parse_purchase(result.purchases[int(idx[1 + i])])
        if p.type == "reserved":
            p = p.model_copy(update={"count": mins[g]})
        chosen.append(p)
    variant = variant_topology(topology, combo, tuple(chosen), schedule, result.groups)
    try:
        report = price_topology(variant, catalog, node_counts=cap.nodes("expected"))
    except PriceNotFoundError:
        return None
    return report.total_monthly_usd


def pareto(
    cost: np.ndarray, benefit: np.ndarray, mask: np.ndarray, *, maximise: bool
) -> np.ndarray:
    """Indices on the frontier: no other variant is cheaper and at least as good."""
    import numpy as np

    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return idx
    b = benefit[idx] if maximise else -benefit[idx]
    order = np.lexsort((-b, cost[idx]))  # by cost, then best benefit first
    ranked = idx[order]
    best = np.maximum.accumulate(b[order])
    keep = np.empty(ranked.size, dtype=bool)
    keep[0] = True
    keep[1:] = best[1:] > best[:-1]
    return ranked[keep]


def frontiers(result: SweepResult) -> dict[str, list[int]]:
    mask = result.feasible & result.priced
    return {
        "cost_vs_headroom": pareto(
            result.monthly_units, result.headroom_pct, mask, maximise=True
        ).tolist(),
        "cost_vs_upfront": pareto(
            result.monthly_units, result.upfront_units, mask & result.upfront_known, maximise=False
        ).tolist(),
    }


def cheapest(result: SweepResult, top: int) -> list[int]:
    import numpy as np

    mask = result.feasible & result.priced
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    k = min(top, idx.size)
    # the k cheapest, equal costs in variant order: everything below the k-th cost, then the
    # first variants at that cost (argpartition alone picks and orders ties arbitrarily)
    costs = result.monthly_units[idx]
    kth = np.partition(costs, k - 1)[k - 1]
    below = idx[costs < kth]
    part = np.concatenate((below, idx[costs == kth][: k - below.size]))  # in variant order
    return [int(i) for i in part[np.argsort(result.monthly_units[part], kind="stable")]]
