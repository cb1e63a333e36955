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

NUMBER_TYPES = frozenset({*INTEGER_TYPES, "INT", "FLOAT", "REAL", "DOUBLE", "DECIMAL", "NUMERIC"})
"""Every DuckDB number type (base names, without a ``DECIMAL(p,s)`` precision), aliases included."""
