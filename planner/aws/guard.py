"""Guards on every AWS client planner makes: wrong replies are errors, work is bounded.

- **A reply must have the operation's shape.** A 2xx body that is not a JSON object (JSON
  protocols), not a CBOR map (CloudWatch's Smithy RPC v2 CBOR) or not XML (query protocols),
  such as a truncated body or a captive portal's HTML page, is an error naming the service and
  the operation. botocore would otherwise read it as an empty reply: "no data", a $0.00 bill.
- **Paging ends.** A page token sent twice for the same request is a loop; more than
  :data:`MAX_EMPTY_PAGES` empty pages in a row that still name a next page, or more than
  :data:`MAX_PAGES` pages of one operation in one command, are refused as endless.
- **A total deadline.** :func:`bounded` gives one command's sequence of AWS calls
  ``PLANNER_AWS_DEADLINE_S`` seconds (default :data:`DEFAULT_DEADLINE_S`), even when an
  endpoint drips one byte at a time (which defeats the per-read socket timeout): a timer
  interrupts the call under way (outside the main thread, a worker thread is abandoned and
  stopped at its next call).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from planner.errors import PlannerError

T = TypeVar("T")

DEFAULT_DEADLINE_S = 900.0
MAX_PAGES = 1000
MAX_EMPTY_PAGES = 10
TOKEN_PARAMS = ("NextToken", "NextPageToken", "nextToken", "Marker")
TOKEN_FIELDS = (*TOKEN_PARAMS, "NextMarker")
# The list every successful reply of these reads carries (even when empty): without it the
# reply is not the operation's, and reading it as "no data" would be a silent $0.
REQUIRED_LISTS = {
    "GetCostAndUsage": "ResultsByTime",
    "GetMetricData": "MetricDataResults",
    "GetProducts": "PriceList",
    "DescribeSpotPriceHistory": "SpotPriceHistory",
    "GetAnomalyMonitors": "AnomalyMonitors",
    "GetAnomalySubscriptions": "AnomalySubscriptions",
    "DescribeAlarms": "MetricAlarms",
}


class AwsReplyError(PlannerError):
    """AWS (or whatever answered in its place) sent a reply planner cannot trust."""


class _Deadline(BaseException):
    """Raised by the deadline's timer in the main thread, as KeyboardInterrupt is by Ctrl-C."""


class _Sequence:
    """The state of the running command's AWS calls (one command per process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.cancelled: str | None = None
        self.tokens: set[tuple[str, str, str]] = set()
        self.pages: dict[str, int] = {}
        self.empty_streak: dict[str, int] = {}


SEQUENCE = _Sequence()


def deadline_s() -> float:
    raw = os.environ.get("PLANNER_AWS_DEADLINE_S", "")
    if not raw:
        return DEFAULT_DEADLINE_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not (0 < value <= 86_400):
        raise PlannerError(
            f"PLANNER_AWS_DEADLINE_S={raw!r}: give seconds between 1 and 86400 "
            f"(default {DEFAULT_DEADLINE_S:.0f})"
        )
    return value


def bounded(work: Callable[[], T], what: str, seconds: float | None = None) -> T:
    """Run ``work`` (a sequence of AWS calls) with a total deadline; one line when it passes.

    In the main thread a real-time timer (SIGALRM) interrupts the call under way, as Ctrl-C
    does; elsewhere ``work`` runs in a worker thread that is abandoned at the deadline (and
    stopped at its next call)."""
    import signal

    limit = deadline_s() if seconds is None else seconds
    SEQUENCE.reset()
    start = time.monotonic()

    def late() -> AwsReplyError:
        return AwsReplyError(
            f"{what}: no complete answer from AWS within {time.monotonic() - start:.0f} s "
            f"(a slow or stuck endpoint; the limit is PLANNER_AWS_DEADLINE_S={limit:g})"
        )

    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def on_alarm(_signum: int, _frame: object) -> None:
            SEQUENCE.cancelled = f"{what}: deadline passed"
            raise _Deadline  # a BaseException: botocore's retries catch only Exception

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return work()
        except _Deadline:
            raise late() from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name="planner-aws", daemon=True)
    worker.start()
    try:
        worker.join(limit)
    except BaseException:
        SEQUENCE.cancelled = "interrupted"
        raise
    if worker.is_alive():
        SEQUENCE.cancelled = f"{what}: deadline passed"
        raise late()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def install(client: Any) -> Any:
    """Register the guards on a botocore client (every client planner makes)."""
    events = client.meta.events
    events.register("before-parameter-build", _before_call)
    events.register("before-parse", _check_reply)
    events.register("after-call", _after_call)
    return client


def _operation(model: Any) -> str:
    return f"{model.service_model.service_id} {model.name}"


def _before_call(params: dict[str, Any], model: Any, **_: Any) -> None:
    seq = SEQUENCE
    op = _operation(model)
    if seq.cancelled:
        raise AwsReplyError(f"{op}: not sent ({seq.cancelled})")
    token = next((params[k] for k in TOKEN_PARAMS if params.get(k)), None)
    with seq.lock:
        pages = seq.pages.get(op, 0) + 1
        seq.pages[op] = pages
        if pages > MAX_PAGES:
            raise AwsReplyError(
                f"{op}: more than {MAX_PAGES} calls in one command; refusing to page on "
                "(narrow the request)"
            )
        if token is not None:
            rest = json.dumps(
                {k: v for k, v in params.items() if k not in TOKEN_PARAMS},
                sort_keys=True,
                default=str,
            )
            key = (op, rest, str(token))
            if key in seq.tokens:
                raise AwsReplyError(
                    f"{op}: the endpoint sent the page token {str(token)[:40]!r} twice: a "
                    "paging loop (a broken endpoint or proxy); stopped"
                )
            seq.tokens.add(key)


def _after_call(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
    if not isinstance(parsed, dict) or getattr(http_response, "status_code", 200) >= 300:
        return
    op = _operation(model)
    required = REQUIRED_LISTS.get(model.name)
    if required is not None and not isinstance(parsed.get(required), list):
        raise AwsReplyError(
            f"{op}: the reply has no {required} list; not the operation's reply (a proxy, a "
            "stub or a truncated answer); nothing was read from it"
        )
    token = next((parsed[k] for k in TOKEN_FIELDS if parsed.get(k)), None)
    lists = [v for k, v in parsed.items() if isinstance(v, list) and k != "ResponseMetadata"]
    with SEQUENCE.lock:
        if token is not None and lists and not any(lists):
            streak = SEQUENCE.empty_streak.get(op, 0) + 1
            SEQUENCE.empty_streak[op] = streak
            if streak > MAX_EMPTY_PAGES:
                raise AwsReplyError(
                    f"{op}: {streak} empty pages in a row, each naming another page: endless "
                    "paging (a broken endpoint or proxy); stopped"
                )
        else:
            SEQUENCE.empty_streak[op] = 0


def _check_reply(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    status = int(response_dict.get("status_code", 200))
    if status >= 300:
        return  # an error reply: botocore turns it into a ClientError (or retries)
    body = response_dict.get("body") or b""
    if not isinstance(body, bytes | bytearray) or operation_model.has_streaming_output:
        return
    protocol = operation_model.service_model.resolved_protocol
    op = _operation(operation_model)
    # judged by the body: some servers (and moto) label JSON replies text/html
    head = bytes(body.lstrip()[:200]).lower()
    if head.startswith((b"<!doctype html", b"<html")) or (
        b"<html" in head and protocol not in ("query", "ec2", "rest-xml")
    ):
        raise AwsReplyError(
            f"{op}: the endpoint answered with an HTML page, not an AWS reply (a proxy or "
            "captive portal?); check AWS_ENDPOINT_URL and the network"
        )
    if not body.strip():
        if operation_model.output_shape is not None and operation_model.output_shape.members:
            if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor"):
                return  # AWS sends an empty body for an empty result of some calls
            raise AwsReplyError(f"{op}: an empty reply where AWS sends data")
        return
    if protocol in ("json", "rest-json"):
        try:
            data = json.loads(body)
        except ValueError:
            raise AwsReplyError(
                f"{op}: the reply is not complete JSON ({len(body)} bytes; truncated or "
                "garbled); nothing was read from it"
            ) from None
        if not isinstance(data, dict):
            raise AwsReplyError(
                f"{op}: the reply is JSON but not an object ({type(data).__name__}); not an "
                "AWS reply"
            )
    elif protocol == "smithy-rpc-v2-cbor":
        first = body[0]
        if first >> 5 != 5:  # CBOR major type 5: a map
            raise AwsReplyError(f"{op}: the reply is not a CBOR map; not an AWS reply")
        if not _cbor_complete(bytes(body)):
            raise AwsReplyError(
                f"{op}: the reply is truncated CBOR ({len(body)} bytes); nothing was read"
            )
    elif protocol in ("query", "ec2", "rest-xml"):
        from xml.etree import ElementTree

        try:
            ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise AwsReplyError(
                f"{op}: the reply is not complete XML ({len(body)} bytes; truncated or "
                "garbled); nothing was read from it"
            ) from None


def _cbor_complete(data: bytes) -> bool:
    """True when ``data`` is exactly one complete CBOR item (structure only)."""

    def item(i: int) -> int:
        if i >= len(data):
            raise IndexError
        head = data[i]
        major, info = head >> 5, head & 31
        i += 1
        if info < 24:
            n = info
        elif info in (24, 25, 26, 27):
            size = 1 << (info - 24)
            if i + size > len(data):
                raise IndexError
            n = int.from_bytes(data[i : i + size], "big")
            i += size
        elif info == 31 and major in (2, 3, 4, 5):
            while True:  # indefinite length until the break byte
                if i >= len(data):
                    raise IndexError
                if data[i] == 0xFF:
                    return i + 1
                i = item(i)
                if major == 5:
                    i = item(i)
        else:
            raise ValueError(info)
        if major in (0, 1, 7):
            return i
        if major in (2, 3):
            if i + n > len(data):
                raise IndexError
            return i + n
        if major == 6:
            return item(i)
        for _ in range(n * (2 if major == 5 else 1)):
            i = item(i)
        return i

    try:
        return item(0) == len(data)
    except (IndexError, ValueError, RecursionError):
        return False
