"""Bulk import of a Traffy Fondue-style CSV export through the one intake service.

:func:`complaints_import_csv` reads the file, checks its header (a file that is not CSV text or
lacks the ticket id or the complaint text is refused before anything is written), then files
every row through :func:`~ddgov.complaints.services.intake.complaint_submit` with
``channel=import`` and ``intake_key = "import:<source>:<ticket_id>"``, so a second import of the
same file creates nothing new. Each row succeeds or fails on its own, in its own transaction;
the :class:`ImportReport` counts what was created, what already existed and what failed, and
lists every row's problems (spreadsheet row number, ticket id, stable code, Thai and English).

The real exports differ, and each variant is read as it is:

* ``complaints_2023-05-17.csv`` — ``type`` (Traffy's 2023 topic labels, comma-separated or as a
  set ``{ถนน,ทางเท้า}``), ``description``, ``coords`` (``['lon', 'lat']``), ``address``,
  ``timestamp`` (ISO with ``+00``), ``state``;
* ``waiting_queue_2024-12/*traffy_data.csv`` — ``category`` (the 2024 app's single category),
  ``description``, ``address`` ("เขตบางรัก แขวงสีลม"), Buddhist-era ``date`` + ``time``,
  ``status`` ("รอรับเรื่อง 2 นาทีที่แล้ว");
* ``org_state_2025-05/*.csv`` — no complaint text at all (its ``comment photo`` column holds
  photo URLs), so such a file is refused with a message saying so.

Categories come from the labels through the taxonomy's labelling schemes; several labels are
settled by the classifier's scores among them, no known label leaves it to the classifier. The
place is the coordinates (lon, lat order as Traffy writes them) and, when the address or the
``subdistrict``/``district``/``province`` columns name exactly one geothai subdistrict, its code,
so Bangkok complaints route to their district office. Naive timestamps are Bangkok time.

Traffy's state: by default imported complaints start "received" like any other. With
``apply_states=True`` the importer (a centre officer or platform admin) moves the lead agency's
part through the ordinary workflow service: รับเรื่อง → accepted, กำลังดำเนินการ (and
ศึกษาปัญหา, ของบประมาณ, จัดซื้อจัดจ้าง, ขั้นตอนทางกฎหมาย) → in progress, เสร็จสิ้น → resolved,
ไม่เกี่ยวข้อง → not our responsibility, each with a public message naming Traffy. Those events
carry the import's time, not Traffy's. ส่งต่อ(ใหม่) stays received (our router already chose the
agency), and Traffy's stars, reopen counts and photo URLs are not carried over (a rating belongs
to the reporter; photos are not fetched, nothing leaves the machine).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import geothai
from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language

from ddgov.agencies.selectors import admin_area_get
from ddgov.audit.services import audit_record_append
from ddgov.complaints.classify.dataset import thai_short_date_parse
from ddgov.complaints.classify.services import category_predict
from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.errors import ComplaintError, Problem
from ddgov.complaints.models import Channel, Complaint, State
from ddgov.complaints.services.intake import Submission, complaint_submit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ddgov.identity.models import User

MAX_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 500  # rows beyond this are still imported; only their messages are dropped
SNIFF_BYTES = 64 * 1024
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_FLOAT = re.compile(r"-?\d+(?:\.\d+)?")
_POSTAL = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")

TICKET_COLUMNS = ("ticket_id", "ticketid", "id")
TEXT_COLUMNS = ("description", "comment", "content", "text")
LABEL_COLUMNS = {"type": "traffy2023", "category": "traffy2024"}
NOT_LABELS = frozenset({"point"})

# Traffy's state → our state for the lead agency's part, applied only with ``apply_states``.
TRAFFY_STATES: dict[str, str] = {
    "รอรับเรื่อง": State.RECEIVED,
    "ส่งต่อ(ใหม่)": State.RECEIVED,
    "ส่งต่อ": State.RECEIVED,
    "รับเรื่อง": State.ACCEPTED,
    "กำลังดำเนินการ": State.IN_PROGRESS,
    "ศึกษาปัญหา": State.IN_PROGRESS,
    "ของบประมาณ": State.IN_PROGRESS,
    "จัดซื้อจัดจ้าง": State.IN_PROGRESS,
    "ขั้นตอนทางกฎหมาย": State.IN_PROGRESS,
    "เสร็จสิ้น": State.RESOLVED,
    "ไม่เกี่ยวข้อง": State.NOT_RESPONSIBLE,
}


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row: where (spreadsheet row, header = 1), which ticket, why."""

    row: int
    ticket_id: str
    field: str
    code: str
    message_en: str
    message_th: str

    @property
    def message(self) -> str:
        """The message in the active language (Thai unless English is active)."""
        return self.message_en if (get_language() or "th").startswith("en") else self.message_th

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form with both languages."""
        return {
            "row": self.row,
            "ticket_id": self.ticket_id,
            "field": self.field,
            "code": self.code,
            "message": self.message_en,
            "message_th": self.message_th,
        }


@dataclass
class ImportReport:
    """What an import did: rows read, created, skipped (already there), failed, and why."""

    source: str
    variant: str
    rows: int = 0
    created: int = 0
    skipped: int = 0
    failed: int = 0
    states_applied: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problems_dropped: int = 0
    tracking_codes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "source": self.source,
            "variant": self.variant,
            "rows": self.rows,
            "created": self.created,
            "skipped": self.skipped,
            "failed": self.failed,
            "states_applied": self.states_applied,
            "problems": [p.as_dict() for p in self.problems],
            "problems_dropped": self.problems_dropped,
        }

    def add_problem(self, problem: RowProblem) -> None:
        """Keep the problem (up to :data:`MAX_PROBLEMS`; beyond that only count it)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_dropped += 1


@dataclass(frozen=True)
class _Layout:
    """Which header columns hold what, for the file at hand."""

    variant: str
    ticket: str
    text: str
    labels: str
    scheme: str
    coords: str
    lat: str
    lon: str
    address: str
    subdistrict: str
    district: str
    province: str
    timestamp: str
    date: str
    time: str
    state: str


def _file_error(code: str, message_en: str, message_th: str) -> ComplaintError:
    return ComplaintError.one("file", code, message_en, message_th)


def _read_text(raw: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Thai Windows (TIS-620/cp874)."""
    if not raw.strip():
        raise _file_error("file_empty", "The file is empty.", "ไฟล์ว่างเปล่า")
    if (
        b"\x00" in raw[:SNIFF_BYTES]
        or raw[:4] in {b"PK\x03\x04", b"%PDF"}
        or raw[:2] == b"\xff\xd8"
    ):
        raise _file_error(
            "file_not_csv",
            "This is not a CSV file (it looks like a binary file such as Excel, PDF or an "
            "image). Export the data as CSV (UTF-8) and upload that.",
            "ไฟล์นี้ไม่ใช่ไฟล์ CSV (ดูเหมือนเป็นไฟล์ไบนารี เช่น Excel, PDF หรือรูปภาพ) "
            "กรุณาส่งออกข้อมูลเป็น CSV (UTF-8) แล้วอัปโหลดใหม่",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp874")
    except UnicodeDecodeError:
        raise _file_error(
            "file_encoding",
            "The file's text encoding could not be read; save it as CSV UTF-8.",
            "อ่านรหัสอักขระของไฟล์ไม่ได้ กรุณาบันทึกเป็น CSV แบบ UTF-8",
        ) from None


def _pick(columns: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if name in columns:
            return columns[name]
    return ""


def _layout(header: list[str]) -> _Layout:
    """Find the columns; refuse a header without a ticket id or a complaint text column."""
    columns = {h.strip().lower(): h for h in header if h and h.strip()}
    ticket = _pick(columns, TICKET_COLUMNS)
    text = _pick(columns, TEXT_COLUMNS)
    missing_en: list[str] = []
    missing_th: list[str] = []
    if not ticket:
        missing_en.append("ticket_id (the Traffy ticket number)")
        missing_th.append("ticket_id (เลขที่เรื่องของ Traffy)")
    if not text:
        missing_en.append("description or comment (the complaint text)")
        missing_th.append("description หรือ comment (ข้อความเรื่องร้องเรียน)")
    if missing_en:
        seen = ", ".join(h.strip() for h in header[:20] if h.strip()) or "—"
        hint_en = hint_th = ""
        if "comment photo" in columns:
            hint_en = (
                " This looks like Traffy's organisation/state pull, which carries photo links "
                "but no complaint text, so there is nothing to file."
            )
            hint_th = (
                " ไฟล์นี้ดูเหมือนข้อมูลสถานะรายหน่วยงานของ Traffy ซึ่งมีแต่ลิงก์รูปภาพ ไม่มีข้อความร้องเรียนให้นำเข้า"
            )
        raise _file_error(
            "file_columns_missing",
            f"The file lacks the required column(s): {'; '.join(missing_en)}. Columns found: "
            f"{seen}.{hint_en}",
            f"ไฟล์ไม่มีคอลัมน์ที่จำเป็น: {'; '.join(missing_th)} คอลัมน์ที่พบ: {seen}{hint_th}",
        )
    label_key = next((k for k in LABEL_COLUMNS if k in columns), "")
    date = _pick(columns, ("date",))
    variant = (
        "traffy-2023"
        if label_key == "type" and "coords" in columns
        else "traffy-queue-2024"
        if date and label_key == "category"
        else "csv"
    )
    return _Layout(
        variant=variant,
        ticket=ticket,
        text=text,
        labels=columns.get(label_key, ""),
        scheme=LABEL_COLUMNS.get(label_key, ""),
        coords=_pick(columns, ("coords", "coordinates", "location")),
        lat=_pick(columns, ("lat", "latitude")),
        lon=_pick(columns, ("lon", "lng", "long", "longitude")),
        address=_pick(columns, ("address",)),
        subdistrict=_pick(columns, ("subdistrict",)),
        district=_pick(columns, ("district",)),
        province=_pick(columns, ("province",)),
        timestamp=_pick(columns, ("timestamp", "created_at", "datetime")),
        date=date,
        time=_pick(columns, ("time",)),
        state=_pick(columns, ("state", "status")),
    )


def _labels(raw: str) -> list[str]:
    """``{ถนน,ทางเท้า}``, ``['ถนน', 'ทางเท้า']`` or ``ถนน,ทางเท้า`` → the labels."""
    cleaned = raw.strip().strip("{}[]")
    labels = [part.strip().strip("'\"").strip() for part in cleaned.split(",")]
    return [label for label in labels if label and label.lower() not in NOT_LABELS]


def _category(*, scheme: str, raw: str, text: str) -> str:
    """The category code the labels stand for; several are settled by the classifier."""
    if not scheme or not raw.strip():
        return ""
    codes, _unknown = taxonomy_load().codes_for(scheme=scheme, labels=_labels(raw))
    if len(codes) <= 1:
        return next(iter(codes), "")
    scores = {
        s.code: s.score for s in category_predict(text=text, top=len(taxonomy_load().categories))
    }
    order = [c.code for c in taxonomy_load().categories]
    return max(sorted(codes, key=order.index), key=lambda code: scores.get(code, 0.0))


def _coords(values: dict[str, str], layout: _Layout) -> tuple[float | None, float | None]:
    """(lat, lon); Traffy writes ``coords`` as lon, lat."""
    if layout.lat and layout.lon:
        lat_raw, lon_raw = values.get(layout.lat, "").strip(), values.get(layout.lon, "").strip()
        if lat_raw and lon_raw:
            return float(lat_raw), float(lon_raw)
        return None, None
    if layout.coords:
        found = _FLOAT.findall(values.get(layout.coords, ""))
        if len(found) >= 2:
            lon, lat = float(found[0]), float(found[1])
            return lat, lon
        if found:
            msg = "one number"
            raise ValueError(msg)
    return None, None


def _bangkok() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(getattr(settings, "TIME_ZONE", "Asia/Bangkok") or "Asia/Bangkok")


def _created_at(values: dict[str, str], layout: _Layout) -> dt.datetime | None:
    """When the citizen reported it; ValueError when a given time cannot be read."""
    if layout.timestamp and (raw := values.get(layout.timestamp, "").strip()):
        text = raw.replace("Z", "+00:00")
        if re.search(r"[+-]\d{2}$", text):
            text += ":00"
        stamp = dt.datetime.fromisoformat(text)
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=_bangkok())
    if layout.date and (raw := values.get(layout.date, "").strip()):
        day = thai_short_date_parse(raw)
        if day is None:
            day = dt.date.fromisoformat(raw)
        hour = minute = 0
        if layout.time and (found := _TIME.search(values.get(layout.time, ""))):
            hour, minute = int(found.group(1)), int(found.group(2))
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_bangkok())
    return None


def _name(value: str, *prefixes: str) -> str:
    value = re.sub(r"\s+", "", value or "")
    for prefix in prefixes:
        value = value.removeprefix(prefix)
    return value


def _subdistrict_code(values: dict[str, str], layout: _Layout) -> str:
    """The one geothai subdistrict the row names (columns first, then the address), or ''."""
    address = values.get(layout.address, "") if layout.address else ""
    sub = (
        _name(values.get(layout.subdistrict, ""), "แขวง", "ตำบล", "ต.")
        if layout.subdistrict
        else ""
    )
    district = (
        _name(values.get(layout.district, ""), "เขต", "อำเภอ", "อ.") if layout.district else ""
    )
    province = _name(values.get(layout.province, ""), "จังหวัด", "จ.") if layout.province else ""
    if not sub and address:
        found = re.search(r"(?:แขวง|ตำบล|ต\.)\s*([^\s,]+)", address)
        sub = found.group(1) if found else ""
    if not district and address:
        found = re.search(r"(?:เขต|อำเภอ|อ\.)\s*([^\s,]+)", address)
        district = found.group(1) if found else ""
    if not province and address:
        if "กรุงเทพ" in address or "กทม" in address:
            province = "กรุงเทพมหานคร"
        elif found := re.search(r"(?:จังหวัด|จ\.)\s*([^\s,]+)", address):
            province = found.group(1)
    if not sub or not (district or province):
        return ""
    postal = _POSTAL.search(address)
    matches = geothai.match(
        sub,
        district=district or None,
        province=province or None,
        postal_code=postal.group(1) if postal and not district else None,
    )
    if len(matches) != 1:
        return ""
    code = matches[0].subdistrict.code
    # The complaint links the platform's own area table; without its row, route by coordinates.
    return code if admin_area_get(code=code) is not None else ""


def _traffy_state(values: dict[str, str], layout: _Layout) -> str:
    raw = values.get(layout.state, "").strip() if layout.state else ""
    return raw.split(" ")[0] if raw else ""


def _records(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and ``(spreadsheet row number, values)`` of each data row."""
    dialect: Any = csv.excel  # Traffy's exports are plain comma-separated
    first = next(csv.reader(io.StringIO(text[:SNIFF_BYTES], newline="")), [])
    if not {h.strip().lower() for h in first} & set(TICKET_COLUMNS):
        try:  # a spreadsheet's export with ; or tabs
            dialect = csv.Sniffer().sniff(text[:SNIFF_BYTES], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise _file_error("file_empty", "The file has no header row.", "ไฟล์ไม่มีแถวหัวตาราง") from None

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield reader.line_num, dict(zip(header, values, strict=False))

    return header, rows()


def _submission(
    values: dict[str, str], layout: _Layout, *, source: str, row: int, report: ImportReport
) -> Submission | None:
    """The row as a submission, or None after noting why it cannot be one."""
    ticket = values.get(layout.ticket, "").strip()
    text = values.get(layout.text, "").strip()
    problems: list[RowProblem] = []

    def problem(fld: str, code: str, en: str, th: str) -> None:
        problems.append(RowProblem(row, ticket[:64], fld, code, en, th))

    if not ticket:
        problem("ticket_id", "ticket_required", "The row has no ticket id.", "แถวนี้ไม่มีเลขที่เรื่อง")
    elif len(ticket) > 64:
        problem(
            "ticket_id",
            "ticket_too_long",
            "The ticket id is longer than 64 characters.",
            "เลขที่เรื่องยาวเกิน 64 ตัวอักษร",
        )
    try:
        lat, lon = _coords(values, layout)
    except ValueError:
        lat = lon = None
        raw = values.get(layout.coords or layout.lat, "")
        problem(
            "coords",
            "coords_invalid",
            f"The coordinates {raw!r} cannot be read (expected longitude, latitude).",
            f"อ่านพิกัด {raw!r} ไม่ได้ (ต้องเป็น ลองจิจูด, ละติจูด)",
        )
    try:
        created_at = _created_at(values, layout)
    except ValueError:
        created_at = None
        raw = values.get(layout.timestamp or layout.date, "")
        problem(
            "timestamp",
            "timestamp_invalid",
            f"The date/time {raw!r} cannot be read.",
            f"อ่านวันเวลา {raw!r} ไม่ได้",
        )
    if problems:
        for found in problems:
            report.add_problem(found)
        return None
    address = (values.get(layout.address, "") if layout.address else "").strip()
    return Submission(
        text=text,
        channel=Channel.IMPORT,
        category=_category(scheme=layout.scheme, raw=values.get(layout.labels, ""), text=text)
        if layout.labels
        else "",
        lat=lat,
        lon=lon,
        address=address[:500],
        subdistrict_code=_subdistrict_code(values, layout),
        intake_key=f"import:{source}:{ticket}",
        external_source=source,
        external_id=ticket,
        created_at=created_at,
    )


def _apply_state(
    *, actor: User | AnonymousUser | None, complaint: Complaint, traffy_state: str
) -> bool:
    """Move the lead agency's part to Traffy's state through the workflow; True if it moved."""
    from ddgov.complaints.services.workflow import assignment_transition  # noqa: PLC0415

    target = TRAFFY_STATES.get(traffy_state, State.RECEIVED)
    if target == State.RECEIVED or complaint.agency is None:
        return False
    assignment_transition(
        actor=actor,
        complaint=complaint,
        agency=complaint.agency,
        to_state=target,
        message=f"สถานะใน Traffy Fondue: {traffy_state} (นำเข้าข้อมูล)",
    )
    return True


def _open(path: Path | str | None, fileobj: IO[bytes] | None) -> bytes:
    if (path is None) == (fileobj is None):
        msg = "give exactly one of path= or fileobj="
        raise TypeError(msg)
    if path is not None:
        try:
            with Path(path).open("rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise _file_error(
                "file_unreadable",
                f"The file cannot be read: {exc.strerror or exc}.",
                f"อ่านไฟล์ไม่ได้: {exc.strerror or exc}",
            ) from None
    else:
        assert fileobj is not None  # noqa: S101 - checked above
        raw = fileobj.read(MAX_BYTES + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise _file_error(
            "file_too_large",
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it and import the "
            "parts (importing again skips rows already imported).",
            f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} MB กรุณาแบ่งไฟล์แล้วนำเข้าทีละส่วน "
            "(แถวที่นำเข้าแล้วจะถูกข้าม)",
        )
    return raw


def complaints_import_csv(
    *,
    path: Path | str | None = None,
    fileobj: IO[bytes] | None = None,
    actor: User | AnonymousUser | None,
    source: str = "traffy",
    limit: int | None = None,
    apply_states: bool = False,
) -> ImportReport:
    """Import a Traffy-style CSV export (``path`` or ``fileobj``); idempotent per ticket id.

    Raises :class:`ComplaintError` (field ``file``) before writing anything when the file is not
    CSV text, is empty or too large, or lacks the ticket-id or text column, or ``source`` is not
    a short slug. Otherwise every row is filed on its own; see :class:`ImportReport`.
    ``limit`` stops after that many data rows; ``apply_states`` moves each new complaint to
    Traffy's state as ``actor`` (who must be allowed to act on it).
    """
    if not _SOURCE.match(source or ""):
        raise ComplaintError.one(
            "source",
            "source_invalid",
            "The source must be 1-32 lower-case letters, digits, '-' or '_'.",
            "ชื่อแหล่งข้อมูลต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข - หรือ _ ยาว 1-32 ตัว",
        )
    text = _read_text(_open(path, fileobj))
    header, rows = _records(text)
    layout = _layout(header)
    report = ImportReport(source=source, variant=layout.variant)
    for row, values in rows:
        if limit is not None and report.rows >= limit:
            break
        report.rows += 1
        _import_row(
            values,
            layout,
            row=row,
            source=source,
            actor=actor,
            report=report,
            apply_states=apply_states,
        )
    audit_record_append(
        action="complaint.import",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target_type="complaint_import",
        target_id=source,
        detail={k: v for k, v in report.as_dict().items() if k != "problems"},
    )
    return report


def _import_row(
    values: dict[str, str],
    layout: _Layout,
    *,
    row: int,
    source: str,
    actor: User | AnonymousUser | None,
    report: ImportReport,
    apply_states: bool,
) -> None:
    submission = _submission(values, layout, source=source, row=row, report=report)
    if submission is None:  # its problems are in the report already
        report.failed += 1
        return
    ticket = submission.external_id
    try:
        with transaction.atomic():
            result = complaint_submit(submission=submission)
            moved = False
            if result.created and apply_states:
                moved = _apply_state(
                    actor=actor,
                    complaint=result.complaint,
                    traffy_state=_traffy_state(values, layout),
                )
    except ComplaintError as exc:
        report.failed += 1
        for problem in exc.problems:
            report.add_problem(_as_row_problem(row, ticket, problem))
        return
    if result.created:
        report.created += 1
        report.states_applied += int(moved)
        report.tracking_codes.append(result.complaint.tracking_code)
    else:
        report.skipped += 1


def _as_row_problem(row: int, ticket: str, problem: Problem) -> RowProblem:
    return RowProblem(
        row, ticket, problem.field, problem.code, problem.message_en, problem.message_th
    )
