"""Run one query on Amazon Athena: start, poll with a bound, read every result page."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from planner.errors import PlannerError

DONE = {"SUCCEEDED", "FAILED", "CANCELLED"}


@dataclass(frozen=True)
class AthenaResult:
    columns: list[str]
    rows: list[list[str | None]]
    query_execution_id: str
    polls: int
    pages: int


def run_query(
    client: Any,
    sql: str,
    *,
    database: str,
    workgroup: str,
    output_location: str | None = None,
    poll_seconds: float = 1.0,
    max_polls: int = 600,
    sleep: Callable[[float], None] = time.sleep,
) -> AthenaResult:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        kwargs: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": database},
            "WorkGroup": workgroup,
        }
        if output_location:
            kwargs["ResultConfiguration"] = {"OutputLocation": output_location}
        qid = client.start_query_execution(**kwargs)["QueryExecutionId"]
        polls = 0
        while True:
            status = client.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
            polls += 1
            state = status["State"]
            if state in DONE:
                break
            if polls >= max_polls:
                raise PlannerError(
                    f"Athena query {qid} still {state} after {polls} polls "
                    f"({poll_seconds:g} s apart); it keeps running in workgroup {workgroup}"
                )
            sleep(poll_seconds)
        if state != "SUCCEEDED":
            reason = status.get("StateChangeReason", "no reason given")
            raise PlannerError(f"Athena query {qid} {state}: {reason}")
        columns: list[str] = []
        rows: list[list[str | None]] = []
        pages = 0
        paginator = client.get_paginator("get_query_results")
        for page in paginator.paginate(QueryExecutionId=qid):
            pages += 1
            result_set = page["ResultSet"]
            if not columns:
                columns = [c["Name"] for c in result_set["ResultSetMetadata"]["ColumnInfo"]]
            for row in result_set["Rows"]:
                rows.append([cell.get("VarCharValue") for cell in row["Data"]])
    except (ClientError, BotoCoreError) as exc:
        raise PlannerError(f"Athena ({workgroup}, {database}) failed: {exc}") from exc
    # Athena repeats the header as the first row of the first page of a SELECT.
    if rows and rows[0] == columns:
        rows = rows[1:]
    return AthenaResult(columns, rows, qid, polls, pages)
