# ruff: noqa: RUF001 - Thai digits are data
"""Look at an upload before reading it: its format, encoding, CSV dialect and table start.

Only the first megabyte is read here; everything after it is streamed (transcoding) or left to
DuckDB. Thai public files often carry a title row or a two-row (merged) header above the table,
are saved in TIS-620/Windows-874 by older Excel versions, or are something else renamed ``.csv``.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from ddgov.catalog.ingest.errors import IngestError
from ddgov.catalog.ingest.rules import HEADER_SCAN_ROWS, ROW_ID

HEAD_BYTES = 1 << 20
CHUNK_BYTES = 4 << 20
DELIMITERS = (",", "\t", ";", "|")
TEXT_EXTENSIONS = {".csv", ".tsv", ".txt", ".tab", ".dat", ""}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
JSON_EXTENSIONS = {".json", ".ndjson", ".jsonl", ".geojson"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}
# Leading bytes of binary formats people rename by mistake.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.xls/.doc)"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
# Thai names of the kinds above (and of the text formats refused as CSV), for the Thai halves.
KIND_TH: dict[str, str] = {
    "a PNG image": "ภาพ PNG", "a JPEG image": "ภาพ JPEG", "a GIF image": "ภาพ GIF",
    "a PDF document": "เอกสาร PDF", "a ZIP archive": "ไฟล์บีบอัด ZIP",
    "an empty ZIP archive": "ไฟล์บีบอัด ZIP ที่ว่างเปล่า",
    "a legacy Office file (.xls/.doc)": "ไฟล์ Office รุ่นเก่า (.xls/.doc)",
    "a Parquet file": "ไฟล์ Parquet", "a gzip archive": "ไฟล์บีบอัด gzip",
    "a 7-Zip archive": "ไฟล์บีบอัด 7-Zip", "a RAR archive": "ไฟล์บีบอัด RAR",
    "an SQLite database": "ฐานข้อมูล SQLite", "text": "ไฟล์ข้อความ",
    "an Excel workbook (rename it .xlsx)": "ไฟล์ Excel (ให้เปลี่ยนนามสกุลเป็น .xlsx)",
    "an HTML page": "หน้าเว็บ HTML", "an XML document": "เอกสาร XML",
}  # fmt: skip
_MARKUP_TAG = re.compile(r"<[A-Za-z_][\w:.\-]*[\s/>]")
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|table|div|script)[\s>/]")
_JSON_START = re.compile(r'^(?:\{\s*(?:"|\})|\[\s*(?:\{|\[|"|\]))')
_VALUE_LIKE = re.compile(
    r"^[+-]?[\d๐-๙,]*\.?[\d๐-๙]+%?$|^[\d๐-๙]{1,4}[-/.][\d๐-๙]{1,2}[-/.][\d๐-๙]{1,4}$"
)
Progress = Callable[[float, str], None]


@dataclass
class CsvPlan:
    """How DuckDB must read a UTF-8 delimited file: dialect, lines to skip, column names."""

    path: Path
    delimiter: str
    skip: int
    names: list[str]
    titles: list[str]
    header_row: int
    header_rows: int = 1
    extra: dict[str, object] = field(default_factory=dict)


def _head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


def _magic(head: bytes) -> str | None:
    return next((label for prefix, label in MAGIC if head.startswith(prefix)), None)


def _zip_is_workbook(path: Path) -> bool:
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def sniff_format(path: Path, filename: str) -> str:
    """Return ``csv``, ``xlsx``, ``json`` or ``parquet`` from the file's name *and* its bytes."""
    if path.stat().st_size == 0:
        raise IngestError("empty", _("The file is empty (0 bytes). / ไฟล์ว่างเปล่า (0 ไบต์)"))
    head = _head(path, 4096)
    ext = Path(filename).suffix.lower()
    magic = _magic(head)
    json_like = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")
    named = _named_format(path, filename, ext, magic, json_like=json_like)
    if named is not None:
        return named
    if ext not in TEXT_EXTENSIONS:
        if magic == "a ZIP archive" and _zip_is_workbook(path):
            return "xlsx"
        if magic is None and json_like:
            return "json"
        if magic is not None:
            raise IngestError(
                "unsupported_format",
                _(
                    "%(name)s is %(kind)s, which cannot be ingested as a table; upload CSV, XLSX, JSON or Parquet. / "
                    "%(name)s เป็น%(kind_th)s ซึ่งนำเข้าเป็นตารางไม่ได้ กรุณาอัปโหลด CSV, XLSX, JSON หรือ Parquet"
                )
                % {"name": filename, "kind": magic, "kind_th": KIND_TH[magic]},
            )
    _refuse_binary(path, filename, head, magic)
    if _JSON_START.match(_text_head(head)):
        return "json"  # JSON saved as .csv: read as the JSON it is (documented)
    _refuse_markup(filename, head)
    return "csv"


def _named_format(
    path: Path, filename: str, ext: str, magic: str | None, *, json_like: bool
) -> str | None:
    """The format the file's extension promises, checked against its bytes (None: not named)."""
    if ext in XLSX_EXTENSIONS or (ext == ".xls" and magic == "a ZIP archive"):
        if magic == "a ZIP archive" and _zip_is_workbook(path):
            return "xlsx"
        raise IngestError(
            "not_xlsx",
            _(
                "The file is named %(name)s but is not an Excel workbook (it looks like %(kind)s). / "
                "ไฟล์ชื่อ %(name)s แต่ไม่ใช่ไฟล์ Excel (ดูเหมือนเป็น%(kind_th)s)"
            )
            % {"name": filename, "kind": magic or "text", "kind_th": KIND_TH[magic or "text"]},
        )
    if ext == ".xls":
        raise IngestError(
            "unsupported_format",
            _(
                "Legacy Excel 97-2003 (.xls) files are not read; save the sheet as .xlsx or CSV (UTF-8). / "
                "ไม่รองรับไฟล์ Excel รุ่นเก่า (.xls) กรุณาบันทึกเป็น .xlsx หรือ CSV (UTF-8)"
            ),
        )
    if ext in PARQUET_EXTENSIONS or (
        ext not in TEXT_EXTENSIONS | JSON_EXTENSIONS and magic == "a Parquet file"
    ):
        if magic == "a Parquet file":
            return "parquet"
        raise IngestError(
            "not_parquet",
            _(
                "The file is named %(name)s but is not a Parquet file. / ไฟล์ชื่อ %(name)s แต่ไม่ใช่ไฟล์ Parquet"
            )
            % {"name": filename},
        )
    if ext in JSON_EXTENSIONS:
        if json_like:
            return "json"
        raise IngestError(
            "not_json",
            _(
                "The file is named %(name)s but does not start like JSON (an array or objects). / "
                "ไฟล์ชื่อ %(name)s แต่เนื้อหาไม่ใช่ JSON"
            )
            % {"name": filename},
        )
    return None


def _refuse_binary(path: Path, filename: str, head: bytes, magic: str | None) -> None:
    """Refuse an image, archive or workbook that was named like a text file."""
    if magic is not None:
        workbook = magic == "a ZIP archive" and _zip_is_workbook(path)
        kind = "an Excel workbook (rename it .xlsx)" if workbook else magic
        raise _not_csv(filename, kind)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(
            "not_csv",
            _(
                "%(name)s is not a CSV text file: it contains binary data. / "
                "%(name)s ไม่ใช่ไฟล์ข้อความ CSV เพราะมีข้อมูลไบนารี"
            )
            % {"name": filename},
        )


def _not_csv(filename: str, kind: str) -> IngestError:
    return IngestError(
        "not_csv",
        _(
            "%(name)s is not a CSV text file: it is %(kind)s. / %(name)s ไม่ใช่ไฟล์ข้อความ CSV แต่เป็น%(kind_th)s"
        )
        % {"name": filename, "kind": kind, "kind_th": KIND_TH[kind]},
        kind=kind,
    )


def _text_head(head: bytes) -> str:
    """The start of a text file as text (any BOM and leading blanks removed), for sniffing."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff \t\r\n")


def _refuse_markup(filename: str, head: bytes) -> None:
    """Refuse an HTML page or XML document named like a CSV (a saved web page, an API answer).

    Read as CSV they "succeed" with the markup as one column name and no rows.
    """
    text = _text_head(head)
    if not text.startswith("<"):
        return
    lowered = text[:4096].lower()
    if _HTML_START.match(lowered) or "<html" in lowered:
        raise _not_csv(filename, "an HTML page")
    if lowered.startswith(("<?xml", "<!--")) or _MARKUP_TAG.match(text):
        raise _not_csv(filename, "an XML document")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _encoding_error(offset: int, line: int, byte: int) -> IngestError:
    return IngestError(
        "encoding",
        _(
            "The file's text encoding is not recognised: byte 0x%(byte)02X at line %(line)d (offset %(offset)d) "
            "is neither UTF-8 nor TIS-620/Windows-874. Save it as CSV UTF-8. / "
            "ไม่รู้จักการเข้ารหัสอักขระของไฟล์: ไบต์ 0x%(byte)02X ที่บรรทัด %(line)d (ตำแหน่ง %(offset)d) "
            "ไม่ใช่ทั้ง UTF-8 และ TIS-620/Windows-874 กรุณาบันทึกเป็น CSV UTF-8"
        )
        % {"byte": byte, "line": line, "offset": offset},
        offset=offset,
        line=line,
    )


def detect_encoding(path: Path) -> str:
    """Return ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``windows-874`` judged from the first megabyte.

    A later invalid byte is found by DuckDB's own UTF-8 check; the pipeline then retries the
    whole file as Windows-874 (see :func:`transcode_to_utf8`).
    """
    head = _head(path)
    at_end = len(head) < HEAD_BYTES
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=at_end)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        head.decode("cp874")
    except UnicodeDecodeError as exc:
        raise _encoding_error(exc.start, _line_of(head, exc.start), head[exc.start]) from exc
    return "windows-874"


def transcode_to_utf8(
    src: Path, dst: Path, encoding: str, progress: Progress | None = None
) -> None:
    """Stream ``src`` from ``encoding`` into UTF-8 at ``dst`` (4 MiB at a time, never all in memory)."""
    codec = {"windows-874": "cp874", "utf-16": "utf-16", "utf-8-sig": "utf-8-sig"}.get(
        encoding, encoding
    )
    decoder = codecs.getincrementaldecoder(codec)("strict")
    total = max(1, src.stat().st_size)
    done = 0
    lines = 0
    with src.open("rb") as fin, dst.open("wb") as fout:
        while True:
            chunk = fin.read(CHUNK_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                at = min(exc.start, len(chunk) - 1) if chunk else 0
                raise _encoding_error(
                    done + at, lines + _line_of(chunk, at), chunk[at] if chunk else 0
                ) from exc
            fout.write(text.encode("utf-8"))
            if not chunk:
                break
            done += len(chunk)
            lines += chunk.count(b"\n")
            if progress is not None:
                progress(done / total, "transcoding")


def _utf8_head_lines(path: Path) -> tuple[list[str], bool]:
    """Return the complete lines of the first megabyte (decoded) and whether that is the whole file."""
    head = _head(path)
    at_end = len(head) < HEAD_BYTES
    text = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(head, final=at_end)
    lines = io.StringIO(text, newline="").readlines()
    if not at_end and len(lines) > 1:
        lines = lines[:-1]
    return lines, at_end


def sniff_delimiter(lines: Sequence[str]) -> str:
    """Pick the delimiter that splits the most lines into the same number (> 1) of cells."""
    best, best_score = ",", (0, 0.0, 0)
    sample = list(lines[:500])
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        modal, freq = Counter(counts).most_common(1)[0]
        score = (int(modal > 1), round(freq / len(counts), 2), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _looks_like_value(cell: str) -> bool:
    return bool(_VALUE_LIKE.match(cell.strip()))


def _nonempty(row: Sequence[str]) -> int:
    return sum(1 for c in row if c.strip())


def _repeats(upper: Sequence[str], lower: Sequence[str]) -> bool:
    """Whether ``lower`` repeats at least 80% of ``upper``'s filled cells, position by position."""
    filled = [(i, c.strip()) for i, c in enumerate(upper) if c.strip()]
    if len(filled) < 2:
        return False
    same = sum(1 for i, c in filled if i < len(lower) and lower[i].strip() == c)
    return same >= 0.8 * len(filled)


def _is_group_row(top: Sequence[str], sub: Sequence[str], rest: Sequence[Sequence[str]]) -> bool:
    """Whether ``top`` is the upper row of a merged two-row header above ``sub``."""
    sub_cells = [c for c in sub if c.strip()]
    if _nonempty(sub) <= _nonempty(top) or any(_looks_like_value(c) for c in sub_cells):
        return False
    cells = [c.strip() for c in top]
    first = next((i for i, c in enumerate(cells) if c), len(cells))
    tail = cells[first:]
    gaps = any(not c for c in tail)
    repeats = any(a and a == b for a, b in itertools.pairwise(tail))
    data_follows = any(_looks_like_value(c) for row in rest[:3] for c in row if c.strip())
    # Group labels leave the row-label columns empty (or repeat across merged cells); a title
    # row starts in the first column.
    return ((first > 0 and gaps) or repeats) and data_follows


def find_header(rows: Sequence[Sequence[str]]) -> tuple[int, int, list[str]]:
    """Return (index of the header row, 1 or 2 header rows, the column titles).

    Title rows above the table (a single cell such as "ตารางที่ 1 …") are skipped: the header is
    the first row with at least half as many filled cells as the widest row. A merged group row
    above it ("Asia" spanning five columns) is combined into "Asia / Passenger Car".
    """
    counts = [_nonempty(r) for r in rows]
    widest = max(counts, default=0)
    if widest == 0:
        raise IngestError(
            "empty", _("The file has no data (only blank lines). / ไฟล์ไม่มีข้อมูล (มีแต่บรรทัดว่าง)")
        )
    need = 1 if widest == 1 else max(2, math.ceil(widest / 2))
    index = next(i for i, c in enumerate(counts) if c >= need)
    while index + 1 < len(rows) and _repeats(rows[index], rows[index + 1]):
        index += 1  # a title row that repeats the header's names: the lower row is the header
    header = [str(c) for c in rows[index]]
    if all(_looks_like_value(c) for c in header if c.strip()):
        raise IngestError(
            "no_header",
            _(
                "Row %(row)d looks like data (%(cells)s), not column names; add a header row naming each column. / "
                "แถวที่ %(row)d เป็นข้อมูล (%(cells)s) ไม่ใช่ชื่อคอลัมน์ กรุณาเพิ่มแถวหัวตารางที่ระบุชื่อทุกคอลัมน์"
            )
            % {"row": index + 1, "cells": ", ".join(c for c in header[:4] if c.strip())},
        )
    top: list[str] | None = None
    if index + 1 < len(rows) and _is_group_row(header, rows[index + 1], rows[index + 2 :]):
        top, sub = header, [str(c) for c in rows[index + 1]]
    elif (
        index > 0
        and _nonempty(rows[index - 1]) >= 2
        and _is_group_row(rows[index - 1], header, rows[index + 1 :])
    ):
        # a sparse group row ("Asia" over five columns) read as a title row: it belongs to the header
        top, sub = [str(c) for c in rows[index - 1]], header
        index -= 1
    if top is not None:
        header = top
        width = max(len(header), len(sub))
        groups, current, started = [], "", False
        for i in range(width):
            cell = header[i].strip() if i < len(header) else ""
            if cell:
                current, started = cell, True
            groups.append(current if started else "")
        titles = []
        for i in range(width):
            group, name = groups[i], sub[i].strip() if i < len(sub) else ""
            titles.append(
                f"{group} / {name}" if group and name and group != name else name or group
            )
        return index, 2, titles
    return index, 1, header


def clean_names(titles: Sequence[str]) -> list[str]:
    """Column names from header cells: trimmed, one line, unique (case-insensitively), empty -> column_N."""
    names: list[str] = []
    seen = {ROW_ID}
    for position, title in enumerate(titles, start=1):
        base = " ".join(str(title or "").replace("\ufeff", "").replace("\u200b", "").split())[:200]
        base = base or f"column_{position}"
        name, n = base, 2
        while name.casefold() in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name.casefold())
        names.append(name)
    return names


def _records(lines: list[str], delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """Yield (first line, lines consumed after it, cells) for each CSV record of ``lines``."""
    reader = csv.reader(iter(lines), delimiter=delimiter)
    before = 0
    while True:
        try:
            row = next(reader)
        except (StopIteration, csv.Error):
            return
        yield before + 1, reader.line_num, row
        before = reader.line_num


def _ragged(line: int, found: int, expected: int, text: str) -> IngestError:
    return IngestError(
        "ragged",
        _(
            "Line %(line)d has %(found)d cells but the header has %(expected)d: %(text)s / "
            "บรรทัดที่ %(line)d มี %(found)d ช่อง แต่หัวตารางมี %(expected)d ช่อง: %(text)s"
        )
        % {"line": line, "found": found, "expected": expected, "text": text[:120]},
        line=line,
    )


def plan_csv(path: Path) -> CsvPlan:
    """Sniff a UTF-8 CSV's delimiter, header row(s) and width from its first megabyte."""
    lines, _whole = _utf8_head_lines(path)
    if not "".join(lines).strip():
        raise IngestError(
            "empty", _("The file has no data (only blank lines). / ไฟล์ไม่มีข้อมูล (มีแต่บรรทัดว่าง)")
        )
    delimiter = sniff_delimiter(lines)
    records = list(_records(lines, delimiter))
    scan = [row for _first, _last, row in records[:HEADER_SCAN_ROWS]]
    index, header_rows, titles = find_header(scan)
    header_line = records[index][0]
    skip = records[index + header_rows - 1][1]
    data = [(first, row) for first, _last, row in records[index + header_rows :] if row]
    widths = Counter(len(row) for _first, row in data)
    width = len(titles)
    if widths:
        modal = widths.most_common(1)[0][0]
        named = len(titles)
        while named and not str(titles[named - 1]).strip():
            named -= 1
        width = modal if named <= modal else len(titles)
    for first, row in data:
        if len(row) != width:
            raise _ragged(first, len(row), width, delimiter.join(row))
    titles = [*list(titles)[:width], *[""] * (width - len(titles))]
    return CsvPlan(
        path=path,
        delimiter=delimiter,
        skip=skip,
        names=clean_names(titles),
        titles=[" ".join(str(t).split()) for t in titles],
        header_row=header_line + header_rows - 1,
        header_rows=header_rows,
    )


def normalize_csv(plan: CsvPlan, target: Path, progress: Progress | None = None) -> CsvPlan:
    """Rewrite the table part of a non-RFC-4180 CSV (mixed line endings, stray quotes) cleanly.

    DuckDB's strict parser refuses such files; Python's csv module reads them leniently. The
    rewrite streams row by row and still refuses rows of the wrong width, by original line.
    """
    width = len(plan.names)
    total = max(1, plan.path.stat().st_size)
    with (
        plan.path.open("r", encoding="utf-8-sig", newline="") as fin,
        target.open("w", encoding="utf-8", newline="") as fout,
    ):
        for _n in range(plan.skip):
            fin.readline()
        reader = csv.reader(fin, delimiter=plan.delimiter)
        writer = csv.writer(fout, lineterminator="\n")
        before = plan.skip
        try:
            for count, row in enumerate(reader, start=1):
                if row and len(row) != width:
                    raise _ragged(before + 1, len(row), width, plan.delimiter.join(row))
                before = plan.skip + reader.line_num
                if row:
                    writer.writerow(row)
                if progress is not None and count % 50_000 == 0:
                    progress(min(1.0, fin.tell() / total), "normalising")
        except csv.Error as exc:
            raise IngestError(
                "malformed",
                _(
                    "The CSV cannot be read at line %(line)d: %(error)s / อ่าน CSV ไม่ได้ที่บรรทัด %(line)d: %(error)s"
                )
                % {"line": before + 1, "error": exc},
                line=before + 1,
            ) from exc
    return CsvPlan(
        path=target,
        delimiter=",",
        skip=0,
        names=plan.names,
        titles=plan.titles,
        header_row=plan.header_row,
        header_rows=plan.header_rows,
        extra={**plan.extra, "normalised": True},
    )
