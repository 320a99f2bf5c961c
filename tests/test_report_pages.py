"""Every finance page as a finance reviewer reads it, in Chromium, at 2 and at 0 decimals.

- Every table foots as displayed: a row labelled "TOTAL..." or "Total..." (in any column) is,
  in each money column, the sum of the rows above it back to the previous total ("TOTAL a
  year" is 12 x the TOTAL above it); a difference column is the difference of the two figures
  shown beside it; an annual column is 12 x the monthly one. The CSV and XLSX downloads foot
  the same way.
- Whole dollars: unit prices keep their own precision; "no price" appears only for a missing
  price (none in the bundled scenarios); no TOTAL row, percentage or text cell says it.
- Each page is about its own scenario: the seed report's figures (§9.1 estimate, §9.2 claims,
  §9.4 alert levels) on staging, modelled on it, and nowhere on production.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it); without it these skip.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from browser import browser, chromium_path
from report_visit import GROUP, finance_pages, looks, on_screen
from test_notebooks_run import (  # noqa: F401 - the shared report fixtures
    CHARTS,
    built_report,
    whole_dollar_report,
)

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group(GROUP)]

SCENARIOS = ("staging", "production")
NOTEBOOKS = sorted(CHARTS)

TABLES_JS = """
[...document.querySelectorAll('.jp-OutputArea-output table')].map(t =>
  [...t.querySelectorAll('tr')].map(r => [...r.children].map(c => c.innerText.trim())))
"""
MONEY = re.compile(r"(-?)\$([\d,]+(?:\.\d+)?)")
# a column that is the difference of two others (as displayed), by header
DIFFERENCES = {
    "difference USD": ("list-price USD", "estimate USD"),
    "delta": ("actual", "planned"),
    "change": ("rebased on the bill", "original plan"),
    "saving per month": ("now per month", "recommended per month"),
}
ANNUAL = {"annual USD": "monthly USD"}


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run does)")
    return path


def money(text: str) -> Decimal | None:
    """``$1,234.56`` / ``-$3`` as a Decimal; anything else (text, ``~$100``, a range) None."""
    match = MONEY.fullmatch(text.strip())
    if not match:
        return None
    return Decimal(match.group(1) + match.group(2).replace(",", ""))


def _total_label(row: list[str]) -> str | None:
    return next((c for c in row if c.startswith(("TOTAL", "Total"))), None)


def foot_problems(rows: list[list[str]], where: str) -> tuple[int, list[str]]:
    """(cells checked, problems) of one displayed table (header row first)."""
    if not rows:
        return 0, []
    header, body = rows[0], rows[1:]
    checked, problems = 0, []
    start = 0
    previous_total: list[str] | None = None
    for t, row in enumerate(body):
        label = _total_label(row)
        if label is None:
            continue
        group = body[start:t]
        for col, cell in enumerate(row):
            shown = money(cell)
            if shown is None or cell == label:
                continue
            name = header[col] if col < len(header) else str(col)
            if label.lower().startswith("total a year"):
                above = money(previous_total[col]) if previous_total else None
                if above is None:
                    continue
                expected, how = above * 12, "12 x the TOTAL above"
            else:
                values = [money(r[col]) for r in group if col < len(r)]
                if not any(v is not None for v in values):
                    continue
                expected = sum((v for v in values if v is not None), Decimal(0))
                how = f"the sum of its {len(group)} rows"
            checked += 1
            if shown != expected:
                problems.append(f"{where}: {label} {name} shows {cell}, {how} is {expected}")
        previous_total = row
        start = t + 1
    for col, name in enumerate(header):
        a_b = DIFFERENCES.get(name)
        if a_b and all(n in header for n in a_b):
            a, b = (header.index(n) for n in a_b)
            for row in body:
                values = [money(row[i]) if i < len(row) else None for i in (col, a, b)]
                if None in values:
                    continue
                diff, first, second = values
                checked += 1
                if diff != first - second:  # type: ignore[operator]
                    problems.append(f"{where}: {name} {row[col]} != {row[a]} - {row[b]} ({row})")
        monthly = ANNUAL.get(name)
        if monthly in header:
            m = header.index(monthly)
            for row in body:
                year, month = money(row[col]), money(row[m])
                if year is None or month is None:
                    continue
                checked += 1
                if year != 12 * month:
                    problems.append(f"{where}: {name} {row[col]} != 12 x {row[m]}")
    return checked, problems


def test_the_foot_check_finds_what_does_not_foot() -> None:
    """The checker itself: a table that foots passes; each kind of slip is named."""
    good = [
        ["service", "monthly USD", "annual USD", "share"],
        ["EKS", "$438.00", "$5,256.00", "53.7%"],
        ["EC2", "$377.77", "$4,533.24", "46.3%"],
        ["TOTAL a month", "$815.77", "$9,789.24", "100.0%"],
        ["TOTAL a year", "$9,789.24", "", ""],
    ]
    checked, problems = foot_problems(good, "t")
    assert problems == [] and checked == 2 + 3 + 1  # TOTAL: 2 cells; 3 annual rows; a year: 1
    off = [r[:] for r in good]
    off[3][1] = "$815.76"  # the plan-vs-actual slip of the issue: rows add to $815.77
    assert foot_problems(off, "t")[1][0].startswith("t: TOTAL a month monthly USD shows $815.76")
    grouped = [
        ["scenario", "service", "change USD"],
        ["a", "EKS", "-$365"],
        ["a", "TOTAL", "-$365"],
        ["b", "EC2", "-$15"],
        ["b", "ElastiCache", "-$1"],
        ["b", "TOTAL", "-$15"],  # whole dollars rounded from -$15.91 instead of -$15 - $1
    ]
    assert foot_problems(grouped, "t")[1] == [
        "t: TOTAL change USD shows -$15, the sum of its 2 rows is -16"
    ]
    delta = [["month", "planned", "actual", "delta"], ["2025-08", "$9", "$13", "$3"]]
    assert foot_problems(delta, "t")[1] == [
        "t: delta $3 != $13 - $9 (['2025-08', '$9', '$13', '$3'])"
    ]


def _pages(report: Path) -> list[tuple[str, str, Path]]:
    return finance_pages(report)


class Seen(dict[Path, dict[str, Any]]):
    """What Chromium shows on each finance page: its tables, its text, its glossary links."""


# What each finance page of both reports shows, read in the one look at every page that the
# report's browser tests share (tests/report_visit.py)
PAGE = on_screen(
    "report_pages",
    "({tables: " + TABLES_JS.strip() + ", text: document.body.innerText,"
    " glossary: [...document.querySelectorAll('a.planner-glossary')].map(a => a.href)})",
)


@pytest.fixture(scope="module")
def seen(
    chromium: str,
    built_report: Path,  # noqa: F811
    whole_dollar_report: Path,  # noqa: F811
) -> Seen:
    found = Seen()
    for path, look in looks(chromium, built_report, whole_dollar_report).items():
        found[path] = look.values[PAGE]
    return found


@pytest.mark.parametrize("decimals", [2, 0])
def test_every_finance_table_and_download_foots(
    seen: Seen,
    built_report: Path,  # noqa: F811
    whole_dollar_report: Path,  # noqa: F811
    decimals: int,
) -> None:
    report = built_report if decimals == 2 else whole_dollar_report
    checked, problems = 0, []
    totals_seen: set[str] = set()
    for scenario, notebook, path in _pages(report):
        for i, rows in enumerate(seen[path]["tables"]):
            where = f"{scenario}/{notebook} table {i + 1}"
            n, found = foot_problems(rows, where)
            checked += n
            problems += found
            totals_seen |= {lbl for r in rows if (lbl := _total_label(r))}
    for scenario in SCENARIOS:
        n, found = _download_problems(report / scenario, scenario)
        checked += n
        problems += found
    assert not problems, "\n".join(problems)
    # every kind of total on the pages was met (the old check saw only rows named "TOTAL")
    assert {"TOTAL", "TOTAL a year", "TOTAL a month"} <= totals_seen
    assert checked > 150


def _download_problems(folder: Path, scenario: str) -> tuple[int, list[str]]:
    """The CSV and the XLSX: TOTAL = the sum of the lines, to the cent, as displayed."""
    from openpyxl import load_workbook

    checked, problems = 0, []
    with (folder / f"{scenario}-cost-lines.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    *lines, total = rows
    for column in ("monthly_usd", "annual_usd"):
        expected = sum(Decimal(r[column]) for r in lines if r[column])
        checked += 1
        if Decimal(total[column]) != expected:
            problems.append(f"{scenario} CSV: TOTAL {column} {total[column]} != {expected}")
    sheet = load_workbook(folder / f"{scenario}-cost-lines.xlsx")["cost lines"]
    header = [c.value for c in sheet[1]]
    *lines_x, total_x = list(sheet.iter_rows(min_row=2, values_only=True))
    for column in ("monthly_usd", "annual_usd"):
        col = header.index(column)
        fmt = sheet.cell(row=2, column=col + 1).number_format
        assert "0.00" in fmt, f"{column} is displayed to the cent: {fmt}"
        cents = sum(round(Decimal(str(r[col])) * 100) for r in lines_x if r[col] is not None)
        checked += 1
        if cents != round(Decimal(str(total_x[col])) * 100):
            problems.append(f"{scenario} XLSX: TOTAL {column} {total_x[col]} != {cents} cents")
    return checked, problems


def _cells(tables: list[list[list[str]]]) -> list[tuple[str, str, bool]]:
    """(column header, cell, in a TOTAL row) for every body cell."""
    out = []
    for rows in tables:
        header = rows[0] if rows else []
        for row in rows[1:]:
            total = _total_label(row) is not None
            out += [(header[i] if i < len(header) else "", c, total) for i, c in enumerate(row)]
    return out


def test_whole_dollars_keep_unit_prices_and_say_no_price_only_for_a_price(
    seen: Seen,
    built_report: Path,  # noqa: F811
    whole_dollar_report: Path,  # noqa: F811
) -> None:
    for report in (built_report, whole_dollar_report):
        for scenario, notebook, path in _pages(report):
            cells = _cells(seen[path]["tables"])
            # the bundled scenarios price every line: "no price" belongs nowhere
            assert not [c for c in cells if c[1] == "no price"], f"{scenario}/{notebook}"
            # a unit price is never summed: the TOTAL row leaves it empty
            assert all(c[1] == "" for c in cells if c[0] == "unit price USD" and c[2])
    lines = seen[whole_dollar_report / "staging" / "cost_overview.finance.html"]["tables"][-1]
    header = lines[0]
    price = header.index("unit price USD")
    rows = {(r[0], r[1]): r for r in lines[1:]}
    # staging's t3.medium at $0.0416/h (a price keeps its precision at whole dollars), its
    # 1460 h x $0.0416 = $60.736 line shown as $61
    general = rows[("eks-node-group/general", "Instance usage (Linux, t3.medium, on-demand)")]
    assert general[price] == "$0.0416" and general[header.index("monthly USD")] == "$61"
    # the whole-dollar TOTAL is the sum of the whole-dollar lines (each rounded first)
    total = next(r for r in lines[1:] if r[0] == "TOTAL")
    shown = [money(r[header.index("monthly USD")]) for r in lines[1:] if r[0] != "TOTAL"]
    assert money(total[header.index("monthly USD")]) == sum(v for v in shown if v)


def test_whole_dollar_pages_show_one_total(
    seen: Seen,
    whole_dollar_report: Path,  # noqa: F811
    run_cli: Callable[[Sequence[str]], Any],
) -> None:
    """At whole dollars staging's 22 lines, each shown to the cent by `planner price` and then
    rounded half up to the dollar, add to $818 (815.77 in cents: the lines' roundings add up
    to +$2.23 here). Every page that shows the modelled month shows that $818: the cost
    overview, the alerts headline ("the modelled month costs $818 to ..."), and month 1 of the
    commitments forecast. The index, in cents, says how the pages' totals come about."""
    from decimal import ROUND_HALF_UP

    lines = json.loads(run_cli(["price", "staging", "--format", "json"]).out)["lines"]
    dollars = [
        Decimal(str(ln["monthly_usd"])).quantize(Decimal(1), rounding=ROUND_HALF_UP) for ln in lines
    ]
    assert len(dollars) == 22 and sum(dollars) == Decimal(818)
    folder = whole_dollar_report / "staging"
    texts = {
        name: seen[folder / f"{name}.finance.html"]["text"]
        for name in ("cost_overview", "alerts", "commitments")
    }
    forecast = next(
        t
        for t in seen[folder / "commitments.finance.html"]["tables"]
        if t and t[0][:3] == ["month", "amortised", "cash"]
    )
    assert "costs $818 a month" in texts["cost_overview"]
    assert "the modelled month costs $818 to " in texts["alerts"]
    assert "$818 in the plan's 730-hour month" in texts["alerts"]
    assert forecast[1][1:3] == ["$818", "$818"]  # no commitment: cash is the amortised month
    index = (whole_dollar_report / "index.html").read_text(encoding="utf-8")
    assert "each line is rounded to that first" in index


# The seed report's own figures set beside a model: the §9.1 estimate section, the §9.2 claims
# (commitments, right-sizing), the §9.4 alert levels. (Production's assumptions may still cite
# the staging figure they scale, "10x staging's ~10 GB (§9.1)": that is their source.)
SEED_TEXT = ("section 9.1", "§9.2", "§9.4", "$750", "$50-100")


def test_each_page_is_about_its_own_scenario(
    seen: Seen,
    built_report: Path,  # noqa: F811
) -> None:
    shown: dict[str, set[str]] = {s: set() for s in SCENARIOS}
    for scenario, notebook, path in _pages(built_report):
        text = seen[path]["text"]
        shown[scenario] |= {s for s in SEED_TEXT if s in text}
        if scenario == "production":
            assert not [s for s in SEED_TEXT if s in text], f"production/{notebook}"
    index = (built_report / "index.html").read_text(encoding="utf-8")
    # staging is modelled on the seed report: every one of its figures is shown there
    assert shown["staging"] == set(SEED_TEXT)
    production = index[index.index("<h2>production</h2>") :]
    assert "seed" not in production and "§9" not in production


def test_no_page_shows_a_terminals_text(built_report: Path) -> None:  # noqa: F811
    """A finance page shows no stderr box (progress lines are for a terminal: a red box reads
    as an error) and no Markdown escape (``\\$15.74``), nor does the index."""
    pages = [path for _, _, path in _pages(built_report)] + [built_report / "index.html"]
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.stderr" not in html, path
        assert "\\$" not in html, path


# The words the reviewer asked about, at least (issue 22)
GLOSSARY_TERMS = (
    "LCU",
    "HPA",
    "Amortised",
    "Effective rate",
    "Coverage",
    "Utilisation",
    "On-demand",
    "No Upfront",
    "Partial Upfront",
    "All Upfront",
    "Savings Plan",
    "Spot",
)
AWS_LINK = re.compile(r"^https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/")


def test_every_finance_page_links_the_glossary(
    chromium: str,
    seen: Seen,
    built_report: Path,  # noqa: F811
) -> None:
    glossary = built_report / "glossary.html"
    for scenario, notebook, path in _pages(built_report):
        links = seen[path]["glossary"]
        assert len(links) == 1, f"{scenario}/{notebook}"
        assert Path(links[0].removeprefix("file://")) == glossary
    with browser(chromium) as page:
        page.events.clear()
        page.open(glossary.as_uri())
        assert page.errors() == []
        entries = page.evaluate(
            "[...document.querySelectorAll('dt')].map(dt => [dt.id, dt.innerText,"
            " dt.nextElementSibling.innerText, dt.nextElementSibling.querySelector('a').href])"
        )
    terms = {term: (anchor, text, link) for anchor, term, text, link in entries}
    assert set(GLOSSARY_TERMS) <= set(terms), set(GLOSSARY_TERMS) - set(terms)
    for term, (anchor, text, link) in terms.items():
        sentence = text[: text.rindex(" AWS: ")]
        # one sentence: it ends once, with a full stop, and starts with a capital letter
        assert sentence.endswith(".") and ". " not in sentence[:-1], term
        assert sentence[0].isupper(), term
        assert AWS_LINK.match(link), (term, link)
        assert anchor and re.fullmatch(r"[a-z0-9-]+", anchor), term
    index = (built_report / "index.html").read_text(encoding="utf-8")
    assert 'href="glossary.html"' in index
