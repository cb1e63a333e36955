"""Keeping the search index of datasets up to date.

``dataset_index(dataset_id=…)`` runs after every committed dataset or resource write (the dataset
services register it with ``transaction.on_commit``): it segments the dataset's text with
PyThaiNLP once, stores the result as its ``SearchDocument`` and appends a ``SearchChange``, all in
one transaction, so every process's in-memory index can catch up with exactly that dataset.
``dataset_index_bulk`` does the same for many datasets at once (a new deployment, a benchmark,
``ddgov search reindex``) and records a single "everything changed" entry.

The index is derived data (nothing in it is agency or citizen data that is not already audited
in the dataset itself), so its writes are not audited.
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.models_search import SearchChange, SearchDocument
from ddgov.catalog.search.backends import search_backend
from ddgov.catalog.search.text import Texts, texts_tokenise, thai_sort_key

# Keep this many recent changes; a process further behind than that reloads its index whole.
CHANGE_LOG_KEEP = 5000
CHANGE_LOG_PRUNE_EVERY = 500
_ALLOCATION_ATTEMPTS = 20


def _datasets(ids: Iterable[uuid.UUID]) -> list[Dataset]:
    return list(
        Dataset.objects.filter(pk__in=list(ids))
        .select_related("owner_org")
        .prefetch_related(
            "tags",
            "groups",
            Prefetch("resources", queryset=Resource.objects.filter(state=Resource.State.ACTIVE)),
        )
    )


def _texts(dataset: Dataset) -> Texts:
    org = dataset.owner_org
    others = [
        dataset.name.replace("-", " ").replace("_", " "),
        org.name_th, org.name_en, org.code.replace("-", " "), org.abbreviation,
        *(g.title_th for g in dataset.groups.all()), *(g.title_en for g in dataset.groups.all()),
        *(r.name for r in dataset.resources.all()), *(r.description for r in dataset.resources.all()),
        dataset.data_source,
    ]  # fmt: skip
    tags = tuple(t.name for t in dataset.tags.all())
    return dataset.title, tags, dataset.notes, tuple(o for o in others if o)


def _clean(values: Iterable[str]) -> str:
    return "\n".join(sorted({" ".join(v.split()) for v in values if v and v.strip()}))


def _document(dataset: Dataset, tokens: tuple[str, str, str, str, str]) -> SearchDocument:
    resources = list(dataset.resources.all())
    return SearchDocument(
        dataset_id=dataset.pk,
        name=dataset.name,
        title_sort=thai_sort_key(dataset.title),
        state=dataset.state,
        private=dataset.private,
        owner_org_id=dataset.owner_org_id,
        organization=dataset.owner_org.code,
        groups=_clean(g.name for g in dataset.groups.all()),
        tags=_clean(t.name for t in dataset.tags.all()),
        res_format=_clean(r.format.upper() for r in resources),
        license_id=dataset.license_id,
        data_category=dataset.data_category,
        data_type=dataset.data_type,
        geo_coverage=dataset.geo_coverage,
        high_value_dataset=dataset.high_value_dataset,
        created_ts=dataset.metadata_created.timestamp(),
        modified_ts=dataset.metadata_modified.timestamp(),
        title_tokens=tokens[0],
        tags_tokens=tokens[1],
        notes_tokens=tokens[2],
        other_tokens=tokens[3],
        joined_tokens=tokens[4],
    )


def _change_append(*, dataset_id: uuid.UUID | None, write: Callable[[], None]) -> int:
    """Run ``write`` and log it as the next generation, in one transaction.

    Generations are allocated as max + 1 under the primary key: two writers racing for the same
    number make one of them retry, so generations commit in increasing order and a reader that
    sees generation G has seen every change before it.
    """
    for _attempt in range(_ALLOCATION_ATTEMPTS):
        try:
            with transaction.atomic():
                newest = (
                    SearchChange.objects.order_by("-generation")
                    .values_list("generation", flat=True)
                    .first()
                )
                generation = (newest or 0) + 1
                SearchChange.objects.create(
                    generation=generation, token=uuid.uuid4().hex, dataset_id=dataset_id
                )
                write()
                if generation % CHANGE_LOG_PRUNE_EVERY == 0:
                    SearchChange.objects.filter(
                        generation__lt=generation - CHANGE_LOG_KEEP
                    ).delete()
        except IntegrityError:
            continue
        return generation
    msg = "could not allocate a search index generation / จัดลำดับการปรับดัชนีค้นหาไม่สำเร็จ"
    raise RuntimeError(msg)


def dataset_index(*, dataset_id: uuid.UUID) -> None:
    """Bring the search index entry of one dataset up to date (removing it if deleted)."""
    found = _datasets([dataset_id])
    document = None
    if found and found[0].state != Dataset.State.DELETED:
        document = _document(found[0], texts_tokenise(_texts(found[0])))

    def write() -> None:
        if document is None:
            SearchDocument.objects.filter(dataset_id=dataset_id).delete()
        else:
            document.save()

    _change_append(dataset_id=dataset_id, write=write)
    search_backend().documents_changed(dataset_ids=[dataset_id])


def dataset_index_bulk(
    *,
    dataset_ids: Iterable[uuid.UUID] | None = None,
    batch_size: int = 1000,
    workers: int = 1,
    progress: Callable[[int, int], Any] | None = None,
) -> int:
    """(Re)index many datasets, or all when ``dataset_ids`` is None; return how many were indexed.

    ``workers`` > 1 segments text in that many processes. With ``dataset_ids`` None, entries of
    datasets that are gone or deleted are removed too. One "everything changed" entry is logged
    at the end, so every process reloads its in-memory index once.
    """
    live = Dataset.objects.exclude(state=Dataset.State.DELETED)
    wanted = None if dataset_ids is None else list(dataset_ids)
    if wanted is not None:
        live = live.filter(pk__in=wanted)
    ids = list(live.order_by("pk").values_list("pk", flat=True))
    pool = multiprocessing.get_context("spawn").Pool(workers) if workers > 1 else None
    try:
        for start in range(0, len(ids), batch_size):
            batch = _datasets(ids[start : start + batch_size])
            texts = [_texts(d) for d in batch]
            tokens = (
                pool.map(texts_tokenise, texts, chunksize=50)
                if pool
                else map(texts_tokenise, texts)
            )
            documents = [_document(d, t) for d, t in zip(batch, tokens, strict=True)]
            with transaction.atomic():
                SearchDocument.objects.filter(dataset_id__in=[d.pk for d in batch]).delete()
                SearchDocument.objects.bulk_create(documents, batch_size=500)
            if progress is not None:
                progress(min(start + batch_size, len(ids)), len(ids))
    finally:
        if pool is not None:
            pool.close()
            pool.join()

    def remove_stale() -> None:
        if wanted is None:
            SearchDocument.objects.exclude(dataset_id__in=live.values("pk")).delete()
        else:
            SearchDocument.objects.filter(dataset_id__in=sorted(set(wanted) - set(ids))).delete()

    _change_append(dataset_id=None, write=remove_stale)
    search_backend().documents_changed(dataset_ids=None)
    return len(ids)
