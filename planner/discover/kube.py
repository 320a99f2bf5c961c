"""Workloads from a Kubernetes cluster: the official ``kubernetes`` client, a saved
``kubectl get deploy,sts,ds,hpa,quota,limits -A -o json``, or ``helm template`` manifests.

All three give the same Kubernetes objects, which :func:`planner.capacity.manifests.read_objects`
turns into workloads, DaemonSets, the ResourceQuota and the LimitRange. The API is read in
pages (``limit`` and ``continue``) and as raw JSON, so the objects have the shapes that kubectl
prints. DaemonSets are read in every namespace (they run on every node, whatever their
namespace); the others in ``--namespace`` when given, else in all namespaces.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.capacity.manifests import ManifestSet, read_manifests, read_objects
from planner.errors import InputError

PAGE = 500
KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "HorizontalPodAutoscaler",
    "ResourceQuota",
    "LimitRange",
)
MAX_JSON_BYTES = 100_000_000


@dataclass
class KubeFound:
    manifests: ManifestSet
    source: str
    values: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _objects_of(items: list[Any], kind: str | None = None) -> list[dict[str, Any]]:
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if kind is not None and not item.get("kind"):
            item = {**item, "kind": kind}
        if item.get("kind") in KINDS:
            out.append(item)
    return out


def _in_namespace(obj: dict[str, Any], namespace: str | None) -> bool:
    if namespace is None or obj.get("kind") == "DaemonSet":
        return True
    return bool((obj.get("metadata") or {}).get("namespace") == namespace)


def _named(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Objects named ``namespace.name`` where the same kind and name is in two namespaces."""
    seen: dict[tuple[str, str], int] = {}
    groups = {"StatefulSet": "Deployment"}
    for obj in objects:
        key = (groups.get(obj["kind"], obj["kind"]), str(obj["metadata"].get("name")))
        seen[key] = seen.get(key, 0) + 1
    out = []
    for obj in objects:
        meta = obj["metadata"]
        kind = groups.get(obj["kind"], obj["kind"])
        target = (obj.get("spec") or {}).get("scaleTargetRef") or {}
        clash = seen[(kind, str(meta.get("name")))] > 1
        target_clash = obj["kind"] == "HorizontalPodAutoscaler" and (
            seen.get(("Deployment", str(target.get("name"))), 0) > 1
        )
        if clash or target_clash:
            obj = json.loads(json.dumps(obj))
            ns = obj["metadata"].get("namespace", "default")
            if clash:
                obj["metadata"]["name"] = f"{ns}.{meta.get('name')}"
            if target_clash:
                obj["spec"]["scaleTargetRef"]["name"] = f"{ns}.{target.get('name')}"
        out.append(obj)
    return out


def _found(
    objects: list[dict[str, Any]],
    source: str,
    call: Callable[[str], str],
    at: dt.datetime,
    namespace: str | None,
) -> KubeFound:
    kept = _named(
        [o for o in objects if isinstance(o.get("metadata"), dict) and _in_namespace(o, namespace)]
    )
    pairs = [(f"{source}: {o['kind']} {o['metadata'].get('name')}", o) for o in kept]
    manifests = read_objects(pairs)
    stamp = at.isoformat(timespec="seconds")
    values = []
    paths = {"Deployment": "workloads", "StatefulSet": "workloads", "DaemonSet": "daemonsets"}
    for obj in kept:
        meta = obj["metadata"]
        section = paths.get(obj["kind"])
        if section is None:
            continue
        values.append(
            {
                "path": f"eks.{section}[{meta.get('name')}]",
                "fields": ["requests", "limits", "replicas"]
                if section == "workloads"
                else ["requests"],
                "call": call(obj["kind"]),
                "arn": f"{obj['kind']} {meta.get('namespace', '')}/{meta.get('name')}",
                "at": stamp,
            }
        )
    return KubeFound(manifests=manifests, source=source, values=values)


def from_kubectl_json(path: str | Path, *, namespace: str | None, at: dt.datetime) -> KubeFound:
    """Objects from ``kubectl get deploy,sts,ds,hpa,quota,limits -A -o json`` saved to a file."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise InputError(f"--kubectl-json {file}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_JSON_BYTES:
        raise InputError(f"--kubectl-json {file}: larger than {MAX_JSON_BYTES:,} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"--kubectl-json {file}: not JSON ({exc}); save kubectl get ... -o json"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise InputError(
            f"--kubectl-json {file}: expected a kubectl List with items (kubectl get "
            "deploy,sts,ds,hpa,quota,limits -A -o json), got "
            + (f"kind {data.get('kind')!r}" if isinstance(data, dict) else type(data).__name__)
        )
    list_kind = str(data.get("kind", ""))
    kind = list_kind.removesuffix("List") if list_kind not in ("", "List") else None
    objects = _objects_of(data["items"], kind)
    return _found(
        objects, str(file), lambda _kind: f"kubectl get -o json {file.name}", at, namespace
    )


def from_manifests(path: str | Path, *, at: dt.datetime) -> KubeFound:
    """``helm template`` output or any folder of manifests (the capacity loader reads it)."""
    manifests = read_manifests(path)
    stamp = at.isoformat(timespec="seconds")
    values = [
        {
            "path": f"eks.workloads[{w.name}]",
            "fields": ["requests", "limits", "replicas"],
            "call": "manifests",
            "arn": w.source,
            "at": stamp,
        }
        for w in manifests.workloads
    ]
    return KubeFound(manifests=manifests, source=str(path), values=values)


# (kind, API class, all-namespaces method, namespaced method)
_LISTS = (
    ("Deployment", "AppsV1Api", "deployment"),
    ("StatefulSet", "AppsV1Api", "stateful_set"),
    ("DaemonSet", "AppsV1Api", "daemon_set"),
    ("HorizontalPodAutoscaler", "AutoscalingV2Api", "horizontal_pod_autoscaler"),
    ("ResourceQuota", "CoreV1Api", "resource_quota"),
    ("LimitRange", "CoreV1Api", "limit_range"),
)


def from_cluster(
    kubeconfig: str | Path,
    *,
    context: str | None,
    namespace: str | None,
    at: dt.datetime,
) -> KubeFound:
    """Read the objects from the cluster of ``context`` in ``kubeconfig``, read-only (list)."""
    try:
        from kubernetes import client, config
        from kubernetes.client.exceptions import ApiException
        from kubernetes.config.config_exception import ConfigException
    except ImportError as exc:  # pragma: no cover - a runtime dependency
        raise InputError("the kubernetes client is not installed: pip install planner") from exc
    import urllib3

    where = f"--kubeconfig {kubeconfig}" + (f" --context {context}" if context else "")
    if not Path(kubeconfig).is_file():
        raise InputError(f"{where}: no such file")
    try:
        api_client = config.new_client_from_config(  # type: ignore[no-untyped-call]
            config_file=str(kubeconfig), context=context
        )
    except ConfigException as exc:
        raise InputError(f"{where}: {' '.join(str(exc).split())}") from None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise InputError(f"{where}: not a usable kubeconfig ({exc})") from None
    api_client.configuration.retries = 2
    server = api_client.configuration.host
    objects: list[dict[str, Any]] = []
    missing: list[dict[str, str]] = []
    warnings: list[str] = []
    with api_client:
        for kind, api_name, stem in _LISTS:
            api = getattr(client, api_name)(api_client)
            everywhere = kind == "DaemonSet" or namespace is None
            method = (
                getattr(api, f"list_{stem}_for_all_namespaces")
                if everywhere
                else getattr(api, f"list_namespaced_{stem}")
            )
            args = () if everywhere else (namespace,)
            token: str | None = None
            try:
                while True:
                    extra = {"_continue": token} if token else {}
                    response = method(
                        *args, limit=PAGE, _preload_content=False, _request_timeout=15, **extra
                    )
                    page = json.loads(response.data)
                    objects.extend(_objects_of(page.get("items") or [], kind))
                    token = (page.get("metadata") or {}).get("continue") or None
                    if not token:
                        break
            except ApiException as exc:
                if exc.status in (401, 403):
                    verb = f"list {stem.replace('_', '')}s"
                    missing.append(
                        {"part": f"kubernetes {kind}", "action": verb, "reason": str(exc.reason)}
                    )
                    warnings.append(
                        f"denied: {verb} (HTTP {exc.status}); {kind} objects are missing"
                    )
                    continue
                raise InputError(
                    f"{where}: listing {kind} at {server} failed: HTTP {exc.status} {exc.reason}"
                ) from None
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise InputError(
                    f"{where}: cannot reach the cluster at {server} "
                    f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
                ) from None
            except ValueError as exc:
                raise InputError(
                    f"{where}: {server} answered {kind} with non-JSON: {exc}"
                ) from None
    label = f"kubernetes {context or 'current context'} ({server})"
    found = _found(
        objects,
        label,
        lambda kind: f"kubernetes list {kind}",
        at,
        namespace,
    )
    found.missing = missing
    found.warnings = warnings
    return found
