"""``planner diff BASE HEAD`` and ``planner diff HEAD --base-ref REF``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from planner.errors import InputError

if TYPE_CHECKING:
    from planner.diff.inputs import Side

EXIT_POLICY = 1


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of 0 or more")
    return value


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from planner.terraform.cli import add_terraform_options

    diff = sub.add_parser(
        "diff",
        help="cost change between two scenarios, Terraform plans or .tf folders (or one at a "
        "git ref): per resource, range, upfront cash, warnings; Markdown for pull requests",
    )
    diff.add_argument("base", help="scenario YAML or name, plan JSON, or .tf folder")
    diff.add_argument("head", nargs="?", help="the same kinds (omit with --base-ref)")
    diff.add_argument(
        "--base-ref",
        metavar="REF",
        help="compare BASE as it is with BASE at this git ref (e.g. origin/main)",
    )
    diff.add_argument(
        "--format",
        choices=("table", "markdown", "json"),
        default="table",
        help="table (default), markdown (a pull-request comment) or json",
    )
    diff.add_argument(
        "--fail-above",
        type=_amount,
        metavar="USD",
        help="exit 1 when the monthly cost rises by more than USD",
    )
    diff.add_argument(
        "--fail-above-pct",
        type=_amount,
        metavar="P",
        help="exit 1 when the monthly cost rises by more than P percent",
    )
    diff.add_argument("--prices", metavar="DIR", help="price snapshot folder (default: bundled)")
    diff.add_argument(
        "--allow-missing",
        action="store_true",
        help="keep going when a price is missing: flag the line, keep it out of the totals "
        "(listed as 'became unpriced')",
    )
    diff.add_argument(
        "--horizon-months",
        type=int,
        default=12,
        metavar="N",
        help="look-ahead warnings within N months of as_of (default 12)",
    )
    diff.add_argument(
        "--allow-path",
        action="append",
        default=[],
        metavar="DIR",
        help="let scenarios' extends: and workloads_from: read DIR too; repeatable",
    )
    diff.add_argument(
        "--usage",
        metavar="FILE",
        help="measured usage (planner usage pull/import): replaces stated and assumed "
        "quantities on both sides, as planner price --usage does",
    )
    diff.add_argument("-o", "--output", metavar="FILE", help="write here (atomically)")
    add_terraform_options(diff)
    diff.set_defaults(func=_cmd_diff)


def _cmd_diff(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.diff.inputs import ReadOptions, at_ref, read_side
    from planner.diff.model import build_diff, price_side
    from planner.output import to_json, write_output

    if not 1 <= args.horizon_months <= 120:
        raise InputError(f"--horizon-months {args.horizon_months} is outside 1-120")
    if (args.head is None) == (args.base_ref is None):
        raise InputError(
            "planner diff: give BASE and HEAD, or one file with --base-ref REF (not both)"
        )
    options = ReadOptions(
        usage_file=Path(args.usage_file) if args.usage_file else None,
        as_of=args.as_of,
        region=args.region,
        allow_paths=tuple(args.allow_path),
    )
    catalog = load_catalog(args.prices)
    with tempfile.TemporaryDirectory(prefix="planner-diff-") as workdir:
        if args.base_ref is not None:
            print(f"reading {args.base} at {args.base_ref} ...", file=sys.stderr)
            old_path = at_ref(args.base, args.base_ref, Path(workdir))
            base = read_side(str(old_path), options, label=f"{args.base}@{args.base_ref}")
            head = read_side(args.base, options)
        else:
            base = read_side(args.base, options)
            head = read_side(args.head, options)
        if args.usage:
            base, head = with_measured_usage((base, head), args.usage)
        print("pricing both sides ...", file=sys.stderr)
        priced = [
            price_side(
                side, catalog, allow_missing=args.allow_missing, horizon_months=args.horizon_months
            )
            for side in (base, head)
        ]
    diff = build_diff(priced[0], priced[1])
    failed = policy_failures(diff, args.fail_above, args.fail_above_pct)
    policy = {
        "fail_above_usd": None if args.fail_above is None else str(args.fail_above),
        "fail_above_pct": None if args.fail_above_pct is None else str(args.fail_above_pct),
        "failed": failed,
    }
    if args.format == "json":
        from planner.diff.render import as_json

        text = to_json(as_json(diff, policy))
    elif args.format == "markdown":
        from planner.diff.markdown import markdown

        note = "**Cost policy failed:** " + "; ".join(failed) if failed else ""
        text = markdown(diff, policy=note)
    else:
        from planner.diff.render import table

        text = table(diff) + "".join(f"COST POLICY FAILED: {f}\n" for f in failed)
    write_output(text, args.output)
    for reason in failed:
        print(f"planner: cost policy: {reason}", file=sys.stderr)
    return EXIT_POLICY if failed else 0


def with_measured_usage(sides: tuple[Side, Side], usage_path: str) -> tuple[Side, Side]:
    """Both sides with measured quantities in place of stated and assumed ones."""
    import dataclasses

    from planner.usage.cost import measured_topology
    from planner.usage.store import read_usage

    usage = read_usage(usage_path)
    out = []
    notes: list[str] = []
    for side in sides:
        topology, side_notes = measured_topology(side.scenario.topology, usage)
        notes += [n for n in side_notes if n not in notes]
        scenario = dataclasses.replace(side.scenario, topology=topology)
        out.append(dataclasses.replace(side, scenario=scenario))
    for note in notes:
        print(f"usage: {note}", file=sys.stderr)
    return out[0], out[1]


def policy_failures(
    diff: object, fail_above: Decimal | None, fail_above_pct: Decimal | None
) -> list[str]:
    """Why the change breaks ``--fail-above`` / ``--fail-above-pct`` (empty: it does not)."""
    from planner.diff.model import Diff
    from planner.figures import usd

    assert isinstance(diff, Diff)
    failed: list[str] = []
    delta = diff.delta
    if fail_above is not None and delta > fail_above:
        failed.append(f"the monthly cost rises by {usd(delta)}, above --fail-above {fail_above}")
    if fail_above_pct is not None and delta > 0:
        pct = diff.pct
        if pct is None:
            failed.append(
                f"the monthly cost rises from $0.00 by {usd(delta)}, above any percentage "
                f"(--fail-above-pct {fail_above_pct})"
            )
        elif pct > fail_above_pct:
            failed.append(
                f"the monthly cost rises by {pct.quantize(Decimal('0.1'))}%, above "
                f"--fail-above-pct {fail_above_pct}"
            )
    return failed
