"""Why an upload could not be ingested: a stable code for programs, a bilingual message for people."""

from __future__ import annotations

import re
from typing import Any

# The stable codes (the API's ``ingest_code``, the tests and the docs use them).
CODES = frozenset(
    {
        "empty",  # 0 bytes, or nothing but blank lines
        "encoding",  # neither UTF-8 (with or without BOM) nor TIS-620/Windows-874
        "ragged",  # a row with more or fewer cells than the header
        "malformed",  # CSV the parser cannot read (unterminated quote, huge line, …)
        "not_csv",  # a binary file (image, archive, workbook) named like a CSV
        "not_xlsx",  # named .xlsx but not an Excel workbook
        "not_json",  # named .json but not JSON / invalid JSON
        "not_parquet",  # named .parquet but not Parquet
        "xlsx_bomb",  # a workbook that would expand to an unreasonable size
        "no_header",  # no row that can serve as column names
        "unsupported_format",  # a format ddgov does not ingest (PDF, legacy .xls, …)
        "bad_value",  # a value does not fit the type the steward chose for its column
        "bad_override",  # a schema correction names an unknown column or type
        "personal_data",  # personal data found in a resource of an open dataset (governance)
    }
)


class IngestError(Exception):
    """An upload that cannot become a table, with a code and a reason in English and Thai."""

    def __init__(self, code: str, message: str, **detail: Any) -> None:
        """Keep ``code`` (one of :data:`CODES`), the bilingual ``message`` and any ``detail``."""
        if code not in CODES:
            msg = f"unknown ingest error code {code!r}"
            raise ValueError(msg)
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        """Return the bilingual message."""
        return self.message


_QUOTED_PATH = re.compile(r"""(["'])(?:[A-Za-z]:)?[\\/][^"'\n]*\1""")
_BARE_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:)?(?:[\\/][\w.\-+@~%]+){2,}[\\/]?")


def error_detail(exc: BaseException) -> str:
    """The first line of a library's error, safe to show: server file paths are removed.

    DuckDB, zipfile and openpyxl name the file they read, which is a path inside the lake;
    uploaders must not learn the server's layout, so every path becomes "the file".
    """
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    text = _QUOTED_PATH.sub("the file", first)
    text = _BARE_PATH.sub("the file", text)
    return " ".join(text.split())[:300]
