"""A diff as a pull-request comment (GitHub Markdown).

The first line is the one-line headline; then a table of the resources that changed (with a
row for the unchanged ones, so the table foots to its TOTAL), the min..max range, upfront
cash, new look-ahead warnings, lines that became unpriced and Terraform resources not priced;
then one collapsible ``<details>`` block per changed resource with its lines. GitHub refuses
a comment of 65,536 characters or more: rows and details that do not fit are left out, the
largest changes kept, and the comment says how many were left out.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from planner.diff.model import RANGE_TEXT, Diff, ResourceChange
from planner.diff.render import (
    ARROW,
    headline,
    line_cell,
    money_or_dash,
    quantity_text,
    signed,
)
from planner.figures import usd
from planner.money import ZERO

GITHUB_COMMENT_LIMIT = 65_536  # characters; GitHub rejects a longer comment body
MARKER = "<!-- planner diff -->"  # lets a workflow find and update its own comment
MAX_LISTED = 30  # items per list (warnings, unpriced lines, resources not priced)


def markdown(diff: Diff, *, limit: int = GITHUB_COMMENT_LIMIT, policy: str = "") -> str:
    budget = limit - 600  # room for the truncation note and the footer
    top = [f"**planner diff** · {_esc(headline(diff))}", "", MARKER, ""]
    top.append(
        f"`{_esc(diff.base.label)}` {ARROW} `{_esc(diff.head.label)}` · "
        f"monthly, USD, list prices (each line rounded to the cent; totals are sums of lines)"
    )
    if policy:
        top += ["", policy]
    summary = _summary(diff)
    changed = list(diff.changed)
    unchanged = [r for r in diff.resources if r.status == "unchanged"]
    rows: list[str] = []
    left_rows: list[ResourceChange] = []
    fixed = "\n".join([*top, "", *summary])
    used = len(fixed) + 400
    for r in changed:
        row = _row(r)
        if used + len(row) + 1 > budget // 2 and rows:
            left_rows.append(r)
            continue
        rows.append(row)
        used += len(row) + 1
    table = _table(diff, rows, left_rows, unchanged)
    text = "\n".join([*top, "", *table, "", *summary])
    details: list[str] = []
    left_details = 0
    used = len(text)
    shown = [r for r in changed if r not in left_rows]
    if shown:
        details.append("\n#### Per resource\n")
        used += len(details[0])
    for r in shown:
        block = _details(r)
        if used + len(block) + 1 > budget:
            left_details += 1
            continue
        details.append(block)
        used += len(block) + 1
    notes = []
    if left_rows or left_details:
        notes.append(
            f"\n> **Truncated:** {len(left_rows)} table rows and {left_details + len(left_rows)} "
            f"resources' details left out to stay under GitHub's {GITHUB_COMMENT_LIMIT:,}-"
            "character comment limit (the largest changes are shown; the TOTAL row includes "
            "everything). `planner diff --format table` or `--format json` shows all."
        )
    body = "\n".join([text, *details, *notes]) + "\n"
    assert len(body) < limit, "the comment must fit GitHub's limit"
    return body


def _esc(text: str) -> str:
    """Text safe inside Markdown and HTML (no tags, no table breaks)."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`" if text else ""


def _row(r: ResourceChange) -> str:
    return (
        f"| {_esc(r.resource)} | {_code(r.source[:200])} | {r.status} | "
        f"{money_or_dash(r.base_usd)} | {money_or_dash(r.head_usd)} | **{signed(r.delta)}** |"
    )


def _table(
    diff: Diff,
    rows: list[str],
    left: Sequence[ResourceChange],
    unchanged: Sequence[ResourceChange],
) -> list[str]:
    out = [
        "| Resource | Terraform | Status | Base | Head | Change |",
        "| --- | --- | --- | ---: | ---: | ---: |",
        *rows,
    ]
    if left:
        old = sum((r.base_usd or ZERO for r in left), ZERO)
        new = sum((r.head_usd or ZERO for r in left), ZERO)
        out.append(
            f"| {len(left)} more changed resources (left out) | | | {usd(old)} | {usd(new)} | "
            f"{signed(new - old)} |"
        )
    if unchanged:
        same = sum((r.base_usd or ZERO for r in unchanged), ZERO)
        out.append(f"| {len(unchanged)} unchanged resources | | | {usd(same)} | {usd(same)} | |")
    old, new = diff.comparison.base_total, diff.comparison.other_total
    out.append(f"| **TOTAL** | | | **{usd(old)}** | **{usd(new)}** | **{signed(new - old)}** |")
    return out


def _summary(diff: Diff) -> list[str]:
    out: list[str] = []
    ranges = [(s, s.range) for s in (diff.base, diff.head) if s.range is not None]
    if ranges:
        basis = ranges[-1][1].basis
        out.append(f"**Range** ({_esc(RANGE_TEXT[basis])}):")
        out.append("")
        out.append("| | Min | Expected | Max | Nodes min..max |")
        out.append("| --- | ---: | ---: | ---: | --- |")
        for side, rng in ranges:
            assert rng is not None
            t = rng.totals
            nodes = ", ".join(
                f"{_esc(g)} {rng.nodes['min'][g]}..{rng.nodes['max'][g]}" for g in rng.nodes["min"]
            )
            name = "Base" if side is diff.base else "Head"
            out.append(
                f"| {name} | {usd(t['min'])} | {usd(t['expected'])} | {usd(t['max'])} | {nodes} |"
            )
        out.append("")
    b_up, h_up = diff.base.report.upfront_usd, diff.head.report.upfront_usd
    if b_up or h_up or diff.new_fees:
        out.append(
            f"**Upfront cash for purchases:** {usd(b_up)} {ARROW} {usd(h_up)} "
            f"({signed(h_up - b_up)}; paid once, not in the monthly figures)"
        )
    else:
        out.append("**Upfront cash for purchases:** none on either side")
    for fee in diff.new_fees[:MAX_LISTED]:
        amount = "unknown" if fee.upfront_usd is None else usd(fee.upfront_usd)
        out.append(
            f"- new: {_esc(fee.resource)}: {_esc(fee.component)}, {fee.term} {fee.payment}, "
            f"{amount}"
        )
    out.append("")
    out.append(f"**New look-ahead warnings:** {len(diff.new_warnings)}")
    out += _listed([f"- {_esc(w.message)}" for w in diff.new_warnings])
    out.append("")
    out.append(f"**Lines that became unpriced:** {len(diff.newly_unpriced)} (kept out of totals)")
    out += _listed(
        [
            f"- {_esc(ln.resource)}: {_esc(ln.component)} ({_esc(ln.price_source)})"
            for ln in diff.newly_unpriced
        ]
    )
    for side, name in ((diff.base, "base"), (diff.head, "head")):
        if side.unsupported:
            out.append("")
            out.append(
                f"**Not priced ({name}):** {len(side.unsupported)} Terraform resources the "
                "planner does not model"
            )
            out += _listed([f"- {_code(a)}" for a in side.unsupported])
    if diff.head.usage_missing:
        out.append("")
        out.append(
            f"**Usage not given (head):** {len(diff.head.usage_missing)} quantities, each an "
            "assumption of 0 until the usage file or measured usage gives it"
        )
        out += _listed([f"- {_code(a)}" for a in diff.head.usage_missing])
    return out


def _listed(items: list[str]) -> list[str]:
    if len(items) <= MAX_LISTED:
        return items
    return [*items[:MAX_LISTED], f"- ... and {len(items) - MAX_LISTED} more"]


def _details(r: ResourceChange) -> str:
    source = f" · <code>{_esc(r.source[:300])}</code>" if r.source else ""
    out = [
        "<details>",
        f"<summary><b>{_esc(r.resource)}</b> {signed(r.delta)} ({r.status}){source}</summary>",
        "",
        "| Line | Quantity | Base | Head |",
        "| --- | --- | ---: | ---: |",
    ]
    for line in r.lines:
        mark = "" if line.changed else " (same)"
        out.append(
            f"| {_esc(line.component)}{mark} | {_esc(quantity_text(line))} | "
            f"{line_cell(line, 'base')} | {line_cell(line, 'head')} |"
        )
    out += ["", "</details>"]
    return "\n".join(out)
