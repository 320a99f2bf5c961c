"""Who is notified: e-mail addresses and an SNS topic, from options or the environment.

Never from a committed file: scenarios describe costs, not people.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from planner.errors import InputError

ENV_EMAILS = "PLANNER_ALERT_EMAILS"  # comma-separated
ENV_SNS = "PLANNER_ALERT_SNS_TOPIC"
ENV_ACCOUNT = "PLANNER_ACCOUNT_ID"
PLACEHOLDER_ACCOUNT = "000000000000"
PLACEHOLDER_EMAIL = "finops@example.com"

_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")
_SNS = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}")
_ACCOUNT = re.compile(r"\d{12}")


@dataclass(frozen=True)
class Subscribers:
    emails: tuple[str, ...] = ()
    sns_topic_arn: str | None = None

    @property
    def empty(self) -> bool:
        return not self.emails and self.sns_topic_arn is None

    def budget_subscribers(self) -> list[dict[str, str]]:
        out = [{"SubscriptionType": "EMAIL", "Address": e} for e in self.emails]
        if self.sns_topic_arn:
            out.append({"SubscriptionType": "SNS", "Address": self.sns_topic_arn})
        return out


def subscribers_from(emails: list[str] | None, sns_topic: str | None) -> Subscribers:
    """Options first, then ``PLANNER_ALERT_EMAILS`` / ``PLANNER_ALERT_SNS_TOPIC``."""
    raw = list(emails or [])
    if not raw and os.environ.get(ENV_EMAILS):
        raw = [e for e in os.environ[ENV_EMAILS].split(",")]
    cleaned = tuple(dict.fromkeys(e.strip() for e in raw if e.strip()))
    for email in cleaned:
        if not _EMAIL.fullmatch(email):
            raise InputError(f"--email {email!r} is not an e-mail address (name@example.com)")
    if len(cleaned) > 10:
        raise InputError(f"{len(cleaned)} e-mail addresses: AWS Budgets allows at most 10")
    topic = sns_topic or os.environ.get(ENV_SNS) or None
    if topic is not None and not _SNS.fullmatch(topic):
        raise InputError(
            f"--sns-topic {topic!r} is not an SNS topic ARN "
            "(arn:aws:sns:us-east-1:123456789012:billing-alerts)"
        )
    return Subscribers(emails=cleaned, sns_topic_arn=topic)


def account_from(account_id: str | None) -> str | None:
    value = account_id or os.environ.get(ENV_ACCOUNT) or None
    if value is not None and not _ACCOUNT.fullmatch(value):
        raise InputError(f"--account-id {value!r} is not a 12-digit AWS account id")
    return value
