"""Thai full-text search of the catalog: tokenising, the query language and the embedded index.

``selectors.search.dataset_search`` and ``services.search_index.dataset_index`` are the entry
points; the modules here are their machinery. Search runs behind a small backend interface
(``backends.SearchBackend``) so a deployment can swap the embedded in-memory index for OpenSearch.
"""
