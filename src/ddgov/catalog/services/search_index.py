"""Thai full-text search index of datasets (contract; filled in by the search work).

``dataset_index(dataset_id=…)`` is called after every committed dataset or resource write.
"""

from __future__ import annotations

import uuid


def dataset_index(*, dataset_id: uuid.UUID) -> None:
    """Bring the search index entry of one dataset up to date (removing it if deleted)."""
