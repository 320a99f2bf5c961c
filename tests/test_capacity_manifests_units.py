"""Kubernetes objects to workloads (planner.capacity.manifests.read_objects), in memory.

Kubernetes rules used for the expected values:

- a Deployment without ``spec.replicas`` runs 1 replica (the API default); an HPA without
  ``minReplicas`` scales from 1 (the autoscaling/v2 default) to its ``maxReplicas``;
- a pod's effective request is the larger of the sum of its containers' requests and its
  largest init container's request, per resource;
- ``podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`` on
  ``kubernetes.io/hostname`` keeps two replicas off one node; a topology spread constraint on
  ``topology.kubernetes.io/zone`` with ``whenUnsatisfiable: DoNotSchedule`` spreads them over
  the zones (``ScheduleAnyway`` is only a preference).
"""

from __future__ import annotations

from typing import Any

import pytest

from planner.capacity.manifests import read_objects
from planner.errors import CapacityInputError

MIB = 2**20


def container(cpu: str | None = "100m", memory: str | None = "128Mi", **extra: Any) -> Any:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    return {"name": extra.pop("name", "app"), "resources": {"requests": requests, **extra}}


def deployment(name: str = "web", kind: str = "Deployment", **spec: Any) -> dict[str, Any]:
    pod = {"containers": spec.pop("containers", [container()]), **spec.pop("pod", {})}
    return {
        "kind": kind,
        "metadata": {"name": name, "namespace": spec.pop("namespace", "shop")},
        "spec": {**spec, "template": {"spec": pod}},
    }


def hpa(target: str, **spec: Any) -> dict[str, Any]:
    return {
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": f"{target}-hpa"},
        "spec": {"scaleTargetRef": {"name": target}, **spec},
    }


def read(*docs: dict[str, Any]) -> Any:
    return read_objects([(f"f.yaml: {d['kind']} {d['metadata']['name']}", d) for d in docs])


def test_replicas_default_to_one_and_follow_spec_or_hpa() -> None:
    found = read(
        deployment("a"),
        deployment("b", replicas=3),
        deployment("c", replicas=2),
        hpa("c", maxReplicas=7),
        deployment("d", replicas=5),
        hpa("d", minReplicas=4, maxReplicas=9),
    )
    got = {w.name: (w.replicas_min, w.replicas_max) for w in found.workloads}
    # a: no replicas, no HPA -> 1; b: 3; c: HPA without minReplicas -> 1..7 (spec.replicas
    # is the HPA's to change); d: the HPA's 4..9
    assert got == {"a": (1, 1), "b": (3, 3), "c": (1, 7), "d": (4, 9)}


def test_requests_sum_containers_and_init_containers_take_the_max() -> None:
    """Containers 100m/128Mi + 300m/64Mi = 400m/192Mi. An init container of 250m/512Mi: CPU
    stays 400m (sum larger), memory becomes 512Mi (init larger). Two init containers: the
    largest of each resource counts, not their sum (they run one after another)."""
    pod = {
        "initContainers": [
            {"name": "i1", "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}}},
            {"name": "i2", "resources": {"requests": {"cpu": "50m", "memory": "100Mi"}}},
        ]
    }
    found = read(
        deployment(
            containers=[container("100m", "128Mi"), container("300m", "64Mi", name="side")],
            pod=pod,
        )
    )
    (w,) = found.workloads
    assert (w.cpu_request_m, w.memory_request_bytes) == (400, 512 * MIB)
    big_init = {"initContainers": [{"resources": {"requests": {"cpu": "2"}}}]}
    (w,) = read(deployment(pod=big_init)).workloads
    assert (w.cpu_request_m, w.memory_request_bytes) == (2000, 128 * MIB)


def test_limits_summed_when_stated() -> None:
    limited = [
        container(limits={"cpu": "1", "memory": "1Gi"}),
        container(name="b", limits={"cpu": "500m", "memory": "512Mi"}),
    ]
    (w,) = read(deployment(containers=limited)).workloads
    assert (w.cpu_limit_m, w.memory_limit_bytes) == (1500, 1536 * MIB)  # 1 + 0.5; 1Gi + 512Mi
    (w,) = read(deployment()).workloads
    assert (w.cpu_limit, w.memory_limit) == (None, None)  # no limits: the request stands in
    cpu_only = [container(limits={"cpu": "2"})]
    (w,) = read(deployment(containers=cpu_only)).workloads
    assert (w.cpu_limit_m, w.memory_limit) == (2000, None)


def test_scheduling_fields() -> None:
    anti = {
        "affinity": {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"topologyKey": "kubernetes.io/hostname"}
                ]
            }
        },
        "topologySpreadConstraints": [
            {"topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule"}
        ],
        "nodeSelector": {"disk": "ssd"},
        "tolerations": [
            {"key": "batch", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}
        ],
    }
    loose = {
        "affinity": {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"topologyKey": "topology.kubernetes.io/zone"}
                ]
            }
        },
        "topologySpreadConstraints": [
            {"topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"},
            {"topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule"},
        ],
    }
    found = read(deployment("strict", pod=anti), deployment("loose", pod=loose))
    strict, other = found.workloads
    assert (strict.anti_affinity, strict.spread_zones) == (True, True)
    assert strict.node_selector == {"disk": "ssd"}
    (tol,) = strict.tolerations
    assert (tol.key, tol.operator, tol.effect) == ("batch", "Exists", "NoSchedule")
    assert (other.anti_affinity, other.spread_zones) == (False, False)
    assert other.node_selector == {} and other.tolerations == ()
    assert strict.source == "f.yaml"


def test_statefulset_is_a_workload_daemonset_is_overhead_and_namespace() -> None:
    """A DaemonSet's requests are its containers' sum (25m + 75m = 100m, 0 + 64Mi = 64Mi); one
    without memory requests states none. The namespace is the first one on a non-DaemonSet
    object (DaemonSets run in kube-system)."""
    ds = deployment("agent", kind="DaemonSet", namespace="kube-system")
    ds["spec"]["template"]["spec"]["containers"] = [
        container("25m", None),
        container("75m", "64Mi", name="b"),
    ]
    bare = deployment("proxy", kind="DaemonSet", namespace="kube-system")
    bare["spec"]["template"]["spec"]["containers"] = [container("100m", None)]
    found = read(ds, bare, deployment("db", kind="StatefulSet", replicas=2, namespace="data"))
    assert found.namespace == "data"
    assert [(w.name, w.replicas_min) for w in found.workloads] == [("db", 2)]
    agent, proxy = found.daemonsets
    assert (agent.name, agent.cpu_request_m, agent.memory_request_bytes) == ("agent", 100, 64 * MIB)
    assert (proxy.cpu_request_m, proxy.memory_request) == (100, None)
    assert agent.source == "f.yaml"
    assert read(deployment(namespace=None)).namespace is None


def test_quota_and_limit_range() -> None:
    quota = {
        "kind": "ResourceQuota",
        "metadata": {"name": "q"},
        "spec": {"hard": {"requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "12"}},
    }
    limits = {
        "kind": "LimitRange",
        "metadata": {"name": "l"},
        "spec": {
            "limits": [
                {"type": "Pod", "max": {"cpu": "9"}},
                {
                    "type": "Container",
                    "min": {"cpu": "100m", "memory": "128Mi"},
                    "max": {"cpu": "4", "memory": "8Gi"},
                },
            ]
        },
    }
    found = read(deployment(), quota, limits)
    q, lr = found.resource_quota, found.limit_range
    assert q is not None and lr is not None
    assert (q.requests_cpu, q.requests_memory, q.limits_cpu, q.limits_memory) == (
        "8",
        "16Gi",
        "12",
        None,
    )
    assert (lr.min_cpu, lr.max_cpu, lr.min_memory, lr.max_memory) == ("100m", "4", "128Mi", "8Gi")
    pod_only = {**limits, "spec": {"limits": [{"type": "Pod", "max": {"cpu": "9"}}]}}
    assert read(deployment(), pod_only).limit_range is None
    none = read(deployment())
    assert (none.resource_quota, none.limit_range, none.daemonsets) == (None, None, ())
    # all four of spec.hard's compute fields are read, limits.memory too
    hard = {"requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "12"}
    full = {**quota, "spec": {"hard": {**hard, "limits.memory": "24Gi"}}}
    q = read(deployment(), full).resource_quota
    assert q is not None and q.limits_memory == "24Gi"


@pytest.mark.parametrize(
    ("docs", "message"),
    [
        ([deployment(), deployment()], "Deployment 'web' is also defined in f.yaml"),
        (
            [deployment("x", kind="DaemonSet"), deployment("x", kind="DaemonSet")],
            "DaemonSet 'x' is given twice",
        ),
        (
            [deployment(), hpa("web", maxReplicas=2), hpa("web", maxReplicas=3)],
            "a second HorizontalPodAutoscaler for 'web'",
        ),
        (
            [{"kind": "ResourceQuota", "metadata": {"name": n},
              "spec": {"hard": {"requests.cpu": "1", "requests.memory": "1Gi"}}}
             for n in ("a", "b")],
            r"a second ResourceQuota \(the first is f.yaml: ResourceQuota a\)",
        ),
        (
            [{"kind": "LimitRange", "metadata": {"name": n},
              "spec": {"limits": [{"type": "Container", "min": {"cpu": "1m", "memory": "1Mi"},
                                   "max": {"cpu": "1", "memory": "1Gi"}}]}}
             for n in ("a", "b")],
            r"a second LimitRange \(the first is f.yaml: LimitRange a\)",
        ),
        (
            [deployment(containers=[])],
            "spec.template.spec.containers is empty; a Deployment needs one",
        ),
        (
            [deployment(containers=[container(memory=None)])],
            "resources.requests.memory is not set on any container",
        ),
        (
            [deployment(containers=[container(cpu=None)])],
            "resources.requests.cpu is not set on any container",
        ),
        ([deployment(replicas="three")], "replicas_min: .* \\(got 'three'\\)"),
    ],
)  # fmt: skip
def test_problems_are_one_line_errors(docs: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(CapacityInputError, match=message) as info:
        read(*docs)
    assert "\n" not in str(info.value)


def test_a_bad_value_is_shown_but_not_a_whole_mapping() -> None:
    with pytest.raises(CapacityInputError) as info:
        read(deployment(replicas=[1, 2]))
    assert "replicas_min" in str(info.value) and "(got" not in str(info.value)
    with pytest.raises(CapacityInputError, match=r"f.yaml: Deployment web: .*\(got 'x'\)"):
        read(deployment(containers=[container()], replicas="x"))


def test_folder_reads_yaml_files_only(tmp_path: Any) -> None:
    """A folder's manifests are its *.yaml and *.yml files; a README or a sub-folder named
    like a manifest is not read."""
    from planner.capacity.manifests import read_manifests

    (tmp_path / "web.yaml").write_text(
        "kind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: app\n"
        "        resources: {requests: {cpu: 100m, memory: 64Mi}}\n",
        encoding="utf-8",
    )
    (tmp_path / "api.yml").write_text(
        (tmp_path / "web.yaml").read_text(encoding="utf-8").replace("web", "api"),
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text("not: [yaml", encoding="utf-8")
    (tmp_path / "old.yaml").mkdir()
    found = read_manifests(tmp_path)
    assert [f.name for f in found.files] == ["api.yml", "web.yaml"]  # sorted by name
    assert [w.name for w in found.workloads] == ["api", "web"]


def test_yaml_problem_names_file_line_and_field(tmp_path: Any) -> None:
    """A key given twice on line 3 of a manifest: the error names the file and the line."""
    from planner.capacity.manifests import read_manifests

    path = tmp_path / "dup.yaml"
    path.write_text("kind: Deployment\nmetadata: {name: web}\nkind: Service\n", encoding="utf-8")
    with pytest.raises(CapacityInputError) as info:
        read_manifests(path)
    assert str(info.value).startswith(f"{path}: line 3: ")
    assert "None" not in str(info.value)


def test_bad_quantities_and_shapes_name_the_container_and_field() -> None:
    bad_mem = [container("100m", "64MB")]
    with pytest.raises(CapacityInputError) as info:
        read(deployment(containers=bad_mem))
    assert str(info.value).startswith(
        "f.yaml: Deployment web: container app: resources.requests.memory: "
    )
    bad_cpu = [container("1 core", "64Mi")]
    with pytest.raises(CapacityInputError, match=r"container app: resources\.requests\.cpu: "):
        read(deployment(containers=bad_cpu))
    with pytest.raises(CapacityInputError, match="initContainers must be a list, got a str"):
        read(deployment(pod={"initContainers": "setup"}))
    with pytest.raises(CapacityInputError, match="tolerations must be a list, got a dict"):
        read(deployment(pod={"tolerations": {"key": "x"}}))
    with pytest.raises(CapacityInputError, match="initContainer 0: "):
        read(deployment(pod={"initContainers": [{"resources": {"requests": {"cpu": "x"}}}]}))


WEB_YAML = (
    "kind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
    "      containers:\n      - name: app\n"
    "        resources: {requests: {cpu: 100m, memory: 64Mi}}\n"
)


def test_a_symlink_out_of_the_folder_is_refused_unread(tmp_path: Any) -> None:
    """Path confinement: a manifest in the folder that links outside it is refused by name,
    its content never read nor echoed; a link to a file inside the folder is read."""
    from planner.capacity.manifests import read_manifests

    folder, outside = tmp_path / "manifests", tmp_path / "secret.yaml"
    folder.mkdir()
    outside.write_text("kind: Secret\nmetadata: {name: TOPSECRET}\n", encoding="utf-8")
    (folder / "web.yaml").write_text(WEB_YAML, encoding="utf-8")
    (folder / "leak.yaml").symlink_to(outside)
    with pytest.raises(CapacityInputError) as info:
        read_manifests(folder)
    message = str(info.value)
    assert message.startswith(f"workloads_from: {folder / 'leak.yaml'}: a symlink to a file")
    assert f"outside {folder}" in message and "TOPSECRET" not in message
    (folder / "leak.yaml").unlink()
    (folder / "sub").mkdir()  # a sub-folder is not read itself
    (folder / "sub" / "api.yaml").write_text(WEB_YAML.replace("web", "api"), encoding="utf-8")
    (folder / "api.yaml").symlink_to(folder / "sub" / "api.yaml")
    found = read_manifests(folder)
    assert [f.name for f in found.files] == ["api.yaml", "web.yaml"]
    assert [w.name for w in found.workloads] == ["api", "web"]


def test_one_file_or_nothing(tmp_path: Any) -> None:
    from planner.capacity.manifests import read_manifests

    path = tmp_path / "web.yaml"
    path.write_text(WEB_YAML, encoding="utf-8")
    found = read_manifests(path)
    assert found.files == (path,) and [w.name for w in found.workloads] == ["web"]
    with pytest.raises(CapacityInputError, match="no such manifest file or directory"):
        read_manifests(tmp_path / "missing")


def test_shapes_that_are_not_mappings_or_lists() -> None:
    not_mapping = r"spec\.template\.spec must be a mapping, got a list"
    with pytest.raises(CapacityInputError, match=not_mapping):
        read(deployment() | {"spec": {"template": {"spec": []}}})
    with pytest.raises(CapacityInputError, match="container 0: must be a mapping"):
        read(deployment(containers=["app"]))
    with pytest.raises(CapacityInputError, match="two Container limits in one LimitRange"):
        item = {"type": "Container", "min": {"cpu": "1m", "memory": "1Mi"},
                "max": {"cpu": "1", "memory": "1Gi"}}  # fmt: skip
        read({"kind": "LimitRange", "metadata": {"name": "l"}, "spec": {"limits": [item, item]}})
    with pytest.raises(CapacityInputError, match=r"spec.limits\[0\] must be a mapping"):
        read({"kind": "LimitRange", "metadata": {"name": "l"}, "spec": {"limits": ["x"]}})


def test_a_bad_daemonset_names_its_file_and_object() -> None:
    ds = deployment("bad name", kind="DaemonSet")  # a space: not a Kubernetes name
    with pytest.raises(CapacityInputError) as info:
        read(ds)
    assert str(info.value).startswith("f.yaml: DaemonSet bad name: name: ")


def test_containers_that_are_not_a_list_name_the_object() -> None:
    with pytest.raises(CapacityInputError) as info:
        read(deployment(containers="app"))
    assert str(info.value) == "f.yaml: Deployment web: containers must be a list, got a str"


def test_more_fields_of_the_wrong_shape_are_named() -> None:
    with pytest.raises(CapacityInputError, match="topologySpreadConstraints must be a list"):
        read(deployment(pod={"topologySpreadConstraints": {"topologyKey": "x"}}))
    init = {"initContainers": [{"name": "setup", "resources": {"requests": "1 cpu"}}]}
    with pytest.raises(CapacityInputError) as info:
        read(deployment(pod=init))
    assert str(info.value) == (
        "f.yaml: Deployment web: initContainer setup: resources.requests must be a mapping, "
        "got a str"
    )


def test_a_manifest_that_is_not_utf8_says_so(tmp_path: Any) -> None:
    from planner.capacity.manifests import read_manifests

    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"kind: Deployment\nmetadata: {name: caf\xe9}\n")  # 0xE9: Latin-1 e-acute
    with pytest.raises(CapacityInputError) as info:
        read_manifests(path)
    assert str(info.value).endswith("; Kubernetes manifests are UTF-8 YAML")
    assert "is not UTF-8 text" in str(info.value)
