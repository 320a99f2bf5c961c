"""Audit a hand-made estimate (label, service, monthly USD) against the priced model.

Each estimate row is matched to model lines by service code and, where given, resource
prefix; the difference and the reason (which price or quantity differs) are reported.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from planner.catalog import SERVICES
from planner.costing.engine import CostReport
from planner.costing.lines import CostLine
from planner.errors import InputError
from planner.money import ZERO

REQUIRED = ("label", "service", "monthly_usd")


@dataclass(frozen=True)
class EstimateRow:
    label: str
    service: str
    monthly_usd: Decimal
    resource: str = ""
    note: str = ""


@dataclass(frozen=True)
class AuditRow:
    label: str
    service: str
    estimate_usd: Decimal
    model_usd: Decimal
    lines: tuple[CostLine, ...]
    note: str

    @property
    def difference_usd(self) -> Decimal:
        return self.model_usd - self.estimate_usd


def read_estimate(path: str | Path) -> list[EstimateRow]:
    """Read ``label,service,monthly_usd[,resource,note]``; one clear error per bad cell."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{where}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: cannot read file: {exc}") from None
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{where}: header lacks {', '.join(missing)}; expected columns "
            "label,service,monthly_usd[,resource,note]"
        )
    rows: list[EstimateRow] = []
    for number, raw in enumerate(reader, start=2):
        service = (raw.get("service") or "").strip()
        if service not in SERVICES:
            raise InputError(
                f"{where}: row {number}: service {service!r} is not an AWS service code "
                f"(one of {', '.join(SERVICES)})"
            )
        amount = (raw.get("monthly_usd") or "").strip().lstrip("$").replace(",", "")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise InputError(
                f"{where}: row {number}: monthly_usd {raw.get('monthly_usd')!r} is not a number"
            ) from None
        if not value.is_finite() or value < 0:
            raise InputError(f"{where}: row {number}: monthly_usd {amount!r} must be >= 0")
        rows.append(
            EstimateRow(
                label=(raw.get("label") or "").strip(),
                service=service,
                monthly_usd=value,
                resource=(raw.get("resource") or "").strip(),
                note=(raw.get("note") or "").strip(),
            )
        )
    return rows


def audit(estimate: list[EstimateRow], report: CostReport) -> list[AuditRow]:
    """Match each estimate row to model lines; unmatched model lines become their own row."""
    used: set[int] = set()
    out: list[AuditRow] = []
    for row in estimate:
        matched = [
            (i, ln)
            for i, ln in enumerate(report.lines)
            if i not in used
            and ln.service == row.service
            and ln.resource.startswith(row.resource.split("#", 1)[0])
            and _component_matches(row, ln)
        ]
        used.update(i for i, _ in matched)
        lines = tuple(ln for _, ln in matched)
        model = sum((ln.monthly_usd for ln in lines if ln.monthly_usd is not None), ZERO)
        out.append(AuditRow(row.label, row.service, row.monthly_usd, model, lines, row.note))
    rest = [ln for i, ln in enumerate(report.lines) if i not in used and ln.monthly_usd]
    for ln in rest:
        assert ln.monthly_usd is not None
        out.append(
            AuditRow(
                f"(not in estimate) {ln.resource}: {ln.component}",
                ln.service,
                ZERO,
                ln.monthly_usd,
                (ln,),
                "",
            )
        )
    return out


def _component_matches(row: EstimateRow, line: CostLine) -> bool:
    """An estimate row may name a component word after ``#``: ``rds/postgres#storage``."""
    if "#" not in row.resource:
        return True
    word = row.resource.split("#", 1)[1]
    return word.lower() in line.component.lower()


def explain(row: AuditRow) -> str:
    """Why the model differs: the priced lines' quantities, unit prices and sources."""
    parts = []
    for ln in row.lines:
        if ln.monthly_usd is None or ln.unit_price_usd is None:
            parts.append(f"{ln.component}: no price")
            continue
        parts.append(f"{ln.component}: {ln.quantity} {ln.unit} x ${ln.unit_price_usd}")
    return "; ".join(parts)
