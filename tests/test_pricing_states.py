"""Pricing at capacity states, worked by hand on staging (tests/golden/price-staging.txt):
t3.medium on-demand $0.0416/h, t3.large spot $0.02496/h, gp3 root volumes 20 GB at
$0.08/GB-month per node; every other line (EKS, NAT, RDS, ...) does not depend on node counts.
At desired size (general 2, compute 1) staging is $815.77, of which the node groups are
$60.74 + $3.20 + $18.22 + $1.60 = $83.76, so the lines that do not move are $732.01."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import SCENARIOS_DIR

from planner.catalog import PriceCatalog
from planner.errors import PriceNotFoundError
from planner.pricing import (
    monthly_range,
    price_capacity_range,
    price_node_states,
    price_plan,
    price_states,
    purchase_counts,
    scaling_bounds,
    scenario_capacity_range,
    with_warnings,
)
from planner.scenario import load_scenario

D = Decimal
STAGING = load_scenario("staging")
COUNTS: dict[Any, dict[str, int]] = {
    "min": {"general": 2, "compute": 1},
    "expected": {"general": 3, "compute": 1},
    "max": {"general": 4, "compute": 3},
}


def _result(counts: dict[str, dict[str, int]] = COUNTS) -> Any:
    """A capacity result that only answers node counts per state (and records the asks)."""
    asked: list[str] = []

    def nodes(state: str) -> dict[str, int]:
        asked.append(state)
        return dict(counts[state])

    return SimpleNamespace(nodes=nodes, asked=asked)


def _node_group_usd(report: Any) -> Decimal:
    return sum((ln.monthly_usd.quantize(D("0.01")) for ln in report.lines if ln.node_group), D(0))


def test_each_state_is_priced_at_its_node_counts() -> None:
    costs = price_capacity_range(STAGING.topology, _result())
    # min (2, 1): the desired size: $83.76 of node groups, $815.77 in all
    # expected (3, 1): 3 x 730 h x $0.0416 = $91.104 -> $91.10; 3 x 20 GB x $0.08 = $4.80;
    #   the spot node $18.22 and its volume $1.60: $115.72; + $732.01 = $847.73
    # max (4, 3): 4 x 730 x 0.0416 = $121.472 -> $121.47; 80 GB x $0.08 = $6.40;
    #   3 x 730 x $0.02496 = $54.6624 -> $54.66; 60 GB x $0.08 = $4.80: $187.33; + $732.01 = $919.34
    assert {s: (c.monthly_usd, c.node_groups_monthly_usd) for s, c in costs.items()} == {
        "min": ("815.77", "83.76"),
        "expected": ("847.73", "115.72"),
        "max": ("919.34", "187.33"),
    }
    assert costs["max"].nodes == {"general": 4, "compute": 3}
    assert monthly_range(costs) == {"min": D("815.77"), "expected": D("847.73"), "max": D("919.34")}


def test_the_states_note_and_basis_are_on_the_node_lines() -> None:
    reports = price_node_states(
        STAGING.topology, COUNTS, note=lambda state: f"at {state}", basis="stated"
    )
    general = [ln for ln in reports["max"].lines if ln.node_group == "general"]
    instance = next(ln for ln in general if ln.unit == "Hrs")
    assert instance.quantity == 4 * 730 and instance.quantity_basis == "stated"
    assert "at max" in instance.quantity_note
    assert _node_group_usd(reports["expected"]) == D("115.72")
    # a line that does not depend on node counts is the same in every state
    eks = [
        [ln.monthly_usd for ln in r.lines if ln.service == "AmazonEKS"] for r in reports.values()
    ]
    assert eks[0] == eks[1] == eks[2] == [D("438.00")]  # 730 h x $0.60 (extended support)


def test_a_calendar_month_counts_a_schedules_weekdays() -> None:
    # staging-offhours runs the node groups 12 h a day, Monday to Friday (UTC). December 2026
    # starts on a Tuesday: 4 weeks to Monday 28 (20 weekdays) + Tue 29, Wed 30, Thu 31 = 23
    # weekdays, 23 x 12 h = 276 h a node; the general group's 2 nodes: 552 h
    offhours = load_scenario(SCENARIOS_DIR / "commitments" / "staging-offhours.yaml")
    december = (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    reports = price_states(offhours.topology, _result(), hours_per_month=D(744), period=december)
    general = [ln for ln in reports["min"].lines if ln.node_group == "general" and ln.unit == "Hrs"]
    assert sum(ln.quantity for ln in general) == 2 * 23 * 12


def test_purchases_are_sized_at_the_priced_counts() -> None:
    assert purchase_counts(STAGING.topology, _result()) == {"general": 2, "compute": 1}
    eks = STAGING.topology.eks
    assert eks is not None
    derived = STAGING.topology.model_copy(
        update={"eks": eks.model_copy(update={"node_count": "from_capacity"})}
    )
    result = _result()
    assert purchase_counts(derived, result) == {"general": 3, "compute": 1}
    assert result.asked == ["expected"]
    no_eks = STAGING.topology.model_copy(update={"eks": None})
    assert purchase_counts(no_eks, result) is None


def test_scaling_bounds_are_the_groups_sizes() -> None:
    # staging.yaml: general 2-4 desired 2, compute 1-3 desired 1
    assert scaling_bounds(STAGING.topology) == {
        "min": {"general": 2, "compute": 1},
        "expected": {"general": 2, "compute": 1},
        "max": {"general": 4, "compute": 3},
    }
    no_eks = STAGING.topology.model_copy(update={"eks": None})
    assert scaling_bounds(no_eks) == {"min": {}, "expected": {}, "max": {}}


@pytest.fixture
def no_prices(tmp_path: Path) -> PriceCatalog:
    """A snapshot with no price for anything staging uses."""
    service = {"file": "Other.csv", "rows": 0, "sha256": "", "source_dates": ["2024-01-01"]}
    manifest = {
        "snapshot_date": "2026-12-02",
        "total_rows": 0,
        "services": {"Other": service},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return PriceCatalog(tmp_path)


def test_missing_prices_name_the_scenario_or_are_left_out(no_prices: PriceCatalog) -> None:
    with pytest.raises(PriceNotFoundError) as err:
        scenario_capacity_range(STAGING, no_prices)
    assert str(err.value).startswith(f"{STAGING.path}: no ")
    result, costs = scenario_capacity_range(STAGING, no_prices, allow_missing=True)
    assert set(costs) == {"min", "expected", "max"}
    # no line priced: no node group cost, and a total of nothing (never a $0 price)
    assert {c.node_groups_monthly_usd for c in costs.values()} == {"0"}
    assert costs["expected"].nodes == result.nodes("expected")


def test_a_missing_price_in_a_state_is_left_out_when_allowed(no_prices: PriceCatalog) -> None:
    with pytest.raises(PriceNotFoundError):
        price_capacity_range(STAGING.topology, _result(), no_prices)
    costs = price_capacity_range(STAGING.topology, _result(), no_prices, allow_missing=True)
    assert costs["max"].node_groups_monthly_usd == "0"


def test_warnings_are_added_once() -> None:
    report = price_plan(STAGING.topology)
    assert with_warnings(report, []) is report
    assert with_warnings(report, list(report.warnings)) is report  # nothing new: the same
    added = with_warnings(report, [*report.warnings, "new"])
    assert added.warnings == (*report.warnings, "new")


def test_from_capacity_warns_of_pods_left_out_at_expected_replicas_only() -> None:
    eks = STAGING.topology.eks
    assert eks is not None
    # 500 GiB a pod: more than a t3.medium (4 GiB) or t3.large (8 GiB) holds
    big = eks.workloads[0].model_copy(update={"name": "huge", "memory_request": "500Gi"})
    topology = STAGING.topology.model_copy(
        update={
            "eks": eks.model_copy(
                update={"node_count": "from_capacity", "workloads": (*eks.workloads, big)}
            )
        }
    )
    report = price_plan(topology, allow_missing=True)
    capacity = [w for w in report.warnings if w.startswith("capacity: ")]
    assert capacity and all(
        " huge pod(s) cannot be placed at expected replicas " in w for w in capacity
    )


def test_state_totals_are_the_sums_of_the_rounded_lines() -> None:
    from planner.figures import state_totals

    # the three totals worked out in test_each_state_is_priced_at_its_node_counts
    assert state_totals(STAGING.topology, _result()) == {
        "min": D("815.77"),
        "expected": D("847.73"),
        "max": D("919.34"),
    }


def _instance_line(report: Any, group: str) -> Any:
    return next(ln for ln in report.lines if ln.node_group == group and ln.unit == "Hrs")


def test_price_scenario_names_the_file_and_passes_its_views(no_prices: PriceCatalog) -> None:
    from planner.pricing import price_scenario

    with pytest.raises(PriceNotFoundError) as err:
        price_scenario(STAGING, no_prices)
    assert str(err.value).startswith(f"{STAGING.path}: no ")
    # the longest month, 744 h: the EKS control plane 744 x $0.60 = $446.40
    longest = price_scenario(STAGING, hours_per_month=D(744))
    assert [ln.monthly_usd for ln in longest.lines if ln.service == "AmazonEKS"] == [D("446.40")]
    # growth 1.5 multiplies the node counts: general 2 x 1.5 = 3 nodes x 730 h = 2,190 h
    grown = price_scenario(STAGING, growth=D("1.5"))
    assert _instance_line(grown, "general").quantity == 2190
    # by default a 730-hour month: 2 nodes x 730 h
    plain = price_scenario(STAGING)
    assert _instance_line(plain, "general").quantity == 1460
    assert _instance_line(plain, "general").quantity_basis == "stated"
    assert "desired_size" in _instance_line(plain, "general").quantity_note


def test_from_capacity_prices_the_capacity_models_counts() -> None:
    eks = STAGING.topology.eks
    assert eks is not None
    derived = STAGING.topology.model_copy(
        update={"eks": eks.model_copy(update={"node_count": "from_capacity"})}
    )
    line = _instance_line(price_plan(derived), "general")
    assert line.quantity_basis == "derived"
    assert "capacity model at expected replicas" in line.quantity_note


def test_price_scenario_prices_a_calendar_month() -> None:
    from planner.pricing import price_scenario

    # as in test_a_calendar_month_counts_a_schedules_weekdays: 2 nodes x 23 weekdays x 12 h
    offhours = load_scenario(SCENARIOS_DIR / "commitments" / "staging-offhours.yaml")
    december = (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    report = price_scenario(offhours, hours_per_month=D(744), period=december)
    general = [ln for ln in report.lines if ln.node_group == "general" and ln.unit == "Hrs"]
    assert sum(ln.quantity for ln in general) == 552


def test_unpriced_lines_are_kept_out_and_warned_of_in_every_state(
    no_prices: PriceCatalog,
) -> None:
    from planner.pricing import price_scenario

    report = price_scenario(STAGING, no_prices, allow_missing=True)
    assert report.lines and len(report.missing) == len(report.lines)
    reports = price_states(STAGING.topology, _result(), no_prices, allow_missing=True)
    for state_report in reports.values():
        # the EKS control plane is priced once for all states: its warning is in each
        eks = [w for w in state_report.warnings if "no AmazonEKS prices for us-east-1" in w]
        assert len(eks) == 1 and eks[0].endswith(": line kept out of the total")


def test_the_lines_that_do_not_move_are_priced_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.costing.engine as engine
    from planner.costing.registry import MODULES

    calls: list[list[str]] = []
    real = engine.price_modules

    def recorded(topology: Any, ctx: Any, modules: Any = MODULES) -> Any:
        calls.append([m.name for m in modules])
        return real(topology, ctx, modules)

    monkeypatch.setattr(engine, "price_modules", recorded)
    price_states(STAGING.topology, _result())
    moving = [m.name for m in MODULES if m.node_dependent]
    fixed = [m.name for m in MODULES if not m.node_dependent]
    assert moving == ["ec2"]  # the registry: only the EC2 module (nodes) depends on counts
    assert calls == [fixed, moving, moving, moving]  # once, then once per state


def test_reservations_are_sized_at_the_expected_counts_unless_told() -> None:
    # staging-m5-reserved buys the general group's nodes as 1-year reserved m5.large. Without
    # ``purchase`` the reservations are sized at the expected state's 2 nodes and stay 2 in
    # every state: 2 x 730 = 1,460 recurring hours and 2 amortised upfront fees, even at min
    # with 1 node running (a reservation bills whether used or not)
    m5 = load_scenario(SCENARIOS_DIR / "commitments" / "staging-m5-reserved.yaml")
    counts: dict[Any, dict[str, int]] = {
        "min": {"general": 1, "compute": 1},
        "expected": {"general": 2, "compute": 1},
        "max": {"general": 4, "compute": 3},
    }
    reports = price_node_states(m5.topology, counts, note=lambda state: state)
    for state, report in reports.items():
        reserved = [
            ln.quantity
            for ln in report.lines
            if ln.node_group == "general" and ln.driver == "commitment"
        ]
        assert reserved == [D(1460), D(2)], state


def test_state_totals_use_the_catalog_given(no_prices: PriceCatalog) -> None:
    from planner.figures import state_totals

    # nothing priced from this snapshot: every state's displayed total is $0, not the
    # bundled snapshot's $815.77 ...
    totals = state_totals(STAGING.topology, _result(), no_prices, allow_missing=True)
    assert totals == {"min": D(0), "expected": D(0), "max": D(0)}
