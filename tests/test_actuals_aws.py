"""Cost Explorer and Athena over real HTTP against moto, and Athena paging with a Stubber."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from actuals_helpers import CUR2

from planner.actuals.athena_engine import athena_query, import_athena
from planner.actuals.imports import connect, import_exports
from planner.actuals.sql import TIDY_COLUMNS
from planner.actuals.tidy import read_rows
from planner.errors import PlannerError

pytestmark = pytest.mark.aws


def _group(
    service: str, usage_type: str, unblended: str, amortised: str, qty: str
) -> dict[str, Any]:
    return {
        "Keys": [service, usage_type],
        "Metrics": {
            "UnblendedCost": {"Amount": unblended, "Unit": "USD"},
            "AmortizedCost": {"Amount": amortised, "Unit": "USD"},
            "UsageQuantity": {"Amount": qty, "Unit": "N/A"},
        },
    }


PAGE_1 = {
    "ResultsByTime": [
        {
            "TimePeriod": {"Start": "2025-08-01", "End": "2025-09-01"},
            "Total": {},
            "Groups": [
                _group("EC2 - Other", "NatGateway-Bytes", "13.5", "13.5", "300"),
                _group(
                    "Amazon Elastic Compute Cloud - Compute",
                    "BoxUsage:t3.medium",
                    "61.9008",
                    "61.9008",
                    "1488",
                ),
            ],
            "Estimated": False,
        }
    ],
    "NextPageToken": "page-2",
    "DimensionValueAttributes": [],
}
PAGE_2 = {
    "ResultsByTime": [
        {
            "TimePeriod": {"Start": "2025-08-01", "End": "2025-09-01"},
            "Total": {},
            "Groups": [
                _group("AWS Secrets Manager", "AWSSecretsManager-Secrets", "1.6", "1.6", "4")
            ],
            "Estimated": False,
        }
    ],
    "DimensionValueAttributes": [],
}


@pytest.fixture
def aws(moto_endpoint: str, fake_aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=120)
    return moto_endpoint


def test_pull_pages_tag_filter_and_request_count(
    aws: str, run_cli, tmp_path: Path, monkeypatch
) -> None:
    resp = requests.post(
        f"{aws}/moto-api/static/ce/cost-and-usage-results",
        json={"results": [PAGE_1, PAGE_2]},  # type: ignore[list-item]
        timeout=120,
    )
    assert resp.status_code == 201
    sent: list[dict[str, Any]] = []
    import planner.aws.session as session

    real = session.client

    def recording(service: str, region: str, *, profile: str | None = None) -> Any:
        c = real(service, region, profile=profile)
        c.meta.events.register(
            "provide-client-params.ce.GetCostAndUsage",
            lambda params, **_: sent.append(dict(params)),
        )
        return c

    monkeypatch.setattr(session, "client", recording)
    out = tmp_path / "ce.parquet"
    result = run_cli(
        ["actuals", "pull", "staging", "--months", "3", "--today", "2025-11-11", "-o", str(out)]
    )
    assert result.code == 0, result.err
    assert "2 get_cost_and_usage request(s) ($0.01 each)" in result.err
    assert len(sent) == 2
    assert "NextPageToken" not in sent[0] and sent[1]["NextPageToken"] == "page-2"
    assert sent[0]["Filter"] == {
        "Tags": {"Key": "Environment", "Values": ["staging"], "MatchOptions": ["EQUALS"]}
    }
    assert sent[0]["TimePeriod"] == {"Start": "2025-08-01", "End": "2025-11-01"}
    assert sent[0]["GroupBy"] == [
        {"Type": "DIMENSION", "Key": "SERVICE"},
        {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
    ]
    assert set(sent[0]["Metrics"]) == {"UnblendedCost", "AmortizedCost", "UsageQuantity"}
    rows = {(r.service, r.usage_type): r for r in read_rows(out)}
    # both pages landed; CE service names became codes
    assert rows[("AmazonEC2", "NatGateway-Bytes")].usage_quantity == Decimal(300)
    assert rows[("AWSSecretsManager", "AWSSecretsManager-Secrets")].amortised_usd == Decimal("1.6")
    # and the pulled table feeds variance: NAT GB is a quantity variance
    var = run_cli(["variance", "staging", "--actuals", str(out), "--format", "json"])
    assert var.code == 0
    assert '"cause": "quantity"' in var.out


def test_pull_throttled_is_one_line(
    fake_aws_credentials: None, run_cli, tmp_path: Path, monkeypatch
) -> None:
    import boto3
    from botocore.stub import Stubber

    import planner.aws.session as session

    ce = boto3.client("ce", region_name="us-east-1")
    stub = Stubber(ce)
    stub.add_response("get_cost_and_usage", PAGE_1, None)
    stub.add_client_error("get_cost_and_usage", "LimitExceededException", "Rate exceeded")
    stub.activate()
    monkeypatch.setattr(session, "client", lambda *a, **k: ce)
    out = tmp_path / "x.parquet"
    result = run_cli(["actuals", "pull", "staging", "--today", "2025-11-11", "-o", str(out)])
    assert result.code == 2
    assert "failed after 1 request(s)" in result.err and "Rate exceeded" in result.err
    assert result.err.count("\n") == 1 and not out.exists()


def _athena_rows(table) -> list[dict[str, Any]]:
    rows = [{"Data": [{"VarCharValue": c} for c in TIDY_COLUMNS]}]
    for record in table.to_pylist():
        rows.append({"Data": [{"VarCharValue": str(record[c])} for c in TIDY_COLUMNS]})
    return rows


def test_athena_via_moto_returns_the_duckdb_table(aws: str) -> None:
    from planner.aws.session import client

    duck = import_exports([str(CUR2)])
    column_info = [{"Name": c, "Type": "varchar"} for c in TIDY_COLUMNS]
    resp = requests.post(
        f"{aws}/moto-api/static/athena/query-results",
        json={"results": [{"rows": _athena_rows(duck), "column_info": column_info}]},
        timeout=120,
    )
    assert resp.status_code == 201
    athena = client("athena", "us-east-1")
    table, info = import_athena(
        athena,
        layout="cur2",
        database="cur",
        table="data",
        workgroup="primary",
        output_location="s3://results/",
        poll_seconds=0.0,
    )
    assert table.equals(duck)
    sent = athena.get_query_execution(QueryExecutionId=info["query_execution_id"])
    assert sent["QueryExecution"]["Query"] == athena_query("cur2", "cur", "data")


def test_athena_sql_runs_on_duckdb_with_trino_shims() -> None:
    """The Athena rendering of the SQL, run by DuckDB with date_format/json_format shims,
    gives the same table as the DuckDB rendering: only the placeholders differ."""
    from planner.actuals.tidy import conform

    con = connect()
    con.execute("CREATE MACRO date_format(ts, fmt) AS strftime(ts, fmt)")
    con.execute("CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)")
    con.execute("CREATE SCHEMA cur")
    con.execute(f"CREATE VIEW cur.data AS SELECT * FROM read_parquet('{CUR2}')")
    via_athena_sql = conform(con.sql(athena_query("cur2", "cur", "data")).to_arrow_table())
    assert via_athena_sql.equals(import_exports([str(CUR2)]))


def test_athena_paging_and_polling_with_stubber() -> None:
    import boto3
    from botocore.stub import Stubber

    athena = boto3.client(
        "athena", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    sql = athena_query("focus", "billing", "focus")
    header = {"Data": [{"VarCharValue": c} for c in TIDY_COLUMNS]}
    row = [
        "2025-08",
        "AmazonEC2",
        "NatGateway-Bytes",
        "NatGateway",
        "nat-1",
        "{}",
        "Usage",
        "Standard",
        "",
        "",
        "GB",
        "300",
        "13.5",
        "13.5",
        "13.5",
        "31",
    ]
    meta = {"ColumnInfo": [{"Name": c, "Type": "varchar"} for c in TIDY_COLUMNS]}
    with Stubber(athena) as stub:
        stub.add_response(
            "start_query_execution",
            {"QueryExecutionId": "q-1"},
            {
                "QueryString": sql,
                "QueryExecutionContext": {"Database": "billing"},
                "WorkGroup": "wg",
            },
        )
        for state in ("QUEUED", "RUNNING", "SUCCEEDED"):
            stub.add_response(
                "get_query_execution",
                {"QueryExecution": {"Status": {"State": state}}},
                {"QueryExecutionId": "q-1"},
            )
        stub.add_response(
            "get_query_results",
            {
                "ResultSet": {
                    "Rows": [header, {"Data": [{"VarCharValue": v} for v in row]}],
                    "ResultSetMetadata": meta,
                },
                "NextToken": "t2",
            },
            {"QueryExecutionId": "q-1"},
        )
        row2 = [*row[:4], "nat-2", *row[5:]]
        stub.add_response(
            "get_query_results",
            {
                "ResultSet": {
                    "Rows": [{"Data": [{"VarCharValue": v} for v in row2]}],
                    "ResultSetMetadata": meta,
                }
            },
            {"QueryExecutionId": "q-1", "NextToken": "t2"},
        )
        table, info = import_athena(
            athena,
            layout="focus",
            database="billing",
            table="focus",
            workgroup="wg",
            poll_seconds=0.0,
        )
        stub.assert_no_pending_responses()
    assert info == {"query_execution_id": "q-1", "polls": 3, "pages": 2}
    assert table.column("resource_id").to_pylist() == ["nat-1", "nat-2"]
    assert table.column("unblended_usd").to_pylist() == [Decimal("13.5")] * 2


def test_athena_poll_bound_and_failure() -> None:
    import boto3
    from botocore.stub import Stubber

    athena = boto3.client(
        "athena", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(athena) as stub:
        stub.add_response("start_query_execution", {"QueryExecutionId": "q-2"}, None)
        for _ in range(3):
            stub.add_response(
                "get_query_execution", {"QueryExecution": {"Status": {"State": "RUNNING"}}}, None
            )
        with pytest.raises(PlannerError, match="still RUNNING after 3 polls"):
            import_athena(
                athena,
                layout="cur2",
                database="d",
                table="t",
                workgroup="wg",
                poll_seconds=0.0,
                max_polls=3,
            )
        stub.add_response("start_query_execution", {"QueryExecutionId": "q-3"}, None)
        stub.add_response(
            "get_query_execution",
            {
                "QueryExecution": {
                    "Status": {"State": "FAILED", "StateChangeReason": "TABLE_NOT_FOUND"}
                }
            },
            None,
        )
        with pytest.raises(PlannerError, match="q-3 FAILED: TABLE_NOT_FOUND"):
            import_athena(
                athena, layout="cur2", database="d", table="t", workgroup="wg", poll_seconds=0.0
            )


def test_athena_names_are_checked(run_cli, tmp_path: Path) -> None:
    result = run_cli(
        [
            "actuals",
            "import",
            "--engine",
            "athena",
            "--database",
            "d;drop",
            "--table",
            "t",
            "--workgroup",
            "w",
            "-o",
            str(tmp_path / "o.parquet"),
        ]
    )
    assert result.code == 2 and "Athena names" in result.err
    result = run_cli(["actuals", "import", "--engine", "athena", "-o", str(tmp_path / "o.parquet")])
    assert result.code == 2 and "--database, --table, --workgroup" in result.err
