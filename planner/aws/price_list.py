"""The AWS Price List API (``pricing:GetProducts``): paginated product records.

``GetProducts`` returns each product as a JSON *string*; :func:`get_products` parses them
and counts the calls it made. Turning records into price rows is
:mod:`planner.prices.records`' job; this module only talks to AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.aws.session import AwsError, aws_errors

Filter = dict[str, str]


def term_match(**fields: str) -> list[Filter]:
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in fields.items()]


def ec2_filters(instance_type: str, region: str) -> list[Filter]:
    """Linux, shared tenancy, no pre-installed software, used capacity: the BoxUsage price."""
    return term_match(
        instanceType=instance_type,
        regionCode=region,
        operatingSystem="Linux",
        tenancy="Shared",
        preInstalledSw="NA",
        capacitystatus="Used",
    )


@dataclass
class CallCounter:
    """GetProducts calls and records seen, for the refresh's manifest and the benchmark."""

    calls: int = 0
    records: int = 0
    by_service: dict[str, int] = field(default_factory=dict)


def get_products(
    client: Any,
    service_code: str,
    filters: Sequence[Filter],
    counter: CallCounter | None = None,
    *,
    page_size: int = 100,
) -> Iterator[dict[str, Any]]:
    """Every product record (parsed) over all pages of one GetProducts query."""
    counter = counter if counter is not None else CallCounter()
    paginator = client.get_paginator("get_products")
    pages = paginator.paginate(
        ServiceCode=service_code,
        Filters=list(filters),
        FormatVersion="aws_v1",
        PaginationConfig={"PageSize": page_size},
    )
    iterator = iter(pages)
    while True:
        # botocore's paginator raises PaginationError on a repeated NextToken.
        with aws_errors("pricing"):
            page = next(iterator, None)
        if page is None:
            return
        counter.calls += 1
        counter.by_service[service_code] = counter.by_service.get(service_code, 0) + 1
        items = page.get("PriceList")
        if not isinstance(items, list):
            raise AwsError(
                f"AWS pricing GetProducts for {service_code}: the response has no PriceList "
                "(malformed or truncated)"
            )
        for index, item in enumerate(items):
            counter.records += 1
            yield _parse(item, service_code, counter.calls, index)


def _parse(item: Any, service_code: str, page: int, index: int) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    try:
        record = json.loads(item)
    except (TypeError, ValueError) as exc:
        raise AwsError(
            f"AWS pricing GetProducts for {service_code}: PriceList item {index} of call "
            f"{page} is not JSON ({exc})"
        ) from None
    if not isinstance(record, dict):
        raise AwsError(
            f"AWS pricing GetProducts for {service_code}: PriceList item {index} of call "
            f"{page} is not a product record"
        )
    return record


def endpoint_of(client: Any) -> str:
    """The client's endpoint URL as it may be written down: credentials redacted."""
    from planner.redact import redact_url

    return redact_url(str(getattr(getattr(client, "meta", None), "endpoint_url", "") or ""))
