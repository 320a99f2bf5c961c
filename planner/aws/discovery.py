"""Read-only calls for ``planner discover``: every page of each list, each call counted.

Clients come from :func:`planner.aws.session.client` (credential chain, endpoint URLs,
adaptive retries, bounded timeouts). A call that the account's policy denies raises
:class:`Denied` naming the IAM action, so that the caller can mark that part of the scenario
missing and go on; any other failure is one :class:`~planner.aws.session.AwsError` line.

:data:`ACTIONS` is every IAM action this module may call; the README's policy lists exactly
these (a test checks both ways).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from planner.aws.session import aws_errors, client, session
from planner.errors import PlannerError

# boto3 service name -> IAM action prefix, where they differ
_IAM_PREFIX = {"elbv2": "elasticloadbalancing"}
# operations whose IAM action is named differently from the API operation
_ACTION_NAME = {("s3", "ListBuckets"): "ListAllMyBuckets"}
_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
    "Forbidden",
}

# Every read-only action ``planner discover`` may call.
ACTIONS: tuple[str, ...] = (
    "eks:ListClusters",
    "eks:DescribeCluster",
    "eks:ListNodegroups",
    "eks:DescribeNodegroup",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeNatGateways",
    "rds:DescribeDBInstances",
    "elasticache:DescribeReplicationGroups",
    "elasticache:DescribeCacheClusters",
    "elasticache:ListTagsForResource",
    "kafka:ListClustersV2",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "logs:DescribeLogGroups",
    "logs:ListTagsForResource",
    "s3:ListAllMyBuckets",
    "s3:GetBucketTagging",
    "kms:ListKeys",
    "kms:DescribeKey",
    "kms:ListResourceTags",
    "ecr:DescribeRepositories",
    "ecr:DescribeImages",
    "ecr:ListTagsForResource",
    "cloudwatch:GetMetricData",
)


class Denied(PlannerError):
    """The account's policy does not allow ``action``: that part is left out, marked missing."""

    def __init__(self, action: str, code: str, message: str) -> None:
        self.action = action
        self.code = code
        super().__init__(f"{action} denied ({code}): {message}")


class NotFound(PlannerError):
    """The resource asked about does not exist (e.g. a bucket without a tag set)."""


def action_name(service: str, operation: str) -> str:
    prefix = _IAM_PREFIX.get(service, service)
    return f"{prefix}:{_ACTION_NAME.get((service, operation), operation)}"


class AccountReader:
    """Paginated, counted, read-only calls against one region."""

    def __init__(
        self,
        region: str,
        *,
        profile: str | None = None,
        client_for: Callable[[str], Any] | None = None,
    ) -> None:
        self.region = region
        self._make = client_for or self._default(region, profile)
        self._clients: dict[str, Any] = {}
        self.calls = 0
        self.actions: set[str] = set()

    @staticmethod
    def _default(region: str, profile: str | None) -> Callable[[str], Any]:
        shared: list[Any] = []

        def make(service: str) -> Any:
            if not shared:
                shared.append(session(profile))
            return client(service, region, shared=shared[0])

        return make

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._make(service)
        return self._clients[service]

    def pages(self, service: str, operation: str, key: str, **params: Any) -> list[Any]:
        """Every item under ``key`` on every page (the paginator when there is one)."""
        from botocore import xform_name

        api = self.client(service)
        method = xform_name(operation)
        items: list[Any] = []
        with self._errors(service, operation):
            if api.can_paginate(method):
                for page in api.get_paginator(method).paginate(**params):
                    self.calls += 1
                    items.extend(page.get(key, []))
            else:
                self.calls += 1
                items.extend(getattr(api, method)(**params).get(key, []))
        return items

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """One call (for operations that return one resource)."""
        from botocore import xform_name

        api = self.client(service)
        with self._errors(service, operation):
            self.calls += 1
            result: dict[str, Any] = getattr(api, xform_name(operation))(**params)
        return result

    @contextmanager
    def _errors(self, service: str, operation: str) -> Iterator[None]:
        from botocore.exceptions import ClientError

        action = action_name(service, operation)
        self.actions.add(action)
        with aws_errors(service):
            try:
                yield
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", ""))
                message = " ".join(str(error.get("Message", "")).split())[:200]
                if code in _DENIED:
                    raise Denied(action, code, message) from None
                if code in ("NoSuchTagSet", "NoSuchTagSetError", "ResourceNotFoundException"):
                    raise NotFound(f"{action}: {code}: {message}") from None
                raise
