"""Write a scenario document as YAML with a comment on each field read from Terraform.

Only what a scenario holds is written: mappings, lists, strings, numbers, booleans, dates,
and :class:`~planner.topology.Amount` / :class:`~planner.topology.Purchase` values. A string
that YAML could read as something else (``1.28``, ``true``, ``null``) is double-quoted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from planner.topology import Amount, Basis

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9._/@-]*")
_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
INDENT = "  "


def to_yaml(
    document: dict[str, Any], comments: dict[tuple[str, ...], str], header: Sequence[str] = ()
) -> str:
    lines = [f"# {_one_line(h)}" if h else "#" for h in header]
    _mapping(document, (), 0, comments, lines)
    return "\n".join(lines) + "\n"


def plain_data(value: Any) -> Any:
    """Amounts and purchases as the YAML a person would write (a stated amount: a number)."""
    if isinstance(value, Amount):
        if value.basis is Basis.STATED and not value.note and not value.source:
            return value.value
        data: dict[str, Any] = {"value": value.value, "basis": value.basis.value}
        if value.note:
            data["note"] = value.note
        if value.source:
            data["source"] = value.source
        return data
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(v) for v in value]
    return value


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _suffix(comments: dict[tuple[str, ...], str], path: tuple[str, ...]) -> str:
    text = comments.get(path)
    return f"  # {_one_line(text)}" if text else ""


def _mapping(
    data: dict[str, Any],
    path: tuple[str, ...],
    depth: int,
    comments: dict[tuple[str, ...], str],
    lines: list[str],
    first_prefix: str | None = None,
) -> None:
    pad = INDENT * depth
    for i, (key, raw) in enumerate(data.items()):
        value = plain_data(raw)
        lead = first_prefix if (i == 0 and first_prefix is not None) else pad
        here = (*path, str(key))
        note = _suffix(comments, here)
        if isinstance(value, dict) and value:
            lines.append(f"{lead}{scalar(key)}:{note}")
            _mapping(value, here, depth + 1, comments, lines)
        elif isinstance(value, list) and value:
            lines.append(f"{lead}{scalar(key)}:{note}")
            _sequence(value, here, depth + 1, comments, lines)
        else:
            shown = "{}" if value == {} else "[]" if value == [] else scalar(value)
            lines.append(f"{lead}{scalar(key)}: {shown}{note}")


def _sequence(
    items: list[Any],
    path: tuple[str, ...],
    depth: int,
    comments: dict[tuple[str, ...], str],
    lines: list[str],
) -> None:
    pad = INDENT * depth
    for index, item in enumerate(items):
        value = plain_data(item)
        if isinstance(value, dict) and value:
            label = str(value.get("name", index))
            _mapping(value, (*path, label), depth + 1, comments, lines, first_prefix=f"{pad}- ")
        else:
            lines.append(f"{pad}- {scalar(value)}")
