"""DuckDB type names the apps reading the lake test columns against (one list, shared)."""

INTEGER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
)
"""Every DuckDB integer type, signed and unsigned."""
