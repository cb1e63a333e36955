"""Ingestion into the lake: uploads (CSV, XLSX, JSON, Parquet) become typed Parquet tables.

``ingest_file`` is the whole pipeline and touches no database; the catalog's services
(``ddgov.catalog.services.ingest``) keep versions, run it as a background job and audit it.
"""

from ddgov.catalog.ingest.errors import CODES, IngestError
from ddgov.catalog.ingest.pipeline import IngestResult, ingest_file
from ddgov.catalog.ingest.rules import FIELD_FORMATS, FIELD_TYPES, MISSING_VALUES, ROW_ID

__all__ = [
    "CODES",
    "FIELD_FORMATS",
    "FIELD_TYPES",
    "MISSING_VALUES",
    "ROW_ID",
    "IngestError",
    "IngestResult",
    "ingest_file",
]
