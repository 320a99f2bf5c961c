"""The bundled report in headless Chromium, as finance opens it: from file://, offline.

Every finance page loads without console errors, draws the expected number of charts, its
CSV/XLSX links resolve to files with the same TOTAL, and the staging cost overview prints to
A4 without a clipped table and without the plotly toolbar. Every table footing, at 2 and 0
decimals, is tests/test_report_pages.py; charts and print, tests/test_report_print.py.
Chromium is Debian's ``chromium`` package; ``.ci/run`` installs it before ``make test``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser import Page, browser, require_chromium
from report_visit import GROUP, SHOTS, looks, on_screen
from test_notebooks_run import (  # noqa: F401 - the shared report fixtures
    CHARTS,
    built_report,
    whole_dollar_report,
)

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group(GROUP)]

SCENARIOS = ("staging", "production")
# production: no seed estimate to audit (3 charts on the overview), and no bundled usage or
# bill (the samples are staging's), so right-sizing and plan-vs-actual say so and draw none
PRODUCTION_CHARTS = {**CHARTS, "cost_overview": 3, "rightsizing": 0, "plan_vs_actual": 0}

CHARTS_JS = """
[...document.querySelectorAll('.js-plotly-plot')].filter(d =>
  d.querySelector('svg.main-svg') && d.querySelectorAll('.point, .bars path, .trace').length
).length
"""
LINKS_JS = "[...document.querySelectorAll('a[download]')].map(a => a.href)"
# read in the one look at every finance page the report's browser tests share
DRAWN = on_screen("report_browser.charts", CHARTS_JS)
LINKS = on_screen("report_browser.links", LINKS_JS)
# In print layout: every table and every cell inside the printable width, no toolbar shown
CLIPPED_JS = """
(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll('table').forEach((t, i) => {
    const box = t.getBoundingClientRect();
    if (box.right > width + 1 || box.left < -1) out.push(`table ${i}: ${box.left}-${box.right}`);
    t.querySelectorAll('td, th').forEach(c => {
      const b = c.getBoundingClientRect();
      if (b.right > width + 1) out.push(`table ${i} cell ${c.innerText.slice(0, 20)}`);
    });
    let p = t.parentElement;
    while (p) {
      if (p.scrollWidth > p.clientWidth + 1 && getComputedStyle(p).overflowX !== 'visible')
        out.push(`table ${i} scrolls inside ${p.className}`);
      p = p.parentElement;
    }
  });
  const bars = [...document.querySelectorAll('.modebar')]
    .filter(m => getComputedStyle(m).display !== 'none');
  if (bars.length) out.push(`${bars.length} plotly toolbars visible`);
  return out;
})()
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


def _open(page: Page, path: Path) -> None:
    page.events.clear()
    page.open(path.as_uri())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_finance_pages_in_chromium(
    chromium: str,
    built_report: Path,  # noqa: F811
    whole_dollar_report: Path,  # noqa: F811
    scenario: str,
) -> None:
    expected = CHARTS if scenario == "staging" else PRODUCTION_CHARTS
    seen = looks(chromium, built_report, whole_dollar_report)
    for notebook, charts in expected.items():
        path = built_report / scenario / f"{notebook}.finance.html"
        look = seen[path]
        assert look.errors == [], f"{path.name}: console errors"
        assert look.values[DRAWN] == charts, f"{scenario}/{notebook}: charts drawn"
        links = look.values[LINKS]
        assert len(links) == 2, links
        for link in links:
            target = Path(unquote(urlparse(link).path))
            assert target.is_file() and target.parent == path.parent, link
        _check_downloads(links)
    with browser(chromium) as page:
        _open(page, built_report / "index.html")
        assert page.errors() == []
        text = page.evaluate("document.body.innerText")
    assert "Warnings" in text and "price data dated" in text


def _check_downloads(links: list[str]) -> None:
    """The XLSX holds money as numbers in a currency format; its TOTAL adds its lines."""
    from openpyxl import load_workbook

    xlsx = next(Path(unquote(urlparse(u).path)) for u in links if u.endswith(".xlsx"))
    book = load_workbook(xlsx)
    sheet = book["cost lines"]
    header = [c.value for c in sheet[1]]
    col = header.index("monthly_usd")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    *lines, total = rows
    assert str(total[0]).startswith("TOTAL")
    assert all(isinstance(r[col], float | int) or r[col] is None for r in rows)
    cents = sum(round(r[col] * 100) for r in lines if r[col] is not None)
    assert cents == round(total[col] * 100)
    assert "$" in sheet.cell(row=2, column=col + 1).number_format
    assert "assumptions" in book.sheetnames


def test_staging_overview_prints_to_a4_without_clipping(
    chromium: str,
    built_report: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = built_report / "staging" / "cost_overview.finance.html"
    with browser(chromium) as page:
        # A4 minus the 10 mm side margins of the print stylesheet: 190 mm at 96 dpi = 718 px
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=718,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        page.call("Emulation.setEmulatedMedia", media="print")
        _open(page, path)
        assert page.errors() == []
        assert page.evaluate(CLIPPED_JS) == []
        assert page.evaluate(CHARTS_JS) == CHARTS["cost_overview"]  # charts kept in print
        page.screenshot(SHOTS / "staging-cost_overview-print.png")
        pdf = tmp_path / "cost_overview.pdf"
        page.pdf(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") >= 2


def test_the_driver_sees_every_console_error(chromium: str, tmp_path: Path) -> None:
    """What "no console errors" rests on: an error logged while the page loads, one thrown
    from a timer and one logged in an animation frame after load are all reported."""
    page_html = tmp_path / "errors.html"
    page_html.write_text(
        "<html><body><script>console.error('while loading');"
        " setTimeout(() => { throw new Error('from a timer'); }, 0);"
        " requestAnimationFrame(() => console.error('in a frame'));</script></body></html>",
        encoding="utf-8",
    )
    with browser(chromium) as page:
        page.open(page_html.as_uri())
        found = page.errors()
    assert len(found) == 3, found
    text = " ".join(found)
    assert "while loading" in text and "in a frame" in text and "Uncaught" in text
