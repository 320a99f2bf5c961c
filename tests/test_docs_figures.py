"""Every figure quoted in README.md and docs/*.md comes from a run, and is stated once.

A figure is a dollar amount (``$815.77``, ``-$15.18``, ``$1,000``) or a percentage with
decimals (``115.79%``). :data:`FIGURES` says where each comes from: a CLI run (its JSON) or
the constant the code uses. A figure in the docs that is not in the table, a figure in the
table that the docs no longer quote, a figure quoted twice, or a figure its run no longer
gives, fails here: the docs cannot go stale.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from planner.figures import usd

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FIGURE = re.compile(r"(?<![\w$])-?\$\d[\d,]*(?:\.\d+)?|(?<![\w.])\d+\.\d+%")
SAMPLE_USAGE = "scenarios/usage/sample-staging.parquet"

Run = Callable[[Sequence[str]], Any]


class Runs:
    """CLI runs (``--format json``), each once."""

    def __init__(self, run_cli: Run) -> None:
        self.run_cli = run_cli

    def json(self, *argv: str) -> Any:
        return _cached(self.run_cli, argv)


_CACHE: dict[tuple[str, ...], Any] = {}


def _cached(run_cli: Run, argv: tuple[str, ...]) -> Any:
    if argv not in _CACHE:
        result = run_cli([*argv, "--format", "json"])
        assert result.code == 0, result.err
        _CACHE[argv] = json.loads(result.out)
    return _CACHE[argv]


def _service(data: dict[str, Any], key: str, code: str) -> Decimal:
    return Decimal(str(next(s for s in data["services"] if s["service"] == code)[key]))


def _budget(r: Runs, scenario: str) -> dict[str, Any]:
    budget: dict[str, Any] = r.json("alerts", scenario)["budgets"][0]
    return budget


def _critical(r: Runs, scenario: str) -> dict[str, Any]:
    return next(t for t in _budget(r, scenario)["thresholds"] if t["level"] == "critical")


def _seed(r: Runs, level: str) -> Decimal:
    seed = r.json("alerts", "staging")["seed_levels"]
    return Decimal(next(s for s in seed if s["level"] == level)["monthly_usd"])


@cache
def _discounted_scenario() -> str:
    """docs/prices.md's worked discounts: staging with a private t3.medium rate, a 7%
    enterprise discount on EC2 and RDS, and $50 a month of credits (tests/test_discounts.py
    works the same figures by hand)."""
    folder = Path(tempfile.mkdtemp(prefix="planner-docs-"))
    (folder / "rates.csv").write_text(
        "service,product,term,usd,source\n"
        'AmazonEC2,instance/t3.medium,OnDemand,0.035,"Private Pricing Addendum, schedule B"\n',
        encoding="utf-8",
    )
    path = folder / "staging-discounts.yaml"
    path.write_text(
        f"extends: {REPO / 'scenarios' / 'staging.yaml'}\n"
        "discounts:\n"
        "  enterprise: {percent: 7, services: [AmazonEC2, AmazonRDS], source: EDP}\n"
        "  rate_card: rates.csv\n"
        "  credits: {usd_per_month: 50, source: credits}\n",
        encoding="utf-8",
    )
    return str(path)


def _discount(r: Runs, resource: str, service: str) -> str:
    lines = r.json("price", _discounted_scenario())["discount_lines"]
    line = next(ln for ln in lines if ln["resource"] == resource and ln["service"] == service)
    return usd(Decimal(str(line["monthly_usd"])))


def _catalog_usd(service: str, product: str) -> str:
    from planner.catalog import default_catalog

    return usd(default_catalog().get(service, "us-east-1", product).usd, 3)


@cache
def _constants() -> dict[str, Decimal]:
    from planner.actuals.variance import ON_PLAN_USD
    from planner.aws.cost_explorer import USD_PER_REQUEST
    from planner.money import MAX_UNIT_PRICE_USD
    from planner.price_rules import REL_TOLERANCE

    return {
        "per request": Decimal(USD_PER_REQUEST),
        "on plan": ON_PLAN_USD,
        "max price": MAX_UNIT_PRICE_USD,
        "same price": REL_TOLERANCE * 100,
    }


FIGURES: dict[str, Callable[[Runs], str]] = {
    # README: staging's monthly bill
    "$815.77": lambda r: usd(r.json("price", "staging")["total_monthly_usd"]),
    # docs/actuals.md: Cost Explorer's price per request; a line within $0.50 is on plan
    "$0.01": lambda r: usd(_constants()["per request"]),
    "$0.50": lambda r: usd(_constants()["on plan"]),
    # docs/alerts.md
    "$829.78": lambda r: usd(Decimal(_budget(r, "staging")["limit_usd"])),
    "$960.89": lambda r: usd(Decimal(_critical(r, "staging")["monthly_usd"])),
    "115.80%": lambda r: f"{_critical(r, 'staging')['percent']}%",
    "$915.05": lambda r: usd(Decimal(_budget(r, "staging")["max_usd"])),
    "$899.52": lambda r: usd(Decimal(r.json("alerts", "staging")["max_usd"])),
    "$750": lambda r: usd(_seed(r, "warning"), 0),
    "$1,000": lambda r: usd(_seed(r, "critical"), 0),
    "11.2%": lambda r: re.findall(
        r"\d+\.\d+%",
        next(
            v["verdict"]
            for v in r.json("alerts", "staging")["levels"]
            if "critical" in v["label"] and v["label"].startswith("seed")
        ),
    )[0],
    "$1,960.72": lambda r: usd(Decimal(_budget(r, "production")["limit_usd"])),
    "$2,156.80": lambda r: usd(Decimal(_critical(r, "production")["monthly_usd"])),
    # docs/notebooks-and-report.md: a difference is the difference of the figures shown
    "$153.96": lambda r: usd(r.json("price", "staging")["by_service"]["AmazonEC2"]),
    "$138.78": lambda r: usd(r.json("price", "whatif/staging-graviton")["by_service"]["AmazonEC2"]),
    "-$15.18": lambda r: usd(
        _service(r.json("compare", "staging", "whatif/staging-graviton"), "delta_usd", "AmazonEC2")
    ),
    # docs/prices.md: the EKS upgrade's saving, until standard support ends
    "$365.00": lambda r: usd(
        -_service(
            r.json("compare", "staging", "whatif/staging-eks-upgrade"), "delta_usd", "AmazonEKS"
        )
    ),
    # docs/hostile-input.md: the largest price any source may give
    "$100,000,000": lambda r: usd(_constants()["max price"], 0),
    # docs/prices.md: "the same price" within 0.5%; ElastiCache rows at AWS's list
    "0.5%": lambda r: f"{_constants()['same price'].normalize()}%",
    "$0.216": lambda r: _catalog_usd("AmazonElastiCache", "node/cache.r5.large/Redis"),
    "$0.311": lambda r: _catalog_usd("AmazonElastiCache", "node/cache.m5.xlarge/Redis"),
    "$0.862": lambda r: _catalog_usd("AmazonElastiCache", "node/cache.r5.2xlarge/Redis"),
    # docs/prices.md: staging's worked discounts
    "-$9.64": lambda r: _discount(r, "discounts/private-rate", "AmazonEC2"),
    "-$10.10": lambda r: _discount(r, "discounts/enterprise", "AmazonEC2"),
    "-$4.48": lambda r: _discount(r, "discounts/enterprise", "AmazonRDS"),
    "-$50.00": lambda r: _discount(r, "discounts/credits", "Credits"),
    "$741.55": lambda r: usd(
        r.json("price", _discounted_scenario())["effective_total_monthly_usd"]
    ),
    # docs/usage-and-rightsizing.md: right-sizing on the sample usage
    "$15.74": lambda r: usd(
        r.json("rightsize", "staging", "--usage", SAMPLE_USAGE)["total_savings_monthly_usd"]
    ),
    "$9.57": lambda r: usd(
        r.json("rightsize", "staging", "--usage", SAMPLE_USAGE)["cpu_credits_now_monthly_usd"]
    ),
}


def quoted() -> list[tuple[str, str]]:
    """(figure, where) for every figure in README.md and docs/*.md."""
    out = []
    for path in DOCS:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            out += [(m.group(0), f"{path.relative_to(REPO)}:{n}") for m in FIGURE.finditer(line)]
    return out


def test_every_figure_is_known_and_stated_once() -> None:
    found = quoted()
    counts = Counter(figure for figure, _ in found)
    twice = {f: [w for g, w in found if g == f] for f, n in counts.items() if n > 1}
    assert not twice, f"stated more than once: {twice}"
    unknown = {f: w for f, w in found if f not in FIGURES}
    assert not unknown, f"figures without a run in FIGURES: {unknown}"
    gone = set(FIGURES) - set(counts)
    assert not gone, f"FIGURES the docs no longer quote: {gone}"


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_every_figure_comes_from_its_run(run_cli: Run, figure: str) -> None:
    assert FIGURES[figure](Runs(run_cli)) == figure


def test_the_figure_finder() -> None:
    line = "costs $815.77 a month, -$15.18 less, $1,000 critical, 115.79% of it; ${var.x}"
    assert FIGURE.findall(line) == ["$815.77", "-$15.18", "$1,000", "115.79%"]
    assert FIGURE.findall("user:Environment$staging and 110% and 5%") == []
