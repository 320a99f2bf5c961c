"""Read workloads from Kubernetes manifests: Deployment, StatefulSet, DaemonSet,
HorizontalPodAutoscaler, ResourceQuota and LimitRange (other kinds, e.g. Service, are skipped).

The same objects read from a live cluster or from ``kubectl get ... -o json`` go through
:func:`read_objects` (planner discover). A StatefulSet is a workload like a Deployment; a
DaemonSet is per-node overhead (its pod's requests on every node).

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

from pydantic import BaseModel, ConfigDict, ValidationError

from planner.errors import CapacityInputError
from planner.quantities import (
    QuantityError,
    format_cpu,
    format_memory,
    parse_cpu_millicores,
    parse_memory_bytes,
)
from planner.safe_yaml import YamlProblem, load_documents, read_utf8
from planner.topology import (
    DaemonSet,
    LimitRange,
    Replicas,
    ResourceQuota,
    Toleration,
    Workload,
)

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"


@dataclass(frozen=True)
class ManifestSet:
    workloads: tuple[Workload, ...]
    resource_quota: ResourceQuota | None
    limit_range: LimitRange | None
    namespace: str | None
    files: tuple[Path, ...]
    daemonsets: tuple[DaemonSet, ...] = ()


def _fail(where: str, message: str) -> CapacityInputError:
    return CapacityInputError(f"{where}: {message}")


def _files(path: Path) -> list[Path]:
    """The manifest files of ``path``. A file in the folder that is a symlink to somewhere
    outside the folder is refused by name (its content is never read, never echoed)."""
    try:
        if path.is_dir():
            folder = path.resolve()
            files = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir()
            )
            for file in files:
                real = file.resolve()
                if not real.is_relative_to(folder):
                    raise CapacityInputError(
                        f"workloads_from: {file}: a symlink to a file outside {path}; "
                        "manifests must be inside the folder (copy the file in)"
                    )
            return files
        if path.is_file():
            return [path]
    except OSError as exc:
        raise CapacityInputError(f"workloads_from: {path}: {exc.strerror or exc}") from None
    raise CapacityInputError(f"workloads_from: {path}: no such manifest file or directory")


def _mapping(where: str, value: Any, field: str) -> dict[str, Any]:
    """``value`` as a mapping: None is empty, anything else is a one-line error."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, f"{field} must be a mapping, got a {type(value).__name__}")
    return value


def _list(where: str, value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, f"{field} must be a list, got a {type(value).__name__}")
    return value


def _read(file: Path) -> list[Any]:
    """Every YAML document of one manifest file, parsed strictly (see planner.safe_yaml)."""
    text = read_utf8(file, CapacityInputError, "; Kubernetes manifests are UTF-8 YAML")
    try:
        return [doc.data for doc in load_documents(text, multi=True)]
    except YamlProblem as exc:
        line = f"line {exc.line}: " if exc.line else ""
        field = f"{exc.field()}: " if exc.field() else ""
        raise CapacityInputError(f"{file}: {line}{field}{exc.message}") from None


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
    for i, container in enumerate(_list(where, containers, "containers")):
        name = _get(container, "name") or str(i)
        if not isinstance(container, dict):
            raise _fail(where, f"container {name}: must be a mapping")
        resources = _mapping(
            f"{where}: container {name}",
            _get(container, "resources", key),
            f"resources.{key}",
        )
        if "cpu" in resources:
            cpu = _cpu(f"{where}: container {name}: resources.{key}.cpu", resources["cpu"])
            cpu_total = (cpu_total or 0) + cpu
        if "memory" in resources:
            mem = _mem(f"{where}: container {name}: resources.{key}.memory", resources["memory"])
            mem_total = (mem_total or 0) + mem
    return cpu_total, mem_total


def _max_init(where: str, containers: Any) -> tuple[int, int]:
    cpu_max = mem_max = 0
    for i, container in enumerate(_list(where, containers, "initContainers")):
        name = _get(container, "name") or str(i)
        requests = _mapping(
            f"{where}: initContainer {name}",
            _get(container, "resources", "requests"),
            "resources.requests",
        )
        if "cpu" in requests:
            cpu_max = max(cpu_max, _cpu(f"{where}: initContainer {name}", requests["cpu"]))
        if "memory" in requests:
            mem_max = max(mem_max, _mem(f"{where}: initContainer {name}", requests["memory"]))
    return cpu_max, mem_max


def _memory_text(num_bytes: int) -> str:
    return format_memory(num_bytes)


def _deployment(where: str, doc: dict[str, Any], hpa: dict[str, Any] | None) -> dict[str, Any]:
    pod = _mapping(where, _get(doc, "spec", "template", "spec"), "spec.template.spec")
    containers = pod.get("containers")
    if not containers:
        raise _fail(where, f"spec.template.spec.containers is empty; a {doc.get('kind')} needs one")
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
        for term in _list(
            where,
            _get(
                pod, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"
            ),
            "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        )
    )
    spread = any(
        _get(c, "topologyKey") == ZONE and _get(c, "whenUnsatisfiable") == "DoNotSchedule"
        for c in _list(where, pod.get("topologySpreadConstraints"), "topologySpreadConstraints")
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
        # validated with the Workload: a bad operator or a toleration that is not a
        # mapping is a one-line error naming the field
        "tolerations": [
            {k: v for k, v in t.items() if k in Toleration.model_fields}
            if isinstance(t, dict)
            else t
            for t in _list(where, pod.get("tolerations"), "tolerations")
        ],
        "source": where.split(": ")[0],
    }
    if cpu_lim is not None:
        fields["cpu_limit"] = format_cpu(cpu_lim)
    if mem_lim is not None:
        fields["memory_limit"] = _memory_text(mem_lim)
    return fields


class _Replicas(BaseModel):
    """The HPA's part of a Workload, to name the HPA when its numbers are wrong."""

    model_config = ConfigDict(extra="forbid")
    replicas_min: Replicas
    replicas_max: Replicas


def _validated(where: str, model: Any, fields: dict[str, Any]) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in error["loc"]) or "(object)"
        message = str(error["msg"]).removeprefix("Value error, ")
        value = error.get("input")
        text = repr(value)
        shown = "" if isinstance(value, dict | list) else f" (got {text[:60]})"
        raise _fail(where, f"{loc}: {message}{shown}") from None


def _quota(where: str, doc: dict[str, Any]) -> ResourceQuota:
    hard = _mapping(where, _get(doc, "spec", "hard"), "spec.hard")
    fields = {
        "requests_cpu": hard.get("requests.cpu"),
        "requests_memory": hard.get("requests.memory"),
        "limits_cpu": hard.get("limits.cpu"),
        "limits_memory": hard.get("limits.memory"),
    }
    result: ResourceQuota = _validated(where, ResourceQuota, fields)
    return result


def _limit_range(where: str, doc: dict[str, Any]) -> LimitRange | None:
    found: LimitRange | None = None
    for i, item in enumerate(_list(where, _get(doc, "spec", "limits"), "spec.limits")):
        item = _mapping(where, item, f"spec.limits[{i}]")
        if item.get("type") == "Container":
            if found is not None:
                raise _fail(where, "two Container limits in one LimitRange")
            fields = {
                "min_cpu": _get(item, "min", "cpu"),
                "max_cpu": _get(item, "max", "cpu"),
                "min_memory": _get(item, "min", "memory"),
                "max_memory": _get(item, "max", "memory"),
            }
            found = _validated(f"{where}: spec.limits[{i}]", LimitRange, fields)
    return found


def _daemonset(where: str, doc: dict[str, Any]) -> DaemonSet:
    pod = _mapping(where, _get(doc, "spec", "template", "spec"), "spec.template.spec")
    cpu, mem = _sum_containers(where, pod.get("containers"), "requests")
    fields: dict[str, Any] = {
        "name": _get(doc, "metadata", "name"),
        "cpu_request": format_cpu(cpu or 0),
        "source": where.split(": ")[0],
    }
    if mem:
        fields["memory_request"] = _memory_text(mem)
    result: DaemonSet = _validated(where, DaemonSet, fields)
    return result


def read_manifests(path: str | Path) -> ManifestSet:
    """Read every ``*.yaml`` in a directory (sorted) or one file.

    A Deployment, an HPA's target, a ResourceQuota or a LimitRange given twice is an error
    (counting it twice would be silently wrong, keeping one would silently drop the other).
    """
    files = _files(Path(path))
    objects = [
        (f"{file}: {doc.get('kind')} {_get(doc, 'metadata', 'name')}", doc)
        for file in files
        for doc in _read(file)
        if isinstance(doc, dict)
    ]
    return read_objects(objects, tuple(files))


def read_objects(
    objects: list[tuple[str, dict[str, Any]]], files: tuple[Path, ...] = ()
) -> ManifestSet:
    """The workloads of Kubernetes objects, each given with where it was read
    (``"<source>: <Kind> <name>"``)."""
    deployments: dict[str, tuple[str, dict[str, Any]]] = {}
    daemonsets: dict[str, DaemonSet] = {}
    hpas: dict[str, tuple[str, dict[str, Any]]] = {}
    quota: tuple[str, ResourceQuota] | None = None
    limits: tuple[str, LimitRange] | None = None
    namespace: str | None = None
    for where, doc in objects:
        kind, name = doc.get("kind"), _get(doc, "metadata", "name")
        ns = _get(doc, "metadata", "namespace")
        if namespace is None and isinstance(ns, str) and kind != "DaemonSet":
            namespace = ns
        if kind in ("Deployment", "StatefulSet"):
            key = str(name)
            if key in deployments:
                first = deployments[key][0].split(": ")[0]
                raise _fail(where, f"{kind} {key!r} is also defined in {first}")
            deployments[key] = (where, doc)
        elif kind == "DaemonSet":
            key = str(name)
            if key in daemonsets:
                raise _fail(where, f"DaemonSet {key!r} is given twice")
            daemonsets[key] = _daemonset(where, doc)
        elif kind == "HorizontalPodAutoscaler":
            target = str(_get(doc, "spec", "scaleTargetRef", "name"))
            if target in hpas:
                raise _fail(
                    where,
                    f"a second HorizontalPodAutoscaler for {target!r} (the first is "
                    f"{hpas[target][0]})",
                )
            hpas[target] = (where, doc)
        elif kind == "ResourceQuota":
            if quota is not None:
                raise _fail(where, f"a second ResourceQuota (the first is {quota[0]})")
            quota = (where, _quota(where, doc))
        elif kind == "LimitRange":
            found = _limit_range(where, doc)
            if found is not None:
                if limits is not None:
                    raise _fail(where, f"a second LimitRange (the first is {limits[0]})")
                limits = (where, found)
    workloads = []
    for name, (where, doc) in deployments.items():
        hpa = hpas.get(name)
        fields = _deployment(where, doc, hpa[1] if hpa else None)
        if hpa is not None:
            # the replicas come from the HPA: a bad value there names the HPA
            replicas = {k: fields[k] for k in ("replicas_min", "replicas_max")}
            _validated(hpa[0], _Replicas, replicas)
        workloads.append(_validated(where, Workload, fields))
    return ManifestSet(
        workloads=tuple(workloads),
        resource_quota=quota[1] if quota else None,
        limit_range=limits[1] if limits else None,
        namespace=namespace,
        files=files,
        daemonsets=tuple(daemonsets.values()),
    )
