"""CSV and XLSX downloads of a scenario's cost lines and assumptions, for each finance page.

The CSV is ``planner price --format csv`` (lines rounded to the cent, then a TOTAL row that
adds them). The XLSX has two sheets, "cost lines" (money as numbers with a currency format,
a TOTAL row) and "assumptions"; openpyxl writes it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.output import write_file, write_output

if TYPE_CHECKING:
    from planner.costing.engine import CostReport

CURRENCY = '"$"#,##0.00;-"$"#,##0.00'
UNIT_PRICE = '"$"#,##0.00####'
EXACT = "0.00########"  # the unrounded amount: a number, not a second money figure
MONEY_COLUMNS = ("monthly_usd", "annual_usd")


def write_downloads(report: CostReport, folder: Path, stem: str) -> tuple[Path, Path]:
    """``<stem>.csv`` and ``<stem>.xlsx`` in ``folder``; both written atomically."""
    from planner.render import report_csv

    csv_path = folder / f"{stem}.csv"
    xlsx_path = folder / f"{stem}.xlsx"
    write_output(report_csv(report), str(csv_path))
    csv_path.chmod(0o644)
    _write_xlsx(report, xlsx_path)
    return csv_path, xlsx_path


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _write_xlsx(report: CostReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from planner.assumptions import plain_name
    from planner.render import CSV_COLUMNS, csv_rows

    book = Workbook()
    sheet: Any = book.active
    sheet.title = "cost lines"
    sheet.append(list(CSV_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = csv_rows(report)
    for row in rows:
        sheet.append([_number(v) for v in row])
    for name in MONEY_COLUMNS:
        col = CSV_COLUMNS.index(name) + 1
        for r in range(2, len(rows) + 2):
            sheet.cell(row=r, column=col).number_format = CURRENCY
    exact_col = CSV_COLUMNS.index("monthly_usd_exact") + 1
    for r in range(2, len(rows) + 2):
        sheet.cell(row=r, column=exact_col).number_format = EXACT
    price_col = CSV_COLUMNS.index("unit_price_usd") + 1
    for r in range(2, len(rows) + 2):
        sheet.cell(row=r, column=price_col).number_format = UNIT_PRICE
    for cell in sheet[len(rows) + 1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    assumptions: Any = book.create_sheet("assumptions")
    assumptions.append(["assumption", "field", "value", "unit", "reason"])
    for cell in assumptions[1]:
        cell.font = Font(bold=True)
    for item in report.assumptions:
        name, unit = plain_name(item["field"])
        assumptions.append(
            [name, item["field"], float(Decimal(item["value"])), unit, item["reason"]]
        )
    write_file(path, lambda tmp: book.save(tmp))  # openpyxl picks the format by content
