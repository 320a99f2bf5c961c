"""Match tidy billing rows to the plan's cost lines; whatever matches no line is unplanned.

A row matches a planned line when its service code and usage type (region prefix removed)
are among those the line's service table gives (:mod:`planner.actuals.mapping`). Where two
planned lines share a usage type (two node groups' EBS volumes), the row's tags decide
(``eks:nodegroup-name``); without such a tag, the first line in plan order takes it and the
match is flagged. Every row ends up in exactly one place: matched or unplanned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.actuals.mapping import UsageMatch, strip_region, usage_match
from planner.actuals.tidy import BillRow
from planner.costing.lines import CostLine


@dataclass(frozen=True)
class PlannedLine:
    line: CostLine
    match: UsageMatch

    @property
    def key(self) -> tuple[str, str]:
        return (self.line.resource, self.line.component)


@dataclass
class MatchResult:
    planned: list[PlannedLine]
    matched: dict[tuple[str, str], list[BillRow]] = field(default_factory=dict)
    unplanned: list[BillRow] = field(default_factory=list)
    ambiguous: set[tuple[str, str]] = field(default_factory=set)
    unmapped: list[CostLine] = field(default_factory=list)


def planned_lines(lines: Iterable[CostLine]) -> tuple[list[PlannedLine], list[CostLine]]:
    """The plan's lines with their usage types, and the lines no table knows."""
    planned: list[PlannedLine] = []
    unmapped: list[CostLine] = []
    for line in lines:
        found = usage_match(line)
        if found is None:
            unmapped.append(line)
        else:
            planned.append(PlannedLine(line, found))
    return planned, unmapped


def match(lines: Iterable[CostLine], rows: Iterable[BillRow]) -> MatchResult:
    planned, unmapped = planned_lines(lines)
    index: dict[tuple[str, str], list[PlannedLine]] = defaultdict(list)
    for p in planned:
        for service in p.match.services:
            for usage_type in p.match.usage_types:
                index[(service, usage_type)].append(p)
    result = MatchResult(planned=planned, unmapped=unmapped)
    result.matched = {p.key: [] for p in planned}
    for row in rows:
        candidates = index.get((row.service, strip_region(row.usage_type)), [])
        if not candidates:
            result.unplanned.append(row)
            continue
        chosen = candidates[0]
        if len(candidates) > 1:
            tags = row.tag_map()
            by_tag = [
                c
                for c in candidates
                if c.match.tag_key and tags.get(c.match.tag_key) == c.match.tag_value
            ]
            if by_tag:
                chosen = by_tag[0]
            else:
                result.ambiguous.add(chosen.key)
        result.matched[chosen.key].append(row)
    return result
