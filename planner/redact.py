"""Credentials never reach a file, a log or an output: redact them where text is written.

``redact_url`` drops the ``user:password@`` of a URL and the values of query parameters that
carry secrets (``X-Amz-Signature``, ``X-Amz-Credential``, ``X-Amz-Security-Token``, ``token``,
``password``, ``secret``, ``key``...). ``redact_text`` does the same for every URL in a text
and hides AWS access keys and secret-looking ``key=value`` pairs.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HIDDEN = "REDACTED"
_SECRET_PARAMS = re.compile(
    r"(signature|credential|security-token|securitytoken|token|password|passwd|secret|"
    r"api[-_]?key|access[-_]?key|sig)$",
    re.IGNORECASE,
)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
_ACCESS_KEY = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")
_PAIR = re.compile(
    r"\b(aws_secret_access_key|aws_session_token|aws_access_key_id|password|passwd|secret)"
    r"(\s*[=:]\s*)([^\s,;'\"]+)",
    re.IGNORECASE,
)


def redact_url(url: str) -> str:
    """``url`` without user information and with secret query values hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return HIDDEN
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{HIDDEN}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, HIDDEN if _SECRET_PARAMS.search(k) else v) for k, v in pairs], safe="/:"
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str) -> str:
    """Every URL in ``text`` redacted, access key ids and secret ``key=value`` pairs hidden."""
    text = _URL.sub(lambda m: redact_url(m.group(0)), text)
    text = _ACCESS_KEY.sub(HIDDEN, text)
    return _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{HIDDEN}", text)
