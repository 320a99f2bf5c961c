"""Which namespace a set of Kubernetes objects is read for, and the object named in each
wrong-shape error (planner.capacity.manifests.read_objects, in memory).

The namespace decides which ResourceQuota and LimitRange apply to the workloads (the
capacity plan checks the quota of that namespace), so it is the *first* namespace stated on
a workload object; a DaemonSet's namespace (kube-system for the EKS add-ons) is not the
workloads' namespace, and a later object in another namespace or in none does not change it.
"""

from __future__ import annotations

from typing import Any

import pytest

from planner.capacity.manifests import read_objects
from planner.errors import CapacityInputError


def _deployment(name: str, namespace: str | None, kind: str = "Deployment", **pod: Any) -> Any:
    requests = {"cpu": "100m", "memory": "64Mi"}
    spec = {"containers": [{"name": "app", "resources": {"requests": requests}}], **pod}
    return {
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"template": {"spec": spec}},
    }


def _read(*docs: dict[str, Any]) -> Any:
    return read_objects([(f"m.yaml: {d['kind']} {d['metadata']['name']}", d) for d in docs])


def test_the_first_workload_namespace_wins() -> None:
    # shop is stated first; data (a second namespace) and a Deployment with none come later
    found = _read(
        _deployment("a", "shop"),
        _deployment("b", "data"),
        _deployment("c", None),
        _deployment("d", "ops", kind="StatefulSet"),
    )
    assert found.namespace == "shop"
    assert [w.name for w in found.workloads] == ["a", "b", "c", "d"]


def test_a_namespace_after_objects_without_one_is_read() -> None:
    # the first object states none: the first one that does (data) is the namespace
    assert _read(_deployment("a", None), _deployment("b", "data")).namespace == "data"


def test_daemonsets_before_and_after_do_not_set_the_namespace() -> None:
    found = _read(
        _deployment("agent", "kube-system", kind="DaemonSet"),
        _deployment("web", "shop"),
        _deployment("proxy", "kube-system", kind="DaemonSet"),
    )
    assert found.namespace == "shop"
    only_daemonsets = _read(_deployment("agent", "kube-system", kind="DaemonSet"))
    assert only_daemonsets.namespace is None


def test_a_namespace_that_is_not_text_is_not_taken() -> None:
    # metadata.namespace: 7 (a YAML number) is not a name; the next Deployment's is
    found = _read(_deployment("a", 7), _deployment("b", "shop"))  # type: ignore[arg-type]
    assert found.namespace == "shop"


ANTI = "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"


@pytest.mark.parametrize(
    ("pod", "message"),
    [
        (
            {"affinity": {"podAntiAffinity": {ANTI.rsplit(".", 1)[1]: {}}}},
            f"{ANTI} must be a list, got a dict",
        ),
        (
            {"topologySpreadConstraints": "zone"},
            "topologySpreadConstraints must be a list, got a str",
        ),
        ({"tolerations": {"key": "x"}}, "tolerations must be a list, got a dict"),
        ({"initContainers": "setup"}, "initContainers must be a list, got a str"),
    ],
)
def test_a_field_of_the_wrong_shape_names_file_object_and_field(
    pod: dict[str, Any], message: str
) -> None:
    with pytest.raises(CapacityInputError) as info:
        _read(_deployment("web", "shop", **pod))
    assert str(info.value) == f"m.yaml: Deployment web: {message}"


@pytest.mark.parametrize(
    ("containers", "message"),
    [
        ("agent", "containers must be a list, got a str"),
        ([{"name": "a", "resources": {"requests": "25m"}}], "container a: resources.requests"),
    ],
)
def test_a_daemonsets_container_problem_names_file_and_object(
    containers: Any, message: str
) -> None:
    ds = _deployment("agent", "kube-system", kind="DaemonSet")
    ds["spec"]["template"]["spec"]["containers"] = containers
    with pytest.raises(CapacityInputError) as info:
        _read(ds)
    assert str(info.value).startswith(f"m.yaml: DaemonSet agent: {message}")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"limits": "Container"}, "spec.limits must be a list, got a str"),
        ({"limits": ["Container"]}, "spec.limits[0] must be a mapping, got a str"),
        (
            {"limits": [{"type": "Container", "min": {"cpu": "lots"}}]},
            "spec.limits[0]: min_cpu: ",
        ),
    ],
)
def test_a_limit_range_problem_names_file_and_object(spec: dict[str, Any], message: str) -> None:
    limit_range = {"kind": "LimitRange", "metadata": {"name": "lr"}, "spec": spec}
    with pytest.raises(CapacityInputError) as info:
        _read(_deployment("web", "shop"), limit_range)
    assert str(info.value).startswith(f"m.yaml: LimitRange lr: {message}")


def test_a_yaml_syntax_error_names_file_and_line_with_no_empty_field(tmp_path: Any) -> None:
    # an unclosed flow list: a problem of the document's syntax, at no field path, so the
    # message is "<file>: line <n>: <problem>" with no empty field before the problem
    from planner.capacity.manifests import read_manifests

    path = tmp_path / "broken.yaml"
    path.write_text("kind: Deployment\nspec: [1, 2\n", encoding="utf-8")
    with pytest.raises(CapacityInputError) as info:
        read_manifests(path)
    message = str(info.value)
    assert message.startswith(f"{path}: line ")
    after_line = message.split(": line ", 1)[1].split(": ", 1)[1]
    assert not after_line.startswith(":") and ": : " not in message, message
    assert "None" not in message
