"""A pandas Styler that displays itself fast: the notebooks' money tables as plain HTML.

pandas renders a Styler through jinja2, cell by cell (about 50 ms a table). :class:`Table` is
a Styler with the same API; as long as nobody adds styling after :func:`planner.views.styled`
made it, its HTML is written directly from the formats ``styled`` chose: the same text, left
aligned text columns and bold TOTAL rows. Any further styling falls back to pandas.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from pandas.io.formats.style import Styler

TOTAL_STYLE = "font-weight: bold; border-top: 1px solid #444"
_Styler: Any = Styler  # pandas-stubs leave Styler's internals (_todo, data) untyped


class Table(_Styler):  # type: ignore[misc]
    _planner: tuple[dict[str, Any], list[Hashable], list[int], dict[str, str], int] | None = None

    def fast(
        self,
        formats: dict[str, Any],
        text_cols: Sequence[Hashable],
        totals: list[int],
        na: dict[str, str],
    ) -> None:
        """Remember how ``styled`` formatted the frame (and how much styling that was)."""
        self._planner = (formats, list(text_cols), totals, na, len(self._todo))

    def _repr_html_(self) -> str | None:
        if self._planner is None or len(self._todo) != self._planner[4]:
            text: str | None = super()._repr_html_()
            return text
        formats, text_cols, totals, na, _ = self._planner
        return fast_html(self.data, formats, text_cols, totals, na)


def _cell(value: Any, formatter: str | Callable[[Any], str] | None, na_rep: str) -> str:
    missing = value is None or (isinstance(value, float) and value != value)
    if formatter is None:
        return "" if missing else str(value)
    if missing:
        return na_rep
    return formatter.format(value) if isinstance(formatter, str) else formatter(value)


def fast_html(
    frame: Any,
    formats: dict[str, Any],
    text_cols: Sequence[Hashable],
    totals: Sequence[int],
    na: dict[str, str],
) -> str:
    """The table's HTML; a missing cell shows ``na[column]`` ("" in a TOTAL row)."""
    esc = html.escape
    left = ' style="text-align: left"'
    columns = list(frame.columns)
    head = "".join(f"<th{left}>{esc(str(c))}</th>" for c in columns)
    aligns = [left if c in text_cols else "" for c in columns]
    fmts = [formats.get(str(c)) for c in columns]
    nas = [na.get(str(c), "") for c in columns]
    bold = set(totals)
    rows = []
    for i, record in enumerate(frame.itertuples(index=False, name=None)):
        cells = "".join(
            f"<td{align}>{esc(_cell(v, f, '' if i in bold else rep))}</td>"
            for v, f, align, rep in zip(record, fmts, aligns, nas, strict=True)
        )
        style = f' style="{TOTAL_STYLE}"' if i in bold else ""
        rows.append(f"<tr{style}>{cells}</tr>")
    return (
        f'<table class="planner-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
