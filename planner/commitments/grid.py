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

import yaml
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


def load_grid(path: str | Path) -> Grid:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text())
    except OSError as exc:
        raise InputError(f"{p}: cannot read the grid: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{p}: not YAML: {str(exc).splitlines()[0]}") from None
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
