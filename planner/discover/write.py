"""A discovered topology as scenario YAML that the usual loader reads (and nothing else).

The text is checked before anything is written: it is saved to a temporary folder and loaded
with :func:`planner.scenario.load_scenario`, so a file that is written always loads and prices.
It is then written atomically by :func:`planner.output.write_output`.
"""

from __future__ import annotations

import datetime as dt
import enum
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from planner.errors import PlannerError
from planner.money import plain
from planner.topology import Topology


class _Dumper(yaml.SafeDumper):
    """Decimals as plain numbers, enums as their values, times as ISO text."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = plain(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


def _enum(dumper: yaml.SafeDumper, value: enum.Enum) -> yaml.ScalarNode:
    return dumper.represent_str(str(value.value))


def _datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.ScalarNode:
    return dumper.represent_str(value.isoformat(timespec="seconds"))


def _date(dumper: yaml.SafeDumper, value: dt.date) -> yaml.ScalarNode:
    return dumper.represent_str(value.isoformat())


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_multi_representer(enum.Enum, _enum)
_Dumper.add_representer(dt.datetime, _datetime)
_Dumper.add_representer(dt.date, _date)


def _compact(value: Any) -> Any:
    """A stated quantity without note or source as a bare number; tuples as lists."""
    if isinstance(value, dict):
        keys = set(value)
        if keys <= {"value", "basis", "note", "source"} and "value" in keys:
            basis = value.get("basis")
            if basis in (None, "stated") and not value.get("note") and not value.get("source"):
                return value["value"]
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_compact(v) for v in value]
    return value


def scenario_text(topology: Topology, header: list[str]) -> str:
    """The scenario YAML: the fields that were set, in the model's order."""
    document = _compact(topology.model_dump(mode="python", exclude_unset=True))
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return "".join(f"# {line}\n" if line else "#\n" for line in header) + body


def check_loads(text: str, name: str) -> None:
    """Refuse to write a scenario that the loader would not read (a bug, said in one line)."""
    from planner.scenario import load_scenario

    with tempfile.TemporaryDirectory(prefix="planner-discover-") as folder:
        path = Path(folder) / (Path(name).name or "discovered.yaml")
        if path.suffix not in (".yaml", ".yml"):
            path = path.with_suffix(".yaml")
        path.write_text(text, encoding="utf-8")
        try:
            load_scenario(path)
        except PlannerError as exc:
            raise PlannerError(
                f"the discovered scenario does not load, so nothing was written: {exc}"
            ) from None
