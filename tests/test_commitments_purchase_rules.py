"""The small rules the commitments pages are built from, each stated directly: which purchase
options a resource gets, which one is what the scenario buys today, how an option is named and
written to JSON, the sweep grid's purchases and size, and the forecast's month arithmetic and
``--change`` / ``--start`` arguments.

Every expected value is read off the rule (AWS's offer terms: 1- and 3-year terms; No,
Partial and All Upfront; Standard and Convertible classes for EC2, Standard only for RDS and
ElastiCache reserved nodes) or counted by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.commitments.forecast import Commitment, add_months, parse_change, parse_month
from planner.commitments.grid import Grid, load_grid, parse_purchase, variant_count
from planner.commitments.model import Resource, resources
from planner.commitments.options import (
    _purchase_dict,
    candidate_purchases,
    current_purchase,
    option_name,
    same_kind,
)
from planner.errors import InputError
from planner.scenario import load_scenario
from planner.topology import Purchase, Topology

MINS = {"general": 2, "compute": 1}  # staging's nodes at HPA minimum


@pytest.fixture(scope="module")
def staging() -> Topology:
    return load_scenario("staging").topology


@pytest.fixture  # per test: mutmut selects a test only if it calls the code itself
def found(staging: Topology) -> dict[str, Resource]:
    return {r.name: r for r in resources(staging, MINS)}


def _reserved(**kw: object) -> Purchase:
    return Purchase.model_validate({"type": "reserved", **kw})


# --- the options a resource gets -------------------------------------------------------------


def test_a_node_group_gets_on_demand_spot_and_twelve_reservations(
    found: dict[str, Resource],
) -> None:
    out = candidate_purchases(found["general"])
    # on-demand, spot, then 2 terms x 3 payments x 2 classes = 12 reservations: 14 options,
    # each reservation sized to the 2 nodes at HPA minimum
    assert [p.type for p in out[:2]] == ["on_demand", "spot"]
    reserved = out[2:]
    assert len(out) == 14 and len(reserved) == 12
    assert all(p.type == "reserved" and p.count == 2 for p in reserved)
    kinds = {(p.term, p.payment, p.offering_class) for p in reserved}
    assert kinds == {
        (t, y, c)
        for t in ("1yr", "3yr")
        for y in ("no_upfront", "partial_upfront", "all_upfront")
        for c in ("standard", "convertible")
    }


def test_a_database_and_a_cache_get_on_demand_and_six_standard_reservations(
    found: dict[str, Resource],
) -> None:
    # no spot for RDS or ElastiCache, and their reserved offers have no class: on-demand and
    # 2 terms x 3 payments = 7 options; the database reserves its 1 instance, the cache its
    # 1 node (staging's redis: nodes 1)
    for name in ("postgres", "redis"):
        out = candidate_purchases(found[name])
        assert [p.type for p in out] == ["on_demand"] + ["reserved"] * 6
        assert {p.offering_class for p in out[1:]} == {"standard"}
        assert {p.count for p in out[1:]} == {1}
        assert {(p.term, p.payment) for p in out[1:]} == {
            (t, y) for t in ("1yr", "3yr") for y in ("no_upfront", "partial_upfront", "all_upfront")
        }


def test_what_each_resource_buys_today(staging: Topology, found: dict[str, Resource]) -> None:
    # staging: general on-demand (no purchase block), compute SPOT (capacity_type), the
    # database and the cache on-demand
    assert current_purchase(staging, found["general"]) == Purchase()
    assert current_purchase(staging, found["compute"]) == Purchase(type="spot")
    assert current_purchase(staging, found["postgres"]) == Purchase()
    assert current_purchase(staging, found["redis"]) == Purchase()


def test_a_reserved_cache_is_what_the_cache_buys_today(staging: Topology) -> None:
    bought = _reserved(term="3yr", payment="all_upfront", count=1)
    caches = tuple(c.model_copy(update={"purchase": bought}) for c in staging.elasticache)
    t = staging.model_copy(update={"elasticache": caches})
    redis = next(r for r in resources(t, MINS) if r.name == "redis")
    assert redis.kind == "elasticache" and redis.min_instances == 1
    assert current_purchase(t, redis) == bought


# --- which option is today's purchase --------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "today", "with_class", "same"),
    [
        (Purchase(), Purchase(), True, True),
        (Purchase(type="spot"), Purchase(type="spot", count=1), True, True),  # spot: the type
        (Purchase(type="spot"), Purchase(), True, False),
        (_reserved(count=2), Purchase(), True, False),
        # a reservation without a size is "all of it": any size of that term and payment
        (_reserved(count=2), _reserved(), True, True),
        (_reserved(count=2), _reserved(count=2), True, True),
        (_reserved(count=2), _reserved(count=3), True, False),
        (_reserved(count=2), _reserved(coverage_pct=50), True, False),
        (_reserved(coverage_pct=50), _reserved(coverage_pct=50), True, True),
        (_reserved(count=2), _reserved(term="3yr", count=2), True, False),
        (_reserved(count=2), _reserved(payment="all_upfront", count=2), True, False),
        # the class counts for EC2 (with_class), not for RDS or ElastiCache
        (_reserved(count=2), _reserved(offering_class="convertible", count=2), True, False),
        (_reserved(count=2), _reserved(offering_class="convertible", count=2), False, True),
    ],
)
def test_same_kind(option: Purchase, today: Purchase, with_class: bool, same: bool) -> None:
    assert same_kind(option, today, with_class) is same


# --- names and JSON records ------------------------------------------------------------------


def test_option_names(found: dict[str, Resource]) -> None:
    general, postgres = found["general"], found["postgres"]
    assert option_name(general, Purchase()) == "general: on-demand"
    assert option_name(general, Purchase(type="spot")) == "general: spot (all nodes)"
    p = _reserved(term="3yr", payment="partial_upfront", offering_class="convertible", count=2)
    assert option_name(general, p) == "general: reserved 3yr convertible Partial Upfront x 2"
    # a database's offer has no class: none in its name
    assert option_name(postgres, _reserved(count=1)) == "postgres: reserved 1yr No Upfront x 1"
    # today's purchase may be sized as a share of the instances, or not sized (all of them)
    half = _reserved(coverage_pct=Decimal("12.5"))
    assert option_name(general, half) == (
        "general: reserved 1yr standard No Upfront for 12.5% of the instances"
    )
    everything = "postgres: reserved 1yr No Upfront for all instances"
    assert option_name(postgres, _reserved()) == everything


@pytest.mark.parametrize(
    ("purchase", "record"),
    [
        (Purchase(), {"type": "on_demand"}),
        (Purchase(type="spot", count=2), {"type": "spot", "count": 2}),
        (
            _reserved(term="3yr", payment="all_upfront", offering_class="convertible", count=3),
            {
                "type": "reserved",
                "term": "3yr",
                "payment": "all_upfront",
                "offering_class": "convertible",
                "count": 3,
            },
        ),
        (
            Purchase(type="savings_plan", term="1yr", payment="partial_upfront"),
            {"type": "savings_plan", "term": "1yr", "payment": "partial_upfront"},
        ),
    ],
)
def test_purchase_records(purchase: Purchase, record: dict[str, object]) -> None:
    """The option's ``purchase`` in `planner commitments --format json`: the block a user
    would write into the scenario, with only the fields that apply to its type."""
    assert _purchase_dict(purchase) == record


# --- the sweep grid --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "purchase"),
    [
        ("on_demand", Purchase()),
        ("spot", Purchase(type="spot")),
        ("reserved:1yr:no_upfront", _reserved()),
        (
            "reserved:3yr:all_upfront:convertible",
            _reserved(term="3yr", payment="all_upfront", offering_class="convertible"),
        ),
    ],
)
def test_grid_purchases(text: str, purchase: Purchase) -> None:
    assert parse_purchase(text) == purchase


@pytest.mark.parametrize(
    "text",
    [
        "spot:1yr",
        "on_demand:x",
        "reserved:1yr",
        "reserved:1yr:no_upfront:standard:x",
        "reserved:2yr:no_upfront",
        "reserved:1yr:some_upfront",
        "savings_plan",
    ],
)
def test_grid_purchases_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_purchase(text)


def test_the_variant_count_multiplies_types_purchases_per_group_and_schedules() -> None:
    grid = Grid.model_validate(
        {
            "node_groups": {
                "general": {"instance_types": ["t3.medium", "m5.large"]},
                "compute": {"instance_types": ["t3.large", "m5.large", "c5.large"]},
            },
            "purchases": ["on_demand", "spot", "reserved:1yr:no_upfront"],
            "schedules": [{"name": "always"}, {"name": "office", "hours_per_day": 12}],
        }
    )
    # 2 x 3 type combinations x 3 purchases for each of the 2 groups (3^2 = 9) x 2 schedules
    assert variant_count(grid) == 2 * 3 * 9 * 2 == 108


def test_a_bad_grid_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "grid.yaml"
    path.write_text("node_groups:\n  general: {instance_types: []}\n")
    with pytest.raises(InputError) as caught:
        load_grid(path)
    assert f"{path}: node_groups.general.instance_types: " in str(caught.value)
    path.write_text(
        "node_groups:\n  general: {instance_types: [t3.medium]}\npurchases: [spot, spot:1yr]\n"
    )
    with pytest.raises(InputError) as caught:
        load_grid(path)
    assert f"{path}: purchases.1: " in str(caught.value)


def test_an_empty_grid_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "grid.yaml"
    for text in ("", "# nothing yet\n"):  # no document, or one holding nothing
        path.write_text(text)
        with pytest.raises(InputError) as caught:
            load_grid(path)
        assert str(caught.value).startswith(f"{path}: ")


def test_a_grid_that_is_not_utf8_says_it_is_the_sweep_grid(tmp_path: Path) -> None:
    path = tmp_path / "grid.yaml"
    path.write_bytes(b"node_groups: \xff\n")  # 0xff never starts a UTF-8 character
    with pytest.raises(InputError) as caught:
        load_grid(path)
    assert str(caught.value) == (
        f"{path}: is not UTF-8 text (bad byte at offset 13) (the sweep grid)"
    )


def test_a_grid_that_is_not_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "grid.yaml"
    # the flow sequence opened on line 2 is closed with "}" on line 2
    path.write_text("node_groups:\n  general: {instance_types: [t3.medium}\n")
    with pytest.raises(InputError) as caught:
        load_grid(path)
    assert str(caught.value).startswith(f"{path}: line 2: YAML syntax error")


# --- the forecast's months and arguments -----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 11, 1), 2, dt.date(2026, 1, 1)),
        (dt.date(2025, 12, 1), 1, dt.date(2026, 1, 1)),
        (dt.date(2026, 1, 1), -1, dt.date(2025, 12, 1)),
        (dt.date(2026, 1, 15), 0, dt.date(2026, 1, 1)),  # always the first of a month
        (dt.date(2026, 3, 1), 36, dt.date(2029, 3, 1)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), st.integers(-120, 120))
def test_add_months_counts_whole_months(day: dt.date, months: int) -> None:
    later = add_months(day, months)
    assert later.day == 1
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months


def test_a_term_is_active_for_its_months_then_reverts_or_renews() -> None:
    once = Commitment("rds/postgres reserved 1yr", dt.date(2026, 1, 1), 12)
    # January 2026 .. December 2026 are the 12 months of the term; January 2027 is not
    assert not once.active(dt.date(2025, 12, 1))
    assert once.active(dt.date(2026, 1, 1)) and once.active(dt.date(2026, 12, 1))
    assert not once.active(dt.date(2027, 1, 1))
    assert once.starts_term(dt.date(2026, 1, 1)) == 0
    assert once.starts_term(dt.date(2026, 6, 1)) is None
    assert once.starts_term(dt.date(2027, 1, 1)) is None  # reverted: no second term
    again = Commitment("rds/postgres reserved 1yr", dt.date(2026, 1, 1), 12, renew=True)
    assert again.active(dt.date(2027, 1, 1)) and again.active(dt.date(2030, 5, 1))
    assert again.starts_term(dt.date(2027, 1, 1)) == 1  # the second term starts
    assert again.starts_term(dt.date(2028, 1, 1)) == 2
    assert again.starts_term(dt.date(2027, 2, 1)) is None
    assert again.starts_term(dt.date(2025, 1, 1)) is None  # before it is bought


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("1:production", (1, "production")), ("12:staging-m5", (12, "staging-m5"))],
)
def test_a_change_is_month_and_scenario(text: str, parsed: tuple[int, str]) -> None:
    # month 1 is the forecast's first month (the rule in planner/commitments/forecast.py)
    assert parse_change(text) == parsed


@pytest.mark.parametrize("text", ["0:production", "production", "3:", "x:production", "-1:p"])
def test_a_change_before_month_1_or_malformed_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="MONTH:SCENARIO"):
        parse_change(text)


@pytest.mark.parametrize(
    ("text", "month"),
    [("2026-01", dt.date(2026, 1, 1)), ("2026-12", dt.date(2026, 12, 1))],
)
def test_a_start_month(text: str, month: dt.date) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize("text", ["2026-00", "2026-13", "2026-1", "26-01", "2026-01-01"])
def test_a_start_that_is_not_a_month_is_refused(text: str) -> None:
    with pytest.raises(InputError, match=repr(text)):
        parse_month(text)
