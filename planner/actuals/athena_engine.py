"""``--engine athena``: the same tidy SQL run on Amazon Athena, read back as the tidy table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.actuals.layouts import Layout
from planner.actuals.sql import TIDY_COLUMNS, Dialect, athena_source, render
from planner.errors import PlannerError

if TYPE_CHECKING:
    import pyarrow as pa


def athena_query(layout: Layout, database: str, table: str) -> str:
    return render(layout, Dialect("athena"), athena_source(database, table))


def import_athena(
    client: Any,
    *,
    layout: Layout,
    database: str,
    table: str,
    workgroup: str,
    output_location: str | None = None,
    poll_seconds: float = 1.0,
    max_polls: int = 600,
) -> tuple[pa.Table, dict[str, Any]]:
    """The tidy table from Athena, and what it took (query id, polls, result pages)."""
    from planner.actuals.tidy import to_table
    from planner.aws.athena import run_query

    result = run_query(
        client,
        athena_query(layout, database, table),
        database=database,
        workgroup=workgroup,
        output_location=output_location,
        poll_seconds=poll_seconds,
        max_polls=max_polls,
    )
    if result.columns and list(result.columns) != list(TIDY_COLUMNS):
        raise PlannerError(
            f"Athena query {result.query_execution_id} returned columns {result.columns}, "
            f"expected {list(TIDY_COLUMNS)}"
        )
    records = [dict(zip(TIDY_COLUMNS, row, strict=True)) for row in result.rows]
    info = {
        "query_execution_id": result.query_execution_id,
        "polls": result.polls,
        "pages": result.pages,
    }
    return to_table(records), info
