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

COMMON_PARAMETERS = """\
scenario = "staging"  # scenario YAML path or bundled name ("staging", "production")
prices = None  # price snapshot folder; None means the bundled snapshot
usd_decimals = 2  # decimals shown for US dollars (0-2)
compare_with = ["staging", "production"]  # scenarios priced side by side
horizon_months = 12  # warn about price steps within this many months of the scenario's as_of"""


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
for warning in report.warnings:
    display(Markdown(f"- **Warning:** {warning}"))
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


def alerts() -> nbformat.NotebookNode:
    return notebook(
        [
            md("""
# Billing alerts

The thresholds for AWS Budgets, CloudWatch billing alarms and Cost Anomaly Detection that
`planner alerts` generates from the modelled cost, beside the levels the seed report sets
(Staging Deployment Report - EMRTask Platform v1.0, 2025-11-11, §9.4: $750 warning, $1,000
critical). The budget is the planned monthly cost at expected replicas; the critical level is
never below the cost at HPA maximum. Amounts are US dollars per month at list prices.
"""),
            code(
                COMMON_PARAMETERS
                + "\n"
                + "forecast = None  # CSV month,monthly_usd the budget follows; None = flat plan",
                "parameters",
            ),
            code("""
from planner.notebooks.params import AlertsParams, validate

params = validate(AlertsParams, globals())
"""),
            code("""
from IPython.display import Markdown, display

from planner import charts, views
from planner.alerts import notebook as alerts

charts.setup()
policy = alerts.policy(params)
display(Markdown(alerts.headline(policy)))
"""),
            md("""
## Alert levels against the modelled cost

Bars are the monthly cost at HPA minimum, expected and maximum replicas (with a forecast:
the month-by-month budget). Solid lines are the generated levels, dotted lines the seed
report's. A level fires in a month whose cost is above it.
"""),
            code("""
alerts.chart(policy).show()
display(views.styled(alerts.levels_frame(policy), params.usd_decimals))
"""),
            md("""
## The generated budgets

One budget for the environment (filtered by its cost allocation tag) and one per largest
service. Each notification is a percentage of its budget; the critical percentage is where
the HPA-maximum cost plus a margin lands, or 110%, whichever is higher.
"""),
            code("""
display(views.styled(alerts.budgets_frame(policy), params.usd_decimals))
"""),
            md("""
## Billing alarms and anomaly detection

CloudWatch billing alarms use the same levels on the account's `EstimatedCharges` metric
(us-east-1, 6-hour maximum); they cannot filter by tag. The anomaly subscription's impact
threshold is one day of the largest service's cost.
"""),
            code("""
display(views.styled(alerts.alarms_frame(policy), params.usd_decimals))
display(Markdown(
    f"Anomaly monitor **{policy.anomaly.monitor_name}** ({policy.anomaly.monitor_type}); "
    f"subscriptions alert at a total impact of **${policy.anomaly.impact_usd}** or more: "
    f"{policy.anomaly.source}."
))
"""),
            code("""
from planner.notebooks.summary import publish

publish(alerts.summary(policy))
"""),
        ],
        order=6,
    )


def plan_vs_actual() -> nbformat.NotebookNode:
    """Plan against the bill (issue 13): its own parameters model lives in planner.actuals."""
    return notebook(
        [
            md("""
# Plan against actual

The plan's monthly cost lines held against the AWS bill: planned and actual per service and
month, the largest differences with their likely cause (a quantity the plan assumed, or a
price), spend the plan does not have, Savings Plan / RI coverage, and the plan re-priced on
the quantities the bill measured.
"""),
            code(
                COMMON_PARAMETERS
                + """
actuals = "auto"  # tidy table, export file or folder; auto: the bundled SAMPLE bill (staging)
cost_basis = "amortised"  # amortised (commitments spread) or unblended
top = 10  # largest variances listed""",
                "parameters",
            ),
            code("""
from planner.actuals.notebook import PlanVsActualParams
from planner.notebooks.params import validate

params = validate(PlanVsActualParams, globals())
"""),
            code("""
from IPython.display import Markdown, display

from planner import charts, views
from planner.actuals import notebook as pva

charts.setup()
data = pva.build(params)
display(Markdown(pva.banner(data)))
display(Markdown(pva.headline(data, params.usd_decimals)))
"""),
            md("""
## Planned against actual, per service and month

The plan is monthly (730 hours); the bill's months have 720 or 744 hours, so hourly lines
differ by a few percent on their own. Unplanned spend is counted in its service's actual.
"""),
            code("""
if data.variance is not None:
    pva.chart(data.variance).show()
    display(views.styled(pva.service_months(data.variance), params.usd_decimals))
"""),
            md("""
## The largest variances and their likely cause

*quantity*: the bill measured more or less than the plan assumed (GB, LCU-hours, hours);
*price*: the effective price differs (spot, a Savings Plan, another rate). The difference
splits exactly into the two; the larger names the cause.
"""),
            code("""
if data.variance is not None:
    display(views.styled(pva.top_variances(data.variance, params.top), params.usd_decimals))
"""),
            md("""
## Unplanned spend

Billing lines that match no planned line, by service and usage type. Never dropped: the
matched lines plus these equal the bill's total to the cent.
"""),
            code("""
if data.variance is not None:
    display(views.styled(pva.unplanned(data.variance), params.usd_decimals))
"""),
            md("""
## Commitments: coverage and utilisation

From the export's amortised columns. Coverage: coverable usage (instances, DB and cache
nodes) run under a commitment, at on-demand value; utilisation: the commitment actually used.
"""),
            code("""
if data.variance is not None:
    table = pva.commitments(data.variance)
    if len(table):
        display(views.styled(table, params.usd_decimals))
    else:
        display(Markdown("No Savings Plans or reservations in this billing data."))
"""),
            md("""
## The plan re-based on the bill

Every quantity the bill measured (NAT GB, LCU-hours, log GB, data transfer, storage, node
hours) set to its measured value, then priced again at list prices
(`planner actuals rebase` writes the same overlay).
"""),
            code("""
if data.rebased is not None:
    display(views.styled(pva.rebased_table(data), params.usd_decimals))
    display(Markdown("Measured fields: " + ", ".join(f.split(" ")[0] for f in data.rebased_fields)))
"""),
            code("""
from planner.notebooks.summary import publish

publish(pva.summary(data))
"""),
        ],
        order=7,
    )


def commitments() -> nbformat.NotebookNode:
    return framed(
        """
# Commitments: reserved capacity, Savings Plans, spot and schedules

What to commit to, for how long, what it costs up front and when it pays back. Every option
is priced from the bundled price snapshot (real AWS list and reserved rates, each with its
source and date); where the snapshot has no rate the option is **named as missing**, never
priced with a guessed discount. *Monthly* figures are amortised (upfront fees spread over the
term); *upfront* and *cash* figures are what is paid when. The two are never added.
""",
        """grid = "auto"  # sweep grid YAML; "auto" = scenarios/grids/<scenario>.yaml, None skips
forecast_months = 12  # months in the forecast
growth_pct = 0  # usage growth per month, percent
sp_quantile = 0  # percentile of the modelled hourly spend a Savings Plan commits to""",
        "CommitmentsParams",
        """
from planner.commitments import notebook as cn

result = cn.commitments_data(params)
display(Markdown(cn.headline(result)))
""",
        [
            md("""
## Options side by side

Per resource, cheapest first within each risk level (none: on-demand; low: 1-year No
Upfront; medium: 1-year Partial/All Upfront, 3-year No Upfront, spot; high: 3-year
Partial/All Upfront). *Unused at HPA min* is the reservation paid for nothing if the
workloads fall to their HPA minimum (and, under a schedule, in the off-hours).
"""),
            code("""
display(views.styled(cn.options_table(result), params.usd_decimals))
display(Markdown("**Rates missing from the catalog** (fill with `planner prices refresh` "
                 "or a user rate card):"))
display(views.styled(cn.missing_table(result)))
"""),
            md("""
## Cash flow and break-even

Cumulative cash of each commitment against staying on-demand; a star marks the month the
commitment has cost no more than on-demand (its break-even).
"""),
            code("""
cn.cash_flow_chart(result).show()
"""),
            md("""
## Sweep: the Pareto frontier

Every combination of instance types, purchase options and schedules in the grid, evaluated
at once. The frontier holds the variants no other variant beats on both monthly cost and
headroom (spare requested capacity at expected replicas).
"""),
            code("""
if result.sweep is None:
    display(Markdown("No sweep grid for this scenario."))
else:
    display(Markdown(f"{result.sweep.count:,} variants from `{result.grid_path.name}`."))
    cn.pareto_chart(result).show()
    display(views.styled(cn.sweep_table(result), params.usd_decimals, money=["monthly", "upfront"]))
"""),
            md("""
## 12-month forecast

Month by month with the scenario's commitments (their start and end dates) and the growth
rate set above: cash paid against the amortised cost.
"""),
            code("""
cn.forecast_chart(result).show()
display(views.styled(cn.forecast_table(result), params.usd_decimals))
"""),
            md("""
## The seed report's §9.2 claims against the model

"Staging Deployment Report - EMRTask Platform v1.0, 2025-11-11, §9.2" claims savings for
staging. Each line is checked against the model of the bundled staging scenario: a "~X"
claim holds within 10% of X. A claim needing a rate the catalog lacks says so.
"""),
            code("""
display(views.styled(cn.claims_table(result)))
"""),
        ],
        "cn.summary(result)",
        order=4,
    )


def rightsizing() -> nbformat.NotebookNode:
    """Right-sizing from measured usage (planner.rightsize); its own parameters model."""
    return notebook(
        [
            md("""
# Right-sizing

Which instance classes and pod requests the measured usage supports, what that saves per
month at list prices, and how many worker nodes it takes. Each recommendation is the cheapest
class that covers the chosen CPU percentile plus headroom and the measured memory, with the
evidence behind it (percentiles, datapoints, gaps) and a risk level.
"""),
            code(
                COMMON_PARAMETERS
                + """
usage = None  # usage file from planner usage pull or import; None: the bundled SAMPLE for staging
percentile = 95.0  # CPU percentile to size for
headroom_pct = 20.0  # headroom on top of it, percent""",
                "parameters",
            ),
            code("""
from planner.notebooks.params import validate
from planner.rightsize.notebook import RightsizingParams

params = validate(RightsizingParams, globals())
"""),
            code("""
from IPython.display import Markdown, display

from planner import charts, views
from planner.rightsize import notebook as rs

charts.setup()
rs_data = rs.load(params)
display(Markdown(rs_data.banner))
display(Markdown(rs.headline(rs_data)))
"""),
            md("""
## Usage distributions

How busy each resource was over the window, as a share of its capacity (or, for pods, of
their limit). The box spans the middle half of the datapoints; whiskers reach the extremes.
Periods without data are left out, never counted as zero.
"""),
            code("""
if rs_data.result is not None:
    rs.distributions(rs_data).show()
"""),
            md("""
## Recommendations

"now" and "recommended" are monthly list prices from the cost engine, including surplus CPU
credits where a burstable class runs above its baseline. Workload rows show their share of
node cost; their saving reaches the bill through the node groups and is counted there.
"""),
            code("""
if rs_data.result is not None:
    display(views.styled(rs.recommendations(rs_data), params.usd_decimals))
"""),
            md("""
## Savings

Per resource, against the seed report's claim (§9.2, "Right-sizing after load testing:
potential savings $50-100/month") for all of them together.
"""),
            code("""
if rs_data.result is not None:
    rs.savings(rs_data).show()
"""),
            md("""
## Node-count effect

The new pod requests and node types run through the capacity model at the HPA minimum,
expected and maximum replicas.
"""),
            code("""
if rs_data.result is not None:
    display(views.styled(rs.node_effect(rs_data), params.usd_decimals))
"""),
            code("""
from planner.notebooks.summary import publish

publish(rs.summary(rs_data))
"""),
        ],
        order=5,
    )


NOTEBOOKS = {
    "cost_overview": cost_overview,
    "capacity": capacity,
    "whatif": whatif,
    "alerts": alerts,
    "plan_vs_actual": plan_vs_actual,
    "commitments": commitments,
    "rightsizing": rightsizing,
}


def main() -> None:
    for name, build in NOTEBOOKS.items():
        nb = build()
        nbformat.validate(nb)
        nbformat.write(nb, HERE / f"{name}.ipynb")
        print(f"wrote notebooks/{name}.ipynb")


if __name__ == "__main__":
    main()
