"""Matching a call's method and path against the operations of a service's OpenAPI document.

A call may only reach operations the provider described (gateway rule 3). Templates such as
``/persons/{citizen_id}`` compile to one regular expression each; literal paths win over
templated ones, as OpenAPI requires. Compiled tables are cached per service and document
revision (``Service.pk`` and ``updated_at``), so an edited document takes effect on the next
call without compiling anything on the hot path.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_PARAM_RE = re.compile(r"\{([^{}/]+)\}")
_CACHE_LIMIT = 2048


@dataclass(frozen=True)
class PathMatch:
    """The operation a call matched: its template, the path parameters, and the method's support."""

    template: str
    params: Mapping[str, str]
    method_allowed: bool


@dataclass(frozen=True)
class _Template:
    template: str
    regex: re.Pattern[str]
    names: tuple[str, ...]
    methods: frozenset[str]
    literal_chars: int


class CompiledPaths:
    """The ``paths`` of one OpenAPI document, ready to match against request paths."""

    def __init__(self, openapi: Mapping[str, Any] | None) -> None:
        """Compile every path item of ``openapi`` (unusable entries are skipped)."""
        self.literal: dict[str, frozenset[str]] = {}
        templated: list[_Template] = []
        paths = openapi.get("paths") if isinstance(openapi, Mapping) else None
        if isinstance(paths, Mapping):
            for template, item in paths.items():
                if not isinstance(template, str) or not template.startswith("/"):
                    continue
                if not isinstance(item, Mapping):
                    continue
                methods = frozenset(m.lower() for m in item if m.lower() in HTTP_METHODS)
                if "{" not in template:
                    self.literal[template] = methods
                    continue
                compiled = _compile(template, methods)
                if compiled is not None:
                    templated.append(compiled)
        # Most literal characters first: /persons/me beats /persons/{id}, which beats /{any}/{id}.
        templated.sort(key=lambda t: (-t.literal_chars, len(t.names)))
        self.templated = tuple(templated)

    def match(self, *, method: str, path: str) -> PathMatch | None:
        """The operation for ``method`` and the decoded ``path``; None when no path matches.

        A path that matches without the method yields ``method_allowed=False`` (still
        refused, but the caller can tell a wrong method from a wrong path).
        """
        lower = method.lower()
        methods = self.literal.get(path)
        if methods is not None:
            return PathMatch(template=path, params={}, method_allowed=lower in methods)
        first_path_only: PathMatch | None = None
        for tpl in self.templated:
            found = tpl.regex.fullmatch(path)
            if found is None:
                continue
            params = {name: found.group(i + 1) for i, name in enumerate(tpl.names)}
            if lower in tpl.methods:
                return PathMatch(template=tpl.template, params=params, method_allowed=True)
            if first_path_only is None:
                first_path_only = PathMatch(
                    template=tpl.template, params=params, method_allowed=False
                )
        return first_path_only

    def operations(self) -> list[tuple[str, str]]:
        """Every ``(METHOD, template)`` pair, for listings and tests."""
        pairs = [(m.upper(), t) for t, ms in self.literal.items() for m in sorted(ms)]
        pairs += [(m.upper(), t.template) for t in self.templated for m in sorted(t.methods)]
        return pairs


def _compile(template: str, methods: frozenset[str]) -> _Template | None:
    names: list[str] = []
    pattern: list[str] = []
    position = 0
    literal_chars = 0
    for found in _PARAM_RE.finditer(template):
        literal = template[position : found.start()]
        pattern.append(re.escape(literal))
        literal_chars += len(literal)
        names.append(found.group(1).strip())
        pattern.append("([^/]+)")
        position = found.end()
    tail = template[position:]
    if "{" in tail or "}" in tail:
        return None
    pattern.append(re.escape(tail))
    literal_chars += len(tail)
    return _Template(
        template=template,
        regex=re.compile("".join(pattern)),
        names=tuple(names),
        methods=methods,
        literal_chars=literal_chars,
    )


_cache: dict[tuple[int, str], CompiledPaths] = {}
_cache_lock = threading.Lock()


def compiled_paths_cached(*, service_pk: int, revision: str) -> CompiledPaths | None:
    """The compiled paths of a service revision if already compiled, else None."""
    return _cache.get((service_pk, revision))


def compiled_paths_store(
    *, service_pk: int, revision: str, openapi: Mapping[str, Any] | None
) -> CompiledPaths:
    """Compile and remember the paths of a service revision (dropping stale revisions)."""
    compiled = CompiledPaths(openapi)
    with _cache_lock:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        for key in [k for k in _cache if k[0] == service_pk]:
            del _cache[key]
        _cache[(service_pk, revision)] = compiled
    return compiled


def split_path(raw: str) -> tuple[str, tuple[str, ...]] | None:
    """Decode a raw (percent-encoded) path; None when a segment would escape its place.

    Segments are decoded one by one, so an encoded ``/`` (``%2F``) or a ``.``/``..`` segment
    cannot change which template matches or which provider URL is called.
    """
    if not raw:
        raw = "/"
    if not raw.startswith("/"):
        return None
    segments = raw[1:].split("/")
    decoded: list[str] = []
    for segment in segments:
        try:
            value = unquote(segment, errors="strict") if "%" in segment else segment
        except UnicodeDecodeError:
            return None
        if "/" in value or value in {".", ".."} or "\x00" in value:
            return None
        decoded.append(value)
    return "/" + "/".join(decoded), tuple(decoded)
