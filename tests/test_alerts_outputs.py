"""planner alerts outputs: goldens (JSON, Terraform), HCL parses, cli-json passes botocore.

The thresholds inside the goldens are worked by hand in tests/test_alerts_policy.py; the
checks below read them back out of the parsed files, so a golden rewritten with a wrong
value still fails here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_golden import assert_golden

SCENARIOS = ["staging", "production"]
# (total limit, warning %, critical %, critical USD, anomaly USD), worked by hand in
# test_alerts_policy.py: the longest month (744 h): staging 829.78, critical =
# ceil(915.05 x 1.05 / 829.78, 0.01%); production 1960.72, critical 110%
HAND = {
    "staging": ("829.78", 100, Decimal("115.80"), Decimal("960.89"), "14.40"),
    "production": ("1960.72", 100, Decimal(110), Decimal("2156.80"), "20.05"),
}


def _unq(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _resources(doc: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for entry in doc["resource"]:
        for rtype, named in entry.items():
            if _unq(rtype) == kind:
                for name, body in named.items():
                    out[_unq(name)] = body
    return out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_json_golden(run_cli: Any, scenario: str) -> None:
    result = run_cli(["alerts", scenario, "--format", "json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    limit, w_pct, c_pct, c_usd, impact = HAND[scenario]
    total = data["budgets"][0]
    assert total["limit_usd"] == limit
    assert Decimal(total["thresholds"][0]["percent"]) == w_pct
    assert Decimal(total["thresholds"][1]["percent"]) == c_pct
    assert Decimal(total["thresholds"][1]["monthly_usd"]) == c_usd
    assert data["anomaly"]["impact_usd"] == impact
    seed = {lv["label"] for lv in data["levels"]} & {"seed §9.4 warning", "seed §9.4 critical"}
    # the seed report's levels are staging's (staging.yaml lists §9.4 in seed_figures)
    assert seed == ({"seed §9.4 warning", "seed §9.4 critical"} if scenario == "staging" else set())
    assert bool(data["seed_levels"]) == (scenario == "staging")
    assert_golden(f"alerts-{scenario}.json", result.out)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_terraform_golden_parses(run_cli: Any, scenario: str) -> None:
    import hcl2

    result = run_cli(["alerts", scenario, "--format", "terraform"])
    assert result.code == 0, result.err
    doc = hcl2.loads(result.out)
    assert {_unq(k) for v in doc["variable"] for k in v} == {
        "account_id",
        "notification_emails",
        "sns_topic_arn",
    }
    limit, w_pct, c_pct, c_usd, impact = HAND[scenario]
    budgets = _resources(doc, "aws_budgets_budget")
    total = budgets[f"planner_{scenario}_total"]
    assert _unq(total["limit_amount"]) == limit
    assert _unq(total["account_id"]) == "${var.account_id}"
    thresholds = [
        (_unq(n["notification_type"]), Decimal(str(n["threshold"]))) for n in total["notification"]
    ]
    assert thresholds == [("ACTUAL", w_pct), ("ACTUAL", c_pct), ("FORECASTED", Decimal(100))]
    assert [_unq(v) for v in total["cost_filter"][0]["values"]] == [f"user:Environment${scenario}"]
    assert len(budgets) == 4
    alarms = _resources(doc, "aws_cloudwatch_metric_alarm")
    assert len(alarms) == 8
    crit = alarms[f"planner_{scenario}_billing_total_critical"]
    assert Decimal(str(crit["threshold"])) == c_usd
    assert _unq(crit["namespace"]) == "AWS/Billing"
    assert _unq(crit["metric_name"]) == "EstimatedCharges"
    assert _unq(crit["statistic"]) == "Maximum"
    assert crit["period"] == 21600
    assert {_unq(k): _unq(v) for k, v in crit["dimensions"].items()} == {"Currency": "USD"}
    assert crit["provider"] == "${aws.billing}"
    provider = doc["provider"][0]
    assert _unq(provider[next(iter(provider))]["region"]) == "us-east-1"
    svc = next(a for n, a in alarms.items() if n.endswith("_warning") and "total" not in n)
    assert "ServiceName" in {_unq(k) for k in svc["dimensions"]}
    monitors = _resources(doc, "aws_ce_anomaly_monitor")
    (monitor,) = monitors.values()
    assert _unq(monitor["monitor_type"]) == "CUSTOM"
    spec = json.loads(json.loads(monitor["monitor_specification"]))
    assert spec["Tags"]["Values"] == [scenario]
    subs = _resources(doc, "aws_ce_anomaly_subscription")
    assert len(subs) == 2
    for sub in subs.values():
        dim = sub["threshold_expression"][0]["dimension"][0]
        assert [_unq(v) for v in dim["values"]] == [impact]
    assert_golden(f"alerts-{scenario}.tf", result.out)


def _validate_create_budget(request: dict[str, Any]) -> str:
    import botocore.session
    from botocore.validate import ParamValidator

    model = botocore.session.get_session().get_service_model("budgets")
    shape = model.operation_model("CreateBudget").input_shape
    assert shape is not None
    report = ParamValidator().validate(request, shape)
    return str(report.generate_report())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_cli_json_passes_botocore_validation(run_cli: Any, scenario: str, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = run_cli(
        [
            "alerts",
            scenario,
            "--format",
            "cli-json",
            "--out",
            str(out),
            "--account-id",
            "123456789012",
            "--email",
            "a@example.com",
            "--sns-topic",
            "arn:aws:sns:us-east-1:123456789012:billing",
        ]
    )
    assert result.code == 0, result.err
    files = sorted(p.name for p in out.glob("*.json"))
    assert len(files) == 4 and f"planner-{scenario}-total.json" in files
    for name in files:
        request = json.loads((out / name).read_text())
        assert _validate_create_budget(request) == ""
        subs = request["NotificationsWithSubscribers"][0]["Subscribers"]
        assert {s["SubscriptionType"] for s in subs} == {"EMAIL", "SNS"}
    total = json.loads((out / f"planner-{scenario}-total.json").read_text())
    assert total["Budget"]["BudgetLimit"]["Amount"] == HAND[scenario][0]


def test_cli_json_with_forecast_passes_validation(tmp_path: Path) -> None:
    from test_alerts_policy import SERIES, _policy

    from planner.alerts.render import cli_json_files
    from planner.alerts.subscribers import Subscribers

    files = cli_json_files(
        _policy("staging", forecast=SERIES), "123456789012", Subscribers(emails=("a@example.com",))
    )
    request = json.loads(files["planner-staging-total.json"])
    assert len(request["Budget"]["PlannedBudgetLimits"]) == 12
    assert _validate_create_budget(request) == ""


def test_validator_catches_a_broken_request() -> None:
    # the validator itself is live: a missing TimeUnit and a numeric Amount are reported
    bad = {
        "AccountId": "123456789012",
        "Budget": {"BudgetName": "x", "BudgetType": "COST", "BudgetLimit": {"Amount": 5}},
    }
    report = _validate_create_budget(bad)
    assert "TimeUnit" in report and "Amount" in report


def test_cli_json_placeholders_are_announced(run_cli: Any, monkeypatch: Any) -> None:
    for name in ("PLANNER_ALERT_EMAILS", "PLANNER_ALERT_SNS_TOPIC", "PLANNER_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    result = run_cli(["alerts", "staging", "--format", "cli-json"])
    assert result.code == 0
    assert "placeholders" in result.err
    data = json.loads(result.out)
    assert data["planner-staging-total.json"]["AccountId"] == "000000000000"


def test_table_shows_generated_levels_beside_the_seed(run_cli: Any) -> None:
    result = run_cli(["alerts", "staging", "--format", "table"])
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    row = {ln.split("  ")[0].strip(): ln for ln in lines if ln.startswith(("planner ", "seed "))}
    assert "$960.89" in row["planner critical"]
    assert "$829.78" in row["planner warning"]
    assert "$750.00" in row["seed §9.4 warning"]
    assert "fires every normal month" in row["seed §9.4 warning"]
    assert "$1,000.00" in row["seed §9.4 critical"] and "11.2%" in row["seed §9.4 critical"]
    assert "Staging Deployment Report - EMRTask Platform v1.0, 2025-11-11, §9.4" in result.out


def test_out_dir_rules(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "new" / "alerts"
    assert run_cli(["alerts", "staging", "--format", "terraform", "--out", str(out)]).code == 0
    assert (out / "alerts-staging.tf").is_file() and (out / ".planner-output").is_file()
    # planner's own folder: rewritten; files it no longer writes are removed, user files kept
    (out / "notes.txt").write_text("mine")
    assert run_cli(["alerts", "staging", "--format", "json", "--out", str(out)]).code == 0
    assert (out / "alerts-staging.json").is_file()
    assert not (out / "alerts-staging.tf").exists()
    assert (out / "notes.txt").read_text() == "mine"
    # a user's file with a name planner would write is never overwritten
    (out / "alerts-staging.tf").write_text("user terraform")
    clash = run_cli(["alerts", "staging", "--format", "terraform", "--out", str(out)])
    assert clash.code == 2 and "not written by planner" in clash.err
    assert (out / "alerts-staging.tf").read_text() == "user terraform"
    # a folder with files and no marker is refused, untouched
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "main.tf").write_text("keep")
    refused = run_cli(["alerts", "staging", "--format", "terraform", "--out", str(foreign)])
    assert refused.code == 2 and "did not write" in refused.err
    assert sorted(p.name for p in foreign.iterdir()) == ["main.tf"]
    # empty existing folder is fine
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli(["alerts", "production", "--format", "cli-json", "--out", str(empty)]).code == 0
    assert len(list(empty.glob("*.json"))) == 4


def test_cli_usage_errors(run_cli: Any) -> None:
    both = run_cli(["alerts", "staging", "--apply"])
    assert both.code == 2 and "alerts apply" in both.err
    many = run_cli(["alerts", "staging", "production"])
    assert many.code == 2 and "one scenario" in many.err
    bad_email = run_cli(["alerts", "staging", "--format", "cli-json", "--email", "nope"])
    assert bad_email.code == 2 and "e-mail" in bad_email.err


def test_terraform_with_a_forecast_uses_planned_limits() -> None:
    import hcl2
    from test_alerts_policy import SERIES, _policy

    from planner.alerts.terraform import alerts_terraform

    doc = hcl2.loads(alerts_terraform(_policy("staging", forecast=SERIES)))
    total = _resources(doc, "aws_budgets_budget")["planner_staging_total"]
    assert "limit_amount" not in total
    assert _unq(total["time_period_start"]) == "2026-01-01_00:00"
    planned = [(_unq(p["start_time"]), _unq(p["amount"])) for p in total["planned_limit"]]
    assert len(planned) == 12
    assert planned[6] == ("2026-07-01_00:00", "1200.00")
    # service budgets stay flat
    eks = _resources(doc, "aws_budgets_budget")["planner_staging_AmazonEKS"]
    assert _unq(eks["limit_amount"]) == "446.40"  # the longest month: 744 x 0.60
