"""The account prerequisites of the alerts, checked against stand-in clients (in-process).

A check that is denied, fails or gets a reply of the wrong shape is "not checked", never
"holds" (planner/alerts/prerequisites.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from alerts_helpers import policy as _policy


class _CloudWatch:
    def __init__(self, reply: Any) -> None:
        self.reply = reply
        self.asked: dict[str, Any] = {}

    def list_metrics(self, **kw: Any) -> Any:
        self.asked = kw
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


class _CostExplorer:
    def __init__(self, reply: Any) -> None:
        self.reply = reply
        self.asked: dict[str, Any] = {}

    def list_cost_allocation_tags(self, **kw: Any) -> Any:
        self.asked = kw
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def _denied(message: str | None = "not allowed") -> Exception:
    from botocore.exceptions import ClientError

    error: Any = (
        {"Code": "AccessDenied"}
        if message is None
        else {"Code": "AccessDenied", "Message": message}
    )
    return ClientError({"Error": error}, "List")


def _states(items: list[Any]) -> list[tuple[str, str]]:
    return [(p.status, p.detail) for p in items]


def test_prerequisites_name_every_tag_key() -> None:
    from planner.alerts.prerequisites import BILLING_ALERTS, prerequisites, tag_keys

    p = _policy(tags={"Team": "data", "Environment": "demo"})
    assert tag_keys(p) == ["Environment", "Team"]
    items = prerequisites(p)
    assert items[0].what == BILLING_ALERTS
    assert "cost allocation tag 'Environment' activated" in items[1].what
    assert "cost allocation tag 'Team' activated" in items[2].what
    assert all(i.status == "not checked" for i in items)
    # no tags filtered and a monitor by SERVICE: only billing alerts
    assert tag_keys(_policy(tags={})) == []


def test_billing_metric_states() -> None:
    from planner.alerts.prerequisites import check

    p = _policy(tags={})
    cw = _CloudWatch({"Metrics": [{"MetricName": "EstimatedCharges"}]})
    assert _states(check(p, cw, None)) == [("holds", "AWS/Billing EstimatedCharges exists")]
    assert cw.asked == {"Namespace": "AWS/Billing", "MetricName": "EstimatedCharges"}
    (none,) = check(p, _CloudWatch({"Metrics": []}), None)
    assert none.status == "does not hold" and "us-east-1" in none.detail
    (odd,) = check(p, _CloudWatch({}), None)
    assert odd.status == "not checked" and "no Metrics list" in odd.detail
    (denied,) = check(p, _CloudWatch(_denied()), None)
    assert (denied.status, denied.detail) == ("not checked", "AccessDenied: not allowed")
    # an error without a message is its code alone
    (bare,) = check(p, _CloudWatch(_denied(None)), None)
    assert bare.detail == "AccessDenied:"
    (absent,) = check(p, None, None)
    assert (absent.status, absent.detail) == ("not checked", "no CloudWatch client")


def test_a_failure_that_is_not_aws_is_raised() -> None:
    from planner.alerts.prerequisites import check

    with pytest.raises(ZeroDivisionError):
        check(_policy(tags={}), _CloudWatch(ZeroDivisionError()), None)


def test_tag_states() -> None:
    from planner.alerts.prerequisites import check, tag_prerequisite

    p = _policy(tags={"Environment": "demo", "Team": "data", "Owner": "x"})
    cw = _CloudWatch({"Metrics": []})
    ce = _CostExplorer(
        {
            "CostAllocationTags": [
                {"TagKey": "Environment", "Status": "Active"},
                {"TagKey": "Owner", "Status": "Inactive"},
                "not a tag",
            ]
        }
    )
    _billing, env, owner, team = check(p, cw, ce)  # keys sorted
    assert ce.asked == {"TagKeys": ["Environment", "Owner", "Team"], "Type": "UserDefined"}
    assert (env.what, env.status, env.detail) == (
        tag_prerequisite("Environment"),
        "holds",
        "Active",
    )
    assert (owner.what, owner.status, owner.detail) == (
        tag_prerequisite("Owner"),
        "does not hold",
        "Inactive",
    )
    assert (team.what, team.status) == (tag_prerequisite("Team"), "does not hold")
    assert "not a cost allocation tag yet" in team.detail


@pytest.mark.parametrize(
    ("ce", "detail"),
    [
        (None, "no Cost Explorer client"),
        (_CostExplorer({}), "ListCostAllocationTags reply has no CostAllocationTags list"),
        (_CostExplorer(_denied("nope")), "AccessDenied: nope"),
    ],
)
def test_tags_not_checked(ce: Any, detail: str) -> None:
    from planner.alerts.prerequisites import check, tag_prerequisite

    p = _policy(tags={"Environment": "demo", "Team": "data"})
    _billing, *tags = check(p, None, ce)
    assert [(t.what, t.status, t.detail) for t in tags] == [
        (tag_prerequisite("Environment"), "not checked", detail),
        (tag_prerequisite("Team"), "not checked", detail),
    ]


def test_prerequisites_text() -> None:
    from planner.alerts.prerequisites import Prerequisite, prerequisites_text

    items = [Prerequisite("A"), Prerequisite("B", "holds", "ok"), Prerequisite("C", "holds")]
    assert prerequisites_text(items, checked=False).splitlines()[1:] == ["  - A", "  - B", "  - C"]
    assert prerequisites_text(items, checked=True).splitlines()[1:] == [
        "  [not checked] A",
        "  [holds: ok] B",
        "  [holds] C",
    ]


def test_an_aws_error_without_details() -> None:
    from botocore.exceptions import ClientError

    from planner.alerts.prerequisites import check

    # a reply with no Error block: the code reads "error", the message is empty
    (bare,) = check(_policy(tags={}), _CloudWatch(ClientError({}, "ListMetrics")), None)
    assert (bare.status, bare.detail) == ("not checked", "error:")
