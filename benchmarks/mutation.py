"""Mutation testing, one area of the package at a time (mutmut 3).

    python benchmarks/mutation.py                    # every area's score from its last run
    python benchmarks/mutation.py --run capacity     # (re)run one area, then score it
    python benchmarks/mutation.py --run              # (re)run every area
    python benchmarks/mutation.py --survivors capacity  # list the survivors, one line each
    make mutate AREA=capacity                        # the same as --run capacity

Each area has its own working folder, ``.mutation/<area>/``: symbolic links to the package,
the tests and the data the tests read, and a ``pyproject.toml`` holding this repository's
pytest settings plus a ``[tool.mutmut]`` section naming the area's modules and the test files
that cover them. mutmut copies the package into ``mutants/`` there, runs the selected tests
once to record which test reaches which function, then runs each mutant against only those
tests (two workers). Results are cached per function: a re-run only tries mutants of changed
functions. ``.mutation/<area>/mutants/`` is where ``mutmut show <name>`` works.

Per area it prints one line::

    mutation: area=capacity mutants=N killed=K survived=S timeout=T ratio=K/N

``mutants`` counts every mutant that a test reaches (mutants no selected test executes are
counted apart, as ``untested=U``, and are not in the ratio's denominator); a timeout counts as
killed in the ratio (the mutant made the tests hang: a test noticed). See docs/mutation.md for
how to read a survivor and what to do about it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / ".mutation"


@dataclass(frozen=True)
class Area:
    """Modules to mutate (globs relative to the repository) and the tests that cover them."""

    modules: tuple[str, ...]
    tests: tuple[str, ...]
    # Modules of the area left out: I/O shells (CLI wiring, notebook glue, rendering of
    # text) whose mutants only change wording; each is listed in docs/mutation.md.
    skip: tuple[str, ...] = ()
    # Tests left out of the area's runs: those that run the package in a subprocess, where
    # mutmut cannot tell which mutant ran (its trampolines record in-process only).
    deselect: tuple[str, ...] = ()


AREAS: dict[str, Area] = {
    "costing": Area(
        modules=("planner/costing/*",),
        tests=(
            "tests/test_costing_off_hours_nodes.py",
            "tests/test_units.py",
            "tests/test_expected_lines.py",
            "tests/test_staging_prices.py",
            "tests/test_commitments_pricing.py",
            "tests/test_commitments_schedules.py",
            "tests/test_prices_commitments.py",
            "tests/test_one_money.py",
            "tests/test_discounts.py",
            "tests/test_costing_calendar_months.py",
            "tests/test_costing_line_fields.py",
            "tests/test_costing_s3_tiers.py",
            "tests/test_costing_bases_and_missing.py",
            "tests/test_costing_growth_bounds.py",
            "tests/test_costing_spot_counts.py",
            "tests/test_costing_every_service.py",
            "tests/test_costing_discount_rules.py",
            "tests/test_costing_commitment_lines.py",
            "tests/test_costing_notes_traced.py",
        ),
    ),
    "pricing": Area(
        modules=(
            "planner/pricing.py",
            "planner/money.py",
            "planner/figures.py",
            "planner/catalog.py",
            "planner/catalog_names.py",
            "planner/quantities.py",
        ),
        tests=(
            "tests/test_pricing_scenario_folder.py",
            "tests/test_units.py",
            "tests/test_catalog.py",
            "tests/test_expected_lines.py",
            "tests/test_staging_prices.py",
            "tests/test_totals_foot.py",
            "tests/test_one_money.py",
            "tests/test_capacity_range_missing.py",
            "tests/test_money_rules.py",
            "tests/test_quantity_parsing.py",
            "tests/test_catalog_names.py",
            "tests/test_catalog_lookups.py",
            "tests/test_pricing_states.py",
        ),
        deselect=("tests/test_catalog.py::test_rebuild_is_byte_identical",),
    ),
    "capacity": Area(
        modules=("planner/capacity/*",),
        tests=(
            "tests/test_capacity_free_tree.py",
            "tests/test_capacity_formulas.py",
            "tests/test_capacity_packing.py",
            "tests/test_capacity_plan.py",
            "tests/test_pack_batch.py",
            "tests/test_from_capacity.py",
            "tests/test_capacity_packing_reference.py",
            "tests/test_capacity_allocatable_boundaries.py",
            "tests/test_capacity_quota_and_reasons.py",
            "tests/test_capacity_manifests_units.py",
            "tests/test_capacity_plan_units.py",
            "tests/test_capacity_range_missing.py",
            "tests/test_capacity_manifests_names.py",
            "tests/test_capacity_node_counts.py",
            "tests/test_capacity_reason_names.py",
        ),
        skip=("planner/capacity/cli.py",),
    ),
    "commitments": Area(
        modules=("planner/commitments/*",),
        tests=(
            "tests/test_commitments_sp_eligible.py",
            "tests/test_commitments_options_inputs.py",
            "tests/test_commitments_claims.py",
            "tests/test_commitments_cli.py",
            "tests/test_commitments_future_rates.py",
            "tests/test_commitments_pricing.py",
            "tests/test_commitments_schedules.py",
            "tests/test_commitments_sweep.py",
            "tests/test_one_money.py",
            "tests/test_commitments_forecast_carried.py",
            "tests/test_commitments_claims_catalog.py",
            "tests/test_commitments_outputs.py",
            "tests/test_commitments_sweep_reserved.py",
            "tests/test_commitments_sweep_headroom.py",
            "tests/test_commitments_cash_flow.py",
            "tests/test_commitments_sweep_ties.py",
            "tests/test_commitments_instance_savings_plan.py",
            "tests/test_commitments_purchase_rules.py",
            "tests/test_commitments_todays_purchase.py",
            "tests/test_commitments_claims_levers.py",
            "tests/test_commitments_forecast_savings_plan.py",
            "tests/test_commitments_unused_at_min.py",
            "tests/test_commitments_savings_plan_sizing.py",
            "tests/test_commitments_sweep_inputs.py",
            "tests/test_commitments_option_record.py",
            "tests/test_commitments_forecast_records.py",
            "tests/test_commitments_sweep_outputs.py",
            "tests/test_commitments_forecast_cash.py",
            "tests/test_commitments_claims_text.py",
            "tests/test_commitments_model_rules.py",
            "tests/test_commitments_forecast_database.py",
        ),
        skip=("planner/commitments/notebook.py", "planner/commitments/cli.py"),
    ),
    "rightsize": Area(
        modules=("planner/rightsize/*",),
        tests=(
            "tests/test_rightsize.py",
            "tests/test_rightsize_managed_by_hand.py",
            "tests/test_rightsize_fresh_run.py",
            "tests/test_rightsize_node_groups_by_hand.py",
            "tests/test_rightsize_evidence.py",
            "tests/test_rightsize_custom_catalog.py",
            "tests/test_rightsize_model_units.py",
        ),
        skip=("planner/rightsize/notebook.py",),
    ),
    "alerts": Area(
        modules=("planner/alerts/*", "planner/alert_settings.py"),
        tests=(
            "tests/test_alerts_policy.py",
            "tests/test_alerts_outputs.py",
            "tests/test_one_money.py",
            "tests/test_alerts_thresholds.py",
            "tests/test_alert_settings_bounds.py",
            "tests/test_alerts_requests.py",
            "tests/test_alerts_prerequisites.py",
            "tests/test_alerts_inputs.py",
            "tests/test_alerts_terraform_fmt.py",
        ),
        # `alerts apply` (apply.py, compare.py) is issue 21's; the notebook glue is a shell.
        skip=(
            "planner/alerts/apply.py",
            "planner/alerts/compare.py",
            "planner/alerts/notebook.py",
            "planner/alerts/cli.py",
        ),
    ),
    "actuals": Area(
        modules=("planner/actuals/variance.py", "planner/actuals/rebase.py"),
        tests=(
            "tests/test_actuals_variance.py",
            "tests/test_actuals_rebase.py",
            "tests/test_actuals_units.py",
            "tests/test_actuals_rebase_fields.py",
            "tests/test_actuals_discount_variance.py",
            "tests/test_actuals_variance_report.py",
        ),
    ),
    "usage": Area(
        modules=("planner/usage/*",),
        tests=(
            "tests/test_usage_cloudwatch.py",
            "tests/test_usage_import_cost.py",
            "tests/test_usage_by_hand.py",
            "tests/test_usage_series_and_cells.py",
        ),
        skip=("planner/usage/cli.py", "planner/usage/pull.py"),
    ),
    "scenario": Area(
        modules=("planner/scenario.py", "planner/safe_yaml.py", "planner/assumptions.py"),
        tests=(
            "tests/test_scenario_fuzz.py",
            "tests/test_cli_errors.py",
            "tests/test_units.py",
            "tests/hostile/test_hostile_yaml.py",
            "tests/hostile/test_hostile_values.py",
            "tests/hostile/test_hostile_paths.py",
            "tests/test_scenario_confinement.py",
            "tests/test_scenario_rules.py",
        ),
    ),
    # The security guards: output safety (atomic replace, never an input, owned folders keep
    # the user's files) and the lab's binding and token. Path confinement of scenarios is in
    # the scenario area (scenario.py); of manifest folders in the capacity area.
    "security": Area(
        modules=("planner/output.py", "planner/owned.py", "planner/notebooks/lab.py"),
        tests=(
            "tests/hostile/test_hostile_outputs.py",
            "tests/hostile/test_hostile_writer.py",
            "tests/hostile/test_hostile_owned.py",
            "tests/test_kernel_spec.py",
            "tests/test_output_guards.py",
            "tests/test_lab_guards.py",
        ),
        deselect=(
            "tests/hostile/test_hostile_outputs.py::test_stdout_to_a_full_disk_is_one_line",
            "tests/test_kernel_spec.py::test_concurrent_installs_all_succeed",
        ),
    ),
    "notebooks": Area(
        modules=("planner/notebooks/params.py", "planner/notebooks/summary.py"),
        tests=("tests/test_notebooks_units.py", "tests/test_notebook_params.py"),
    ),
}

# What the tests read besides the package and the tests (relative to the repository).
DATA = ("pricing", "scenarios", "notebooks", "README.md")

# Per mutant: a test run is a timeout past 15x its clean duration plus this many seconds.
TIMEOUT_CONSTANT = 10.0

# Lines left unmutated everywhere (regular expressions, see docs/mutation.md): the wording of
# an exception (the condition that raises it is on another line, and is mutated), argparse
# help, and progress printed on stderr. Their mutants only change words.
NOT_MUTATED = (
    r"^\s*raise\s",
    r"^\s*(help|description|epilog|metavar)=",
    r"^\s*print\(",
)


def _toml_list(items: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def _pytest_section() -> str:
    """This repository's ``[tool.pytest.ini_options]`` section, verbatim."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.pytest.ini_options]")
    end = text.find("\n[", start + 1)
    return text[start : end if end != -1 else len(text)].rstrip() + "\n"


def prepare(name: str, tests_dir: Path | None = None) -> Path:
    """Lay out ``.mutation/<name>/`` (links and settings); return it.

    ``tests_dir`` runs another copy of the tests (e.g. an earlier commit's, to score the
    tests as they were against the same code)."""
    area = AREAS[name]
    folder = WORK / name
    folder.mkdir(parents=True, exist_ok=True)
    for entry in ("planner", "tests", *DATA):
        link = folder / entry
        target = (tests_dir or REPO / "tests") if entry == "tests" else REPO / entry
        if link.is_symlink() and link.resolve() != target.resolve():
            link.unlink()
            shutil.rmtree(folder / "mutants", ignore_errors=True)
        if not link.is_symlink():
            link.symlink_to(target)
    tests = list(area.tests)
    missing = [t for t in tests if not (REPO / t).exists()]
    if missing:  # a renamed test file would silently shrink the area's suite
        raise SystemExit(f"mutation: area {name}: no such test file: {', '.join(missing)}")
    settings = (
        _pytest_section()
        + "\n[tool.mutmut]\n"
        + 'source_paths = ["planner"]\n'
        + f"only_mutate = {_toml_list(area.modules)}\n"
        + f"do_not_mutate = {_toml_list(area.skip)}\n"
        + f"do_not_mutate_patterns = {_toml_list(NOT_MUTATED)}\n"
        + f"also_copy = {_toml_list(DATA)}\n"
        + f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
        + "pytest_add_cli_args = "
        + _toml_list(
            ["-p", "no:cacheprovider", "-p", "no:randomly", "-x", "-q"]
            + [arg for test in area.deselect for arg in ("--deselect", test)]
        )
        + "\n"
        + f"timeout_constant = {TIMEOUT_CONSTANT}\n"
        + "use_git_change_detection = false\n"
    )
    target = folder / "pyproject.toml"
    if not target.exists() or target.read_text(encoding="utf-8") != settings:
        # other modules, tests or patterns: mutants made under the old settings are stale
        shutil.rmtree(folder / "mutants", ignore_errors=True)
        target.write_text(settings, encoding="utf-8")
    return folder


# Lists every mutant mutmut would make in an area (run in the area's folder, with its settings).
_LIST_MUTANTS = """
import json
from mutmut.mutation.file_mutation import mutate_file_contents
from mutmut.utils.file_utils import walk_mutatable_files
from mutmut.utils.format_utils import get_mutant_name
names = []
for path in walk_mutatable_files():
    made = mutate_file_contents(str(path), path.read_text(encoding="utf-8"))
    names += [get_mutant_name(path, n) for n in made.mutant_names]
print(json.dumps(names))
"""


def sample(name: str, size: int, seed: int = 19) -> list[str]:
    """A fixed random sample (``seed``, 19 unless told) of ``size`` of the area's mutants."""
    import random

    folder = WORK / name
    listed = subprocess.run(
        [sys.executable, "-c", _LIST_MUTANTS],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    )
    names: list[str] = json.loads(listed.stdout.strip().splitlines()[-1])
    if size >= len(names):
        return sorted(names)
    return sorted(random.Random(seed).sample(names, size))


def run(
    name: str,
    workers: int,
    size: int | None = None,
    tests_dir: Path | None = None,
    seed: int = 19,
) -> None:
    """Run mutmut over one area, from fresh (the tests may have changed since the last run).

    With ``size``, only a fixed random sample of that many mutants is tried (a quick
    estimate of the score; the full run is the measure)."""
    folder = prepare(name, tests_dir)
    shutil.rmtree(folder / "mutants", ignore_errors=True)  # fresh verdicts: tests changed
    chosen = sample(name, size, seed) if size else []
    env = dict(
        os.environ,
        HYPOTHESIS_PROFILE="mutation",
        PLANNER_FUZZ_EXAMPLES="10",
        PLANNER_FUZZ_TEXT_EXAMPLES="10",
    )
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
    started = time.monotonic()
    print(f"mutation: running area={name} in {folder}", file=sys.stderr)
    result = subprocess.run(
        [mutmut, "run", "--max-children", str(workers), *chosen], cwd=folder, env=env, check=False
    )
    took = time.monotonic() - started
    print(f"mutation: area={name} exit={result.returncode} took={took:.0f}s", file=sys.stderr)


STATUS = {1: "killed", 3: "killed", 0: "survived", 36: "timeout", 24: "timeout", -24: "timeout"}
STATUS |= {152: "timeout", 255: "timeout", 5: "untested", 33: "untested", 34: "skipped"}
STATUS |= {37: "typecheck"}


def verdicts(name: str) -> dict[str, str]:
    """Mutant name -> verdict, from ``mutants/**/*.meta`` (empty when the area never ran)."""
    found: dict[str, str] = {}
    root = WORK / name / "mutants"
    for meta in sorted(root.rglob("*.py.meta")) if root.exists() else []:
        data = json.loads(meta.read_text(encoding="utf-8"))
        for key, code in data.get("exit_code_by_key", {}).items():
            found[key] = "not checked" if code is None else STATUS.get(code, "suspicious")
    return found


def _span_lines(source: list[str], spans: dict[str, list[int]], function: str) -> list[str]:
    start, end = spans[function]
    return source[start - 1 : end]


def describe(name: str, key: str) -> str:
    """``path: function: -old / +new``: what one mutant changed (from mutmut's own files)."""
    module, _, mutant = key.rpartition(".")
    function = mutant.rpartition("__mutmut_")[0]
    path = WORK / name / "mutants" / (module.replace(".", "/") + ".py")
    try:
        source = path.read_text(encoding="utf-8").splitlines()
        spans = json.loads(path.with_suffix(".py.spans").read_text(encoding="utf-8"))["spans"]
        old = _span_lines(source, spans, f"{function}__mutmut_orig")[1:]
        new = _span_lines(source, spans, mutant)[1:]
    except (OSError, KeyError, ValueError):
        return f"{key}: (run `mutmut show {key}` in .mutation/{name})"
    changed = [
        line[0] + " " + line[2:].strip()
        for line in difflib.ndiff(old, new)
        if line[:1] in "+-" and line[2:].strip() and not line[2:].lstrip().startswith("def ")
    ]
    readable = function.removeprefix("x_").replace("\u01c1", ".").strip(".")
    return (
        f"{module}.{readable} [{mutant.rpartition('_')[2]}]: "
        + " | ".join(changed)
        + f"  (mutmut show {key})"
    )


def score_line(name: str) -> str:
    counts = Counter(verdicts(name).values())
    reached = sum(n for v, n in counts.items() if v not in ("untested", "skipped", "not checked"))
    killed = counts["killed"] + counts["typecheck"]
    survived = counts["survived"] + counts["suspicious"]
    timeout = counts["timeout"]
    extra = f" untested={counts['untested']}"
    if counts["not checked"]:
        extra += f" unchecked={counts['not checked']}"
    return (
        f"mutation: area={name} mutants={reached} killed={killed} survived={survived}"
        f" timeout={timeout}{extra} ratio={killed + timeout}/{reached}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", nargs="*", metavar="AREA", help="(re)run these areas first")
    parser.add_argument("--survivors", metavar="AREA", help="list one area's survivors")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tests", type=Path, help="run this copy of the tests folder instead")
    parser.add_argument(
        "--sample", type=int, metavar="N", help="try only a fixed random sample of N mutants"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=19,
        help="the sample's seed: a seed no test was written against measures the score",
    )
    args = parser.parse_args(argv)
    for name in [*(args.run or []), *([args.survivors] if args.survivors else [])]:
        if name not in AREAS:
            parser.error(f"unknown area {name!r}; valid: {', '.join(AREAS)}")
    if (
        args.run is not None
        and shutil.which("mutmut", path=str(Path(sys.executable).parent)) is None
    ):
        print(
            f"mutation: error: mutmut is not installed for {sys.executable}; run `make setup`,"
            " then `make mutate AREA=...` or `.venv/bin/python benchmarks/mutation.py ...`",
            file=sys.stderr,
        )
        return 2
    if args.survivors:
        if not verdicts(args.survivors):
            print(
                f"mutation: error: area {args.survivors!r} has not been run here;"
                f" run `make mutate AREA={args.survivors}` first",
                file=sys.stderr,
            )
            return 2
        for key, verdict in sorted(verdicts(args.survivors).items()):
            if verdict in ("survived", "suspicious"):
                print(f"{verdict}: {describe(args.survivors, key)}")
        return 0
    chosen = args.run if args.run else list(AREAS)
    for name in chosen:
        if args.run is not None:
            run(name, args.workers, args.sample, args.tests, args.seed)
        if verdicts(name):
            print(score_line(name), flush=True)
        else:
            print(f"mutation: area={name} not run (make mutate AREA={name})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
