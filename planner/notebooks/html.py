"""Both HTML pages of an executed notebook from one nbconvert rendering.

``<name>.html`` keeps the code (engineers); ``<name>.finance.html`` drops it (finance). The
template wraps code in markers; the finance page is the same text with those parts cut out,
so each notebook is rendered once, and without nbconvert's BeautifulSoup pass (it only adds
``tabindex`` and image ``alt`` attributes; our outputs have no images). Each page links the
report's one shared ``plotly.min.js`` and ``notebook.css`` (JupyterLab's theme styles, about
250 kB a page otherwise) by relative paths and carries a banner with the
version stamp, the CSV/XLSX downloads and a link to the other view.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLOTLY_JS = "plotly.min.js"
# JupyterLab's theme stylesheets, the same on every page: one shared file beside plotly.js
THEME_CSS = "notebook.css"
GLOSSARY = "glossary.html"  # planner.notebooks.glossary.FILE
_THEME = re.compile(r"<style[^>]*>\s*/\*-{10,}.*?</style>\s*", re.S)

_CELL = re.compile(r"<!--planner:cell-->.*?<!--/planner:cell-->", re.S)
_CODE = re.compile(r"<!--planner:code-->.*?<!--/planner:code-->", re.S)
_MARKS = re.compile(r"<!--/?planner:(?:cell|code)-->")
# plotly's notebook renderer adds a MathJax <script src> from a CDN; our labels use no LaTeX.
_REMOTE_MATHJAX = re.compile(
    r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^"]*"></script>'
)

# A chart is printed 690 px wide. The A4 page with 10 mm side margins (the @page rule below)
# leaves a 190 mm column, 718 CSS px at 96 px an inch, but measured in Chromium's print to
# PDF a report page's column holds about 20 px less (a 700 px chart already shrinks the whole
# page by 0.3%, a 718 px one by 2.8%), and a chart wider than the column shrinks every page.
PRINT_CHART_WIDTH_PX = 690

PAGE_CSS = """
<style type="text/css">
.planner-banner { font: 13px Helvetica, Arial, sans-serif; color: #444; border-bottom: 1px solid
  #ddd; padding: 6px 12px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.planner-banner a { color: #1f5fa8; }
.jp-RenderedHTMLCommon table { font-variant-numeric: tabular-nums; }
@media print {
  @page { size: A4; margin: 12mm 10mm; }
  html, body, main { margin: 0 !important; padding: 0 !important; width: auto !important; }
  .jp-Notebook { padding: 0 !important; }
  .modebar, .modebar-container, .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
  .jp-Cell, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output,
  .jp-RenderedHTMLCommon { overflow: visible !important; max-width: 100% !important;
    padding: 0 !important; margin: 0 !important; }
  .jp-RenderedHTMLCommon table { width: 100% !important; table-layout: auto !important;
    font-size: 7pt !important; max-width: 100% !important; }
  .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal !important;
    overflow-wrap: break-word; word-break: normal; padding: 1px 3px !important;
    max-width: none !important; }
  .plotly-graph-div, .js-plotly-plot { max-width: 100% !important; break-inside: avoid; }
  .jp-RenderedHTMLCommon tr, .jp-RenderedHTMLCommon img { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  /* outputs as plain blocks (JupyterLab lays each out as a one-row table, which the page
     breaking treats as one piece and which ignores "keep with next") */
  .jp-Notebook, .jp-Cell, .jp-OutputArea { overflow: visible !important; }
  .jp-OutputArea-child { display: block !important; overflow: visible !important; }
  /* a long table may continue on the next page (JupyterLab keeps each output whole), row by
     row; a chart stays whole */
  .jp-OutputArea-child:has(table) { break-inside: auto !important; }
  /* a heading stays with what follows it: its section's text, table or chart */
  h1, h2, h3, h4 { break-after: avoid; }
  /* a Markdown cell (a heading and its lead-in) stays with the output below it, and text a
     cell displays stays with the cell's next output (a note with its chart); the cell's
     last text is not chained on to the next section, or a long opening would push the
     page's title off its first page */
  .jp-MarkdownCell { break-after: avoid; }
  .jp-OutputArea-child:has(.jp-RenderedMarkdown):not(:last-child) { break-after: avoid; }
  .planner-banner { break-after: avoid; }
  /* denser than on screen: headings closer to their text */
  .jp-RenderedHTMLCommon h1 { margin: 0.2em 0 0.3em !important; }
  .jp-RenderedHTMLCommon h2 { margin: 0.8em 0 0.3em !important; }
  .jp-RenderedHTMLCommon p { margin-bottom: 0.4em !important; }
}
</style>
<script>
/* Print: lay every chart out again at the printed text width (plotly keeps the width it had
   on screen otherwise, and the browser shrinks the whole page to fit it: a page printed from
   a wide window came out at two thirds size) and at most 560 px tall, so a chart fits on a
   page beside its heading; back to the screen layout after printing. The width is set for
   the A4 column, not measured: when the browser says it will print, the page is still laid
   out at the window's width. */
(function () {
  var MAX_HEIGHT = 560;
  var PRINT_WIDTH = PRINT_CHART_WIDTH_PX;
  function fit(printing) {
    if (!window.Plotly) return;
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      if (!gd._fullLayout) return;
      if (printing) {
        if (gd._screenHeight === undefined) gd._screenHeight = gd._fullLayout.height;
        var height = Math.min(gd._screenHeight, MAX_HEIGHT);
        window.Plotly.relayout(gd, {width: PRINT_WIDTH, height: height});
      } else if (gd._screenHeight !== undefined) {
        window.Plotly.relayout(gd, {width: null, height: gd._screenHeight, autosize: true});
      }
    });
  }
  var query = window.matchMedia && window.matchMedia('print');
  if (query && query.addEventListener) {
    query.addEventListener('change', function (e) { fit(e.matches); });
  }
  window.addEventListener('beforeprint', function () { fit(true); });
  window.addEventListener('afterprint', function () { fit(false); });
})();
</script>
""".replace("PRINT_CHART_WIDTH_PX", str(PRINT_CHART_WIDTH_PX))


@dataclass(frozen=True)
class Page:
    """What a page links to besides its notebook: shared plotly.js, downloads, stamp."""

    plotly_src: str = PLOTLY_JS
    downloads: tuple[tuple[str, str], ...] = ()
    """(label, relative href) pairs: the CSV and XLSX of the scenario's cost lines."""
    stamp: dict[str, str] = field(default_factory=dict)
    extra: str = ""
    """More HTML for the banner (e.g. a link back to the report index)."""
    glossary: str = GLOSSARY
    """Where the glossary is, relative to the page (written beside plotly.js)."""


def export_html(nb: Any, output: Path, title: str, page: Page | None = None) -> tuple[Path, Path]:
    """``<name>.html`` with code and ``<name>.finance.html`` without, from one rendering."""
    from planner.output import write_files

    pages = render_pages(nb, output, title, page)
    write_files([(path, _text(text)) for path, text in pages])
    return pages[0][0], pages[1][0]


def render_pages(
    nb: Any, output: Path, title: str, page: Page | None = None
) -> list[tuple[Path, str]]:
    """The two pages' paths and texts (code first, then finance); nothing is written."""
    from planner.notebooks.summary import without_summary

    page = page or Page()
    body = render(without_summary(nb), title)
    code_path = output.with_suffix(".html")
    finance_path = output.with_suffix(".finance.html")
    finance = _CODE.sub("", _CELL.sub("", body))
    with_code = _MARKS.sub("", body)
    return [
        (code_path, _finish(with_code, page, finance_path.name, "finance view (no code)")),
        (finance_path, _finish(finance, page, code_path.name, "view with code")),
    ]


def _text(text: str) -> Callable[[Path], None]:
    def produce(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return produce


def _finish(body: str, page: Page, other: str, other_label: str) -> str:
    from planner.notebooks.stamp import stamp_text

    esc = html.escape
    head = PAGE_CSS
    if page.plotly_src:
        head += f'<script src="{esc(page.plotly_src)}" charset="utf-8"></script>\n'
        # the theme styles sit beside plotly.js: one <link> where the first block stood
        css_href = page.plotly_src[: -len(PLOTLY_JS)] + THEME_CSS
        link = f'<link rel="stylesheet" href="{esc(css_href)}">\n'
        body = _THEME.sub("", _THEME.sub(lambda _m: link, body, count=1))
    links = " · ".join(
        f'<a href="{esc(href)}" download>{esc(label)}</a>' for label, href in page.downloads
    )
    parts = []
    if links:
        parts.append(f"<span>Download the cost lines: {links}</span>")
    parts.append(f'<span><a href="{esc(other)}">{esc(other_label)}</a></span>')
    if page.glossary:
        parts.append(
            f'<span><a class="planner-glossary" href="{esc(page.glossary)}">glossary</a></span>'
        )
    if page.extra:
        parts.append(page.extra)
    if page.stamp:
        parts.append(f'<span class="planner-stamp">{esc(stamp_text(page.stamp))}</span>')
    banner = '<div class="planner-banner">' + "".join(parts) + "</div>"
    body = _REMOTE_MATHJAX.sub("", body)
    return body.replace("<!--planner:head-->", head, 1).replace("<!--planner:banner-->", banner, 1)


_lock = threading.Lock()
_shared: list[Any] = []


def render(nb: Any, title: str) -> str:
    """The page HTML (code marked), like HTMLExporter but without its BeautifulSoup pass.

    One exporter for the process (its templates compile once; :func:`warm_up` does that
    while the report's kernels start); renderings take turns.
    """
    with _lock:
        return _render(_exporter(), nb, title)


def warm_up() -> None:
    """Import nbconvert and compile the templates now, e.g. while kernels start."""
    import nbformat.v4

    v4: Any = nbformat.v4  # untyped
    render(v4.new_notebook(cells=[v4.new_markdown_cell("warm-up")]), "warm-up")


def _render(exporter: Any, nb: Any, title: str) -> str:
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters import highlight, widgetsdatatypefilter

    Highlight2HTML: Any = highlight.Highlight2HTML  # nbconvert is untyped
    WidgetsDataTypeFilter: Any = widgetsdatatypefilter.WidgetsDataTypeFilter

    resources = exporter._init_resources({"metadata": {"name": title}})
    exporter.register_filter(
        "highlight_code", Highlight2HTML(pygments_lexer="python", parent=exporter)
    )
    exporter.register_filter(
        "filter_data_type",
        WidgetsDataTypeFilter(
            notebook_metadata=exporter._nb_metadata, parent=exporter, resources=resources
        ),
    )
    body, _ = TemplateExporter.from_notebook_node(exporter, nb, resources)
    return str(body)


def _exporter() -> Any:
    """The process's HTML exporter (call with ``_lock`` held)."""
    if not _shared:
        from planner.importing import without_slow_optional_imports

        with without_slow_optional_imports():
            from nbconvert import HTMLExporter as _HTMLExporter

        cls: Any = _HTMLExporter  # nbconvert is untyped
        _shared.append(cls(extra_template_basedirs=[str(TEMPLATES)], template_name="planner"))
    return _shared[0]


def plotly_js_path() -> Path:
    """plotly.js as plotly ships it (``plotly/package_data/plotly.min.js``)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "package_data" / PLOTLY_JS


def theme_css() -> str:
    """The theme stylesheets every page carries, as the template renders them."""
    import nbformat.v4

    v4: Any = nbformat.v4  # untyped
    page = render(v4.new_notebook(cells=[v4.new_markdown_cell("styles")]), "styles")
    blocks = [
        re.sub(r"^<style[^>]*>|</style>\s*$", "", m.group(0).strip()) for m in _THEME.finditer(page)
    ]
    return "\n".join(blocks) + "\n"


def copy_plotly_js(folder: Path) -> Path:
    """Put the shared ``plotly.min.js``, ``notebook.css`` and the glossary in ``folder``
    (copies: the report owns its files); pages link them by relative paths."""
    import shutil

    from planner.notebooks.glossary import glossary_html

    target = folder / PLOTLY_JS
    if not target.exists():
        shutil.copyfile(plotly_js_path(), target)
    css = folder / THEME_CSS
    if not css.exists():
        css.write_text(theme_css(), encoding="utf-8")
    (folder / GLOSSARY).write_text(glossary_html(), encoding="utf-8")
    return target
