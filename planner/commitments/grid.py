"""The sweep grid: candidate instance types per node group, purchase options, schedules.

```yaml
node_groups:
  general: {instance_types: [t3.medium, m5.large]}
purchases: [on_demand, spot, reserved:1yr:partial_upfront:standard]
schedules: [{name: always}, {name: office, hours_per_day: 12, days_per_week: 5}]
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import InputError
from planner.topology import Purchase, Schedule


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GroupGrid(_Model):
    instance_types: tuple[str, ...] = Field(min_length=1)


class Grid(_Model):
    node_groups: dict[str, GroupGrid]
    purchases: tuple[str, ...] = ("on_demand",)
    schedules: tuple[Schedule, ...] = (Schedule(name="always"),)


def parse_purchase(text: str) -> Purchase:
    """``on_demand``, ``spot`` or ``reserved:1yr:no_upfront[:standard]``."""
    parts = text.split(":")
    if parts[0] in ("on_demand", "spot") and len(parts) == 1:
        return Purchase(type=parts[0])
    if parts[0] == "reserved" and len(parts) in (3, 4):
        data: dict[str, Any] = {"type": "reserved", "term": parts[1], "payment": parts[2]}
        if len(parts) == 4:
            data["offering_class"] = parts[3]
        try:
            return Purchase.model_validate(data)
        except ValidationError as exc:
            raise ValueError(str(exc.errors()[0]["msg"])) from None
    raise ValueError(
        f"{text!r} is not on_demand, spot or reserved:TERM:PAYMENT[:CLASS] "
        "(e.g. reserved:1yr:partial_upfront:standard)"
    )


# Above this many variants a sweep is refused unless --max-variants raises it: about 2M
# variants take a minute and a few hundred MB on a 2-core machine (benchmarks/sweep.py).
DEFAULT_MAX_VARIANTS = 2_000_000


def variant_count(grid: Grid) -> int:
    """How many variants the grid describes: type combinations x purchases per group x
    schedules (known before any work)."""
    combos = 1
    for group in grid.node_groups.values():
        combos *= len(group.instance_types)
    purchases: int = len(grid.purchases) ** len(grid.node_groups)
    return combos * purchases * len(grid.schedules)


def load_grid(path: str | Path) -> Grid:
    from planner.safe_yaml import YamlProblem, load_documents, read_utf8

    p = Path(path)
    text = read_utf8(p, InputError, " (the sweep grid)")
    try:
        docs = load_documents(text)
    except YamlProblem as exc:
        line = f"line {exc.line}: " if exc.line else ""
        raise InputError(f"{p}: {line}{exc.message}") from None
    data = docs[0].data  # single-document mode: always one document (None when empty)
    try:
        grid = Grid.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise InputError(f"{p}: {where}: {err['msg']}") from None
    for i, text in enumerate(grid.purchases):
        try:
            parse_purchase(text)
        except ValueError as exc:
            raise InputError(f"{p}: purchases.{i}: {exc}") from None
    return grid
