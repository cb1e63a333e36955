"""A generated voluntary motor-insurance policies table (ประกันภัยรถยนต์ภาคสมัครใจ) for the demo.

Issue #4 item 6 needs a realistic *personal* dataset to classify and anonymise: one row per
policy with the insurer, policy type (ชั้น 1, 2+, 2, 3+, 3), vehicle make/model/year, Thai plate,
province, the insured's citizen ID (valid check digit), age, sex, premium, sum insured and the
year's claims. Nothing in it is real: the rows are drawn from hand-set distributions that follow
the Thai market's shape (Bangkok and the big provinces carry most cars, pickups lead the makes,
old cars are insured ชั้น 3+/3, young drivers pay more and claim more).

The table is computed by DuckDB (``classification/sql/motor_policies.sql``) from a hash of the row
number and the seed, so a million rows take seconds and the file is the same for a seed whatever
the number of threads. It is written to a temporary file beside ``path`` and renamed into place.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import duckdb

from ddgov.core.seeding import weighted_slots

SQL = Path(__file__).with_name("classification") / "sql" / "motor_policies.sql"
SLOTS = 1000
COLUMNS = (
    "policy_no",
    "insurer",
    "policy_type",
    "make",
    "model",
    "vehicle_year",
    "plate",
    "province",
    "citizen_id",
    "age",
    "sex",
    "start_date",
    "premium",
    "sum_insured",
    "claim_count",
    "claim_amount",
)

# Non-life insurers writing voluntary motor cover, weighted roughly by motor market share.
INSURERS: tuple[tuple[str, float], ...] = (
    ("วิริยะประกันภัย", 16),
    ("ทิพยประกันภัย", 8),
    ("ธนชาตประกันภัย", 7),
    ("กรุงเทพประกันภัย", 7),
    ("เมืองไทยประกันภัย", 6),
    ("คุ้มภัยโตเกียวมารีนประกันภัย", 4),
    ("แอกซ่าประกันภัย", 4),
    ("ประกันภัยไทยวิวัฒน์", 4),
    ("อลิอันซ์ อยุธยา ประกันภัย", 3),
    ("ชับบ์สามัคคีประกันภัย", 3),
    ("เทเวศประกันภัย", 3),
    ("กรุงไทยพานิชประกันภัย", 3),
    ("ไทยศรีประกันภัย", 3),
    ("สินมั่นคงประกันภัย", 3),
    ("แอลเอ็มจี ประกันภัย", 2),
    ("ไอโออิ กรุงเทพ ประกันภัย", 2),
    ("นวกิจประกันภัย", 2),
)

# (make, model, new price in baht, first model year on sale, pickup?, weight)
VEHICLES: tuple[tuple[str, str, int, int, bool, float], ...] = (
    ("Toyota", "Hilux Revo", 750_000, 2015, True, 14),
    ("Isuzu", "D-Max", 780_000, 2008, True, 13),
    ("Honda", "City", 600_000, 2008, False, 7),
    ("Toyota", "Yaris Ativ", 560_000, 2017, False, 6),
    ("Toyota", "Vios", 620_000, 2008, False, 5),
    ("Mitsubishi", "Triton", 700_000, 2008, True, 5),
    ("Ford", "Ranger", 850_000, 2008, True, 5),
    ("Toyota", "Yaris", 540_000, 2013, False, 4),
    ("Honda", "Civic", 1_000_000, 2008, False, 4),
    ("Toyota", "Corolla Cross", 1_050_000, 2020, False, 4),
    ("Toyota", "Fortuner", 1_500_000, 2008, False, 4),
    ("Nissan", "Navara", 750_000, 2008, True, 3),
    ("Nissan", "Almera", 550_000, 2011, False, 3),
    ("Mazda", "2", 600_000, 2009, False, 3),
    ("Honda", "HR-V", 1_100_000, 2014, False, 3),
    ("Mitsubishi", "Xpander", 850_000, 2018, False, 3),
    ("Suzuki", "Swift", 550_000, 2008, False, 3),
    ("Honda", "CR-V", 1_500_000, 2008, False, 2),
    ("Honda", "Jazz", 600_000, 2008, False, 2),
    ("BYD", "Atto 3", 1_100_000, 2022, False, 2),
    ("MG", "ZS EV", 950_000, 2019, False, 1.5),
    ("Mazda", "CX-5", 1_400_000, 2013, False, 1.5),
    ("Toyota", "Camry", 1_600_000, 2008, False, 1.5),
    ("Isuzu", "MU-X", 1_300_000, 2013, False, 1.5),
    ("Toyota", "Commuter", 1_300_000, 2008, False, 1),
    ("Mercedes-Benz", "C-Class", 2_600_000, 2008, False, 1),
    ("BMW", "3 Series", 2_700_000, 2008, False, 0.8),
    ("Toyota", "Alphard", 4_000_000, 2008, False, 0.3),
)

# Province weights (DOPA code → weight); the other provinces weigh 0.6 each.
PROVINCE_WEIGHTS: dict[str, float] = {
    "10": 30,  # กรุงเทพมหานคร
    "20": 5,  # ชลบุรี
    "50": 4,  # เชียงใหม่
    "12": 4,  # นนทบุรี
    "11": 4,  # สมุทรปราการ
    "13": 3.5,  # ปทุมธานี
    "30": 3.5,  # นครราชสีมา
    "40": 3,  # ขอนแก่น
    "21": 2.5,  # ระยอง
    "90": 2.5,  # สงขลา
    "83": 2,  # ภูเก็ต
    "41": 2,  # อุดรธานี
    "84": 2,  # สุราษฎร์ธานี
    "73": 2,  # นครปฐม
    "34": 2,  # อุบลราชธานี
    "74": 1.5,  # สมุทรสาคร
    "14": 1.5,  # พระนครศรีอยุธยา
}
OTHER_PROVINCE_WEIGHT = 0.6

# Consonants seen on Thai registration plates (ฃ ฅ ฌ ฎ ฑ ฒ ศ ษ ฦ are rarely or never used).
PLATE_LETTERS = "กขคฆงจฉชซญฐณดตถทธนบปผพฟภมยรลวสหฬอฮ"


class MotorDataError(ValueError):
    """Bad arguments for the generator (message in English and Thai)."""


@cache
def _provinces() -> tuple[tuple[str, str], ...]:
    import geothai  # noqa: PLC0415 - large tables, load only when asked

    return tuple((p.code, p.name_th) for p in geothai.provinces())


def _lookup_tables(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    con.execute(
        f"CREATE TEMP MACRO u(i, k) AS (hash(i, k, {int(seed)}) >> 11)::DOUBLE / 9007199254740992.0"
    )
    insurer = weighted_slots([w for _n, w in INSURERS], SLOTS)
    con.execute(
        "CREATE TEMP TABLE insurer_slot AS SELECT unnest(?::INTEGER[]) AS slot, "
        "unnest(?::VARCHAR[]) AS insurer",
        [list(range(SLOTS)), [INSURERS[k][0] for k in insurer]],
    )
    vehicle = [VEHICLES[k] for k in weighted_slots([v[5] for v in VEHICLES], SLOTS)]
    con.execute(
        "CREATE TEMP TABLE vehicle_slot AS SELECT unnest(?::INTEGER[]) AS slot, "
        "unnest(?::VARCHAR[]) AS make, unnest(?::VARCHAR[]) AS model, "
        "unnest(?::BIGINT[]) AS price, unnest(?::INTEGER[]) AS first_year, "
        "unnest(?::BOOLEAN[]) AS pickup",
        [
            list(range(SLOTS)),
            [v[0] for v in vehicle],
            [v[1] for v in vehicle],
            [v[2] for v in vehicle],
            [v[3] for v in vehicle],
            [v[4] for v in vehicle],
        ],
    )
    provinces = _provinces()
    chosen = [
        provinces[k]
        for k in weighted_slots(
            [PROVINCE_WEIGHTS.get(c, OTHER_PROVINCE_WEIGHT) for c, _n in provinces], SLOTS
        )
    ]
    con.execute(
        "CREATE TEMP TABLE province_slot AS SELECT unnest(?::INTEGER[]) AS slot, "
        "unnest(?::VARCHAR[]) AS province, unnest(?::BOOLEAN[]) AS bangkok",
        [list(range(SLOTS)), [n for _c, n in chosen], [c == "10" for c, _n in chosen]],
    )
    con.execute(
        "CREATE TEMP TABLE plate_letter AS SELECT unnest(?::INTEGER[]) AS i, "
        "unnest(?::VARCHAR[]) AS letter",
        [list(range(len(PLATE_LETTERS))), list(PLATE_LETTERS)],
    )


def motor_policies_sql(*, rows: int, seed: int) -> str:
    """The SELECT that yields the policies (needs the lookup tables of ``_lookup_tables``)."""
    return (
        SQL.read_text(encoding="utf-8")
        .replace("{rows}", str(int(rows)))
        .replace("{seed}", str(int(seed)))
        .replace("{letters}", str(len(PLATE_LETTERS)))
    )


def motor_policies_write(*, path: Path, rows: int, seed: int = 2567) -> int:
    """Write ``rows`` generated policies as a UTF-8 CSV with a header to ``path``; return ``rows``.

    Deterministic for ``(rows, seed)``. ``path`` only appears once complete: the CSV is written
    to a temporary file in the same folder and renamed.
    """
    if not isinstance(rows, int) or rows < 1:
        msg = "rows must be a positive whole number / จำนวนแถวต้องเป็นจำนวนเต็มบวก"
        raise MotorDataError(msg)
    if rows > 100_000_000:
        msg = "at most 100 million rows / สร้างได้ไม่เกิน 100 ล้านแถว"
        raise MotorDataError(msg)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".csv")
    os.close(fd)
    tmp = Path(tmp_name)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        _lookup_tables(con, seed)
        target = str(tmp).replace("'", "''")
        con.execute(
            f"COPY ({motor_policies_sql(rows=rows, seed=seed)}) TO '{target}' "
            "(FORMAT csv, HEADER true)"
        )
        tmp.replace(path)
    finally:
        con.close()
        tmp.unlink(missing_ok=True)
    return rows
