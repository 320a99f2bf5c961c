"""Right-sizing prices "now" and "then" from the catalog it is given (``--prices``), not the
bundled one.

The catalog here is the bundled snapshot with one On-Demand price doubled, as a user's
catalog may state it: EC2 t3.medium at $0.0832/h (bundled $0.0416) or RDS PostgreSQL
Single-AZ db.t3.medium at $0.144/h (bundled $0.072). Every figure below uses the doubled
price; with the bundled one the same figures would be the ones of tests/test_from_capacity.py
and tests/test_rightsize_managed_by_hand.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from test_rightsize_managed_by_hand import _managed_only, _usage
from test_rightsize_node_groups_by_hand import _recs, _staging_on

from planner.catalog import ON_DEMAND, Term
from planner.rightsize.model import Settings

if TYPE_CHECKING:
    from planner.catalog import PriceCatalog


class _Repriced:
    """The bundled catalog with some On-Demand prices replaced (product -> USD per hour) and
    the products ``hidden`` admits left out of ``find`` (a catalog without those rows)."""

    def __init__(
        self, prices: dict[str, Decimal], hidden: Callable[[str], bool] = lambda _: False
    ) -> None:
        from planner.catalog import default_catalog

        self._inner = default_catalog()
        self._prices = prices
        self._hidden = hidden

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _swap(self, row: Any) -> Any:
        if row is not None and row.term == ON_DEMAND and row.product in self._prices:
            return dataclasses.replace(row, usd=self._prices[row.product])
        return row

    def find(self, service: str, region: str, product: str, term: Term = ON_DEMAND) -> Any:
        if self._hidden(product):
            return None
        return self._swap(self._inner.find(service, region, product, term))

    def get(
        self, service: str, region: str, product: str, term: Term = ON_DEMAND, *, what: str = ""
    ) -> Any:
        return self._swap(self._inner.get(service, region, product, term, what=what))


def _catalog(
    prices: dict[str, str], hidden: Callable[[str], bool] = lambda _: False
) -> PriceCatalog:
    repriced = _Repriced({k: Decimal(v) for k, v in prices.items()}, hidden)
    return cast("PriceCatalog", repriced)  # duck-typed: find(), get() and the rest


def test_node_groups_are_priced_from_the_given_catalog() -> None:
    from planner.rightsize.run import rightsize

    topo, base = _staging_on("t3.medium")
    usage = _usage({("rds/elsewhere", "CPUUtilization"): [10.0] * 288})  # nothing of EKS
    catalog = _catalog({"instance/t3.medium": "0.0832"})
    result = rightsize(topo, usage, Settings(), catalog, base_dir=base)
    g = _recs(result)["eks-node-group/general"]
    # now: 2 x 0.0832 x 730 = 121.472 -> 121.47, plus EBS 2 x 20 GB x $0.08 = 3.20: 124.67
    assert g.current_monthly_usd == Decimal("124.67")
    assert g.current_pieces_usd == [Decimal("121.47"), Decimal("3.20")]
    # the capacity states priced from it too: at expected replicas general 124.67 plus
    # compute (1 t3.large SPOT: 0.0832 x 0.3 x 730 = 18.2208 -> 18.22 + 1.60 EBS = 19.82)
    expected = result.node_count_effect["expected"]
    assert Decimal(expected["current_node_monthly_usd"]) == Decimal("144.49")
    # t3.medium now costs twice as much: a candidate at the same doubled price is never the
    # cheapest (t3a.medium 0.0376 has the same 2 vCPU / 4 GiB)
    assert g.recommended["class"] != "t3.medium"


def test_managed_services_are_priced_from_the_given_catalog() -> None:
    # no RDS CPU data: the class is kept, priced now from the given catalog:
    # 0.144 x 730 = 105.12 + 100 GB gp3 x 0.115 = 11.50 + backup 0 GB = 116.62
    from planner.rightsize.managed import recommend_managed
    from planner.usage.stats import summarize

    usage = _usage({("elasticache/redis", "CPUUtilization"): [5.0] * 288})
    catalog = _catalog({"db/db.t3.medium/PostgreSQL/Single-AZ": "0.144"})
    recs = recommend_managed(_managed_only(), usage, summarize(usage), Settings(), catalog)
    rds = next(r for r in recs if r.resource == "rds/postgres")
    assert rds.current_monthly_usd == Decimal("116.62")
    assert rds.recommended_monthly_usd == Decimal("116.62")


def test_no_priced_class_covering_the_need_keeps_the_class_at_high_risk() -> None:
    # a catalog whose only RDS PostgreSQL Single-AZ row is today's db.t3.medium (0.072/h).
    # CPU flat 90% of its 2 vCPU: need 0.9 x 2 x 1.2 = 2.16 vCPU > 2: it does not fit, and no
    # other class has a price: kept, high risk; priced now 0.072 x 730 = 52.56 + 11.50 = 64.06
    from planner.rightsize.managed import recommend_managed
    from planner.usage.stats import summarize

    current = "db/db.t3.medium/PostgreSQL/Single-AZ"
    catalog = _catalog({}, lambda product: product.startswith("db/") and product != current)
    usage = _usage({("rds/postgres", "CPUUtilization"): [90.0] * 288})
    recs = recommend_managed(_managed_only(), usage, summarize(usage), Settings(), catalog)
    rds = next(r for r in recs if r.resource == "rds/postgres")
    assert rds.recommended["class"] == "db.t3.medium"
    assert rds.risk == "high"
    assert "no priced class covers the need; kept as is" in rds.risk_reasons
    assert rds.current_monthly_usd == rds.recommended_monthly_usd == Decimal("64.06")


def test_a_candidate_without_a_price_is_skipped_not_the_end_of_the_search() -> None:
    # c5.2xlarge is the first candidate node type in the instance specs (the EC2 CSV's
    # order) and, at 8 vCPU and $0.34/h, not staging's choice: without its price row the
    # other candidates are still tried and both groups get the same types as with it
    from planner.catalog import default_catalog
    from planner.rightsize.run import rightsize

    topo, base = _staging_on("t3.medium")
    usage = _usage({("rds/elsewhere", "CPUUtilization"): [10.0] * 288})
    full = _recs(rightsize(topo, usage, Settings(), default_catalog(), base_dir=base))
    hidden = _catalog({}, lambda product: product == "instance/c5.2xlarge")
    less = _recs(rightsize(topo, usage, Settings(), hidden, base_dir=base))
    for group in ("eks-node-group/general", "eks-node-group/compute"):
        assert less[group].recommended["class"] == full[group].recommended["class"]
        assert less[group].recommended["class"] != "c5.2xlarge"
        assert "no candidate type places every pod; kept as is" not in less[group].risk_reasons
