"""The forecast's cash view when an upfront fee is not known: a reservation whose source gives
only the effective rate (t3.large 1yr Standard Partial Upfront, 0.049686 $/h effective in the
bundled snapshot, from ec2instances.info) has an amortised month but no fee to put in the
cash of its first month. The month says its cash is incomplete rather than guess the fee.

staging with its compute group (1 t3.large) on-demand capacity, reserved that way: the spot
line 18.22 is replaced by 730 x 0.049686 = 36.27078 -> 36.27, so 815.77 - 18.22 + 36.27 =
833.82 a month (tests/test_one_money.py for the 815.77 and the spot line).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from planner.catalog import default_catalog
from planner.commitments.forecast import forecast_scenario, forecast_table
from planner.errors import InputError
from planner.scenario import Scenario, load_scenario
from planner.topology import CapacityType, Purchase

D = Decimal


@pytest.fixture(scope="module")
def reserved_compute() -> Scenario:
    staging = load_scenario("staging")
    t = staging.topology
    assert t.eks is not None
    buy = Purchase(type="reserved", term="1yr", payment="partial_upfront", count=1)
    groups = tuple(
        g.model_copy(update={"purchase": buy, "capacity_type": CapacityType.ON_DEMAND})
        if g.name == "compute"
        else g
        for g in t.eks.node_groups
    )
    topology = t.model_copy(update={"eks": t.eks.model_copy(update={"node_groups": groups})})
    return type(staging)(topology=topology, path=staging.path, chain=staging.chain)


def test_an_unknown_fee_leaves_the_cash_incomplete(reserved_compute: Scenario) -> None:
    series = forecast_scenario(reserved_compute, default_catalog(), months=2)
    for month in series:
        assert month.amortised_usd == D("833.82")
        assert month.cash_complete is False
        assert month.upfront_paid_usd == 0  # no fee is guessed
        # the effective rate's month is all the cash known
        assert month.cash_usd == D("833.82")
        assert month.active_commitments == ["eks-node-group/compute reserved 1yr"]
    table = forecast_table(series)
    assert table.count("(cash excludes an unknown upfront)") == 2


def test_growth_just_below_minus_100_is_refused() -> None:
    # -100% a month (everything load-driven gone from month 2) is the lowest; below is refused
    with pytest.raises(InputError, match=re.escape("--growth-pct -100.01: give -100 to 1000")):
        forecast_scenario(
            load_scenario("staging"), default_catalog(), months=1, growth_pct_per_month=D("-100.01")
        )
