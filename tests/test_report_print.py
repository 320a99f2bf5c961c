"""Charts and print of every finance page, as a finance reviewer sees them.

Charts, in Chromium's 1200 px window and in A4 print layout (print media, 190 mm = 718 px
wide): every series has a name, a chart with several series has a legend, every numeric axis
has a title with its unit ($/month, $, %, count, months), money axes tick in dollars, no two labels
overlap, and in print each chart spans the text width.

Print, with Chromium's print to PDF (as Ctrl+P does: the page's A4, no header or footer)
and poppler's ``pdftoppm``/``pdftotext``: the first page is not near empty, no heading is
stranded at the foot of a page (the table, chart or block it introduces starts on its page),
and the PNG of every page is kept in ``.browser-shots/print/`` for a person to look at.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser import HANG_GUARD_S, Page, browser, chromium_path
from report_visit import GROUP, looks, on_screen
from test_notebooks_run import (  # noqa: F401 - the shared report fixtures
    CHARTS,
    built_report,
    whole_dollar_report,
)

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group(GROUP)]

SCENARIOS = ("staging", "production")
NOTEBOOKS = sorted(CHARTS)
SHOTS = Path(__file__).resolve().parent.parent / ".browser-shots" / "print"
A4_TEXT_WIDTH = 718  # 210 mm less the print stylesheet's 10 mm margins, at 96 px an inch
FIRST_PAGE_FILLED = 0.5  # the first page's ink reaches at least half way down

# Every chart: its traces, legend, axes and labels (for the checks below, done in Python)
CHARTS_JS = r"""
(() => [...document.querySelectorAll('.js-plotly-plot')].filter(gd => gd._fullLayout).map(gd => {
  const L = gd._fullLayout;
  const axes = Object.keys(L).filter(k => /^[xy]axis\d*$/.test(k) && L[k].visible !== false)
    .map(k => ({
      name: k, type: L[k].type, title: (L[k].title && L[k].title.text) || '',
      tickformat: L[k].tickformat || '', tickprefix: L[k].tickprefix || '',
      ticks: [...gd.querySelectorAll('.' + k.replace('axis', '') + 'tick text')]
        .map(t => t.textContent),
      categories: L[k].type === 'category' ? (L[k]._categories || []).slice() : [],
    }));
  const traces = gd._fullData.filter(t => t.visible !== false)
    .map(t => ({name: t.name, type: t.type, legend: t.showlegend !== false}));
  const shapes = (L.shapes || []).filter(s => s.showlegend).length;
  const legend = gd.querySelectorAll('.legend .traces').length;
  const svg = gd.querySelector('svg.main-svg').getBoundingClientRect().width;
  // the text column: the output's own box shrinks to its content in print (a table cell),
  // so a chart drawn too narrow would always fill it
  const column = gd.closest('.jp-OutputArea-child') || gd.parentElement;
  const box = column.getBoundingClientRect().width;
  return {title: (L.title && L.title.text) || '', axes, traces, shapes, legend, svg, box};
}))()
"""
# Text labels whose glyph boxes (rotated as drawn) overlap by more than 1.5 px
OVERLAP_JS = r"""
(() => {
  const out = [];
  const quad = t => {
    const b = t.getBBox(), m = t.getScreenCTM();
    const [x0, y0, x1, y1] = [b.x, b.y, b.x + b.width, b.y + b.height];
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const normals = q => [0, 1].map(i => {
    const [x1, y1] = q[i], [x2, y2] = q[i + 1], n = Math.hypot(x2 - x1, y2 - y1) || 1;
    return [(y1 - y2) / n, (x2 - x1) / n];
  });
  const span = (q, [ax, ay]) => {
    const v = q.map(([x, y]) => x * ax + y * ay);
    return [Math.min(...v), Math.max(...v)];
  };
  const overlap = (p, q) => Math.min(...[...normals(p), ...normals(q)].map(axis => {
    const [a0, a1] = span(p, axis), [b0, b1] = span(q, axis);
    return Math.min(a1, b1) - Math.max(a0, b0);
  }));
  document.querySelectorAll('.js-plotly-plot').forEach((gd, k) => {
    const texts = [...gd.querySelectorAll('svg text')]
      .filter(t => t.textContent.trim() && t.getBBox().width > 0.5);
    const quads = texts.map(quad);
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const by = overlap(quads[i], quads[j]);
      if (by > 1.5) out.push(`chart ${k + 1}: "${texts[i].textContent.trim()}" overlaps `
        + `"${texts[j].textContent.trim()}" by ${by.toFixed(1)} px`);
    }
  });
  return out;
})()
"""
# charts, overlapping labels and text on screen, read in the shared look at every page
SCREEN = on_screen(
    "report_print",
    "[" + CHARTS_JS.strip() + ", " + OVERLAP_JS.strip() + ", document.body.innerText]",
)
UNIT = re.compile(r"\((?:[^)]*(?:\$|%|count|months|hours)[^)]*)\)")
DOLLAR_TICK = re.compile(r"^[-\u2212]?\$[\d,.]+[kM]?$")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run does)")
    return path


def chart_problems(charts: list[dict[str, Any]], where: str, printing: bool) -> list[str]:
    out = []
    for k, chart in enumerate(charts, start=1):
        at = f"{where} chart {k} ({chart['title'][:40]})"
        named = [t for t in chart["traces"] if t["legend"]]
        for t in chart["traces"]:
            if not t["name"] or re.fullmatch(r"trace \d+", t["name"]):
                out.append(f"{at}: a {t['type']} series without a name")
        if len(named) + chart["shapes"] > 1 and not chart["legend"]:
            out.append(f"{at}: {len(named) + chart['shapes']} series and no legend")
        for axis in chart["axes"]:
            if axis["type"] in ("linear", "log"):  # numbers: the title names their unit
                if not UNIT.search(axis["title"]):
                    out.append(f"{at}: {axis['name']} '{axis['title']}' names no unit")
            elif not axis["title"]:
                out.append(f"{at}: {axis['name']} has no title")
            if "$" in axis["title"]:
                if not axis["tickformat"].startswith("$"):
                    out.append(f"{at}: money axis {axis['name']} not formatted as money")
                bad = [t for t in axis["ticks"] if not DOLLAR_TICK.match(t)]
                if bad:
                    out.append(f"{at}: {axis['name']} ticks {bad} are not dollars")
        if printing and not (0.97 * chart["box"] <= chart["svg"] <= chart["box"] + 1):
            out.append(f"{at}: {chart['svg']:.0f} px wide in a {chart['box']:.0f} px text width")
    return out


def _open_in_print_layout(page: Page, path: Path) -> None:
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=A4_TEXT_WIDTH,
        height=1000,
        deviceScaleFactor=1,
        mobile=False,
    )
    page.call("Emulation.setEmulatedMedia", media="print")
    page.events.clear()
    page.open(path.as_uri())
    # the page re-lays its charts when the media turns to print
    page.call("Emulation.setEmulatedMedia", media="")
    page.call("Emulation.setEmulatedMedia", media="print")
    page.settle()


@dataclass
class Seen:
    """One finance page as the checks below read it."""

    charts: list[dict[str, Any]]  # CHARTS_JS
    overlaps: list[str]  # OVERLAP_JS
    text: str  # the page's text as displayed
    sections: list[list[Any]] = field(default_factory=list)  # SECTIONS_JS (print)


@dataclass
class Printed:
    """One finance page printed to PDF: its pages as PNG files and as text."""

    pdf: Path
    pngs: list[Path]
    pages: list[str]


@dataclass
class Visit:
    """A scenario's finance pages, each looked at once in print layout and printed once to
    PDF (one browser for all: a page load is most of these tests' time). On screen they are
    read in the look at every page the report's browser tests share (tests/report_visit.py),
    at the browser's plain window size."""

    screen: dict[str, Seen] = field(default_factory=dict)
    print: dict[str, Seen] = field(default_factory=dict)
    printed: dict[str, Printed] = field(default_factory=dict)


def _look_in_print_layout(page: Page, path: Path) -> Seen:
    _open_in_print_layout(page, path)
    return Seen(
        charts=page.evaluate(CHARTS_JS),
        overlaps=page.evaluate(OVERLAP_JS),
        text=page.evaluate("document.body.innerText"),
        sections=page.evaluate(SECTIONS_JS),
    )


def _print(page: Page, path: Path, name: str) -> Printed:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"{name}.pdf"
    for old in SHOTS.glob(f"{name}-*.png"):
        old.unlink()
    print_pdf(page, path, pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", pdf, SHOTS / name], check=True)
    text = subprocess.run(
        ["pdftotext", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    pngs = sorted(SHOTS.glob(f"{name}-*.png"))
    return Printed(pdf=pdf, pngs=pngs, pages=text.split("\f")[: len(pngs)])


@pytest.fixture(scope="module")
def visit(
    chromium: str,
    built_report: Path,  # noqa: F811
    whole_dollar_report: Path,  # noqa: F811
) -> Callable[[str], Visit]:
    """``visit(scenario)``: its pages looked at and printed, once per test module."""
    done: dict[str, Visit] = {}
    printing = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext"))

    def get(scenario: str) -> Visit:
        if scenario not in done:
            found = Visit()
            on_screen = looks(chromium, built_report, whole_dollar_report)
            with browser(chromium) as page:
                for notebook in NOTEBOOKS:
                    path = built_report / scenario / f"{notebook}.finance.html"
                    found.screen[notebook] = Seen(*on_screen[path].values[SCREEN])
                    found.print[notebook] = _look_in_print_layout(page, path)
                    if printing:
                        found.printed[notebook] = _print(page, path, f"{scenario}-{notebook}")
            done[scenario] = found
        return done[scenario]

    return get


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_charts_read_well_on_screen_and_in_print(
    visit: Callable[[str], Visit], scenario: str
) -> None:
    seen = visit(scenario)
    problems: list[str] = []
    drawn = 0
    for printing, pages in ((False, seen.screen), (True, seen.print)):
        for notebook, found in pages.items():
            where = f"{scenario}/{notebook}{' (print)' if printing else ''}"
            drawn += len(found.charts)
            problems += chart_problems(found.charts, where, printing)
            problems += [f"{where}: {o}" for o in found.overlaps]
            if notebook == "rightsizing" and scenario == "staging":
                boxes = next(c for c in found.charts if c["title"].startswith("Measured"))
                names = next(a for a in boxes["axes"] if a["name"] == "yaxis")["categories"]
                assert "eks-node-group/compute: CPU" in names, names  # resources named
            if notebook == "alerts":
                assert "**" not in found.text  # the anomaly sentence's bold is rendered
                assert ("$14.40" if scenario == "staging" else "$20.05") in found.text
    assert not problems, "\n".join(problems)
    assert drawn >= 2 * 8


def test_the_chart_checks_find_what_reads_badly() -> None:
    ok: dict[str, Any] = {
        "title": "t",
        "axes": [
            {
                "name": "yaxis",
                "type": "linear",
                "title": "cost ($/month)",
                "tickformat": "$,.0f",
                "tickprefix": "",
                "ticks": ["$0", "$1,500", "\u2212$400"],
                "categories": [],
            },
            {"name": "xaxis", "type": "category", "title": "AWS service", "ticks": []}
            | {"tickformat": "", "tickprefix": "", "categories": ["EKS"]},
        ],
        "traces": [{"name": "planned", "type": "bar", "legend": True}] * 2,
        "shapes": 0,
        "legend": 1,
        "svg": 700,
        "box": 703,
    }
    assert chart_problems([ok], "p", printing=True) == []
    bad = {
        **ok,
        "axes": [{**ok["axes"][0], "title": "USD", "tickformat": "", "ticks": ["200"]}],
        "traces": [{"name": "trace 0", "type": "bar", "legend": True}] * 2,
        "legend": 0,
        "svg": 400,
    }
    assert chart_problems([bad], "p", printing=True) == [
        "p chart 1 (t): a bar series without a name",
        "p chart 1 (t): a bar series without a name",
        "p chart 1 (t): 2 series and no legend",
        "p chart 1 (t): yaxis 'USD' names no unit",
        "p chart 1 (t): 400 px wide in a 703 px text width",
    ]
    money = {**ok, "axes": [{**ok["axes"][0], "tickformat": ",.0f", "ticks": ["1,500"]}]}
    assert chart_problems([money], "p", printing=False) == [
        "p chart 1 (t): money axis yaxis not formatted as money",
        "p chart 1 (t): yaxis ticks ['1,500'] are not dollars",
    ]


# ---- print to PDF ---------------------------------------------------------------------------

# Each heading and the first thing it introduces (a table's first cell, a chart's title, a
# block's first line), when that comes before the next heading
SECTIONS_JS = r"""
(() => {
  const all = [...document.querySelectorAll('h1, h2, h3, table, .js-plotly-plot, pre')];
  return all.filter(e => /^H[123]$/.test(e.tagName)).map(h => {
    const after = all[all.indexOf(h) + 1];
    const heading = h.innerText.replace('\u00b6', '').trim();
    if (!after || /^H[123]$/.test(after.tagName)) return [heading, null];
    let anchor;
    if (after.tagName === 'TABLE') {
      const cell = after.querySelector('tbody td') || after.querySelector('th');
      anchor = cell ? cell.innerText : '';
    } else if (after.classList.contains('js-plotly-plot')) {
      const title = after.querySelector('.gtitle');
      anchor = title ? title.textContent : '';
    } else {
      anchor = after.innerText.split('\n')[0];
    }
    return [heading, anchor.trim()];
  });
})()
"""


def print_pdf(page: Page, path: Path, pdf: Path) -> None:
    """Print ``path`` to ``pdf`` as a reviewer's Ctrl+P to a PDF does: the page's own CSS page
    size (A4), no header or footer, no background graphics, at a plain window size. One browser
    prints every page (a new Chromium per page was most of this test's time, issue 19)."""
    page.call("Emulation.clearDeviceMetricsOverride")
    page.call("Emulation.setEmulatedMedia", media="")
    page.events.clear()
    page.open(path.as_uri())
    print_open_page(page, pdf)


def print_open_page(page: Page, pdf: Path) -> None:
    """Print the page as it is to ``pdf``: its CSS page size, no header, footer or
    background graphics."""
    data = page.call(
        "Page.printToPDF",
        preferCSSPageSize=True,
        displayHeaderFooter=False,
        printBackground=False,
        timeout=HANG_GUARD_S,
    )
    pdf.write_bytes(base64.b64decode(data["data"]))


def page_fill(pdf: Path, page: int = 1) -> float:
    """How far down a page its ink reaches (0..1), from ``pdftoppm -gray`` (a binary PGM)."""
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "p"
        subprocess.run(
            ["pdftoppm", "-r", "30", "-gray", "-f", str(page), "-l", str(page), str(pdf), stem],
            check=True,
        )
        data = next(Path(tmp).glob("p*.pgm")).read_bytes()
    magic, width, height, _depth, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    w, h = int(width), int(height)
    inked = [y for y in range(h) if min(pixels[y * w : (y + 1) * w]) < 200]
    return (inked[-1] + 1) / h if inked else 0.0


def _squeeze(text: str) -> str:
    """Text without whitespace or hyphens: a cell wrapped over lines in print ("eks-node-" /
    "group/general", which pdftotext joins as "eks-nodegroup/general") still matches."""
    return "".join(text.split()).replace("-", "")


ANCHOR_CHARS = 10  # a cell's start: its first line in print, where columns interleave after


def stranded(sections: list[list[Any]], pages: list[str]) -> list[str]:
    """Headings whose table, chart or block does not start on the heading's page.

    ``pages``: ``pdftotext`` per page (reading order). Headings are found in order; the thing
    a heading introduces must be on the same page.
    """
    out = []
    texts = [_squeeze(p) for p in pages]
    at_page, at_char = 0, 0
    for heading, anchor in sections:
        found = None
        for p in range(at_page, len(texts)):
            i = texts[p].find(_squeeze(heading), at_char if p == at_page else 0)
            if i >= 0:
                found = (p, i + len(_squeeze(heading)))
                break
        if found is None:
            out.append(f"heading '{heading}' not found in the PDF")
            continue
        at_page, at_char = found
        if anchor and _squeeze(anchor)[:ANCHOR_CHARS] not in texts[at_page]:
            out.append(f"'{heading}' is stranded at the foot of page {at_page + 1}")
    return out


def test_the_print_checks_find_stranded_headings() -> None:
    pages = ["Title intro  Where the money goes  Each service's share", "EKS $438.00"]
    # a cell wrapped over two lines in print ("eks-node-" / "group/general") still counts
    wrapped: list[list[Any]] = [["Title", None], ["Recommendations", "eks-node-group/general"]]
    assert stranded(wrapped, ["Title Recommendations resource eks-node-\ngroup/general"]) == []
    sections: list[list[Any]] = [["Title", "intro"], ["Where the money goes", "EKS"]]
    assert stranded(sections, pages) == ["'Where the money goes' is stranded at the foot of page 1"]
    assert stranded(sections, ["Title intro", "Where the money goes EKS $438"]) == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_pages_print_to_a4(visit: Callable[[str], Visit], scenario: str) -> None:
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install -y poppler-utils)")
    seen = visit(scenario)
    assert sorted(seen.printed) == NOTEBOOKS
    problems = []
    for notebook, printed in seen.printed.items():
        name = f"{scenario}-{notebook}"
        assert printed.pngs and len(printed.pages) == len(printed.pngs), name
        if len(printed.pngs) > 1 and (fill := page_fill(printed.pdf)) < FIRST_PAGE_FILLED:
            problems.append(f"{name}: the first page is {fill:.0%} filled")
        sections = seen.print[notebook].sections
        problems += [f"{name}: {s}" for s in stranded(sections, printed.pages)]
    assert not problems, "\n".join(problems)


NO_CHARTS_JS = """document.head.insertAdjacentHTML('beforeend',
  '<style>.js-plotly-plot { display: none !important; }</style>')"""


def _word_height(pdf: Path, word: str) -> float:
    """The glyph box height (pt) of ``word``'s first appearance in ``pdf`` (pdftotext -bbox)."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(rf'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">{word}<', boxes)
    assert found, f"{word!r} not on the first page of {pdf.name}"
    return float(found.group(2)) - float(found.group(1))


def test_a_page_prints_at_full_size_from_a_wide_window(
    chromium: str,
    built_report: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Ctrl+P from a wide window printed every page at two thirds of its size: the charts kept
    their on-screen width (1,055 px), wider than A4's column, so the browser shrank the page to
    fit them (the heading 16.9 pt high, 25.3 pt from a narrow window). A page prints the same
    from a 1,200 px window as from one as narrow as the A4 column, and as it does with no chart
    at all (which nothing can shrink: a chart a little too wide for the column shrank it by
    2.8%)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    path = built_report / "staging" / "cost_overview.finance.html"
    heights = {}
    with browser(chromium) as page:
        for width in (1200, A4_TEXT_WIDTH, 0):
            page.call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=900,
                deviceScaleFactor=1,
                mobile=False,
            )
            page.events.clear()
            page.open(path.as_uri())
            if width == 0:  # the reference: the same page without its charts
                page.evaluate(NO_CHARTS_JS)
            pdf = tmp_path / f"{width}.pdf"
            print_open_page(page, pdf)
            heights[width] = _word_height(pdf, "overview")  # the page's title
    wide, narrow, reference = heights[1200], heights[A4_TEXT_WIDTH], heights[0]
    assert abs(wide - reference) <= 0.005 * reference, heights
    assert abs(narrow - reference) <= 0.005 * reference, heights
