"""planner discover against a moto account over HTTP (and botocore Stubber where moto falls
short): the staging topology of the report is created, discovered, loaded and priced.

The bundled staging scenario prices to $815.77 a month (tests/golden/price-staging.txt).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.stub import Stubber
from conftest import REPO, SCENARIOS_DIR
from discover_helpers import GIB, REGION, create_staging

from planner import figures
from planner.aws import discovery as aws_discovery
from planner.aws.session import client as session_client
from planner.discover.run import Request, discover
from planner.discover.write import check_loads, scenario_text
from planner.pricing import price_scenario
from planner.scenario import load_scenario

pytestmark = pytest.mark.aws

AS_OF = dt.date(2025, 11, 11)  # the report's date, as in staging.yaml
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
LOG_GROUP = "/aws/eks/emrtask-staging/cluster"
LOG_ARN = f"arn:aws:logs:{REGION}:123456789012:log-group:{LOG_GROUP}"


_CREATED: dict[str, dict[str, Any]] = {}


@pytest.fixture
def moto_account(moto_endpoint, fake_aws_credentials, monkeypatch) -> dict[str, Any]:
    """The staging account, created once per moto server (again after a test reset it)."""
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    eks = boto3.client("eks", region_name=REGION, endpoint_url=moto_endpoint)
    if moto_endpoint in _CREATED and eks.list_clusters()["clusters"] == ["emrtask-staging"]:
        return _CREATED[moto_endpoint]
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=120)
    _CREATED[moto_endpoint] = create_staging(moto_endpoint)
    return _CREATED[moto_endpoint]


def _logs_stub() -> Any:
    """moto counts stored log bytes as the characters put, so 50 GiB of stored logs (what
    staging assumes) comes from a Stubber with DescribeLogGroups' real response shape."""
    logs = session_client("logs", REGION)
    stub = Stubber(logs)
    stub.add_response(
        "describe_log_groups",
        {
            "logGroups": [
                {
                    "logGroupName": LOG_GROUP,
                    "creationTime": 1762819200000,
                    "metricFilterCount": 0,
                    "arn": f"{LOG_ARN}:*",
                    "storedBytes": 50 * GIB,
                    "logGroupArn": LOG_ARN,
                }
            ]
        },
    )
    stub.add_response("list_tags_for_resource", {"tags": {"Environment": "staging"}})
    stub.activate()
    return logs


def _factory(stubbed: dict[str, Any]) -> Any:
    def make(service: str) -> Any:
        return stubbed.get(service) or session_client(service, REGION)

    return make


def _request(**kw: Any) -> Request:
    base: dict[str, Any] = {
        "region": REGION,
        "profile": None,
        "tags": {"Environment": "staging"},
        "cluster": None,
        "name": "staging-discovered",
        "as_of": AS_OF,
        "usage_days": None,
    }
    base.update(kw)
    return Request(**base)


def _save_and_load(found: Any, tmp_path: Path) -> Any:
    text = scenario_text(found.topology, found.header)
    check_loads(text, "x.yaml")
    path = tmp_path / "discovered.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def _lines(report: Any) -> dict[tuple[str, str], Any]:
    return {(ln.resource, ln.component): ln for ln in report.lines}


# The lines whose quantity no API gives (labelled assumptions in the discovered scenario),
# with the staging amount and the discovered one (the assumption is 0 without --plan):
#   compute spot instance: staging 730 h x 0.0832 x (1 - 70%) = 730 x 0.02496 = 18.22;
#     discovered 0% off: 730 h x 0.0832 = 60.736 -> 60.74
#   NAT data processed: 100 GB x 0.045 = 4.50 -> 0
#   NLB LCU-hours: 100.01 LCU-h x 0.006 = 0.60 -> 0
#   CloudWatch Logs ingestion: 50 GB x 0.50 = 25.00 -> 0
#   S3 Standard storage: 10 GB x 0.023 = 0.23 -> 0
#   Data transfer out: 100 GB x 0.09 = 9.00 -> 0
NOT_DISCOVERABLE = {
    ("eks-node-group/compute", Decimal("18.22"), Decimal("60.74")),
    ("nat-gateways", Decimal("4.50"), Decimal("0")),
    ("nlb/api-gateway", Decimal("0.60"), Decimal("0")),
    ("cloudwatch-logs", Decimal("25.00"), Decimal("0")),
    ("s3", Decimal("0.23"), Decimal("0")),
    ("data-transfer", Decimal("9.00"), Decimal("0")),
}


def test_moto_staging_prices_like_the_bundled_staging_line_by_line(moto_account, tmp_path):
    found = discover(
        _request(), now=NOW, client_for=_factory({"logs": _logs_stub()}), progress=None
    )
    scenario = _save_and_load(found, tmp_path)
    staging = price_scenario(load_scenario(SCENARIOS_DIR / "staging.yaml"))
    mine = price_scenario(scenario)
    assert figures.total(staging) == Decimal("815.77")
    theirs, ours = _lines(staging), _lines(mine)
    differing = set()
    for key, line in theirs.items():
        other = ours.get(key)
        amount = figures.line_usd(other) if other is not None else Decimal(0)
        if amount != figures.line_usd(line):
            # only a labelled assumption (quantity, or the spot discount in the price) may differ
            assert other is None or "assumption" in (other.quantity_basis, other.price_basis), (
                key,
                other,
            )
            differing.add((key[0], figures.line_usd(line), amount))
    assert differing == NOT_DISCOVERABLE
    assert set(ours) - set(theirs) == set()
    # so the totals differ by exactly those lines:
    # 815.77 - (18.22 + 4.50 + 0.60 + 25.00 + 0.23 + 9.00) + 60.74 = 818.96
    assert figures.total(mine) == Decimal("818.96")


def test_with_the_plan_for_what_no_api_gives_the_total_is_the_bundled_one(moto_account, tmp_path):
    plan = load_scenario(SCENARIOS_DIR / "staging.yaml")
    found = discover(
        _request(plan=plan), now=NOW, client_for=_factory({"logs": _logs_stub()}), progress=None
    )
    scenario = _save_and_load(found, tmp_path)
    assert figures.total(price_scenario(scenario)) == Decimal("815.77")
    nat = scenario.topology.nat_gateways
    assert nat is not None and nat.data_processed_gb.basis.value == "assumption"
    assert "taken from the plan" in nat.data_processed_gb.note
    spot = scenario.topology.eks.node_groups[0].spot_discount_pct  # compute (listed first)
    assert spot is not None and spot.value == 70 and spot.basis.value == "assumption"


def test_every_discovered_value_names_its_call_arn_and_time(moto_account, tmp_path):
    found = discover(
        _request(), now=NOW, client_for=_factory({"logs": _logs_stub()}), progress=None
    )
    topo = _save_and_load(found, tmp_path).topology
    disc = topo.discovery
    assert disc is not None and disc.at == NOW and not disc.missing
    paths = {v.path for v in disc.values}
    assert {
        "eks",
        "eks.node_groups[general]",
        "eks.node_groups[compute]",
        "rds[postgres]",
        "elasticache[redis]",
        "msk[kafka]",
        "load_balancers[api-gateway]",
    } <= paths
    for value in disc.values:
        assert value.call in aws_discovery.ACTIONS, value
        assert value.arn.startswith("arn:aws:"), value
        assert value.at == NOW
    # quantities: basis discovered, the call and an ARN in the source
    for amount in (
        topo.rds[0].storage_gb,
        topo.msk[0].storage_gb_per_broker,
        topo.eks.node_groups[1].disk_gb,
        topo.kms.keys,
        topo.ecr.storage_gb,
    ):
        assert amount.basis.value == "discovered"
        assert ":" in amount.source.split()[0] and "arn:aws:" in amount.source
    # the tag filter left the production database, key and bucket out
    assert [db.name for db in topo.rds] == ["postgres"]
    assert topo.kms.keys.value == 3
    assert topo.ecr.storage_gb.value == 50  # 2 images x 25 GiB
    assert topo.cost_allocation_tags == {"Environment": "staging"}
    # the launch template gave the compute group's disk; diskSize the general group's
    compute = next(g for g in topo.eks.node_groups if g.name == "compute")
    assert "ec2:DescribeLaunchTemplateVersions" in compute.disk_gb.source


def test_cli_writes_a_scenario_that_loads_and_prices(moto_account, run_cli, tmp_path):
    out = tmp_path / "discovered-staging.yaml"
    result = run_cli(
        [
            "discover",
            "--region",
            REGION,
            "--tag",
            "Environment=staging",
            "--as-of",
            "2025-11-11",
            "--plan",
            "staging",
            "-o",
            str(out),
        ]
    )
    assert result.code == 0, result.err
    assert "wrote" in result.err and "0 parts missing" in result.err
    priced = run_cli(["price", str(out), "--format", "json"])
    assert priced.code == 0, priced.err
    total = Decimal(str(json.loads(priced.out)["total_monthly_usd"]))
    # moto's log group stores no bytes: 0 GB discovered, where staging assumes 50 GB
    # (50 x 0.03 = 1.50); every other line as the bundled staging
    assert total == Decimal("815.77") - Decimal("1.50")
    capacity = run_cli(["capacity", str(out)])
    assert capacity.code == 0, capacity.err


def _denying(service: str, operation: str) -> Any:
    """A client whose ``operation`` answers AccessDenied (Stubber), for one service."""
    api = session_client(service, REGION)
    stub = Stubber(api)
    stub.add_client_error(
        operation,
        service_error_code="AccessDenied",
        service_message="User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
        "rds:DescribeDBInstances",
        http_status_code=403,
    )
    stub.activate()
    return api


def test_a_denied_call_is_one_line_and_the_part_is_marked_missing(
    moto_account, run_cli, tmp_path, monkeypatch
):
    real = aws_discovery.client  # type: ignore[attr-defined]
    denied = _denying("rds", "describe_db_instances")
    monkeypatch.setattr(
        aws_discovery,
        "client",
        lambda service, region, **kw: denied if service == "rds" else real(service, region, **kw),
    )
    out = tmp_path / "d.yaml"
    result = run_cli(
        [
            "discover",
            "--region",
            REGION,
            "--tag",
            "Environment=staging",
            "--as-of",
            "2025-11-11",
            "--no-progress",
            "-o",
            str(out),
        ]
    )
    assert result.code == 0, result.err
    denials = [ln for ln in result.err.splitlines() if ln.startswith("warning: denied")]
    assert denials == [
        "warning: denied: rds:DescribeDBInstances (AccessDenied); rds is missing from the scenario"
    ]
    assert "Traceback" not in result.err
    text = out.read_text()
    assert "# INCOMPLETE: 1 part(s) could not be read and are missing:" in text
    topo = load_scenario(out).topology
    assert topo.rds == ()
    assert topo.discovery is not None
    assert [(m.part, m.action) for m in topo.discovery.missing] == [
        ("rds", "rds:DescribeDBInstances")
    ]
    assert topo.eks is not None  # the rest was read


class _Throttling(http.server.BaseHTTPRequestHandler):
    """An EKS endpoint: ThrottlingException ``throttles`` times, then an empty ListClusters."""

    throttles = 1
    seen = 0

    def do_GET(self) -> None:
        type(self).seen += 1
        if type(self).seen <= type(self).throttles:
            body = json.dumps({"message": "Rate exceeded"}).encode()
            self.send_response(429)
            self.send_header("x-amzn-ErrorType", "ThrottlingException")
        else:
            body = json.dumps({"clusters": []}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def throttling_eks(fake_aws_credentials, monkeypatch) -> Iterator[type[_Throttling]]:
    handler = type("Handler", (_Throttling,), {"seen": 0, "throttles": 1})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_EKS", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_throttled_call_is_retried(throttling_eks):
    reader = aws_discovery.AccountReader(REGION)
    assert reader.pages("eks", "ListClusters", "clusters") == []
    assert throttling_eks.seen == 2  # throttled once, retried once


def test_throttled_until_the_last_attempt_is_one_line_and_nothing_is_written(
    throttling_eks, run_cli, tmp_path
):
    throttling_eks.throttles = 99
    out = tmp_path / "d.yaml"
    out.write_text("kept\n")
    result = run_cli(["discover", "--region", REGION, "--no-progress", "-o", str(out)])
    assert result.code == 2
    assert result.err.splitlines() == [
        "planner: error: AWS eks ListClusters failed: HTTP 429 ThrottlingException: Rate "
        "exceeded (still throttled after 3 attempts; try again later)"
    ]
    assert throttling_eks.seen == 3
    assert out.read_text() == "kept\n"  # what the user had is not lost


def test_an_empty_account_is_one_line_and_nothing_is_written(
    moto_endpoint, fake_aws_credentials, monkeypatch, run_cli, tmp_path
):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=120)  # moto_account re-creates
    out = tmp_path / "d.yaml"
    result = run_cli(["discover", "--region", REGION, "--no-progress", "-o", str(out)])
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "nothing planner models was found in us-east-1" in result.err
    assert "nothing written" in result.err
    assert not out.exists()


def test_an_unknown_instance_type_leaves_that_group_out_named_in_one_line(
    moto_account, moto_endpoint, run_cli, tmp_path
):
    import boto3

    eks = boto3.client("eks", region_name=REGION, endpoint_url=moto_endpoint)
    eks.create_nodegroup(
        clusterName="emrtask-staging",
        nodegroupName="gpu",
        scalingConfig={"minSize": 0, "maxSize": 2, "desiredSize": 1},
        subnets=["subnet-1"],
        nodeRole="arn:aws:iam::123456789012:role/eks-nodes",
        instanceTypes=["t3.mediun"],
    )
    out = tmp_path / "d.yaml"
    try:
        result = run_cli(
            [
                "discover",
                "--region",
                REGION,
                "--tag",
                "Environment=staging",
                "--as-of",
                "2025-11-11",
                "--no-progress",
                "-o",
                str(out),
            ]
        )
    finally:
        eks.delete_nodegroup(clusterName="emrtask-staging", nodegroupName="gpu")
    assert result.code == 0, result.err
    lines = [ln for ln in result.err.splitlines() if "gpu" in ln]
    assert lines == [
        "warning: left out eks.node_groups[gpu]: unknown EC2 instance type 't3.mediun'; did "
        "you mean t3.medium or t3a.medium or t2.medium? (not in the price snapshot; node "
        "group left out)"
    ]
    topo = load_scenario(out).topology
    assert topo.eks is not None and topo.discovery is not None
    assert sorted(g.name for g in topo.eks.node_groups) == ["compute", "general"]
    assert "eks.node_groups[gpu]" in [m.part for m in topo.discovery.missing]
    assert "# INCOMPLETE" in out.read_text()


def test_the_documented_policy_lists_exactly_the_actions_discover_uses(moto_account):
    found_actions: set[str] = set()
    reader = aws_discovery.AccountReader(REGION, client_for=_factory({"logs": _logs_stub()}))
    from planner.discover.account import discover_account

    discover_account(reader, tags={"Environment": "staging"}, cluster=None, at=NOW)
    found_actions |= reader.actions
    readme = (REPO / "docs" / "development.md").read_text(encoding="utf-8")
    start = readme.index('"Sid": "PlannerDiscover"')
    block = readme[start : readme.index("]", start)]
    listed = set(json.loads("[" + block.split("[", 1)[1] + "]"))
    assert listed == set(aws_discovery.ACTIONS)
    # every action the staging account needed is in the policy (GetMetricData is used with
    # --usage-days only)
    assert found_actions <= listed
    assert listed - found_actions == {"cloudwatch:GetMetricData"}


def test_usage_days_measure_nat_traffic_and_s3_bytes_from_cloudwatch(
    moto_endpoint, fake_aws_credentials, monkeypatch
):
    import boto3

    # a fresh account: moto scans every datapoint other tests of the session put
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=120)
    moto_account = create_staging(moto_endpoint)

    cw = boto3.client("cloudwatch", region_name=REGION, endpoint_url=moto_endpoint)
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    at = now - dt.timedelta(minutes=30)
    for gateway in moto_account["nat_ids"]:
        for metric, value in (("BytesInFromSource", GIB), ("BytesInFromDestination", GIB / 2)):
            cw.put_metric_data(
                Namespace="AWS/NATGateway",
                MetricData=[
                    {
                        "MetricName": metric,
                        "Dimensions": [{"Name": "NatGatewayId", "Value": gateway}],
                        "Timestamp": at,
                        "Value": value,
                        "Unit": "Bytes",
                    }
                ],
            )
    cw.put_metric_data(
        Namespace="AWS/S3",
        MetricData=[
            {
                "MetricName": "BucketSizeBytes",
                "Dimensions": [
                    {"Name": "BucketName", "Value": "emrtask-staging-data"},
                    {"Name": "StorageType", "Value": "StandardStorage"},
                ],
                "Timestamp": now - dt.timedelta(days=1),
                "Value": 10 * GIB,
                "Unit": "Bytes",
            }
        ],
    )
    found = discover(
        _request(usage_days=14.0),
        now=now,
        client_for=_factory({"logs": _logs_stub()}),
        progress=None,
    )
    topo = found.topology
    assert topo.nat_gateways is not None and topo.s3 is not None
    nat = topo.nat_gateways.data_processed_gb
    # each gateway: 1 GiB + 0.5 GiB in one 60 s period = 0.025 GiB/s; two gateways 0.05 GiB/s;
    # x 3600 s x 730 h = 131,400 GiB in a month
    assert nat.basis.value == "measured" and nat.value == 131400
    s3 = topo.s3.storage_gb
    assert s3.basis.value == "measured" and s3.value == 10
    assert "BucketSizeBytes" in s3.source
    # what CloudWatch had no datapoints for stays a labelled assumption
    assert topo.load_balancers[0].processed_gb_per_hour.basis.value == "assumption"


def test_drift_against_a_fresh_discovery_of_the_moto_account(moto_account, run_cli):
    result = run_cli(
        [
            "drift",
            "staging",
            "--region",
            REGION,
            "--tag",
            "Environment=staging",
            "--no-progress",
            "--format",
            "json",
        ]
    )
    assert result.code == 1, result.err
    data = json.loads(result.out)
    # everything the APIs can tell matches the plan but the stored logs: moto's log group
    # holds no bytes (0 GB) where staging assumes 50 GB: 50 x $0.03 = $1.50 less a month
    assert [
        (d["path"], d["field"], d["plan"], d["discovered"], d["monthly_usd"])
        for d in data["differences"]
    ] == [("cloudwatch_logs", "storage_gb", "50", "0", -1.5)]
    assert data["not_compared"] == ["workloads (no Kubernetes source was read)"]
