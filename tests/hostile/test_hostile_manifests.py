"""Hostile Kubernetes manifests (workloads_from): malformed objects, duplicates, encodings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hostile.hostile_cases import MANIFESTS, STAGING, Case, ids, run_case

API = (MANIFESTS / "api-gateway.yaml").read_text(encoding="utf-8")


def manifests(edit: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    """Copy the bundled staging manifests beside a scenario that reads them, then edit."""

    def make(tmp: Path) -> list[str]:
        folder = tmp / "manifests"
        folder.mkdir()
        for f in MANIFESTS.iterdir():
            (folder / f.name).write_bytes(f.read_bytes())
        edit(folder)
        scenario = tmp / "s.yaml"
        scenario.write_text(
            f"extends: {STAGING}\neks:\n  workloads: []\n  workloads_from: manifests\n",
            encoding="utf-8",
        )
        return ["capacity", str(scenario)]

    return make


def replace_in_api(old: str, new: str) -> Callable[[Path], list[str]]:
    def edit(folder: Path) -> None:
        assert old in API, old
        (folder / "api-gateway.yaml").write_text(API.replace(old, new, 1), encoding="utf-8")

    return manifests(edit)


def set_file(name: str, text: str | bytes) -> Callable[[Path], list[str]]:
    """Write (or overwrite) one manifest file."""
    return add_file(name, text)


def add_file(name: str, text: str | bytes) -> Callable[[Path], list[str]]:
    def edit(folder: Path) -> None:
        if isinstance(text, bytes):
            (folder / name).write_bytes(text)
        else:
            (folder / name).write_text(text, encoding="utf-8")

    return manifests(edit)


TOLERATION = "      containers:\n"
QUOTA = """apiVersion: v1
kind: ResourceQuota
metadata:
  name: quota
spec:
  hard: {hard}
"""
LIMITS = """apiVersion: v1
kind: LimitRange
metadata:
  name: limits
spec:
  limits: {limits}
"""

CASES = [
    Case(
        "toleration-unknown-operator",
        replace_in_api(
            TOLERATION,
            "      tolerations:\n        - {key: a, operator: Sometimes}\n" + TOLERATION,
        ),
        2,
        "Deployment api-gateway: tolerations.0.operator: Input should be 'Equal' or 'Exists'",
    ),
    Case(
        "toleration-as-string",
        replace_in_api(TOLERATION, "      tolerations:\n        - dedicated\n" + TOLERATION),
        2,
        "tolerations.0: Input should be a valid dictionary or instance of Toleration",
    ),
    Case(
        "tolerations-not-a-list",
        replace_in_api(TOLERATION, "      tolerations: dedicated\n" + TOLERATION),
        2,
        "tolerations must be a list, got a str",
    ),
    Case(
        "requests-as-list",
        replace_in_api(
            '            requests:              # §3.6 "250m CPU, 512Mi memory"\n'
            "              cpu: 250m\n              memory: 512Mi\n",
            "            requests: [cpu, 250m]\n",
        ),
        2,
        "container api-gateway: resources.requests must be a mapping, got a list",
    ),
    Case(
        "non-utf8-manifest",
        add_file("latin1.yaml", b"kind: Deployment\nmetadata:\n  name: caf\xe9\n"),
        2,
        "latin1.yaml: is not UTF-8 text",
    ),
    Case(
        "limitrange-limits-not-a-list",
        set_file("namespace.yaml", LIMITS.format(limits="{type: Container}")),
        2,
        "LimitRange limits: spec.limits must be a list, got a dict",
    ),
    Case(
        "limitrange-item-not-a-mapping",
        set_file("namespace.yaml", LIMITS.format(limits="[Container]")),
        2,
        "spec.limits[0] must be a mapping, got a str",
    ),
    Case(
        "limitrange-bad-quantity",
        set_file(
            "namespace.yaml",
            LIMITS.format(
                limits="[{type: Container, min: {cpu: 1 core, memory: 1Mi}, "
                "max: {cpu: '2', memory: 1Gi}}]"
            ),
        ),
        2,
        "LimitRange limits: spec.limits[0]: min_cpu",
    ),
    Case(
        "resourcequota-hard-as-list",
        set_file("namespace.yaml", QUOTA.format(hard="[requests.cpu, '8']")),
        2,
        "ResourceQuota quota: spec.hard must be a mapping, got a list",
    ),
    Case(
        "resourcequota-missing-memory",
        set_file("namespace.yaml", QUOTA.format(hard="{requests.cpu: '8'}")),
        2,
        "ResourceQuota quota: requests_memory",
    ),
    Case(
        "duplicate-deployment",
        add_file("copy.yaml", API),
        2,
        "Deployment 'api-gateway' is also defined in",
    ),
    Case(
        "duplicate-resourcequota",
        set_file(
            "namespace.yaml",
            QUOTA.format(hard="{requests.cpu: '8', requests.memory: 16Gi}")
            + "---\n"
            + QUOTA.format(hard="{requests.cpu: '8', requests.memory: 16Gi}"),
        ),
        2,
        "a second ResourceQuota",
    ),
    Case(
        "duplicate-key-in-manifest",
        replace_in_api("  replicas: 2 ", "  replicas: 2\n  replicas: 3 "),
        2,
        "api-gateway.yaml: line 10: spec.replicas: key 'replicas' is given twice",
    ),
    Case(
        "alias-bomb-in-manifest",
        add_file(
            "bomb.yaml",
            "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10)
            ),
        ),
        2,
        "bomb.yaml: line 1: aliases expand the document",
    ),
    Case(
        "octal-replicas-in-manifest",
        replace_in_api("  replicas: 2 ", "  replicas: 02 "),
        2,
        "spec.replicas: '02' is read differently",
    ),
    Case(
        "pod-spec-not-a-mapping",
        add_file(
            "odd.yaml",
            "kind: Deployment\nmetadata: {name: odd}\nspec: {template: {spec: [a]}}\n",
        ),
        2,
        "spec.template.spec must be a mapping, got a list",
    ),
    Case(
        "folder-named-yaml",
        manifests(lambda folder: (folder / "sub.yaml").mkdir()),
        0,
        "",
    ),
]


@pytest.mark.parametrize("case", ids(CASES))
def test_hostile_manifests(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_case(case, tmp_path, capsys)
