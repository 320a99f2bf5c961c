"""The tidy-table SQL, one source per export layout, rendered for DuckDB or Athena.

The SQL lives in ``planner/actuals/sql/*.sql`` for a reader to check. Placeholders mark the
only dialect differences:

- ``{{month:c}}``: DuckDB ``strftime(CAST(c AS TIMESTAMP), '%Y-%m')``; Athena (Trino)
  ``date_format(CAST(c AS TIMESTAMP), '%Y-%m')``.
- ``{{tags_json:c}}``: DuckDB ``CAST(to_json(c) AS VARCHAR)``; Athena
  ``json_format(CAST(c AS JSON))``.
- ``{{dec:c}}``: ``CAST(COALESCE(c, 0) AS DECIMAL(38,10))`` on both.
- ``{{source}}``: DuckDB ``read_parquet([...])`` / ``read_csv([...])``; Athena
  ``"database"."table"``.

A FOCUS CSV carries ``Tags`` as JSON text already, so ``{{tags_json:c}}`` is the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from planner.actuals.layouts import Layout

Engine = Literal["duckdb", "athena"]

TIDY_COLUMNS: tuple[str, ...] = (
    "month",
    "service",
    "usage_type",
    "operation",
    "resource_id",
    "tags",
    "charge_category",
    "pricing_category",
    "commitment_status",
    "commitment_id",
    "unit",
    "usage_quantity",
    "unblended_usd",
    "amortised_usd",
    "list_usd",
    "line_items",
)
DECIMAL_COLUMNS = ("usage_quantity", "unblended_usd", "amortised_usd", "list_usd")
DECIMAL_TYPE = "DECIMAL(38,10)"

_PLACEHOLDER = re.compile(r"\{\{(\w+)(?::(\w+))?\}\}")


@dataclass(frozen=True)
class Dialect:
    engine: Engine
    tags_are_json_text: bool = False

    def month(self, column: str) -> str:
        fn = "strftime" if self.engine == "duckdb" else "date_format"
        return f"{fn}(CAST({column} AS TIMESTAMP), '%Y-%m')"

    def tags_json(self, column: str) -> str:
        if self.tags_are_json_text:
            return f"COALESCE(CAST({column} AS VARCHAR), '{{}}')"
        if self.engine == "duckdb":
            return f"COALESCE(CAST(to_json({column}) AS VARCHAR), '{{}}')"
        return f"COALESCE(json_format(CAST({column} AS JSON)), '{{}}')"

    def dec(self, column: str) -> str:
        return f"CAST(COALESCE({column}, 0) AS {DECIMAL_TYPE})"


def sql_text(layout: Layout) -> str:
    """The SQL source file for a layout, as the user reads it."""
    return resources.files("planner.actuals").joinpath(f"sql/{layout}.sql").read_text("utf-8")


def render(layout: Layout, dialect: Dialect, source: str) -> str:
    """The query for one engine: placeholders replaced, comments kept."""

    def replace(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "source":
            return source
        if arg is None:
            raise ValueError(f"placeholder {{{{{name}}}}} needs a column")
        if name == "month":
            return dialect.month(arg)
        if name == "tags_json":
            return dialect.tags_json(arg)
        if name == "dec":
            return dialect.dec(arg)
        raise ValueError(f"unknown placeholder {{{{{name}}}}}")

    return _PLACEHOLDER.sub(replace, sql_text(layout))


def athena_source(database: str, table: str) -> str:
    for what, name in (("database", database), ("table", table)):
        if not re.fullmatch(r"[A-Za-z0-9_]{1,255}", name):
            from planner.errors import InputError

            raise InputError(f"--{what} {name!r}: Athena names are letters, digits and underscores")
    return f'"{database}"."{table}"'
