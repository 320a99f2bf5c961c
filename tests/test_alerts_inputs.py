"""What ``planner alerts`` reads and writes besides the scenario: subscribers, the account id,
a ``--forecast`` CSV, and the ``--out`` folder (which never destroys a file planner did not
write, and never reaches outside the folder)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from planner.errors import InputError

ARN = "arn:aws:sns:us-east-1:123456789012:billing-alerts"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PLANNER_ALERT_EMAILS", "PLANNER_ALERT_SNS_TOPIC", "PLANNER_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)


def test_subscribers_from_options_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.alerts.subscribers import subscribers_from

    s = subscribers_from([" a@example.com", "b@example.org", "a@example.com", " "], ARN)
    assert s.emails == ("a@example.com", "b@example.org")  # trimmed, once each, in order
    assert s.sns_topic_arn == ARN and not s.empty
    assert s.budget_subscribers() == [
        {"SubscriptionType": "EMAIL", "Address": "a@example.com"},
        {"SubscriptionType": "EMAIL", "Address": "b@example.org"},
        {"SubscriptionType": "SNS", "Address": ARN},
    ]
    none = subscribers_from(None, None)
    assert (none.emails, none.sns_topic_arn, none.empty) == ((), None, True)
    assert none.budget_subscribers() == []
    monkeypatch.setenv("PLANNER_ALERT_EMAILS", "c@example.com, d@example.com")
    monkeypatch.setenv("PLANNER_ALERT_SNS_TOPIC", ARN)
    env = subscribers_from(None, None)
    assert (env.emails, env.sns_topic_arn) == (("c@example.com", "d@example.com"), ARN)
    # an option wins over the environment
    assert subscribers_from(["x@example.com"], None).emails == ("x@example.com",)


def test_at_most_ten_addresses() -> None:
    from planner.alerts.subscribers import subscribers_from

    ten = [f"u{i}@example.com" for i in range(10)]
    assert len(subscribers_from(ten, None).emails) == 10  # AWS Budgets: 10 per notification
    with pytest.raises(InputError, match="11 e-mail addresses"):
        subscribers_from([*ten, "u10@example.com"], None)


@pytest.mark.parametrize("bad", ["nope", "a@b", "a b@example.com", "@example.com", "a@@x.com"])
def test_bad_addresses(bad: str) -> None:
    from planner.alerts.subscribers import subscribers_from

    with pytest.raises(InputError, match="is not an e-mail address"):
        subscribers_from([bad], None)


@pytest.mark.parametrize(
    "bad",
    [
        "arn:aws:sqs:us-east-1:123456789012:q",  # not SNS
        "arn:aws:sns:us-east-1:12345678901:t",  # 11 digits
        "arn:aws:sns:us-east-1:123456789012:",  # no topic name
        f"{ARN} ",
    ],
)
def test_bad_topics(bad: str) -> None:
    from planner.alerts.subscribers import subscribers_from

    with pytest.raises(InputError, match="is not an SNS topic ARN"):
        subscribers_from(None, bad)


def test_topics_of_other_partitions() -> None:
    from planner.alerts.subscribers import subscribers_from

    gov = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts_2"
    assert subscribers_from(None, gov).sns_topic_arn == gov


def test_account_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.alerts.subscribers import account_from

    assert account_from("123456789012") == "123456789012"
    assert account_from(None) is None
    for bad in ("12345678901", "1234567890123", "12345678901a"):
        with pytest.raises(InputError, match="12-digit"):
            account_from(bad)
    monkeypatch.setenv("PLANNER_ACCOUNT_ID", "210987654321")
    assert account_from(None) == "210987654321"


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_forecast_csv_columns(tmp_path: Path) -> None:
    from planner.alerts.forecast import read_forecast

    simple = _csv(tmp_path, "month,monthly_usd\n2026-01,815.77\n2026-02-01, 900 \n")
    assert read_forecast(simple) == [
        (dt.date(2026, 1, 1), Decimal("815.77")),
        (dt.date(2026, 2, 1), Decimal(900)),  # a full date is read as its month
    ]
    # `planner forecast --format csv`: the budgets count amortised cost
    forecast = _csv(tmp_path, "month,list_usd,amortised_usd\n2026-03,1000,750.5\n")
    assert read_forecast(forecast) == [(dt.date(2026, 3, 1), Decimal("750.5"))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,monthly_usd\n2026-01,1\n", "needs columns month,monthly_usd"),
        ("month,usd\n2026-01,1\n", "needs columns month,monthly_usd"),
        ("", "needs columns"),
        ("month,monthly_usd\n2026-01,1\n2026-13,1\n", "line 3: month '2026-13' is not YYYY-MM"),
        ("month,monthly_usd\n2026-01,abc\n", "line 2: monthly_usd 'abc' is not a number"),
        ("month,monthly_usd\n2026-01,0\n", "line 2: monthly_usd '0' must be above 0"),
        ("month,monthly_usd\n2026-01,-1\n", "'-1' must be above 0"),
        ("month,monthly_usd\n2026-01,NaN\n", "'NaN' must be above 0"),
        ("month,amortised_usd\n2026-01,Infinity\n", "amortised_usd 'Infinity' must be above 0"),
    ],
)
def test_forecast_csv_errors(tmp_path: Path, text: str, message: str) -> None:
    from planner.alerts.forecast import read_forecast

    with pytest.raises(InputError, match=message):
        read_forecast(_csv(tmp_path, text))


def test_forecast_csv_smallest_amount_and_missing_file(tmp_path: Path) -> None:
    from planner.alerts.forecast import read_forecast

    assert read_forecast(_csv(tmp_path, "month,monthly_usd\n2026-01,0.01\n"))[0][1] == Decimal(
        "0.01"
    )
    with pytest.raises(InputError, match="cannot read --forecast"):
        read_forecast(str(tmp_path / "missing.csv"))


def _marker(folder: Path) -> list[str]:
    data = json.loads((folder / ".planner-output").read_text())
    return list(data["files"])


def test_out_folder_written_with_its_marker(tmp_path: Path) -> None:
    from planner.alerts.outdir import write_folder

    out = tmp_path / "a" / "b"
    written = write_folder(str(out), {"x.tf": "x\n", "y.json": "{}\n"})
    assert written == [out / "x.tf", out / "y.json"]
    assert (out / "x.tf").read_text() == "x\n"
    assert _marker(out) == ["x.tf", "y.json"]
    # the marker is JSON indented by 2, one name a line (readable, and a small diff)
    assert (
        out / ".planner-output"
    ).read_text() == '{\n  "files": [\n    "x.tf",\n    "y.json"\n  ]\n}\n'
    # again, with one file fewer: the stale one planner wrote goes, a user's file stays
    (out / "notes.txt").write_text("mine")
    write_folder(str(out), {"y.json": "{}\n"})
    assert not (out / "x.tf").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert _marker(out) == ["y.json"]


def test_out_folder_refusals(tmp_path: Path) -> None:
    from planner.alerts.outdir import write_folder

    file = tmp_path / "file"
    file.write_text("keep")
    with pytest.raises(InputError, match="--out is a file"):
        write_folder(str(file), {"x.tf": ""})
    assert file.read_text() == "keep"
    for bad in ("../x.tf", "sub/x.tf", ".hidden"):
        with pytest.raises(InputError, match="plain names"):
            write_folder(str(tmp_path / "o"), {bad: ""})
    assert not (tmp_path / "x.tf").exists()
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    with pytest.raises(InputError, match="cannot create --out folder"):
        write_folder(str(blocked / "inner"), {"x.tf": ""})


@pytest.mark.parametrize("marker", ["not json", '{"other": []}', '{"files": 5}'])
def test_a_broken_marker_is_refused(tmp_path: Path, marker: str) -> None:
    from planner.alerts.outdir import write_folder

    (tmp_path / ".planner-output").write_text(marker)
    (tmp_path / "x.tf").write_text("user")
    with pytest.raises(InputError, match="not a planner marker file"):
        write_folder(str(tmp_path), {"x.tf": "planner"})
    assert (tmp_path / "x.tf").read_text() == "user"


def test_a_marker_never_removes_anything_outside_the_folder(tmp_path: Path) -> None:
    from planner.alerts.outdir import write_folder

    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / "sub").mkdir()
    (out / "sub" / "f").write_text("keep")
    # a tampered marker listing a path outside, a folder and a file inside a folder
    (out / ".planner-output").write_text(json.dumps({"files": ["../victim.txt", "sub", "sub/f"]}))
    write_folder(str(out), {"x.tf": ""})
    assert victim.read_text() == "keep"
    assert (out / "sub" / "f").read_text() == "keep"
    assert _marker(out) == ["x.tf"]


def test_forecast_csv_empty_month_is_named(tmp_path: Path) -> None:
    from planner.alerts.forecast import read_forecast

    with pytest.raises(InputError, match="line 2: month '' is not YYYY-MM"):
        read_forecast(_csv(tmp_path, "month,monthly_usd\n,5\n"))
