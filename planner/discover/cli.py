"""``planner discover`` and ``planner drift`` (nothing heavy imported here)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

EXIT_DRIFT = 1


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not 0 < value <= 455:
        raise argparse.ArgumentTypeError(f"{value:g} is outside 0-455 days (CloudWatch keeps 455)")
    return value


def _source_options(p: argparse.ArgumentParser) -> None:
    aws = p.add_argument_group("AWS account (read-only)")
    aws.add_argument("--region", help="the region to read, e.g. eu-west-1")
    aws.add_argument("--profile", default=None, help="AWS profile (default: AWS_PROFILE)")
    aws.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="only resources with this tag (repeatable: all must match)",
    )
    aws.add_argument("--cluster", help="the EKS cluster (needed when several match)")
    aws.add_argument(
        "--usage-days",
        type=_days,
        default=None,
        metavar="N",
        help="measure NAT, LCU, egress, log ingestion and S3 bytes from N days of CloudWatch "
        "(cloudwatch:GetMetricData); without it they are labelled assumptions",
    )
    kube = p.add_argument_group("Kubernetes workloads (read-only)")
    kube.add_argument("--kubeconfig", metavar="PATH", help="read the cluster of this kubeconfig")
    kube.add_argument("--context", help="kubeconfig context (default: its current-context)")
    kube.add_argument("--namespace", help="workloads of this namespace (default: all)")
    kube.add_argument(
        "--kubectl-json",
        metavar="FILE",
        help="instead of a cluster: kubectl get deploy,sts,ds,hpa,quota,limits -A -o json",
    )
    kube.add_argument(
        "--manifests",
        metavar="PATH",
        help="instead of a cluster: helm template output (a file or a folder of manifests)",
    )


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    disc = sub.add_parser(
        "discover",
        help="write a scenario from what runs: an AWS account (read-only) and/or a cluster",
    )
    _source_options(disc)
    disc.add_argument(
        "--plan",
        metavar="PLAN",
        help="take the quantities no API gives from this scenario (labelled assumptions); "
        "without --region, everything but the workloads",
    )
    disc.add_argument("--name", help="scenario name (default: discovered-<tag value>)")
    disc.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="the scenario's as_of, which decides the EKS support tier (default: today)",
    )
    disc.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
    disc.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    disc.set_defaults(func=_cmd_discover)

    drift = sub.add_parser(
        "drift",
        help="what differs between a plan and what runs, with its monthly cost (exit 1 on drift)",
    )
    drift.add_argument("plan", help="the plan: scenario YAML or bundled name")
    drift.add_argument(
        "discovered",
        nargs="?",
        help="a discovered scenario (planner discover -o); without it, discover now with "
        "the flags below",
    )
    _source_options(drift)
    drift.add_argument(
        "--format", choices=("table", "json", "markdown"), default="table", help="output format"
    )
    drift.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
    drift.add_argument(
        "--allow-missing",
        action="store_true",
        help="keep going when a price is missing: flag the line, keep it out of the total",
    )
    drift.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
    drift.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    drift.set_defaults(func=_cmd_drift)


def _kube(args: argparse.Namespace, at: dt.datetime) -> Any:
    from planner.errors import InputError

    given = [o for o in ("kubeconfig", "kubectl_json", "manifests") if getattr(args, o)]
    if len(given) > 1:
        names = " and ".join("--" + g.replace("_", "-") for g in given)
        raise InputError(f"{names}: give one Kubernetes source")
    if args.context and not args.kubeconfig:
        raise InputError("--context needs --kubeconfig")
    if args.kubeconfig:
        from planner.discover.kube import from_cluster

        return from_cluster(args.kubeconfig, context=args.context, namespace=args.namespace, at=at)
    if args.kubectl_json:
        from planner.discover.kube import from_kubectl_json

        return from_kubectl_json(args.kubectl_json, namespace=args.namespace, at=at)
    if args.manifests:
        from planner.discover.kube import from_manifests

        return from_manifests(args.manifests, at=at)
    return None


def run_discovery(args: argparse.Namespace, plan: Any, name: str | None = None) -> Any:
    """The discovered topology for the command's flags (nothing written)."""
    from planner.discover.account import progress_line
    from planner.discover.run import Request, discover, parse_tags

    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    request = Request(
        region=args.region,
        profile=args.profile,
        tags=parse_tags(args.tag),
        cluster=args.cluster,
        name=name,
        # discover: --as-of or today; drift: the plan's date, so both are priced alike
        as_of=args.as_of if "as_of" in args else (plan.topology.as_of if plan else None),
        usage_days=args.usage_days,
        plan=plan,
        kube=_kube(args, at),
    )
    found = discover(request, now=at, progress=None if args.no_progress else progress_line)
    for line in found.warnings:
        print(f"warning: {line}", file=sys.stderr)
    return found


def _cmd_discover(args: argparse.Namespace) -> int:
    from planner.discover.write import check_loads, scenario_text
    from planner.output import write_output
    from planner.scenario import load_scenario

    plan = load_scenario(args.plan) if args.plan else None
    found = run_discovery(args, plan, args.name)
    text = scenario_text(found.topology, found.header)
    check_loads(text, args.output or "discovered.yaml")
    write_output(text, args.output)
    discovery = found.topology.discovery
    where = args.output or "standard output"
    print(
        f"wrote {where}: {len(discovery.values)} resources discovered, "
        f"{len(discovery.assumptions)} assumptions, {len(discovery.missing)} parts missing, "
        f"{discovery.api_calls} API calls",
        file=sys.stderr,
    )
    return 0


def _cmd_drift(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.discover.drift import drift, drift_json, drift_markdown, drift_table
    from planner.errors import InputError
    from planner.output import to_json, write_output
    from planner.scenario import load_scenario

    plan = load_scenario(args.plan)
    fresh = any(getattr(args, o) for o in ("region", "kubeconfig", "kubectl_json", "manifests"))
    if args.discovered and fresh:
        raise InputError(
            f"{args.discovered}: give a discovered scenario or discovery flags, not both"
        )
    if args.discovered:
        found = load_scenario(args.discovered).topology
        label = str(args.discovered)
    elif fresh:
        found = run_discovery(args, plan).topology
        label = "a fresh discovery"
    else:
        raise InputError(
            "give a discovered scenario (planner discover -o FILE) or discovery flags "
            "(--region ..., --kubeconfig ...)"
        )
    result = drift(plan, found, label, load_catalog(args.prices), allow_missing=args.allow_missing)
    if args.format == "json":
        text = to_json(drift_json(result))
    elif args.format == "markdown":
        text = drift_markdown(result)
    else:
        text = drift_table(result)
    write_output(text, args.output)
    return EXIT_DRIFT if result.differences else 0
