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
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as exc:
        err = exc.response.get("Error", {})
        code = err.get("Code", "error")
        message = str(err.get("Message", "")).replace("\n", " ")
        raise AwsCallError(f"{what}: {code}: {message}") from exc
    except BotoCoreError as exc:
        raise AwsCallError(f"{what}: {exc}") from exc
    except ResponseParserError as exc:  # not a BotoCoreError: an error reply botocore can't read
        raise AwsCallError(f"{what}: {_parser_line(exc)}") from None


def _parser_line(exc: Exception) -> str:
    """botocore's ResponseParserError in one line: the status it saw, not the whole body."""
    import re

    text = " ".join(str(exc).split())
    status = re.search(r"status code: (\d+)", text, re.IGNORECASE)
    code = f"HTTP {status.group(1)}: " if status else ""
    return f"{code}an unreadable reply ({text[:120]})"
