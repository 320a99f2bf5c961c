"""``planner import terraform PLAN.json|DIR/``: Terraform into a scenario YAML."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def as_of_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_terraform_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that reads Terraform takes (import, diff)."""
    parser.add_argument(
        "--usage-file",
        metavar="FILE",
        help="usage per Terraform address (GB processed, stored ...; see docs/terraform.md); "
        "without it every usage quantity is an assumption of 0 that says so",
    )
    parser.add_argument(
        "--as-of", type=as_of_date, metavar="DATE", help="as_of (default: the plan's timestamp)"
    )
    parser.add_argument(
        "--region", metavar="REGION", help="when the aws provider's region is not a literal"
    )


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    imp = sub.add_parser("import", help="read another tool's description into a scenario")
    imp_sub = imp.add_subparsers(dest="import_command", required=True, parser_class=type(imp))
    tf = imp_sub.add_parser(
        "terraform",
        help="a plan (terraform show -json) or a folder of .tf files into a scenario YAML",
    )
    tf.add_argument("source", metavar="PLAN.json|DIR", help="plan JSON, or a folder of .tf files")
    add_terraform_options(tf)
    tf.add_argument("--name", help="scenario name (default: the file or folder name)")
    tf.add_argument("-o", "--output", metavar="FILE", help="write the YAML here (atomically)")
    tf.set_defaults(func=_cmd_import)


def _cmd_import(args: argparse.Namespace) -> int:
    from planner.output import write_output
    from planner.terraform.importer import import_terraform

    out_path = Path(args.output) if args.output and args.output != "-" else None
    imported = import_terraform(
        Path(args.source),
        usage_path=Path(args.usage_file) if args.usage_file else None,
        name=args.name,
        as_of=args.as_of,
        region=args.region,
        out_path=out_path,
    )
    for line in imported.summary():
        print(line, file=sys.stderr)
    write_output(imported.text, args.output)
    return 0
