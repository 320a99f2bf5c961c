"""Settings, evidence and the recommendation record (the JSON contract's items)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from planner.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

Kind = Literal["node_group", "workload", "rds", "elasticache", "msk"]
Risk = Literal["low", "medium", "high"]
RISKS: tuple[Risk, ...] = ("low", "medium", "high")


@dataclass(frozen=True)
class Settings:
    """Percentile of CPU, headroom on top, percentile of memory (100 = the maximum)."""

    percentile: float = 95.0
    headroom_pct: float = 20.0
    memory_percentile: float = 100.0
    keep_architecture: bool = False

    def __post_init__(self) -> None:
        for name in ("percentile", "memory_percentile"):
            value = getattr(self, name)
            if not 0 < value <= 100 or math.isnan(value):
                raise InputError(f"--{name.replace('_', '-')} {value}: use 1 to 100")
        if not 0 <= self.headroom_pct <= 500 or math.isnan(self.headroom_pct):
            raise InputError(f"--headroom {self.headroom_pct}: use 0 to 500 (percent)")

    @property
    def factor(self) -> Decimal:
        return 1 + Decimal(str(self.headroom_pct)) / 100


@dataclass
class Recommendation:
    resource: str
    kind: Kind
    current: dict[str, Any]
    recommended: dict[str, Any]
    current_monthly_usd: Decimal
    recommended_monthly_usd: Decimal
    evidence: dict[str, Any]
    risk: Risk = "low"
    risk_reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counted_in_total: bool = True
    # the cent-rounded cost lines each figure adds (empty for a workload's share): a page at
    # whole dollars rounds these first, as the cost overview rounds its lines
    current_pieces_usd: list[Decimal] = field(default_factory=list)
    recommended_pieces_usd: list[Decimal] = field(default_factory=list)

    def current_shown(self, decimals: int = 2) -> Decimal:
        """ "now" as a page at ``decimals`` shows it: its lines rounded first, then added."""
        return _shown(self.current_monthly_usd, self.current_pieces_usd, decimals)

    def recommended_shown(self, decimals: int = 2) -> Decimal:
        return _shown(self.recommended_monthly_usd, self.recommended_pieces_usd, decimals)

    @property
    def savings_monthly_usd(self) -> Decimal:
        """The plan's saving: both sides priced by the cost engine as `planner price` does."""
        return self.current_monthly_usd - self.recommended_monthly_usd

    @property
    def credits_now_usd(self) -> Decimal:
        """Surplus CPU credits the measured usage implies today (not in the plan's price)."""
        return Decimal(str(self.current.get("cpu_credit_surplus_monthly_usd", "0")))

    @property
    def credits_recommended_usd(self) -> Decimal:
        """Surplus CPU credits the recommended class would still pay at the measured load."""
        if self.recommended.get("class") == self.current.get("class"):
            return self.credits_now_usd
        return Decimal(str(self.recommended.get("cpu_credit_surplus_monthly_usd", "0")))

    @property
    def changed(self) -> bool:
        return self.current != self.recommended

    def raise_risk(self, level: Risk, reason: str) -> None:
        if RISKS.index(level) > RISKS.index(self.risk):
            self.risk = level
        self.risk_reasons.append(reason)


def metric_evidence(summary: pd.DataFrame, resource: str, metric: str) -> dict[str, Any] | None:
    """Percentiles, datapoints and gaps of one series from ``stats.summarize``, or None."""
    rows = summary[(summary["resource"] == resource) & (summary["metric"] == metric)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    expected = int(row["expected"])
    return {
        "metric": metric,
        "unit": str(row["unit"]),
        "period_s": int(row["period"]),
        "datapoints": int(row["datapoints"]),
        "expected": expected,
        "gaps": int(row["gaps"]),
        "coverage_pct": round(100 * int(row["datapoints"]) / expected, 1) if expected else 0.0,
        "p50": _round(row["p50"]),
        "p95": _round(row["p95"]),
        "p99": _round(row["p99"]),
        "max": _round(row["max"]),
        "mean": _round(row["mean"]),
    }


def _round(value: Any) -> float:
    return float(f"{float(value):.6g}")


def coverage_risk(
    rec: Recommendation,
    evidences: list[dict[str, Any]],
    partial: Sequence[Mapping[str, str]] = (),
) -> None:
    """Few datapoints, or series CloudWatch left PartialData, make any change riskier."""
    cut = sorted(
        f"{p['resource']} {p['metric']}"
        for p in partial
        if p["resource"] == rec.resource or p["resource"].startswith(rec.resource + "/")
    )
    if cut:
        rec.evidence["partial"] = cut
        rec.raise_risk("medium", f"CloudWatch returned partial data for {', '.join(cut)}")
    if not evidences:
        return
    worst = min(e["coverage_pct"] for e in evidences)
    if worst < 50:
        rec.raise_risk("high", f"only {worst}% of the window has datapoints")
    elif worst < 90:
        rec.raise_risk("medium", f"{worst}% of the window has datapoints (gaps)")


def _shown(total: Decimal, pieces: list[Decimal], decimals: int) -> Decimal:
    from planner.figures import add_shown, shown

    return add_shown(pieces, decimals) if pieces else shown(total, decimals)
