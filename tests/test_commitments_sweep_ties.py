"""The sweep's "cheapest N" list: cheapest first, and variants of equal cost in variant order
(the lower flat index first), also when a tie straddles the N-th place.

The results are built by hand (a SweepResult of a few dozen variants with the monthly costs
given), so every expected list below is read off the costs. A sort that is not stable, or a
partition that picks ties arbitrarily, lists equal-cost variants in another order or keeps a
later variant in place of an earlier one at the cut.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from planner.commitments.sweep import SweepResult, cheapest


def _result(monthly: list[int], usable: list[bool] | None = None) -> SweepResult:
    """A one-group, one-schedule sweep of len(monthly) variants (one type combination per
    variant), every variant feasible and priced unless ``usable`` says otherwise."""
    n = len(monthly)
    ok = np.array(usable if usable is not None else [True] * n, dtype=bool)
    return SweepResult(
        scenario="t",
        groups=["g"],
        types=[[f"type{i}" for i in range(n)]],
        purchases=["on_demand"],
        schedules=["always"],
        shape=(n, 1, 1),
        combos=[(f"type{i}",) for i in range(n)],
        monthly_units=np.array(monthly, dtype=np.int64),
        upfront_units=np.zeros(n, dtype=np.int64),
        feasible=ok,
        priced=np.ones(n, dtype=bool),
        upfront_known=np.ones(n, dtype=bool),
        headroom_pct=np.zeros(n, dtype=np.float64),
    )


def test_equal_costs_are_listed_in_variant_order() -> None:
    # 30 variants costing 0, 1, 2, 0, 1, 2, ... (variant i costs i mod 3). Cheapest first,
    # ties by variant: the ten at cost 0 (0, 3, ..., 27), the ten at cost 1 (1, 4, ..., 28),
    # then the ten at cost 2 (2, 5, ..., 29)
    result = _result([i % 3 for i in range(30)])
    zeros = [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]
    ones = [1, 4, 7, 10, 13, 16, 19, 22, 25, 28]
    twos = [2, 5, 8, 11, 14, 17, 20, 23, 26, 29]
    assert cheapest(result, 30) == zeros + ones + twos
    # the cut at 23: the twenty at costs 0 and 1, then the first three at cost 2
    assert cheapest(result, 23) == zeros + ones + [2, 5, 8]


def test_a_tie_at_the_cut_keeps_the_earliest_variants() -> None:
    # 40 variants of three costs: 3 for variants 0-9, 1 for 10-29, 2 for 30-39. The 25
    # cheapest: the twenty at cost 1 (10..29), then the first five at cost 2 (30..34); the
    # variants at cost 2 after 34 are left out although they cost the same as 34
    result = _result([3] * 10 + [1] * 20 + [2] * 10)
    assert cheapest(result, 25) == [*range(10, 30), 30, 31, 32, 33, 34]
    # asked for more than there are: all 40, cheapest first
    assert cheapest(result, 100) == list(range(10, 40)) + list(range(10))


def test_only_feasible_variants_are_listed() -> None:
    # variants 0..5 cost 5, 4, 3, 2, 1, 0; the cheapest two (4 and 5) are infeasible: the
    # three cheapest feasible are 3 (cost 2), 2 (cost 3), 1 (cost 4)
    result = _result([5, 4, 3, 2, 1, 0], usable=[True, True, True, True, False, False])
    assert cheapest(result, 3) == [3, 2, 1]
    none = _result([1, 2], usable=[False, False])
    assert cheapest(none, 5) == []


@given(
    st.lists(st.integers(0, 3), min_size=1, max_size=60),
    st.integers(1, 70),
    st.data(),
)
def test_cheapest_is_the_sorted_prefix(costs: list[int], top: int, data: st.DataObject) -> None:
    """The list is the first ``top`` of the feasible variants sorted by (cost, variant): a
    plain sort written here, independent of numpy's partition and sort."""
    usable = data.draw(st.lists(st.booleans(), min_size=len(costs), max_size=len(costs)))
    result = _result(costs, usable)
    expected = sorted((i for i in range(len(costs)) if usable[i]), key=lambda i: (costs[i], i))
    assert cheapest(result, top) == expected[:top]
