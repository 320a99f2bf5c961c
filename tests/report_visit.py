"""One look at every finance page on screen, shared by the report's browser tests.

Loading a page (plotly.js, then its charts) is most of a browser test's time. So each finance
page of the built reports (2 decimals, then whole dollars) is opened once, at the browser's
plain window size, and every expression a test module registered with :func:`on_screen` is
read from it, with the page's console errors; the 2-decimal pages are also kept as
screenshots in ``.browser-shots/`` for a person to look at (issue 19).

The modules that use it carry :data:`GROUP`, so one xdist worker opens the pages once for all
of them (a module's registered expressions are read only if it was collected).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from browser import browser
from test_notebooks_run import CHARTS

GROUP = "report-browser"
SCENARIOS = ("staging", "production")
NOTEBOOKS = sorted(CHARTS)
SHOTS = Path(__file__).resolve().parent.parent / ".browser-shots"

_EXPRESSIONS: dict[str, str] = {}
_LOOKS: dict[tuple[Path, Path], dict[Path, Look]] = {}


def on_screen(name: str, expression: str) -> str:
    """Read ``expression`` (JavaScript) on every finance page; its value is ``values[name]``."""
    assert _EXPRESSIONS.get(name, expression) == expression, f"{name} registered twice"
    _EXPRESSIONS[name] = expression
    return name


@dataclass(frozen=True)
class Look:
    """One finance page as Chromium showed it."""

    values: dict[str, Any]  # by the name each expression was registered under
    errors: list[str]  # console errors and uncaught exceptions


def finance_pages(report: Path) -> list[tuple[str, str, Path]]:
    """(scenario, notebook, page) of every finance page of a built report."""
    return [(s, n, report / s / f"{n}.finance.html") for s in SCENARIOS for n in NOTEBOOKS]


def looks(chromium: str, report: Path, whole_dollar_report: Path) -> dict[Path, Look]:
    """Every finance page of both reports, looked at once per worker."""
    key = (report, whole_dollar_report)
    if key not in _LOOKS:
        found: dict[Path, Look] = {}
        SHOTS.mkdir(exist_ok=True)
        with browser(chromium) as page:
            for built in key:
                for scenario, notebook, path in finance_pages(built):
                    page.events.clear()
                    page.open(path.as_uri())
                    values = {name: page.evaluate(js) for name, js in _EXPRESSIONS.items()}
                    found[path] = Look(values=values, errors=page.errors())
                    if built == report:
                        page.screenshot(SHOTS / f"{scenario}-{notebook}.png")
        _LOOKS[key] = found
    return _LOOKS[key]
