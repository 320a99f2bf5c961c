"""Workloads from a cluster: the kubernetes client against a local HTTP server on 127.0.0.1
that serves list responses in the API's shapes (tests/data/kubernetes), the same objects
from a ``kubectl ... -o json`` file, and helm template manifests."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import REPO, SCENARIOS_DIR

from planner.discover.kube import from_cluster, from_kubectl_json, from_manifests

DATA = REPO / "tests" / "data" / "kubernetes"
AT = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
TOKEN = "planner-test-token"
CONTINUE = json.loads((DATA / "deployments-page1.json").read_text())["metadata"]["continue"]
RESOURCES = {
    "deployments": "deployments",
    "statefulsets": "statefulsets",
    "daemonsets": "daemonsets",
    "horizontalpodautoscalers": "horizontalpodautoscalers",
    "resourcequotas": "resourcequotas",
    "limitranges": "limitranges",
}


class _Api(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []
    forbidden: tuple[str, ...] = ()

    def do_GET(self) -> None:
        url = urlparse(self.path)
        type(self).requests.append(self.path)
        resource = url.path.rsplit("/", 1)[-1]
        query = parse_qs(url.query)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"kind": "Status", "code": 401, "reason": "Unauthorized"})
        if resource in type(self).forbidden:
            return self._send(
                403,
                {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "status": "Failure",
                    "code": 403,
                    "reason": "Forbidden",
                    "message": f"{resource} is forbidden",
                },
            )
        if resource not in RESOURCES or query.get("limit") != ["500"]:
            return self._send(404, {"kind": "Status", "code": 404, "reason": "NotFound"})
        if resource == "deployments":
            name = (
                "deployments-page2.json"
                if query.get("continue") == [CONTINUE]
                else ("deployments-page1.json")
            )
        else:
            name = f"{resource}.json"
        return self._send(200, json.loads((DATA / name).read_text()))

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[Path, type[_Api]]]:
    handler = type("Api", (_Api,), {"requests": [], "forbidden": ()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        f"""apiVersion: v1
kind: Config
clusters:
- name: staging
  cluster: {{server: "http://127.0.0.1:{server.server_address[1]}"}}
users:
- name: reader
  user: {{token: {TOKEN}}}
contexts:
- name: staging
  context: {{cluster: staging, user: reader}}
current-context: staging
""",
        encoding="utf-8",
    )
    try:
        yield kubeconfig, handler
    finally:
        server.shutdown()
        server.server_close()


def _summary(found: Any) -> dict[str, Any]:
    m = found.manifests
    return {
        "workloads": {
            w.name: (
                w.replicas_min,
                w.replicas_max,
                w.cpu_request,
                w.memory_request,
                w.cpu_limit,
                w.memory_limit,
                w.anti_affinity,
            )
            for w in m.workloads
        },
        "daemonsets": {d.name: (d.cpu_request, d.memory_request) for d in m.daemonsets},
        "quota": m.resource_quota,
        "limits": m.limit_range,
        "namespace": m.namespace,
    }


# By hand, from the seed report's §3.5/§3.6 (scenarios/manifests/staging): every service
# requests 250m and 512Mi, limits 1000m and 1Gi, with required anti-affinity; the HPAs give
# api-gateway 2-6 and the others 2-5.
EXPECTED_WORKLOADS = {
    name: (2, high, "250m", "512Mi", "1", "1Gi", True)
    for name, high in (
        ("api-gateway", 6),
        ("emr-service", 5),
        ("handover-service", 5),
        ("sync-service", 5),
        ("task-service", 5),
    )
}


def test_the_kubernetes_client_reads_every_page_of_every_kind(cluster):
    kubeconfig, api = cluster
    found = from_cluster(kubeconfig, context="staging", namespace=None, at=AT)
    got = _summary(found)
    assert got["workloads"] == EXPECTED_WORKLOADS
    assert got["daemonsets"] == {"aws-node": ("25m", None), "kube-proxy": ("100m", None)}
    assert got["quota"].requests_cpu == "8" and got["quota"].requests_memory == "16Gi"
    assert (got["limits"].min_cpu, got["limits"].max_memory) == ("100m", "8Gi")
    assert got["namespace"] == "emrtask-staging"
    # the Deployments came in two pages: the second asked with the first's continue token
    deployment_calls = [r for r in api.requests if "/deployments" in r]
    assert len(deployment_calls) == 2 and "continue=" in deployment_calls[1]
    # provenance: each workload names the call, the object and the time
    paths = {v["path"]: v for v in found.values}
    assert paths["eks.workloads[api-gateway]"]["arn"] == "Deployment emrtask-staging/api-gateway"
    assert paths["eks.daemonsets[aws-node]"]["call"] == "kubernetes list DaemonSet"
    assert all(v["at"] == "2026-12-02T12:00:00+00:00" for v in found.values)


def test_a_namespace_reads_namespaced_lists_but_daemonsets_everywhere(cluster):
    kubeconfig, api = cluster
    found = from_cluster(kubeconfig, context="staging", namespace="emrtask-staging", at=AT)
    assert _summary(found)["workloads"] == EXPECTED_WORKLOADS
    paths = {urlparse(r).path for r in api.requests}
    assert "/apis/apps/v1/namespaces/emrtask-staging/deployments" in paths
    assert "/apis/apps/v1/daemonsets" in paths  # node overhead, whatever the namespace


def _as_kubectl_list() -> dict[str, Any]:
    """What ``kubectl get deploy,sts,ds,hpa,quota,limits -A -o json`` prints for the same
    objects: one List whose items carry their kind and apiVersion."""
    items = []
    for name, kind in (
        ("deployments-page1.json", "Deployment"),
        ("deployments-page2.json", "Deployment"),
        ("statefulsets.json", "StatefulSet"),
        ("daemonsets.json", "DaemonSet"),
        ("horizontalpodautoscalers.json", "HorizontalPodAutoscaler"),
        ("resourcequotas.json", "ResourceQuota"),
        ("limitranges.json", "LimitRange"),
    ):
        page = json.loads((DATA / name).read_text())
        items += [{"apiVersion": page["apiVersion"], "kind": kind, **i} for i in page["items"]]
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


def test_a_kubectl_json_file_reads_like_the_cluster(cluster, tmp_path):
    kubeconfig, _api = cluster
    path = tmp_path / "kubectl.json"
    path.write_text(json.dumps(_as_kubectl_list()), encoding="utf-8")
    from_file = _summary(from_kubectl_json(path, namespace=None, at=AT))
    live = _summary(from_cluster(kubeconfig, context="staging", namespace=None, at=AT))
    assert from_file == live
    assert from_file["workloads"] == EXPECTED_WORKLOADS


def test_a_statefulset_is_a_workload_and_a_daemonset_per_node_overhead(tmp_path):
    listing = _as_kubectl_list()
    listing["items"].append(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "zookeeper", "namespace": "emrtask-staging"},
            "spec": {
                "replicas": 3,
                "serviceName": "zookeeper",
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "zk",
                                "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}},
                            },
                            {
                                "name": "exporter",
                                "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
                            },
                        ]
                    }
                },
            },
        }
    )
    path = tmp_path / "k.json"
    path.write_text(json.dumps(listing), encoding="utf-8")
    got = _summary(from_kubectl_json(path, namespace="emrtask-staging", at=AT))
    # no HPA: spec.replicas for both ends; requests summed over containers:
    # 500m + 50m = 550m, 1Gi + 64Mi = 1088Mi
    assert got["workloads"]["zookeeper"] == (3, 3, "550m", "1088Mi", None, None, False)
    assert set(got["workloads"]) == {*EXPECTED_WORKLOADS, "zookeeper"}
    # kube-system's DaemonSets are kept with --namespace: they run on every node
    assert set(got["daemonsets"]) == {"aws-node", "kube-proxy"}


def test_helm_template_manifests_read_like_the_cluster():
    found = from_manifests(SCENARIOS_DIR / "manifests" / "staging", at=AT)
    assert _summary(found)["workloads"] == EXPECTED_WORKLOADS


def test_discovered_workloads_go_through_capacity_and_match_the_plan(cluster, run_cli, tmp_path):
    kubeconfig, _api = cluster
    out = tmp_path / "staging-running.yaml"
    result = run_cli(
        [
            "discover",
            "--plan",
            "staging",
            "--kubeconfig",
            str(kubeconfig),
            "--context",
            "staging",
            "--namespace",
            "emrtask-staging",
            "--no-progress",
            "-o",
            str(out),
        ]
    )
    assert result.code == 0, result.err
    capacity = run_cli(["capacity", str(out), "--format", "json"])
    assert capacity.code == 0, capacity.err
    groups = {g["name"]: g for g in json.loads(capacity.out)["node_groups"]}
    # as for the bundled staging: 2 general and 1 compute node at expected replicas
    assert (groups["general"]["nodes_at_expected"], groups["compute"]["nodes_at_expected"]) == (
        2,
        1,
    )
    # the node groups' monthly cost at expected replicas, as staging's, lines rounded first:
    # 2 x t3.medium (1460 h x 0.0416 = 60.736 -> 60.74) + 1 x t3.large spot (730 h x 0.0832
    # x 30% = 18.2208 -> 18.22) + 40 + 20 GB gp3 (3.20 + 1.60) = 83.76
    assert json.loads(capacity.out)["node_groups_monthly_usd_at_expected"] == "83.76"
    drift = run_cli(["drift", "staging", str(out)])
    assert drift.code == 0, drift.out  # the cluster runs what the plan says


def test_a_kubeconfig_without_the_context_is_one_line(cluster, run_cli, tmp_path):
    kubeconfig, api = cluster
    out = tmp_path / "x.yaml"
    result = run_cli(
        [
            "discover",
            "--plan",
            "staging",
            "--kubeconfig",
            str(kubeconfig),
            "--context",
            "production",
            "-o",
            str(out),
        ]
    )
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "--context production" in result.err and "production" in result.err
    assert "Traceback" not in result.err
    assert not out.exists() and api.requests == []


def test_a_forbidden_kind_is_one_line_and_marked_missing(cluster, run_cli, tmp_path):
    kubeconfig, api = cluster
    api.forbidden = ("statefulsets",)
    out = tmp_path / "x.yaml"
    result = run_cli(
        [
            "discover",
            "--plan",
            "staging",
            "--kubeconfig",
            str(kubeconfig),
            "--no-progress",
            "-o",
            str(out),
        ]
    )
    assert result.code == 0, result.err
    assert [ln for ln in result.err.splitlines() if "denied" in ln] == [
        "warning: denied: list statefulsets (HTTP 403); StatefulSet objects are missing"
    ]
    from planner.scenario import load_scenario

    discovery = load_scenario(out).topology.discovery
    assert discovery is not None
    missing = discovery.missing
    assert [m.part for m in missing] == ["kubernetes StatefulSet"]


def test_a_kubectl_file_that_is_not_a_list_is_one_line(run_cli, tmp_path):
    path = tmp_path / "k.json"
    path.write_text('{"kind": "Deployment", "metadata": {}}')
    result = run_cli(["discover", "--plan", "staging", "--kubectl-json", str(path)])
    assert result.code == 2
    assert result.err.splitlines() == [
        f"planner: error: --kubectl-json {path}: expected a kubectl List with items (kubectl "
        "get deploy,sts,ds,hpa,quota,limits -A -o json), got kind 'Deployment'"
    ]
