"""Write the bundled notebooks (no outputs, execution_count null): python notebooks/_build.py

Each notebook: a title, a ``parameters`` cell, a validation cell, then calls into ``planner``
with plain-language narrative. Edit here and re-run rather than editing the .ipynb by hand.
The report picks up every ``notebooks/*.ipynb`` not starting with ``_``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

COMMON_PARAMETERS = '''\
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of'''


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str, *tags: str) -> nbformat.NotebookNode:
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells: list[nbformat.NotebookNode], order: int) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["planner"] = {"order": order}  # position in the report index
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # stable ids: regenerating does not churn the diff
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def framed(
    intro: str,
    knobs: str,
    params_model: str,
    compute: str,
    body: list[nbformat.NotebookNode],
    summary: str,
    order: int,
) -> nbformat.NotebookNode:
    """The frame every report notebook shares around its own ``body`` cells.

    An introduction, the tagged ``parameters`` cell (common parameters plus ``knobs``), the
    validation cell for ``params_model``, the set-up cell ending in ``compute`` (which shows
    the headline), ``body``, and the cell that publishes ``summary`` for the report index.
    """
    return notebook(
        [
            md(intro),
            code(COMMON_PARAMETERS + "\n" + knobs, "parameters"),
            code(f"""
from planner.notebooks.params import {params_model}, validate

params = validate({params_model}, globals())
"""),
            code(
                """
from IPython.display import Markdown, display

from planner import charts, views
from planner.notebooks import data

charts.setup()
"""
                + compute.strip()
            ),
            *body,
            code(f"""
from planner.notebooks.summary import publish

publish({summary})
"""),
        ],
        order=order,
    )


def cost_overview() -> nbformat.NotebookNode:
    return framed(
        """
# Cost overview

What this deployment costs per month at **AWS list prices**, where the money goes, how
staging compares with production, and how the seed report's own hand estimate compares with
list prices. All amounts are US dollars per month (730 hours), before tax, credits or
discounts not written in the scenario.
""",
        'estimate = "auto"  # hand estimate CSV to audit; "auto" finds '
        "scenarios/estimates/*-<scenario>.csv, None skips the audit",
        "CostOverviewParams",
        """
overview = data.overview(params)
report = overview.report
display(Markdown(data.headline(report, params.usd_decimals, overview.warnings)))
""",
        [
            md("""
## Warnings that look ahead

Price steps and waste within the horizon (`horizon_months`) from the scenario's date: EKS or
RDS support ending, prices older than a year, nodes that run no workload.
"""),
            code("""
display(views.styled(views.warnings_table(overview.warnings), params.usd_decimals, na_rep=""))
"""),
            md("""
## Where the money goes

Each AWS service's share of the monthly bill. EC2 covers the Kubernetes worker nodes, their
disks and the NAT gateways (AWS bills NAT under EC2).
"""),
            code("""
display(views.styled(views.cost_by_service(report), params.usd_decimals))
charts.cost_by_service(report).show()
"""),
            md("""
## The largest resources

The same bill per resource: a node group, a database, a load balancer. Colors match the
services above.
"""),
            code("""
charts.cost_by_resource(report).show()
display(views.styled(views.cost_by_resource(report), params.usd_decimals))
"""),
            md("""
## Staging and production side by side

Both environments priced the same way with the same prices. Production's sizes are
assumptions built from the seed report's section 9.3 (see its assumptions table).
"""),
            code("""
display(views.styled(views.side_by_side(overview.side_by_side), params.usd_decimals))
charts.scenarios_by_service(overview.side_by_side).show()
"""),
            md("""
## The seed report's estimate against list prices

The seed deployment report (section 9.1) gives its own monthly estimate. Here it is line by
line against the list prices of the same items, with the reason for each difference.
"""),
            code("""
if overview.audit is None:
    display(Markdown(f"There is no hand estimate for **{report.scenario}** to compare with."))
else:
    display(Markdown(data.audit_headline(overview.audit, report, params.usd_decimals)))
    display(views.styled(views.audit_table(overview.audit), params.usd_decimals))
    charts.audit(overview.audit).show()
"""),
            md("""
## Assumptions

Quantities the source document does not give, the value used and why. The effect is what the
assumption adds to the monthly bill against a value of zero (a spot discount of 0% is the
on-demand price). Each lives in the scenario file under the field shown.
"""),
            code("""
display(views.styled(views.assumptions_table(report, overview.assumptions), params.usd_decimals))
"""),
            md("""
## Prices: date and sources

Every price comes from public AWS price data in the bundled snapshot. The first table gives
the dates of that data (its own dates, not the day the snapshot was assembled); the line
table shows each priced quantity, its price, where the price comes from, its date, whether
it rests on an assumption, and its caveats. Lines are rounded to the cent and the TOTAL
adds the rounded lines.
"""),
            code("""
display(views.styled(views.snapshot_table(report)))
display(views.styled(views.cost_lines(report), params.usd_decimals))
"""),
        ],
        "data.overview_summary(overview)",
        order=1,
    )


def whatif() -> nbformat.NotebookNode:
    return framed(
        """
# What-if scenarios

A base scenario against alternatives ("overlays"): each overlay changes a few things in the
base (instance types, Multi-AZ, Kubernetes version) and is priced the same way. The table
and chart show how each one changes the monthly bill, and in which services.
""",
        'overlays = ["auto"]  # overlay scenarios; "auto" finds scenarios/whatif/<scenario>-*.yaml',
        "WhatIfParams",
        """
whatifs = data.whatifs(params)
display(Markdown(data.whatif_headline(whatifs, params.usd_decimals)))
""",
        [
            md("""
## Totals and changes

One row per scenario: its monthly total, the change against the base (negative is a saving),
how long the change lasts (a saving that ends inside the horizon is not a lasting saving) and
the services that change most.
"""),
            code("""
display(views.styled(
    views.whatif_deltas(whatifs.base, whatifs.others, whatifs.ends_text()),
    params.usd_decimals,
    na_rep="n/a (ends)",
))
"""),
            md("""
## Where each change comes from

Bars show each service's change against the base; the diamond is the net change.
"""),
            code("""
if whatifs.others:
    charts.whatif_deltas(whatifs.base, whatifs.others).show()
    display(views.styled(views.service_deltas(whatifs.base, whatifs.others), params.usd_decimals))
"""),
            md("""
## The overlays

What each what-if changes, as written in its file (the comments give the reasons).
"""),
            code("""
for path in whatifs.files:
    display(Markdown(f"**{path.stem}** (`{path.name}`)\\n\\n```yaml\\n{path.read_text()}\\n```"))
"""),
        ],
        "data.whatif_summary(whatifs)",
        order=3,
    )


def capacity() -> nbformat.NotebookNode:
    return framed(
        """
# Capacity

How many Kubernetes worker nodes the workloads need, how full those nodes are, whether the
namespace quota leaves room to scale, and what the bill is at each level. Pods scale between
their HPA minimum and maximum replicas; "expected" is the level the scenario prices.
""",
        "utilization_warn_pct = 85  # node groups above this share of allocatable are flagged",
        "CapacityParams",
        """
capacity = data.capacity(params)
display(Markdown(data.capacity_headline(capacity, params.usd_decimals)))
""",
        [
            md("""
## Nodes per node group

A node's *allocatable* share is what is left for pods after Kubernetes and the operating
system reserve their part. The red mark is the most nodes the group may scale to.
"""),
            code("""
display(views.styled(views.capacity_nodes(capacity.result)))
charts.capacity_nodes(capacity.result).show()
"""),
            md("""
## How full the nodes are

Requested CPU and memory (workloads plus per-node system pods) as a share of allocatable.
High is efficient; close to 100% leaves no room for a node to fail or a rollout to surge.
"""),
            code("""
charts.capacity_utilization(capacity.result, params.utilization_warn_pct).show()
display(views.styled(views.capacity_utilization(capacity.result)))
"""),
            md("""
## Quota headroom

The namespace's ResourceQuota caps the total requests; the headroom is what is left at each
replica level. Containers outside the LimitRange are listed too (none means all fit).
"""),
            code("""
display(views.styled(views.quota_headroom(capacity.result)))
problems = views.unplaced_pods(capacity.result)
if len(problems):
    display(Markdown("**Pods that do not fit:**"))
    display(views.styled(problems))
else:
    display(Markdown("Every pod fits on its node groups at every replica level."))
"""),
            md("""
## Cost range

The whole deployment priced with the nodes each replica level needs; everything except the
worker nodes stays the same.
"""),
            code("""
display(views.styled(views.cost_range(capacity.costs, capacity.shown), params.usd_decimals))
charts.cost_range(capacity.result.scenario, capacity.costs, capacity.shown).show()
"""),
        ],
        "data.capacity_summary(capacity)",
        order=2,
    )


NOTEBOOKS = {"cost_overview": cost_overview, "capacity": capacity, "whatif": whatif}


def main() -> None:
    for name, build in NOTEBOOKS.items():
        nb = build()
        nbformat.validate(nb)
        nbformat.write(nb, HERE / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")


if __name__ == "__main__":
    main()
