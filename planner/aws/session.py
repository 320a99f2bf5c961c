"""One place that creates boto3 clients, and turns AWS failures into one-line errors.

Clients use the standard credential chain (environment, ``AWS_PROFILE`` / ``--profile``,
shared config, SSO, instance role), botocore's own ``AWS_ENDPOINT_URL`` /
``AWS_ENDPOINT_URL_<SERVICE>``, adaptive retries (throttling is retried) and bounded
timeouts and attempts, so that a dead endpoint fails within a minute instead of hanging.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from planner.errors import PlannerError

# The Price List API is served from a few regions only (us-east-1, eu-central-1, ap-south-1).
PRICING_API_REGION = "us-east-1"
# Worst case for one call against an endpoint that accepts connections but never answers:
# MAX_ATTEMPTS x READ_TIMEOUT_S plus backoff (at most 1 + 2 s) = 3 x 15 + 3 = 48 s < 60 s.
CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 15
MAX_ATTEMPTS = 3
CREDENTIAL_CHAIN = (
    "the standard AWS credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE "
    "or --profile, ~/.aws/config and credentials, SSO, instance role)"
)


class AwsError(PlannerError):
    """An AWS call failed for good (after retries): one line, exit 2."""


def client_config() -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS},
        user_agent_extra="planner/0.1",
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
    )


def session(profile: str | None = None) -> Any:
    """A boto3 session (one per command: its clients share the loaded service models)."""
    try:
        import boto3
    except ImportError as exc:  # pragma: no cover - boto3 is a runtime dependency
        raise PlannerError("boto3 is not installed: pip install planner") from exc
    with aws_errors("sts"):
        return boto3.session.Session(profile_name=profile) if profile else boto3.session.Session()


def client(service: str, region: str, *, profile: str | None = None, shared: Any = None) -> Any:
    """A boto3 client. Credentials come from the standard chain (env, profile, SSO, role).

    ``shared`` is a session from :func:`session` to create it from (else a new one)."""
    with aws_errors(service):
        source = shared if shared is not None else session(profile)
        made = source.client(service, region_name=region, config=client_config())
    from planner.aws.guard import install

    return install(made)


@contextmanager
def aws_errors(service: str) -> Iterator[None]:
    """Turn botocore's exceptions into one :class:`AwsError` line naming what to do."""
    from botocore import exceptions as bx
    from botocore.parsers import ResponseParserError

    try:
        yield
    except PlannerError:
        raise
    except bx.ProfileNotFound as exc:
        raise AwsError(
            f"AWS profile {exc.kwargs.get('profile')!r} is not in ~/.aws/config or "
            "~/.aws/credentials; pass an existing --profile or set AWS_PROFILE"
        ) from None
    except (bx.NoCredentialsError, bx.PartialCredentialsError, bx.CredentialRetrievalError):
        raise AwsError(
            f"no AWS credentials for {service}: none found in {CREDENTIAL_CHAIN}; "
            "pass --profile NAME or set AWS_PROFILE"
        ) from None
    except (bx.SSOError, bx.TokenRetrievalError, bx.UnauthorizedSSOTokenError) as exc:
        raise AwsError(f"AWS SSO login needed for {service}: {exc} (run aws sso login)") from None
    except bx.ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "Error")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        message = " ".join(str(error.get("Message", "")).split())[:200]
        hint = ""
        if "Throttl" in code or code in ("RequestLimitExceeded", "TooManyRequestsException"):
            hint = f" (still throttled after {MAX_ATTEMPTS} attempts; try again later)"
        elif code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"):
            hint = " (see the IAM policy in docs/development.md)"
        elif code in ("UnrecognizedClientException", "InvalidClientTokenId"):
            hint = f" (check the credentials found in {CREDENTIAL_CHAIN})"
        raise AwsError(
            f"AWS {service} {exc.operation_name} failed: HTTP {status} {code}: {message}{hint}"
        ) from None
    except (bx.EndpointConnectionError, bx.ConnectTimeoutError) as exc:
        raise AwsError(
            f"cannot reach the AWS {service} endpoint ({exc}); check the network, "
            "AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>"
        ) from None
    except bx.ReadTimeoutError as exc:
        raise AwsError(
            f"the AWS {service} endpoint did not answer within {READ_TIMEOUT_S} s after "
            f"{MAX_ATTEMPTS} attempts ({exc})"
        ) from None
    except bx.PaginationError as exc:
        raise AwsError(f"AWS {service} returned a bad page token: {exc}") from None
    except bx.ParamValidationError as exc:
        raise AwsError(f"AWS {service} request rejected: {' '.join(str(exc).split())}") from None
    except ResponseParserError as exc:  # an error reply botocore cannot read
        from planner.aws.failures import _parser_line

        raise AwsError(f"AWS {service}: {_parser_line(exc)}") from None
    except (bx.BotoCoreError, ValueError) as exc:
        # ValueError: a body that is not JSON (botocore's parsers raise ResponseParserError,
        # a BotoCoreError, in most cases; json errors may surface raw).
        raise AwsError(f"AWS {service} call failed: {' '.join(str(exc).split())[:300]}") from None
