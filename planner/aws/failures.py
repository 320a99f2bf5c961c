"""AWS failures as one line: no credentials, access denied, throttling exhausted, endpoint down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from planner.errors import PlannerError


class AwsCallError(PlannerError):
    """An AWS call failed; the message names the call and the reason."""


@contextmanager
def aws_failures(what: str) -> Iterator[None]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        err = exc.response.get("Error", {})
        code = err.get("Code", "error")
        message = str(err.get("Message", "")).replace("\n", " ")
        raise AwsCallError(f"{what}: {code}: {message}") from exc
    except BotoCoreError as exc:
        raise AwsCallError(f"{what}: {exc}") from exc
