"""The Savings Plan sizing: the modelled hourly on-demand EC2 spend it is sized from (the
schedule's 168-hour week at each capacity state), the note when plan rates are missing, and
the figures the JSON carries (the commitment in $/hour rounded to 4 decimals).

staging: general 2 t3.medium on-demand (0.0416/h, bundled snapshot us-east-1), min_size 2;
compute 1 t3.large SPOT (a Savings Plan does not cover spot: not in the profile).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.catalog import SERVICES, PriceCatalog, PriceRow, Term, default_catalog
from planner.commitments.model import Commitments, SavingsPlanSizing
from planner.commitments.report import commitments_json
from planner.commitments.sp_options import ec2_hourly_profile, size_savings_plan
from planner.prices.snapshot import merge_rows, write_snapshot
from planner.scenario import load_scenario
from planner.topology import CapacityType, Schedule, Topology

D = Decimal
T3_MEDIUM = D("0.0416")


@pytest.fixture(scope="module")
def staging() -> Topology:
    return load_scenario("staging").topology


def _office(t: Topology, off: str) -> Topology:
    sched = Schedule(name="office", hours_per_day=12, days_per_week=5, node_groups_off=off)
    return t.model_copy(update={"schedule": sched})


def test_always_on_every_hour_is_the_state_s_nodes(staging: Topology) -> None:
    states = {"min": {"general": 2}, "max": {"general": 4}}
    profile = ec2_hourly_profile(staging, default_catalog(), states)
    # 168 hours per state, in the states' order: 2 x 0.0416 = 0.0832, then 4 x = 0.1664
    assert profile == [2 * T3_MEDIUM] * 168 + [4 * T3_MEDIUM] * 168


def test_a_group_not_named_in_a_state_runs_its_desired_size(staging: Topology) -> None:
    # staging's general group: desired 2
    profile = ec2_hourly_profile(staging, default_catalog(), {"desired": {}})
    assert profile == [2 * T3_MEDIUM] * 168


def test_office_hours_nodes_to_zero(staging: Topology) -> None:
    profile = ec2_hourly_profile(_office(staging, "zero"), default_catalog(), {"e": {"general": 3}})
    # 60 on-hours a week at 3 nodes (0.1248), 108 off-hours at none
    assert len(profile) == 168
    assert sorted(set(profile)) == [D(0), 3 * T3_MEDIUM]
    assert profile.count(3 * T3_MEDIUM) == 60 and profile.count(D(0)) == 108


def test_office_hours_nodes_to_min(staging: Topology) -> None:
    profile = ec2_hourly_profile(_office(staging, "min"), default_catalog(), {"e": {"general": 3}})
    # off-hours the group keeps min_size 2 nodes: 108 hours at 0.0832, 60 at 0.1248
    assert profile.count(3 * T3_MEDIUM) == 60 and profile.count(2 * T3_MEDIUM) == 108


def test_without_plan_rates_the_sizing_names_the_command(staging: Topology) -> None:
    sizing = size_savings_plan(staging, default_catalog(), [D("0.0832")] * 168)
    # the bundled snapshot has no Savings Plan rate: no commitment, and how to get one
    assert sizing.commitment_usd_per_hour is None
    assert sizing.on_demand_equivalent_usd_per_hour == D("0.0832")
    assert sizing.instance_types == ["t3.medium"]  # compute is spot: not covered
    assert "`planner prices refresh`" in sizing.note


@pytest.mark.parametrize(
    ("commitment", "shown"),
    [(D("0.123456"), 0.1235), (D("0.12344"), 0.1234), (D("0.06"), 0.06), (None, None)],
)
def test_the_json_commitment_has_four_decimals(
    commitment: Decimal | None, shown: float | None
) -> None:
    sizing = SavingsPlanSizing("rule", D("0.0832"), 168, ["t3.medium"], commitment, "note")
    data = commitments_json(Commitments("staging", "us-east-1", [], [], sizing))
    out = data["savings_plan_sizing"]
    assert out["commitment_usd_per_hour"] == shown
    assert out["on_demand_equivalent_usd_per_hour"] == 0.0832
    assert out["profile_hours"] == 168
    assert out["instance_types"] == ["t3.medium"]
    assert (out["quantile_rule"], out["note"]) == ("rule", "note")


@pytest.fixture(scope="module")
def plan_rates(tmp_path_factory: pytest.TempPathFactory) -> PriceCatalog:
    """The bundled snapshot with compute 1yr No Upfront plan rates (TEST FIXTURES): t3.medium
    0.03 $/h (0.03 / 0.0416 = 0.7212 of on-demand), t3.large 0.065 $/h (0.065 / 0.0832 =
    0.78125 of on-demand)."""
    base = default_catalog()
    term = Term("SavingsPlan", "1yr", "No Upfront", "compute")
    extra = [
        PriceRow(
            "AmazonEC2", "us-east-1", f"instance/{t}", "test fixture", term, "Hrs", D(usd),
            "list", "", "test fixture", "2026-01-01",
        )
        for t, usd in (("t3.medium", "0.03"), ("t3.large", "0.065"))
    ]  # fmt: skip
    out = tmp_path_factory.mktemp("snap") / "snapshot"
    write_snapshot(
        merge_rows((r for s in SERVICES for r in base.rows(s)), extra), out, "2026-01-01"
    )
    return PriceCatalog(out)


def _both_on_demand(t: Topology) -> Topology:
    assert t.eks is not None
    groups = tuple(
        g.model_copy(update={"capacity_type": CapacityType.ON_DEMAND}) for g in t.eks.node_groups
    )
    return t.model_copy(update={"eks": t.eks.model_copy(update={"node_groups": groups})})


def test_the_commitment_uses_the_most_discounted_type_s_ratio(
    staging: Topology, plan_rates: PriceCatalog
) -> None:
    # both groups on-demand: the plan may cover t3.large and t3.medium. A commitment of
    # spend x 0.7212 is used in full whatever the mix (each on-demand dollar of either type
    # uses at least 0.7212 of commitment); the lowest hour 0.1664 $/h on-demand (4 t3.medium
    # or 2 t3.large): 0.1664 x 0.03 / 0.0416 = 0.12 $/h (at 0.78125 it would be 0.13, more
    # than 4 t3.medium would use)
    t = _both_on_demand(staging)
    sizing = size_savings_plan(t, plan_rates, [D("0.3328"), D("0.1664"), D("0.2496")])
    assert sizing.instance_types == ["t3.large", "t3.medium"]
    assert sizing.on_demand_equivalent_usd_per_hour == D("0.1664")
    assert sizing.commitment_usd_per_hour == D("0.12")
    assert sizing.note == (
        "compute 1yr No Upfront rates from the catalog; the most-discounted type's ratio "
        "(plan rate / on-demand rate): the commitment is used in full whatever the mix"
    )


def test_no_commitment_without_spend_or_a_rate_for_every_type(
    staging: Topology, plan_rates: PriceCatalog
) -> None:
    t = _both_on_demand(staging)
    # the lowest modelled hour spends nothing (nodes to zero at night): commit to nothing
    assert size_savings_plan(t, plan_rates, [D(0), D("0.1664")]).commitment_usd_per_hour is None
    # m5.large has no plan rate in the fixture: the commitment cannot be converted
    assert t.eks is not None
    groups = tuple(
        g.model_copy(update={"instance_type": "m5.large"}) if g.name == "compute" else g
        for g in t.eks.node_groups
    )
    m5 = t.model_copy(update={"eks": t.eks.model_copy(update={"node_groups": groups})})
    sizing = size_savings_plan(m5, plan_rates, [D("0.1664")])
    assert sizing.commitment_usd_per_hour is None
    assert sizing.instance_types == ["m5.large", "t3.medium"]


def test_the_quantile_picks_the_nearest_rank_of_the_sorted_hours(staging: Topology) -> None:
    # Five modelled hours, given out of order: sorted 0.01 .. 0.05. The hour at quantile q is
    # rank round(q x (5 - 1)): q = 0 -> rank 0 (0.01), q = 0.75 -> 3 (0.04), q = 1 -> 4 (0.05)
    profile = [D("0.03"), D("0.05"), D("0.01"), D("0.04"), D("0.02")]
    picked = {
        q: size_savings_plan(
            staging, default_catalog(), profile, D(q)
        ).on_demand_equivalent_usd_per_hour
        for q in ("0", "0.75", "1")
    }
    assert picked == {"0": D("0.01"), "0.75": D("0.04"), "1": D("0.05")}
