"""Excel workbooks: refuse zip bombs, then stream the chosen sheet's rows into a UTF-8 CSV.

The workbook is opened with openpyxl in read-only mode (rows are parsed as they are read, never
the whole sheet in memory) and ``data_only`` (formulas give their cached results). Before
opening it, the zip directory is checked: an .xlsx is a zip of XML files and a few kilobytes can
claim to expand to gigabytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ddgov.catalog.ingest.errors import IngestError, error_detail
from ddgov.catalog.ingest.rules import HEADER_SCAN_ROWS
from ddgov.catalog.ingest.sniff import CsvPlan, clean_names, find_header

Progress = Callable[[float, str], None]
# An .xlsx part expanding more than this many times, beyond BOMB_MIN_BYTES, is a bomb; so is a
# workbook whose parts add up to more than the MAX_UNCOMPRESSED setting.
BOMB_RATIO = 200
BOMB_MIN_BYTES = 50 << 20
MAX_MEMBERS = 10_000


def _max_uncompressed() -> int:
    return int(getattr(settings, "CATALOG_XLSX_MAX_UNCOMPRESSED", 4 << 30))


def _bomb(reason: str, reason_th: str) -> IngestError:
    return IngestError(
        "xlsx_bomb",
        _(
            "The workbook was refused because it would expand to an unsafe size (%(reason)s). / "
            "ปฏิเสธไฟล์ Excel นี้เพราะจะขยายตัวจนมีขนาดไม่ปลอดภัย (%(reason_th)s)"
        )
        % {"reason": reason, "reason_th": reason_th},
        reason=reason,
    )


def xlsx_check_bomb(path: Path) -> None:
    """Raise ``xlsx_bomb`` if the zip's declared sizes or ratios are unreasonable.

    zipfile stops reading a part at its declared size, so checking declared sizes is enough.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(
            "not_xlsx",
            _("The workbook is damaged (%(error)s). / ไฟล์ Excel เสียหาย เปิดอ่านไม่ได้")
            % {"error": error_detail(exc)},
        ) from exc
    if len(infos) > MAX_MEMBERS:
        raise _bomb(f"{len(infos):,} parts", f"มี {len(infos):,} ส่วน")
    total = sum(i.file_size for i in infos)
    if total > _max_uncompressed():
        size = f"{total / (1 << 20):,.0f}"
        raise _bomb(f"{size} MB uncompressed", f"ขยายแล้ว {size} เมกะไบต์")
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > BOMB_MIN_BYTES and ratio > BOMB_RATIO:
            size = f"{info.file_size / (1 << 20):,.0f}"
            raise _bomb(
                f"{info.filename}: {size} MB from {info.compress_size:,} bytes",
                f"{info.filename}: ขยายเป็น {size} เมกะไบต์ จากข้อมูลบีบอัด {info.compress_size:,} ไบต์",
            )


def _open_workbook(path: Path) -> Any:
    """Open the workbook read-only with cached formula results, skipping named-style bloat.

    Some government workbooks carry tens of thousands of duplicated named styles (a 6 MB
    styles.xml) that openpyxl would spend seconds binding; reading values needs only the cell
    formats (to tell dates from numbers), so the named styles are dropped before parsing.
    """
    import openpyxl  # noqa: PLC0415
    from openpyxl.reader.excel import ExcelReader  # noqa: PLC0415

    class _ValuesReader(ExcelReader):
        def read(self) -> None:
            self.read_manifest()
            self.read_strings()
            self.read_workbook()
            self.read_properties()
            self.read_custom()
            self.read_theme()
            _apply_cell_formats(self.archive, self.wb)
            self.read_worksheets()
            self.parser.assign_names()

    try:
        reader = _ValuesReader(path, read_only=True, data_only=True)
        reader.read()
    except (KeyError, AttributeError, TypeError):
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    return reader.wb


def _apply_cell_formats(archive: zipfile.ZipFile, wb: Any) -> None:
    from openpyxl.styles.stylesheet import Stylesheet  # noqa: PLC0415
    from openpyxl.xml.constants import ARC_STYLE, SHEET_MAIN_NS  # noqa: PLC0415
    from openpyxl.xml.functions import fromstring  # noqa: PLC0415

    try:
        src = archive.read(ARC_STYLE)
    except KeyError:
        return
    node = fromstring(src)
    for tag in ("cellStyleXfs", "cellStyles", "dxfs"):
        element = node.find(f"{{{SHEET_MAIN_NS}}}{tag}")
        if element is not None:
            node.remove(element)
    stylesheet = Stylesheet.from_tree(node)
    wb._cell_styles = stylesheet.cell_styles  # openpyxl's own reader does the same
    wb._number_formats = stylesheet.number_formats
    wb._date_formats = stylesheet.date_formats
    wb._timedelta_formats = stylesheet.timedelta_formats


def _cell(value: Any) -> str:
    """One cell as CSV text (numbers without spurious '.0', dates in ISO form)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = str(value)
    return text


def _rows(ws: Any) -> Iterator[tuple[int, list[str]]]:
    """Yield (1-based sheet row number, cells) of non-empty rows."""
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in row]
        if any(c.strip() for c in cells):
            yield number, cells


def xlsx_to_csv(
    path: Path, target: Path, *, sheet: str | int | None = None, progress: Progress | None = None
) -> CsvPlan:
    """Write the sheet's table (below its header) to ``target`` as UTF-8 CSV; return how to read it."""
    xlsx_check_bomb(path)
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        wb = _open_workbook(path)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise IngestError(
            "not_xlsx",
            _("The workbook cannot be opened (%(error)s). / เปิดไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหาย")
            % {"error": error_detail(exc)},
        ) from exc
    try:
        ws = _sheet(wb, sheet)
        total = max(1, int(ws.max_row or 1))
        ws.reset_dimensions()  # iterate the rows the sheet holds, not its declared range
        rows = _rows(ws)
        head: list[tuple[int, list[str]]] = []
        for item in rows:
            head.append(item)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        if not head:
            raise IngestError(
                "empty",
                _("The sheet %(sheet)s is empty. / ชีต %(sheet)s ว่างเปล่า") % {"sheet": ws.title},
            )
        index, header_rows, titles = find_header([cells for _n, cells in head])
        data_rows = head[index + header_rows :]
        width = max([_used(list(titles))] + [_used(cells) for _n, cells in data_rows])
        titles = [*titles[:width], *[""] * (width - len(titles))]
        count = 0
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for number, cells in _chain(data_rows, rows):
                if _used(cells) > width:
                    raise IngestError(
                        "ragged",
                        _(
                            "Row %(row)d of sheet %(sheet)s has values beyond the table's %(width)d columns. / "
                            "แถวที่ %(row)d ของชีต %(sheet)s มีข้อมูลเกิน %(width)d คอลัมน์ของตาราง"
                        )
                        % {"row": number, "sheet": ws.title, "width": width},
                        line=number,
                    )
                writer.writerow([*cells[:width], *[""] * (width - len(cells))])
                count += 1
                if progress is not None and count % 5000 == 0:
                    progress(min(1.0, number / total), "reading workbook")
        return CsvPlan(
            path=target,
            delimiter=",",
            skip=0,
            names=clean_names(titles),
            titles=[" ".join(t.split()) for t in titles],
            header_row=head[index + header_rows - 1][0],
            header_rows=header_rows,
            extra={"sheet": ws.title, "sheets": list(wb.sheetnames)},
        )
    finally:
        wb.close()


def _used(cells: list[str]) -> int:
    n = len(cells)
    while n and not cells[n - 1].strip():
        n -= 1
    return n


def _chain(
    first: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    yield from first
    yield from rest


def _sheet(wb: Any, sheet: str | int | None) -> Any:
    if sheet is None or sheet == "":
        return wb.worksheets[0]
    if isinstance(sheet, int) or str(sheet).isdigit():
        position = int(sheet)
        if 1 <= position <= len(wb.worksheets):
            return wb.worksheets[position - 1]
    elif str(sheet) in wb.sheetnames:
        return wb[str(sheet)]
    raise IngestError(
        "not_xlsx",
        _(
            "The workbook has no sheet %(sheet)s (it has: %(sheets)s). / ไม่มีชีต %(sheet)s ในไฟล์ (มี: %(sheets)s)"
        )
        % {"sheet": sheet, "sheets": ", ".join(wb.sheetnames)},
    )
