"""The pull-request comment of ``planner diff --format markdown``, rendered as a reviewer sees it.

The Markdown goes through a Markdown-to-HTML step (mistune with GitHub's table syntax, raw HTML
kept as GitHub keeps ``<details>``), then into headless Chromium (tests/browser.py). The page
must load without errors, show the headline first, a resource table whose rows foot to its
TOTAL, and one collapsible block per changed resource; a screenshot of it, every block open,
is saved in .browser-shots/ (the test run's output folder, as for the report pages).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from browser import browser, require_chromium
from conftest import REPO

DATA = REPO / "tests" / "data" / "terraform"
SHOTS = REPO / ".browser-shots"
# a little of GitHub's comment look: readable tables, a visible <details> marker
STYLE = """
body { font: 14px/1.5 -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 24px;
       max-width: 1000px; color: #1f2328; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d1d9e0; padding: 4px 10px; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; font-size: 12px; }
details { margin: 4px 0; } summary { cursor: pointer; }
"""
TABLES_JS = """
[...document.querySelectorAll('table')].map(t =>
  [...t.querySelectorAll('tr')].map(r => [...r.children].map(c => c.innerText.trim())))
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


def _money(text: str) -> Decimal:
    match = re.fullmatch(r"([+-]?)\$([\d,]+\.\d\d)", text)
    assert match, text
    return Decimal(match.group(1) + match.group(2).replace(",", ""))


def test_the_pull_request_comment_renders_in_chromium(run_cli, chromium: str) -> None:
    import mistune

    result = run_cli(
        [
            "diff",
            str(DATA / "staging-plan.json"),
            str(DATA / "staging-changed-plan.json"),
            "--usage-file",
            str(DATA / "staging-usage.yml"),
            "--format",
            "markdown",
        ]
    )
    assert result.code == 0, result.err
    to_html = mistune.create_markdown(escape=False, plugins=["table"])
    body = str(to_html(result.out))
    SHOTS.mkdir(exist_ok=True)
    page_path = SHOTS / "cost-diff-comment.html"
    page_path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    with browser(chromium) as page:
        page.open(page_path.as_uri())
        assert page.errors() == []
        first = page.evaluate("document.body.firstElementChild.innerText")
        assert first.startswith("planner diff · monthly cost +$62.56 (+7.7%): $815.77 → $878.33")
        summaries = page.evaluate(
            "[...document.querySelectorAll('details > summary')].map(s => s.innerText)"
        )
        assert [s.split()[0] for s in summaries] == [
            "rds/postgres",
            "nat-gateways",
            "eks-node-group/general",
            "elasticache/redis",
        ]
        assert summaries[0].startswith("rds/postgres +$53.29 (changed)")
        # closed by default: the line tables are hidden until a reviewer opens them
        heights = "[...document.querySelectorAll('details')].map(d => d.offsetHeight)"
        closed = page.evaluate(heights)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        opened = page.evaluate(heights)
        assert all(o > 2 * c for c, o in zip(closed, opened, strict=True)), (closed, opened)
        tables: list[list[list[str]]] = page.evaluate(TABLES_JS)
        resources = tables[0]
        assert resources[0] == ["Resource", "Terraform", "Status", "Base", "Head", "Change"]
        total = resources[-1]
        assert total[0] == "TOTAL"
        for col in (3, 4):  # Base and Head foot to the TOTAL row as displayed
            assert sum(_money(r[col]) for r in resources[1:-1]) == _money(total[col])
        assert _money(total[5]) == _money(total[4]) - _money(total[3])
        assert len(tables) == 2 + 4  # resources, range, and one table per changed resource
        shot = SHOTS / "cost-diff-comment.png"
        page.screenshot(shot)
    assert shot.stat().st_size > 10_000
    assert Path(shot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
