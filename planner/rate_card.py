"""A private-pricing rate card: the CSV a scenario's ``discounts.rate_card`` names.

Columns ``service, product, term, usd, source`` (and optionally ``region``): one negotiated
rate per price row, in the catalog's own names (``AmazonEC2``, ``instance/t3.medium``,
``OnDemand`` or a label such as ``Reserved 1yr standard No Upfront``). Each row is checked
like the scenario (:class:`planner.discount_terms.PrivateRate`); a bad row is one line naming
the file, the line, the column and the value.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.discount_terms import PrivateRate
from planner.errors import ScenarioError

REQUIRED = ("service", "product", "term", "usd", "source")
OPTIONAL = ("region",)
MAX_BYTES = 10_000_000


def read_rate_card(path: Path) -> list[dict[str, Any]]:
    """The card's rows as ``PrivateRate`` fields (with ``where``), in file order."""
    where = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ScenarioError(where, "", f"rate card larger than {MAX_BYTES:,} bytes")
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(where, "", "rate card not found (discounts.rate_card)") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(where, "", f"not UTF-8 text (bad byte at {exc.start})") from None
    except OSError as exc:
        raise ScenarioError(where, "", f"cannot read the rate card: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in reader.fieldnames or ()]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in (*REQUIRED, *OPTIONAL)]
    if missing or unknown:
        problem = f"missing column(s) {', '.join(missing)}" if missing else ""
        if unknown:
            problem += ("; " if problem else "") + f"unknown column(s) {', '.join(unknown)}"
        raise ScenarioError(
            where,
            "line 1",
            f"{problem}; a rate card has {', '.join(REQUIRED)} (and optionally region)",
        )
    out = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        fields: dict[str, Any] = {c: row.get(c, "") for c in (*REQUIRED, *OPTIONAL)}
        fields["where"] = f"{path.name} line {number}"
        try:
            PrivateRate.model_validate(fields)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            column = ".".join(str(p) for p in error["loc"]) or "(row)"
            message = str(error["msg"]).removeprefix("Value error, ")
            value = fields.get(column, "")
            raise ScenarioError(
                where, f"line {number}: {column}", f"{message} (got {value!r})"
            ) from None
        out.append(fields)
    return out
