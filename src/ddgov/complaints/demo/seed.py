"""The 1111 centre's demo: SLAs, an Open311 client, staff, and real Traffy complaints in motion.

:func:`complaints_demo_seed`:

1. writes an SLA per category (:data:`SLA_HOURS`: street lights 3 days, flooding 2 days, roads
   15 days …);
2. registers an Open311 client "แอปแจ้งปัญหาเมือง (สาธิต)"; its key is thrown away (only its
   digest is stored, nothing secret is printed; ``ddgov open311 key create`` issues usable ones);
3. adds demo staff for a Bangkok district office and the electricity authority (the staff seeder
   already made ``opm.1111`` for the centre and ``bma.officer`` for the BMA);
4. imports real Traffy Fondue complaints through the import service (the 2023 export, plus the
   2024 waiting-queue pull for the 2024 categories), with their times moved into the last
   :data:`DAYS` days (the order and spacing of the real reports kept), so queues, SLAs and the
   daily release look current. Without ``SHARED_DATA_DIR/traffy`` the 200-row slice shipped in
   this folder is used. Traffy's status is carried over by the centre officer (resolved,
   in progress, not our responsibility …);
5. moves some along the workflow as staff would: a district office forwards power-line
   complaints to the Metropolitan Electricity Authority, which accepts them; some open ones get
   a public update and are resolved;
6. runs the SLA sweep once (reminders and escalations of overdue complaints) and publishes the
   last few days as open data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone

from ddgov.agencies.models import Agency
from ddgov.agencies.selectors import agency_get
from ddgov.complaints.errors import ComplaintError
from ddgov.complaints.models import CategorySla, Complaint, State
from ddgov.complaints.release.services import ReleaseError, complaints_release
from ddgov.complaints.services.escalation import sla_sweep
from ddgov.complaints.services.importing import complaints_import_csv
from ddgov.complaints.services.open311_keys import open311_client_create
from ddgov.complaints.services.workflow import (
    assignment_transition,
    centre_agency_code,
    complaint_forward,
    complaint_note_add,
)
from ddgov.identity.models import AgencyMembership, Role, User
from ddgov.identity.selectors import user_by_username

DEMO_DIR = Path(__file__).resolve().parent
SAMPLE_2023 = DEMO_DIR / "traffy_2023-05-17_sample.csv"
FILE_2023 = "complaints_2023-05-17.csv"
FILE_QUEUE = "waiting_queue_2024-12/dash9-12-67__traffy_data.csv"
DAYS = 10
ROWS_2023 = 240
ROWS_QUEUE = 60
RELEASE_DAYS = 3
CENTRE_USER = "opm.1111"

# category → (accept within, resolve within, remind before) in hours.
SLA_HOURS: dict[str, tuple[int, int, int]] = {
    "road": (24, 15 * 24, 48),
    "sidewalk": (24, 15 * 24, 48),
    "lighting": (24, 72, 12),
    "flooding": (4, 48, 12),
    "drainage": (24, 7 * 24, 24),
    "cleanliness": (12, 72, 12),
    "safety": (4, 72, 12),
    "obstruction": (12, 72, 12),
    "signs": (24, 15 * 24, 48),
    "bridge": (24, 30 * 24, 72),
    "traffic": (12, 7 * 24, 24),
    "canal": (24, 15 * 24, 48),
    "trees": (24, 7 * 24, 24),
    "noise": (12, 72, 12),
    "wires": (12, 72, 12),
    "stray_animals": (24, 7 * 24, 24),
    "pm25": (24, 7 * 24, 24),
    "homeless": (12, 72, 12),
    "transport": (24, 15 * 24, 48),
    "toilets": (24, 7 * 24, 24),
    "street_vendors": (24, 7 * 24, 24),
    "buildings": (24, 30 * 24, 72),
    "equipment": (24, 15 * 24, 48),
    "water_supply": (12, 72, 12),
    "consumer": (24, 15 * 24, 48),
}

# (username, agency code, role, description) — added to the staff seeder's opm.1111/bma.officer.
DEMO_STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("bkk.bangkapi", "bkk-1006", Role.OFFICER, "Bang Kapi District Office officer (complaints)"),
    ("mea.officer", "mea", Role.OFFICER, "Metropolitan Electricity Authority officer (complaints)"),
)
UPDATES = (
    "เจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว จะดำเนินการแก้ไขภายในสัปดาห์นี้",
    "ได้ประสานหน่วยงานที่เกี่ยวข้องและนัดหมายเข้าดำเนินการแล้ว",
    "รับทราบปัญหาแล้ว อยู่ระหว่างจัดเตรียมวัสดุและกำลังคน",
)
RESOLUTIONS = (
    "ดำเนินการแก้ไขเรียบร้อยแล้ว ขอบคุณที่แจ้งปัญหา",
    "ซ่อมแซมเสร็จสิ้นแล้ว หากยังพบปัญหาสามารถแจ้งเปิดเรื่องใหม่ได้",
    "เก็บกวาดและปรับปรุงพื้นที่เรียบร้อยแล้ว",
)


@dataclass
class DemoResult:
    """What the demo wrote."""

    rows: int = 0
    imported: int = 0
    failed: int = 0
    forwarded: int = 0
    resolved: int = 0
    released: int = 0


def _slas() -> int:
    existing = set(CategorySla.objects.values_list("category", flat=True))
    rows = [
        CategorySla(category=code, accept_hours=a, resolve_hours=r, remind_before_hours=b)
        for code, (a, r, b) in SLA_HOURS.items()
        if code not in existing
    ]
    CategorySla.objects.bulk_create(rows)
    return len(rows)


def _staff(accounts: list[tuple[str, str]]) -> int:
    password = make_password(settings.DDGOV_DEMO_PASSWORD)
    made = 0
    for username, code, role, description in DEMO_STAFF:
        agency = agency_get(code=code)
        if agency is None or user_by_username(username=username) is not None:
            continue
        user = User.objects.create(
            username=username,
            password=password,
            kind=User.Kind.STAFF,
            email=f"{username}@example.go.th",
        )
        AgencyMembership.objects.create(user=user, agency=agency, role=role)
        accounts.append((username, description))
        made += 2
    return made


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, [row for row in reader if any(v.strip() for v in row)]


def _shifted_csv(
    header: list[str], rows: list[list[str]], stamps: list[dt.datetime], now: dt.datetime
) -> io.BytesIO:
    """The rows with a ``timestamp`` column moved into the last :data:`DAYS` days."""
    first, last = min(stamps), max(stamps)
    span = (last - first).total_seconds() or 1.0
    window = dt.timedelta(days=DAYS) - dt.timedelta(hours=1)
    start = now - dt.timedelta(days=DAYS)
    out = io.StringIO()
    writer = csv.writer(out)
    column = header.index("timestamp") if "timestamp" in header else len(header)
    writer.writerow(header if column < len(header) else [*header, "timestamp"])
    for row, stamp in zip(rows, stamps, strict=True):
        moved = start + window * ((stamp - first).total_seconds() / span)
        values = list(row) + ([] if column < len(header) else [""])
        values[column] = moved.isoformat()
        writer.writerow(values)
    return io.BytesIO(out.getvalue().encode("utf-8"))


def _stamps_2023(header: list[str], rows: list[list[str]]) -> list[dt.datetime]:
    column = header.index("timestamp")
    return [dt.datetime.fromisoformat(row[column].replace("+00", "+00:00")) for row in rows]


def _stamps_queue(header: list[str], rows: list[list[str]]) -> list[dt.datetime]:
    from ddgov.complaints.classify.dataset import thai_short_date_parse  # noqa: PLC0415

    date_col, time_col = header.index("date"), header.index("time")
    stamps = []
    for row in rows:
        day = thai_short_date_parse(row[date_col]) or dt.date(2024, 12, 9)
        digits = "".join(c if c.isdigit() else " " for c in row[time_col]).split()
        hour, minute = (int(digits[0]), int(digits[1])) if len(digits) >= 2 else (9, 0)
        stamps.append(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC))
    return stamps


def _sources(scale: int) -> list[tuple[str, io.BytesIO]]:
    """(source name, shifted CSV) for each export the demo imports."""
    traffy = Path(settings.SHARED_DATA_DIR) / "traffy"
    now = timezone.now()
    found: list[tuple[str, io.BytesIO]] = []
    path_2023 = traffy / FILE_2023
    if not path_2023.is_file():
        sys.stderr.write(f"  complaints: {traffy} not found, using the shipped 200-row slice\n")
        path_2023 = SAMPLE_2023
    header, rows = _read(path_2023)
    rows = rows[: ROWS_2023 * scale]
    found.append(("traffy", _shifted_csv(header, rows, _stamps_2023(header, rows), now)))
    queue = traffy / FILE_QUEUE
    if queue.is_file():
        header, rows = _read(queue)
        rows = rows[: ROWS_QUEUE * scale]
        found.append(("traffy", _shifted_csv(header, rows, _stamps_queue(header, rows), now)))
    return found


def _forward_power_lines(centre_user: User, rng: random.Random, limit: int) -> int:
    """District offices hand power-line complaints to MEA, which accepts them."""
    mea = agency_get(code="mea")
    if mea is None:
        return 0
    mea_officer = user_by_username(username="mea.officer") or centre_user
    candidates = list(
        Complaint.objects.filter(
            Q(text__contains="สายไฟ") | Q(text__contains="เสาไฟฟ้า") | Q(text__contains="หม้อแปลง"),
            state=State.RECEIVED,
            agency__kind__in=(Agency.Kind.DISTRICT_OFFICE, Agency.Kind.BMA),
        )
        .select_related("agency")
        .order_by("created_at", "id")[: limit * 3]
    )
    rng.shuffle(candidates)
    done = 0
    for complaint in candidates[:limit]:
        try:
            complaint_forward(
                actor=centre_user,
                complaint=complaint,
                from_agency=complaint.agency,
                to_agency=mea,
                note="สายไฟฟ้าและเสาไฟฟ้าอยู่ในความรับผิดชอบของการไฟฟ้านครหลวง ขอส่งต่อเพื่อดำเนินการ",
            )
            if done % 2 == 0:
                assignment_transition(
                    actor=mea_officer,
                    complaint=complaint,
                    agency=mea,
                    to_state=State.ACCEPTED,
                    message="การไฟฟ้านครหลวงรับเรื่องแล้ว",
                )
        except ComplaintError as exc:
            sys.stderr.write(f"  complaints: forward {complaint.tracking_code}: {exc}\n")
            continue
        done += 1
    return done


def _update_and_resolve(centre_user: User, rng: random.Random, limit: int) -> int:
    """Lead agencies post a public update on open complaints and resolve some of them."""
    open_ones = list(
        Complaint.objects.filter(state__in=(State.RECEIVED, State.IN_PROGRESS))
        .exclude(agency=None)
        .select_related("agency")
        .order_by("created_at", "id")[: limit * 4]
    )
    rng.shuffle(open_ones)
    resolved = 0
    for complaint in open_ones[: limit * 2]:
        agency = complaint.agency
        assert agency is not None  # noqa: S101 - filtered above
        try:
            complaint_note_add(
                actor=centre_user,
                complaint=complaint,
                agency=agency,
                message=rng.choice(UPDATES),
                is_public=True,
            )
            if resolved < limit and rng.random() < 0.6:
                assignment_transition(
                    actor=centre_user,
                    complaint=complaint,
                    agency=agency,
                    to_state=State.RESOLVED,
                    message=rng.choice(RESOLUTIONS),
                )
                resolved += 1
        except ComplaintError as exc:
            sys.stderr.write(f"  complaints: update {complaint.tracking_code}: {exc}\n")
    return resolved


def complaints_demo_seed(
    *, rng: random.Random, scale: int, accounts: list[tuple[str, str]]
) -> DemoResult:
    """Seed the centre's demo (see the module docstring); ``accounts`` gets the new sign-ins."""
    result = DemoResult()
    result.rows += _slas()
    open311_client_create(name="แอปแจ้งปัญหาเมือง (สาธิต)")  # the key is discarded on purpose
    result.rows += 1 + _staff(accounts)
    centre_user = user_by_username(username=CENTRE_USER)
    if centre_user is None or agency_get(code=centre_agency_code()) is None:
        sys.stderr.write(f"  complaints: no {CENTRE_USER} / centre agency; statuses not applied\n")
    for source, data in _sources(scale):
        report = complaints_import_csv(
            fileobj=data, actor=centre_user, source=source, apply_states=centre_user is not None
        )
        result.imported += report.created
        result.failed += report.failed
    if centre_user is not None:
        result.forwarded = _forward_power_lines(centre_user, rng, limit=6 * scale)
        result.resolved = _update_and_resolve(centre_user, rng, limit=10 * scale)
    sla_sweep()
    today = timezone.localdate()
    for back in range(1, RELEASE_DAYS + 1):
        try:
            complaints_release(day=today - dt.timedelta(days=back))
        except ReleaseError as exc:
            sys.stderr.write(f"  complaints: release: {exc.message}\n")
            continue
        result.released += 1
    result.rows += result.imported + result.forwarded + result.resolved + result.released
    return result
