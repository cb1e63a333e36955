"""The one error type of the access layer, and finding where in the SQL a problem is.

:class:`QueryError` carries a machine-readable ``code``, a bilingual ``message``
("English / ไทย"), the ``(line, column)`` in the SQL the person wrote (both 1-based) when known,
and the HTTP status an API should answer with.
"""

from __future__ import annotations

import re
from functools import cached_property
from itertools import pairwise

from sqlglot.dialects.duckdb import DuckDB
from sqlglot.errors import TokenError
from sqlglot.tokenizer_core import Token, TokenType

STATUS_BY_CODE = {
    "syntax": 400,
    "statement": 400,
    "function": 400,
    "aggregate": 400,
    "engine": 400,
    "table": 404,
    "timeout": 408,
    "memory": 413,
    "query": 422,
}


class QueryError(Exception):
    """SQL that was refused or failed; ``message`` is "English / ไทย".

    ``code``: syntax, statement, function, aggregate, engine, table, timeout, memory, query.
    """

    def __init__(
        self,
        code: str,
        message: str,
        position: tuple[int, int] | None = None,
        status: int | None = None,
    ) -> None:
        """Keep the code, message, position and HTTP status together."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position
        self.status = status if status is not None else STATUS_BY_CODE.get(code, 400)

    def __str__(self) -> str:
        """Return the bilingual message, with the position when known."""
        return self.message

    def as_dict(self) -> dict[str, object]:
        """The error as JSON for APIs: ``{code, message, line?, column?}``."""
        data: dict[str, object] = {"code": self.code, "message": self.message}
        if self.position is not None:
            data["line"], data["column"] = self.position
        return data


def position_at(sql: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of character ``offset`` of ``sql``."""
    offset = max(0, min(offset, len(sql)))
    line = sql.count("\n", 0, offset) + 1
    return line, offset - (sql.rfind("\n", 0, offset) + 1) + 1


class SourceText:
    """The SQL as written, tokenised lazily, to find where a name occurs (errors only)."""

    def __init__(self, sql: str) -> None:
        """Keep the text; tokenising waits until an error needs a position."""
        self.sql = sql

    @cached_property
    def tokens(self) -> list[Token]:
        """The DuckDB-dialect tokens of the SQL (empty if it does not tokenise)."""
        try:
            return list(DuckDB().tokenize(self.sql))
        except (TokenError, ValueError):
            return []

    def position_of_offset(self, offset: int | None) -> tuple[int, int] | None:
        """The (line, column) of a character offset, or None."""
        return None if offset is None else position_at(self.sql, offset)

    def find_name(self, name: str, *, call: bool = False) -> tuple[int, int] | None:
        """Where ``name`` first occurs as an identifier (or, with ``call``, as ``name(``)."""
        wanted = name.lower()
        tokens = self.tokens
        for i, token in enumerate(tokens):
            if token.token_type in (TokenType.STRING, TokenType.NUMBER):
                continue
            if token.text.lower() != wanted:
                continue
            if call and (i + 1 >= len(tokens) or tokens[i + 1].token_type != TokenType.L_PAREN):
                continue
            return position_at(self.sql, token.start)
        return None

    def call_names(self) -> list[str]:
        """The distinct names written as calls (``name(``), in order of appearance."""
        tokens = self.tokens
        names = [
            token.text
            for token, following in pairwise(tokens)
            if following.token_type == TokenType.L_PAREN
            and token.token_type not in (TokenType.STRING, TokenType.NUMBER, TokenType.L_PAREN)
        ]
        return list(dict.fromkeys(names))

    def find_string(self, text: str) -> tuple[int, int] | None:
        """Where the string literal ``'text'`` first occurs."""
        for token in self.tokens:
            if token.token_type == TokenType.STRING and token.text == text:
                return position_at(self.sql, token.start)
        return None

    def find_in_message(self, message: str) -> tuple[int, int] | None:
        """Best effort: the position of the first quoted name (or string) in an engine message."""
        for match in _QUOTED.finditer(message):
            name = match.group(1) or match.group(2) or ""
            for candidate in (name, name.rsplit(".", 1)[-1]):
                if candidate:
                    found = self.find_name(candidate) or self.find_name(candidate, call=True)
                    if found is not None:
                        return found
        for match in _STRING.finditer(message):
            found = self.find_string(match.group(1))
            if found is not None:
                return found
        return None


_QUOTED = re.compile(r'"([^"\n]{1,200})"|`([^`\n]{1,200})`')
_STRING = re.compile(r"'([^'\n]{1,200})'")


_CONTEXT_LINE = re.compile(r"^\s*LINE \d+:")
_CARET_LINE = re.compile(r"^\s*\^+\s*$")
_SUFFIX = " / สืบค้นไม่สำเร็จ"


def engine_text_public(text: str, names: list[tuple[str, list[str], str]]) -> str:
    """Engine text (a message or a plan) with lake paths and flat table names replaced.

    ``names`` holds, per table, its flat name, the file paths it may appear under, and the name
    the person wrote. DuckDB's ``LINE n:`` excerpts quote the rewritten SQL, so they are dropped.
    """
    for flat, paths, written in names:
        for path in sorted(paths, key=len, reverse=True):
            text = text.replace(path, written)
        text = re.sub(rf'(?<![\w"])(?:main\.)?"?{re.escape(flat)}"?(?![\w"])', written, text)
    kept: list[str] = []
    skip_caret = False
    for line in text.splitlines():
        if _CONTEXT_LINE.match(line):
            skip_caret = True
            continue
        if skip_caret and _CARET_LINE.match(line):
            skip_caret = False
            continue
        skip_caret = False
        kept.append(line.rstrip())
    return "\n".join(line for line in kept if line.strip()) if kept else text


def engine_error(
    code: str, message: str, names: list[tuple[str, list[str], str]], source: SourceText
) -> QueryError:
    """An engine's error as the person should see it: their names, a position in their SQL.

    Positions an engine reports refer to the rewritten SQL, so they are dropped; for runtime
    errors the first quoted name in the message is looked up in the original text instead.
    """
    suffix = _SUFFIX if message.rstrip().endswith(_SUFFIX.strip()) else ""
    if suffix:
        message = message.rstrip()[: -len(_SUFFIX.strip())].rstrip(" /")
    public = engine_text_public(message, names)
    if code == "query":
        public = public.replace("\n", " — ") + _SUFFIX
    position = source.find_in_message(public) if code in {"query", "table", "function"} else None
    return QueryError(code, public, position)
