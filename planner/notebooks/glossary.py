"""The report's glossary: the words finance meets on the pages, one sentence each, with a link
to where AWS defines them. Every finance page links it (``glossary.html`` beside the pages'
shared plotly.js); the terms have anchors (``glossary.html#lcu``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    term: str
    sentence: str
    url: str
    """AWS's own definition (documentation, pricing page or whitepaper)."""

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")


_RESERVATIONS = (
    "https://docs.aws.amazon.com/whitepapers/latest/cost-optimization-reservation-models/"
    "reserved-instance-payment-options.html"
)
_DATASETS = (
    "https://aws.amazon.com/blogs/aws-cloud-financial-management/"
    "understanding-your-aws-cost-datasets-a-cheat-sheet/"
)

TERMS: tuple[Term, ...] = (
    Term(
        "List price",
        "The price AWS publishes for one unit of a service (an hour, a GB-month, a request) "
        "before any discount, credit or tax; every figure in this report starts from one.",
        "https://aws.amazon.com/pricing/",
    ),
    Term(
        "On-demand",
        "Paying the list price for the hours used, with no commitment and nothing up front.",
        "https://aws.amazon.com/ec2/pricing/on-demand/",
    ),
    Term(
        "Spot",
        "Spare EC2 capacity sold at a discount that moves with supply, which AWS can take back "
        "with two minutes' notice.",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-instances.html",
    ),
    Term(
        "Reserved Instance",
        "A one- or three-year commitment to an instance type in a region, billed at a lower "
        "rate every hour of the term whether the instance runs or not.",
        "https://aws.amazon.com/ec2/pricing/reserved-instances/",
    ),
    Term(
        "No Upfront",
        "A reservation or Savings Plan paid month by month over its term, with nothing paid "
        "at purchase.",
        _RESERVATIONS,
    ),
    Term(
        "Partial Upfront",
        "A reservation or Savings Plan with part of its price paid at purchase and the rest "
        "as a lower hourly charge over the term.",
        _RESERVATIONS,
    ),
    Term(
        "All Upfront",
        "A reservation or Savings Plan paid in full at purchase, with no hourly charge after.",
        _RESERVATIONS,
    ),
    Term(
        "Standard and convertible",
        "A standard reservation keeps its instance family for the whole term, a convertible "
        "one can be exchanged for another family at a smaller discount.",
        "https://docs.aws.amazon.com/whitepapers/latest/cost-optimization-reservation-models/"
        "standard-vs.-convertible-offering-classes.html",
    ),
    Term(
        "Savings Plan",
        "A one- or three-year commitment to spend a fixed amount an hour on compute at lower "
        "rates, where an hour's unused commitment is paid all the same.",
        "https://docs.aws.amazon.com/savingsplans/latest/userguide/what-is-savings-plans.html",
    ),
    Term(
        "Effective rate",
        "What a commitment costs an hour once its upfront fee is spread over the hours of its "
        "term (upfront fee / hours in the term + hourly charge).",
        _RESERVATIONS,
    ),
    Term(
        "Amortised",
        "Upfront fees spread evenly over the months of their term, so each month carries its "
        "share, as against cash, which is what is paid when.",
        _DATASETS,
    ),
    Term(
        "Unblended",
        "Each charge in the month it was billed, an upfront fee in full in the month it was paid.",
        _DATASETS,
    ),
    Term(
        "Coverage",
        "The share of the usage a commitment could cover (instances, database and cache "
        "nodes) that a Savings Plan or reservation did cover, valued at on-demand prices.",
        "https://docs.aws.amazon.com/savingsplans/latest/userguide/ce-sp-usingCR.html",
    ),
    Term(
        "Utilisation",
        "The share of a Savings Plan or reservation that was used; the rest was paid for nothing.",
        "https://docs.aws.amazon.com/savingsplans/latest/userguide/ce-sp-usingPR.html",
    ),
    Term(
        "Break-even month",
        "The first month in which a commitment's cumulative cash is no more than staying "
        "on-demand would have cost.",
        _RESERVATIONS,
    ),
    Term(
        "LCU",
        "A Load Balancer Capacity Unit, the unit a load balancer is billed in each hour: the "
        "largest of its new connections, active connections, processed bytes and rule "
        "evaluations, each against its allowance per unit.",
        "https://aws.amazon.com/elasticloadbalancing/pricing/",
    ),
    Term(
        "HPA",
        "The Kubernetes Horizontal Pod Autoscaler, which runs between a minimum and a maximum "
        "number of copies (replicas) of a service as load changes, so the worker nodes and "
        "their cost move between two levels.",
        "https://docs.aws.amazon.com/eks/latest/userguide/horizontal-pod-autoscaler.html",
    ),
    Term(
        "Node group",
        "A set of EC2 instances of one type that run a Kubernetes cluster's workloads, billed "
        "as EC2 instances with their disks.",
        "https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html",
    ),
    Term(
        "EKS extended support",
        "A Kubernetes version past its standard support on EKS, billed at $0.60 instead of "
        "$0.10 an hour for the cluster until it is upgraded.",
        "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
    ),
    Term(
        "Multi-AZ",
        "A database or cache with a standby copy in a second availability zone, billed for both.",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html",
    ),
    Term(
        "Surplus CPU credits",
        "What a burstable instance (t3, t4g) in unlimited mode pays when it runs above its "
        "baseline share of CPU for longer than its earned credits last.",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/"
        "burstable-performance-instances-unlimited-mode-concepts.html",
    ),
    Term(
        "Graviton",
        "AWS's arm64 processors (the g in t4g, m6g, c6g), cheaper an hour than the x86 "
        "equivalent, which need software built for arm64.",
        "https://aws.amazon.com/ec2/graviton/",
    ),
    Term(
        "GB-month",
        "One gigabyte stored for one month, the unit storage is billed in (GB-Mo).",
        "https://aws.amazon.com/ebs/pricing/",
    ),
    Term(
        "Cost allocation tag",
        "A label on AWS resources (Environment: staging) that the bill, budgets and Cost "
        "Explorer can filter and group costs by.",
        "https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-alloc-tags.html",
    ),
    Term(
        "AWS Budget",
        "A monthly amount for an account, a service or a tag, with alerts by e-mail or SNS "
        "when actual or forecast spend passes a percentage of it.",
        "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html",
    ),
    Term(
        "Billing alarm",
        "A CloudWatch alarm on the account's estimated charges for the month so far, which "
        "cannot filter by tag.",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/"
        "monitor_estimated_charges_with_cloudwatch.html",
    ),
    Term(
        "Cost Anomaly Detection",
        "An AWS monitor that learns a service's or a tag's usual spend and alerts when a day's "
        "spend departs from it by more than a set impact.",
        "https://docs.aws.amazon.com/cost-management/latest/userguide/manage-ad.html",
    ),
    Term(
        "Cost and Usage Report",
        "AWS's line-by-line export of the bill (CUR 2.0, or FOCUS), which the plan-against-"
        "actual page reads.",
        "https://docs.aws.amazon.com/cur/latest/userguide/what-is-cur.html",
    ),
)

FILE = "glossary.html"

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 52em;
       color: #222; line-height: 1.45; padding: 0 1em; }
dt { font-weight: bold; margin-top: 0.9em; } dd { margin: 0.2em 0 0 0; }
a { color: #1f5fa8; } .meta { color: #666; }
@media print { @page { size: A4; margin: 12mm; } body { max-width: none; margin: 0; }
  dt { break-after: avoid; } dd { break-inside: avoid; } }
"""


def glossary_html() -> str:
    """The glossary page: one sentence per term and a link to AWS's definition."""
    esc = html.escape
    items = "".join(
        f'<dt id="{t.anchor}">{esc(t.term)}</dt><dd>{esc(t.sentence)} '
        f'<a href="{esc(t.url)}">AWS: {esc(_site(t.url))}</a></dd>'
        for t in sorted(TERMS, key=lambda t: t.term.lower())
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Glossary</title><style>{STYLE}</style></head><body>"
        "<h1>Glossary</h1>"
        '<p class="meta">The words the report pages use, one sentence each, with a link to '
        "where AWS defines them. All amounts in the report are US dollars at AWS list prices "
        "unless a page says otherwise.</p>"
        f"<dl>{items}</dl></body></html>\n"
    )


def _site(url: str) -> str:
    """``docs.aws.amazon.com/savingsplans``: where the link goes, readable in print."""
    parts = url.split("://", 1)[-1].split("/")
    return "/".join(p for p in parts[:2] if p)
