"""Read workloads from Kubernetes manifests: Deployment, HorizontalPodAutoscaler,
ResourceQuota and LimitRange (other kinds, e.g. Service, are skipped).

A Deployment's pod request is the sum over its containers, or its largest init container if
that is larger (the Kubernetes effective-request rule). Replicas come from the HPA whose
``scaleTargetRef`` names the Deployment, else ``spec.replicas`` for both ends. Required pod
anti-affinity on ``kubernetes.io/hostname`` sets ``anti_affinity``; a topology spread
constraint on ``topology.kubernetes.io/zone`` sets ``spread_zones``.

Every problem is a one-line :class:`CapacityInputError` naming file, object, field and value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from planner.errors import CapacityInputError
from planner.quantities import (
    QuantityError,
    format_cpu,
    format_memory,
    parse_cpu_millicores,
    parse_memory_bytes,
)
from planner.topology import LimitRange, ResourceQuota, Toleration, Workload

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"


@dataclass(frozen=True)
class ManifestSet:
    workloads: tuple[Workload, ...]
    resource_quota: ResourceQuota | None
    limit_range: LimitRange | None
    namespace: str | None
    files: tuple[Path, ...]


def _fail(where: str, message: str) -> CapacityInputError:
    return CapacityInputError(f"{where}: {message}")


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    if path.is_file():
        return [path]
    raise CapacityInputError(f"workloads_from: {path}: no such manifest file or directory")


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _cpu(where: str, value: Any) -> int:
    try:
        return parse_cpu_millicores(value)
    except QuantityError as exc:
        raise _fail(where, str(exc)) from None


def _mem(where: str, value: Any) -> int:
    try:
        return parse_memory_bytes(value)
    except QuantityError as exc:
        raise _fail(where, str(exc)) from None


def _sum_containers(where: str, containers: Any, key: str) -> tuple[int | None, int | None]:
    """Sum of container ``resources.<key>`` (cpu m, memory bytes); None if none states it."""
    cpu_total: int | None = None
    mem_total: int | None = None
    for i, container in enumerate(containers or []):
        name = _get(container, "name") or str(i)
        resources = _get(container, "resources", key) or {}
        if "cpu" in resources:
            cpu = _cpu(f"{where}: container {name}: resources.{key}.cpu", resources["cpu"])
            cpu_total = (cpu_total or 0) + cpu
        if "memory" in resources:
            mem = _mem(f"{where}: container {name}: resources.{key}.memory", resources["memory"])
            mem_total = (mem_total or 0) + mem
    return cpu_total, mem_total


def _max_init(where: str, containers: Any) -> tuple[int, int]:
    cpu_max = mem_max = 0
    for i, container in enumerate(containers or []):
        name = _get(container, "name") or str(i)
        requests = _get(container, "resources", "requests") or {}
        if "cpu" in requests:
            cpu_max = max(cpu_max, _cpu(f"{where}: initContainer {name}", requests["cpu"]))
        if "memory" in requests:
            mem_max = max(mem_max, _mem(f"{where}: initContainer {name}", requests["memory"]))
    return cpu_max, mem_max


def _memory_text(num_bytes: int) -> str:
    return format_memory(num_bytes)


def _deployment(where: str, doc: dict[str, Any], hpa: dict[str, Any] | None) -> dict[str, Any]:
    pod = _get(doc, "spec", "template", "spec") or {}
    containers = pod.get("containers")
    if not containers:
        raise _fail(where, "spec.template.spec.containers is empty; a Deployment needs one")
    cpu_req, mem_req = _sum_containers(where, containers, "requests")
    if cpu_req is None or mem_req is None:
        missing = "cpu" if cpu_req is None else "memory"
        raise _fail(
            where,
            f"resources.requests.{missing} is not set on any container; the capacity model "
            "needs requests (add them, or list the workload in the scenario)",
        )
    init_cpu, init_mem = _max_init(where, pod.get("initContainers"))
    cpu_req, mem_req = max(cpu_req, init_cpu), max(mem_req, init_mem)
    cpu_lim, mem_lim = _sum_containers(where, containers, "limits")
    replicas = _get(doc, "spec", "replicas")
    if hpa is not None:
        low, high = _get(hpa, "spec", "minReplicas"), _get(hpa, "spec", "maxReplicas")
        low = 1 if low is None else low
    else:
        low = high = 1 if replicas is None else replicas
    anti = any(
        _get(term, "topologyKey") == HOSTNAME
        for term in _get(
            pod, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"
        )
        or []
    )
    spread = any(
        _get(c, "topologyKey") == ZONE and _get(c, "whenUnsatisfiable") == "DoNotSchedule"
        for c in pod.get("topologySpreadConstraints") or []
    )
    fields: dict[str, Any] = {
        "name": _get(doc, "metadata", "name"),
        "replicas_min": low,
        "replicas_max": high,
        "cpu_request": format_cpu(cpu_req),
        "memory_request": _memory_text(mem_req),
        "anti_affinity": anti,
        "spread_zones": spread,
        "node_selector": pod.get("nodeSelector") or {},
        "tolerations": tuple(
            Toleration(**{k: v for k, v in t.items() if k in Toleration.model_fields})
            for t in pod.get("tolerations") or []
        ),
        "source": where.split(": ")[0],
    }
    if cpu_lim is not None:
        fields["cpu_limit"] = format_cpu(cpu_lim)
    if mem_lim is not None:
        fields["memory_limit"] = _memory_text(mem_lim)
    return fields


def _validated(where: str, model: Any, fields: dict[str, Any]) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in error["loc"]) or "(object)"
        message = str(error["msg"]).removeprefix("Value error, ")
        value = error.get("input")
        shown = "" if isinstance(value, dict) else f" (got {value!r})"
        raise _fail(where, f"{loc}: {message}{shown}") from None


def read_manifests(path: str | Path) -> ManifestSet:
    """Read every ``*.yaml`` in a directory (sorted) or one file."""
    files = _files(Path(path))
    deployments: list[tuple[str, dict[str, Any]]] = []
    hpas: dict[str, tuple[str, dict[str, Any]]] = {}
    quota: ResourceQuota | None = None
    limits: LimitRange | None = None
    namespace: str | None = None
    for file in files:
        try:
            docs = list(yaml.safe_load_all(file.read_text(encoding="utf-8")))
        except yaml.YAMLError as exc:
            raise CapacityInputError(f"{file}: YAML error: {' '.join(str(exc).split())}") from None
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            kind, name = doc.get("kind"), _get(doc, "metadata", "name")
            where = f"{file}: {kind} {name}"
            namespace = namespace or _get(doc, "metadata", "namespace")
            if kind == "Deployment":
                deployments.append((where, doc))
            elif kind == "HorizontalPodAutoscaler":
                target = _get(doc, "spec", "scaleTargetRef", "name")
                hpas[str(target)] = (where, doc)
            elif kind == "ResourceQuota":
                hard = _get(doc, "spec", "hard") or {}
                fields = {
                    "requests_cpu": hard.get("requests.cpu"),
                    "requests_memory": hard.get("requests.memory"),
                    "limits_cpu": hard.get("limits.cpu"),
                    "limits_memory": hard.get("limits.memory"),
                }
                quota = _validated(where, ResourceQuota, fields)
            elif kind == "LimitRange":
                for item in _get(doc, "spec", "limits") or []:
                    if item.get("type") == "Container":
                        fields = {
                            "min_cpu": _get(item, "min", "cpu"),
                            "max_cpu": _get(item, "max", "cpu"),
                            "min_memory": _get(item, "min", "memory"),
                            "max_memory": _get(item, "max", "memory"),
                        }
                        limits = _validated(where, LimitRange, fields)
    workloads = []
    for where, doc in deployments:
        name = str(_get(doc, "metadata", "name"))
        hpa = hpas.get(name)
        fields = _deployment(where, doc, hpa[1] if hpa else None)
        workloads.append(_validated(hpa[0] if hpa else where, Workload, fields))
    return ManifestSet(
        workloads=tuple(workloads),
        resource_quota=quota,
        limit_range=limits,
        namespace=namespace,
        files=tuple(files),
    )
