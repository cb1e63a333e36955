# ruff: noqa: S608 - SQL over the tests' own generated files
"""Generated tables for the anonymisation tests, and pycanon as the independent checker."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from pycanon import anonymity

SUBDISTRICTS = [
    "100101", "100102", "100103", "100201", "500101", "500102", "500103",
    "501001", "400101", "400102", "900101", "900201", "830101", "830102",
]  # fmt: skip
PROVINCES_TH = ["เชียงใหม่", "ขอนแก่น", "สงขลา", "ภูเก็ต", "กรุงเทพมหานคร", "ลำพูน", "นครราชสีมา"]


def motor_table(path: Path, rows: int = 3000, *, seed: int = 1) -> Path:
    """A motor-insurance-like table: identifiers, five quasi-identifiers, a sensitive claim."""
    subs = "[" + ", ".join(f"'{s}'" for s in SUBDISTRICTS) + "]"
    provinces = "[" + ", ".join(f"'{p}'" for p in PROVINCES_TH) + "]"
    h = f"hash(i * 7919 + {seed})"
    sql = f"""
        SELECT
            i AS policy_no,
            '1' || lpad(CAST(({h} % 999999999999) AS VARCHAR), 12, '0') AS citizen_id,
            18 + CAST(({h} // 3) % 62 AS INTEGER) AS age,
            CASE WHEN ({h} // 5) % 2 = 0 THEN 'ชาย' ELSE 'หญิง' END AS sex,
            list_element({subs}, 1 + CAST(({h} // 7) % {len(SUBDISTRICTS)} AS INTEGER)) AS subdistrict,
            list_element({provinces}, 1 + CAST(({h} // 11) % {len(PROVINCES_TH)} AS INTEGER)) AS province,
            2004 + CAST(({h} // 13) % 20 AS INTEGER) AS vehicle_year,
            list_element(['A', 'B', 'C', 'D', 'E'], 1 + CAST(({h} // 17) % 5 AS INTEGER)) AS premium_band,
            list_element(['ไม่มีเคลม', 'ชนเล็กน้อย', 'ชนหนัก', 'สูญหาย'], 1 + CAST(({h} // 19) % 4 AS INTEGER))
                AS claim,
            DATE '2023-01-01' + CAST(({h} // 23) % 365 AS INTEGER) AS policy_date
        FROM range({rows}) t(i)
    """
    literal = str(path).replace("'", "''")
    fmt = "(FORMAT csv, HEADER)" if path.suffix == ".csv" else "(FORMAT parquet)"
    duckdb.execute(f"COPY ({sql}) TO '{literal}' {fmt}")
    return path


def read_release(path: Path) -> pd.DataFrame:
    """The release as pandas (what pycanon checks)."""
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return duckdb.execute(f"SELECT * FROM read_parquet('{path}')").df()


def pycanon_k(df: pd.DataFrame, quasi: list[str]) -> int:
    """k of the release according to pycanon (independent of our SQL)."""
    return int(anonymity.k_anonymity(df, quasi))


def pycanon_l(df: pd.DataFrame, quasi: list[str], sensitive: list[str]) -> int:
    """Distinct l-diversity of the release according to pycanon."""
    return int(anonymity.l_diversity(df, quasi, sensitive))


def pycanon_t(df: pd.DataFrame, quasi: list[str], sensitive: list[str]) -> float:
    """t-closeness of the release according to pycanon (categorical: equal distance)."""
    return float(anonymity.t_closeness(df, quasi, sensitive))
