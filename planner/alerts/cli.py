"""``planner alerts [SCENARIO]`` and ``planner alerts apply [SCENARIO] [--apply]``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from planner.errors import InputError
from planner.output import write_output

if TYPE_CHECKING:
    from planner.alerts.policy import AlertPolicy

FORMATS = ("table", "json", "terraform", "cli-json")
EXTENSIONS = {"table": "txt", "json": "json", "terraform": "tf"}


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "alerts",
        help="billing alerts from the plan: AWS Budgets, billing alarms, anomaly detection",
        description="Show or write billing-alert thresholds derived from the modelled cost "
        "(`planner alerts staging`), or plan/apply them in AWS "
        "(`planner alerts apply staging [--apply]`).",
    )
    p.add_argument(
        "words",
        nargs="*",
        metavar="[apply] [SCENARIO]",
        help="SCENARIO (YAML path or bundled name, default staging); prefix with 'apply' to "
        "compare with AWS (dry run) or, with --apply, create/update the resources",
    )
    p.add_argument("--format", choices=FORMATS, default="table", help="output format")
    p.add_argument("--out", metavar="DIR", help="write into DIR (new, empty or planner's own)")
    p.add_argument("-o", "--output", metavar="FILE", help="write table/json/terraform here")
    p.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
    p.add_argument(
        "--allow-missing",
        action="store_true",
        help="keep going when a price is missing: flag the line, keep it out of the total",
    )
    p.add_argument(
        "--forecast",
        metavar="CSV",
        help="month-by-month planned cost (month,monthly_usd): the budget follows it",
    )
    p.add_argument(
        "--email",
        action="append",
        metavar="ADDRESS",
        help="notification e-mail (repeatable; default: PLANNER_ALERT_EMAILS, comma-separated)",
    )
    p.add_argument(
        "--sns-topic", metavar="ARN", help="SNS topic ARN (default: PLANNER_ALERT_SNS_TOPIC)"
    )
    p.add_argument(
        "--account-id",
        metavar="ID",
        help="AWS account id (default: PLANNER_ACCOUNT_ID; apply asks STS)",
    )
    p.add_argument("--profile", default=None, help="AWS profile for apply (default: AWS_PROFILE)")
    p.add_argument(
        "--apply", action="store_true", help="with 'apply': write to AWS (default: dry run)"
    )
    p.add_argument(
        "--only",
        action="append",
        choices=("budgets", "alarms", "anomaly"),
        help="with 'apply': only these parts (repeatable; default: all three)",
    )
    p.set_defaults(func=run)


def load_policy(args: argparse.Namespace) -> AlertPolicy:
    from planner.alerts.costs import plan_costs
    from planner.alerts.forecast import read_forecast
    from planner.alerts.policy import build_policy, seed_levels_for
    from planner.catalog import load_catalog
    from planner.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    costs = plan_costs(scenario, load_catalog(args.prices), allow_missing=args.allow_missing)
    topology = scenario.topology
    return build_policy(
        topology.name,
        topology.alerts,
        costs,
        dict(topology.cost_allocation_tags),
        where=str(scenario.path),
        forecast=read_forecast(args.forecast) if args.forecast else None,
        seed_levels=seed_levels_for(topology.seed_figures),
    )


def run(args: argparse.Namespace) -> int:
    words = list(args.words)
    mode = "show"
    if words and words[0] == "apply":
        mode = "apply"
        words = words[1:]
    if len(words) > 1:
        raise InputError(f"planner alerts: one scenario expected, got {' '.join(words)}")
    args.scenario = words[0] if words else None
    if (args.apply or args.only) and mode != "apply":
        raise InputError("--apply and --only go with 'planner alerts apply [SCENARIO]'")
    if mode == "apply":
        return _apply(args)
    return _show(args)


def _show(args: argparse.Namespace) -> int:
    from planner.alerts.render import alerts_json, alerts_table, cli_json_files
    from planner.alerts.subscribers import (
        PLACEHOLDER_ACCOUNT,
        PLACEHOLDER_EMAIL,
        Subscribers,
        account_from,
        subscribers_from,
    )
    from planner.alerts.terraform import alerts_terraform
    from planner.output import to_json

    if args.out and args.output:
        raise InputError("give --out DIR or -o FILE, not both")
    if args.email or args.sns_topic or args.account_id:  # checked in every format
        subscribers_from(args.email, args.sns_topic)
        account_from(args.account_id)
    policy = load_policy(args)
    if args.format == "cli-json":
        subscribers = subscribers_from(args.email, args.sns_topic)
        account = account_from(args.account_id)
        if account is None or subscribers.empty:
            print(
                "planner: note: placeholders in the files: "
                + ", ".join(
                    x
                    for x, missing in (
                        (f"AccountId {PLACEHOLDER_ACCOUNT} (--account-id)", account is None),
                        (f"subscriber {PLACEHOLDER_EMAIL} (--email)", subscribers.empty),
                    )
                    if missing
                ),
                file=sys.stderr,
            )
        if subscribers.empty:
            subscribers = Subscribers(emails=(PLACEHOLDER_EMAIL,))
        files = cli_json_files(policy, account or PLACEHOLDER_ACCOUNT, subscribers)
        if args.out:
            _write_dir(args.out, files)
            return 0
        if args.output:
            raise InputError("--format cli-json writes one file per budget: use --out DIR")
        import json

        text = to_json({name: json.loads(body) for name, body in files.items()})
    elif args.format == "json":
        text = to_json(alerts_json(policy))
    elif args.format == "terraform":
        text = alerts_terraform(policy)
    else:
        text = alerts_table(policy)
    if args.out:
        _write_dir(args.out, {f"alerts-{policy.scenario}.{EXTENSIONS[args.format]}": text})
        return 0
    write_output(text, args.output)
    return 0


def _write_dir(folder: str, files: dict[str, str]) -> None:
    from planner.alerts.outdir import write_folder

    for path in write_folder(folder, files):
        print(f"wrote {path}", file=sys.stderr)


def _apply(args: argparse.Namespace) -> int:
    from planner.alerts.apply import PARTS, Clients, changes_table, plan_alerts
    from planner.alerts.subscribers import account_from, subscribers_from
    from planner.aws.guard import bounded
    from planner.aws.session import client

    if args.format != "table" or args.out:
        raise InputError("planner alerts apply prints its plan as a table; drop --format/--out")
    policy = load_policy(args)
    subscribers = subscribers_from(args.email, args.sns_topic)
    region = "us-east-1"  # Budgets, Cost Explorer and billing metrics all live in us-east-1
    account = account_from(args.account_id)
    if account is None:
        from planner.aws.failures import aws_failures

        sts = client("sts", region, profile=args.profile)
        with aws_failures("sts:GetCallerIdentity"):
            identity = bounded(sts.get_caller_identity, "STS GetCallerIdentity")
        account = str(identity.get("Account", ""))
        if not account.isdigit() or len(account) != 12:
            raise InputError(
                f"STS GetCallerIdentity returned account {account[:20]!r}, not a 12-digit id; "
                "pass --account-id"
            )
    only = frozenset(args.only) if args.only else PARTS
    clients = Clients(
        budgets=client("budgets", region, profile=args.profile) if "budgets" in only else None,
        cloudwatch=client("cloudwatch", region, profile=args.profile) if "alarms" in only else None,
        ce=client("ce", region, profile=args.profile) if "anomaly" in only else None,
    )
    changes = bounded(
        lambda: plan_alerts(policy, clients, account, subscribers, apply=args.apply, only=only),
        "alerts apply (Budgets, CloudWatch, Cost Explorer)",
    )
    from planner.alerts.prerequisites import check, prerequisites_text

    held = bounded(
        lambda: check(
            policy,
            clients.cloudwatch or client("cloudwatch", region, profile=args.profile),
            clients.ce or client("ce", region, profile=args.profile),
        ),
        "alerts apply prerequisites (CloudWatch ListMetrics, Cost Explorer cost allocation tags)",
    )
    text = (
        changes_table(changes, applied=args.apply) + "\n" + prerequisites_text(held, checked=True)
    )
    write_output(text, args.output)
    return 0
