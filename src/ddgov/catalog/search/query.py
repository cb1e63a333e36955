"""The Solr/CKAN query language subset that real CKAN clients send, parsed into a small tree.

Supported, in ``q``, ``fq`` and each ``fq_list`` entry:

* free words, segmented like documents (a Thai run becomes several words); bare words are
  combined with CKAN's minimum-should-match rule ``2<-1 5<80%``; ``"quoted words"`` must all match;
* ``field:value``, ``field:"quoted value"``, ``field:(a OR b)``, ``field:*`` and ``*`` / ``?``
  wildcards for the exact fields; ``title:`` and ``text:`` take words;
* ``metadata_modified:[2024-01-01T00:00:00Z TO *]`` and ``NOW-7DAYS`` style ranges;
* ``AND`` / ``&&``, ``OR`` / ``||``, ``NOT`` / ``!``, ``+`` and ``-`` prefixes, parentheses; the
  implicit operator is AND (CKAN sets ``q.op=AND``). ``*:*`` or an empty string matches everything.

The tree is what a search backend evaluates, so another backend (OpenSearch) translates the
same tree instead of re-parsing user input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from ddgov.catalog.search.text import search_tokens


class SearchQueryError(ValueError):
    """The query, filter, sort or paging parameters cannot be understood (CKAN "Search Query Error")."""


TEXT_FIELDS = {"text": "text", "title": "title", "notes": "text"}
EXACT_FIELDS = frozenset(
    {
        "name", "id", "organization", "owner_org", "groups", "tags", "res_format", "license_id",
        "data_category", "data_type", "geo_coverage", "high_value_dataset", "private", "capacity",
        "state", "dataset_type", "type",
    }
)  # fmt: skip
RANGE_FIELDS = frozenset({"metadata_modified", "metadata_created"})
BOOLEAN_FIELDS = frozenset({"high_value_dataset", "private"})
SORT_FIELDS = ("score", "metadata_modified", "metadata_created", "name", "title_string")
DEFAULT_SORT = "score desc, metadata_modified desc"


@dataclass(frozen=True)
class MatchAll:
    """Every document."""


@dataclass(frozen=True)
class MatchNone:
    """No document."""


@dataclass(frozen=True)
class Text:
    """Words searched in ``field`` ("text": every field; "title"); ``required`` of them must match.

    Each word is the tuple of tokens its text segments into; a word matches a document when the
    minimum-should-match share of its tokens does (so a long unsegmented Thai run typed as one
    word tolerates one differently segmented piece).
    """

    words: tuple[tuple[str, ...], ...]
    field: str
    required: int


@dataclass(frozen=True)
class Term:
    """An exact value of a keyword field; ``*`` and ``?`` are wildcards, ``*`` alone means any."""

    field: str
    value: str


@dataclass(frozen=True)
class Range:
    """A time range on ``metadata_modified`` or ``metadata_created``, in POSIX seconds."""

    field: str
    low: float | None
    high: float | None
    include_low: bool
    include_high: bool


@dataclass(frozen=True)
class And:
    """All children match."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """At least one child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The child does not match."""

    child: Node


Node = MatchAll | MatchNone | Text | Term | Range | And | Or | Not


@dataclass(frozen=True)
class _Bare:
    words: tuple[tuple[str, ...], ...]
    field: str


def min_should_match(count: int) -> int:
    """CKAN's ``mm=2<-1 5<80%``: up to 2 words all, 3-5 all but one, more 80% (rounded down)."""
    if count <= 2:
        return count
    if count <= 5:
        return count - 1
    return max(1, (count * 4) // 5)


def _words(words: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Drop empty words (punctuation) and repeats, keeping order."""
    return tuple(dict.fromkeys(tuple(dict.fromkeys(w)) for w in words if w))


def _error(message_en: str, message_th: str) -> SearchQueryError:
    return SearchQueryError(f"{message_en} / {message_th}")


_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_NOW_RE = re.compile(
    r"^NOW((?:[+-]\d+(?:YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?))*)(/(?:DAY|HOUR))?$"
)
_MATH_RE = re.compile(r"([+-])(\d+)([A-Z]+?)S?(?=[+-]|$)")
_UNIT_SECONDS = {
    "YEAR": 365 * 86400,
    "MONTH": 30 * 86400,
    "DAY": 86400,
    "HOUR": 3600,
    "MINUTE": 60,
    "SECOND": 1,
}
_STOP_CHARS = ' \t\r\n()"'


def parse_time(value: str) -> float | None:
    """Return POSIX seconds for a Solr date (ISO 8601, ``NOW``, ``NOW-7DAYS``, ``NOW/DAY``) or ``*``."""
    if value == "*":
        return None
    match = _NOW_RE.match(value.upper())
    if match:
        moment = timezone.now()
        if match.group(2) == "/DAY":
            moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        elif match.group(2) == "/HOUR":
            moment = moment.replace(minute=0, second=0, microsecond=0)
        seconds = moment.timestamp()
        for sign, amount, unit in _MATH_RE.findall(match.group(1)):
            seconds += (1 if sign == "+" else -1) * int(amount) * _UNIT_SECONDS[unit]
        return seconds
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _error(
            f"Cannot read the date {value!r}; use ISO 8601 (2024-01-31T00:00:00Z), NOW or *",
            f"อ่านวันที่ {value!r} ไม่ได้ ใช้รูปแบบ ISO 8601 (2024-01-31T00:00:00Z), NOW หรือ *",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


class _Parser:
    """Recursive descent over the query string: or_expr > and_expr > unary > primary."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    # -- scanning -----------------------------------------------------------------------------
    def _skip(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def _at_end(self) -> bool:
        self._skip()
        return self.i >= len(self.s)

    def _peek_keyword(self, *words: str) -> str | None:
        self._skip()
        for word in words:
            end = self.i + len(word)
            if self.s.startswith(word, self.i) and (
                word in {"&&", "||"} or end >= len(self.s) or self.s[end] in _STOP_CHARS
            ):
                return word
        return None

    def _read_word(self) -> str:
        chars: list[str] = []
        while self.i < len(self.s) and self.s[self.i] not in _STOP_CHARS:
            if self.s[self.i] == "\\" and self.i + 1 < len(self.s):
                self.i += 1
            chars.append(self.s[self.i])
            self.i += 1
        return "".join(chars)

    def _read_quoted(self) -> str:
        self.i += 1  # opening quote
        chars: list[str] = []
        while self.i < len(self.s) and self.s[self.i] != '"':
            if self.s[self.i] == "\\" and self.i + 1 < len(self.s):
                self.i += 1
            chars.append(self.s[self.i])
            self.i += 1
        if self.i >= len(self.s):
            raise _error("A quotation mark is not closed", "เครื่องหมายอัญประกาศไม่ครบคู่")
        self.i += 1
        return "".join(chars)

    # -- grammar ------------------------------------------------------------------------------
    def parse(self) -> Node:
        if self._at_end():
            return MatchAll()
        node = self._or_expr(None)
        if not self._at_end():
            raise _error(
                f"Unexpected {self.s[self.i]!r} in the query",
                f"พบ {self.s[self.i]!r} ในคำค้นที่ไม่คาดไว้",
            )
        return node

    def _or_expr(self, field: str | None) -> Node:
        parts = [self._and_expr(field)]
        while self._peek_keyword("OR", "||"):
            self.i += len(self._peek_keyword("OR", "||") or "")
            parts.append(self._and_expr(field))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and_expr(self, field: str | None) -> Node:
        items: list[Node] = []
        bare: list[_Bare] = []
        while not self._at_end() and self.s[self.i] != ")" and not self._peek_keyword("OR", "||"):
            explicit = self._peek_keyword("AND", "&&")
            if explicit:
                self.i += len(explicit)
                if self._at_end() or self.s[self.i] == ")":
                    raise _error("AND needs something after it", "AND ต้องมีเงื่อนไขตามหลัง")
            item = self._unary(field)
            if isinstance(item, _Bare) and not explicit:
                bare.append(item)
            else:
                items.append(self._finish(item, require_all=True))
        if bare:
            for text_field in dict.fromkeys(b.field for b in bare):
                words = _words(tuple(w for b in bare if b.field == text_field for w in b.words))
                items.append(
                    Text(words, text_field, min_should_match(len(words))) if words else MatchNone()
                )
        if not items:
            raise _error("An operator has nothing to combine", "ตัวดำเนินการไม่มีเงื่อนไขให้รวม")
        return items[0] if len(items) == 1 else And(tuple(items))

    @staticmethod
    def _finish(item: Node | _Bare, *, require_all: bool) -> Node:
        if isinstance(item, _Bare):
            words = _words(item.words)
            if not words:
                return MatchNone()
            return Text(
                words, item.field, len(words) if require_all else min_should_match(len(words))
            )
        return item

    def _unary(self, field: str | None) -> Node | _Bare:
        self._skip()
        if self._peek_keyword("NOT"):
            self.i += 3
            if self._at_end() or self.s[self.i] == ")":
                raise _error("NOT needs something after it", "NOT ต้องมีเงื่อนไขตามหลัง")
            return Not(self._finish(self._unary(field), require_all=True))
        char = self.s[self.i]
        if char in "+-!" and self.i + 1 < len(self.s) and not self.s[self.i + 1].isspace():
            self.i += 1
            inner = self._finish(self._unary(field), require_all=True)
            return Not(inner) if char in "-!" else inner
        return self._primary(field)

    def _primary(self, field: str | None) -> Node | _Bare:
        self._skip()
        char = self.s[self.i]
        if char == "(":
            self.i += 1
            node = self._or_expr(field)
            self._skip()
            if self.i >= len(self.s) or self.s[self.i] != ")":
                raise _error("A parenthesis is not closed", "วงเล็บไม่ครบคู่")
            self.i += 1
            return node
        if char == ")":
            raise _error("A closing parenthesis has no opening one", "มีวงเล็บปิดโดยไม่มีวงเล็บเปิด")
        if char == '"':
            return self._value(field or "text", self._read_quoted(), quoted=True)
        if self.s.startswith("*:*", self.i) and (
            self.i + 3 >= len(self.s) or self.s[self.i + 3] in _STOP_CHARS
        ):
            self.i += 3
            return MatchAll()
        if field is None:
            match = _FIELD_RE.match(self.s, self.i)
            if match and self.s.startswith(":", match.end()):
                self.i = match.end() + 1
                return self._fielded(match.group())
        word = self._read_word()
        return self._value(field or "text", word, quoted=False)

    def _fielded(self, name: str) -> Node | _Bare:
        if name not in TEXT_FIELDS and name not in EXACT_FIELDS and name not in RANGE_FIELDS:
            known = ", ".join(sorted({*TEXT_FIELDS, *EXACT_FIELDS, *RANGE_FIELDS}))
            raise _error(
                f"Unknown search field {name!r}; known fields: {known}",
                f"ไม่รู้จักฟิลด์ค้นหา {name!r} ฟิลด์ที่ใช้ได้: {known}",
            )
        if self.i >= len(self.s) or self.s[self.i].isspace() or self.s[self.i] == ")":
            raise _error(f"The field {name!r} has no value", f"ฟิลด์ {name!r} ไม่มีค่า")
        char = self.s[self.i]
        if char in "[{":
            return self._range(name)
        if name in RANGE_FIELDS:
            if self.s.startswith("*", self.i) and (
                self.i + 1 >= len(self.s) or self.s[self.i + 1] in _STOP_CHARS
            ):
                self.i += 1
                return MatchAll()
            raise _error(
                f"{name} takes a range such as [2024-01-01T00:00:00Z TO *]",
                f"{name} ต้องเป็นช่วง เช่น [2024-01-01T00:00:00Z TO *]",
            )
        if char == "(":
            self.i += 1
            node = self._or_expr(name)
            self._skip()
            if self.i >= len(self.s) or self.s[self.i] != ")":
                raise _error("A parenthesis is not closed", "วงเล็บไม่ครบคู่")
            self.i += 1
            return node
        if char == '"':
            return self._value(name, self._read_quoted(), quoted=True)
        return self._value(name, self._read_word(), quoted=False)

    def _range(self, name: str) -> Node:
        if name not in RANGE_FIELDS:
            raise _error(
                f"Ranges work only on {', '.join(sorted(RANGE_FIELDS))}",
                f"ค้นหาแบบช่วงได้เฉพาะ {', '.join(sorted(RANGE_FIELDS))}",
            )
        include_low = self.s[self.i] == "["
        end = min(
            (p for p in (self.s.find("]", self.i), self.s.find("}", self.i)) if p != -1), default=-1
        )
        if end == -1:
            raise _error("A range is not closed with ] or }", "ช่วงไม่ได้ปิดด้วย ] หรือ }")
        body = self.s[self.i + 1 : end].split()
        if len(body) != 3 or body[1].upper() != "TO":
            raise _error("Write a range as [FROM TO UNTIL]", "เขียนช่วงเป็น [จาก TO ถึง]")
        include_high = self.s[end] == "]"
        self.i = end + 1
        return Range(name, parse_time(body[0]), parse_time(body[2]), include_low, include_high)

    def _value(  # noqa: PLR0911 - one return per kind of field
        self, field: str, value: str, *, quoted: bool
    ) -> Node | _Bare:
        if field in TEXT_FIELDS:
            text_field = TEXT_FIELDS[field]
            if value == "*" and not quoted:
                return MatchAll()
            if quoted:  # every token of a quoted text is required
                words = _words(tuple((t,) for t in search_tokens(value)))
                return Text(words, text_field, len(words)) if words else MatchNone()
            return _Bare(tuple(search_tokens(w) for w in value.split()), text_field)
        if value == "":
            raise _error(f"The field {field!r} has no value", f"ฟิลด์ {field!r} ไม่มีค่า")
        if field in {"dataset_type", "type"}:
            return MatchAll() if value in {"dataset", "*"} else MatchNone()
        if field == "capacity":
            if value not in {"public", "private"}:
                raise _error("capacity is public or private", "capacity ต้องเป็น public หรือ private")
            return Term("private", "true" if value == "private" else "false")
        if field in BOOLEAN_FIELDS and value != "*":
            lowered = value.lower()
            if lowered not in {"true", "false"}:
                raise _error(f"{field} is true or false", f"{field} ต้องเป็น true หรือ false")
            return Term(field, lowered)
        if field == "res_format":
            value = value.upper()
        return Term(field, value)


def query_parse(text: str) -> Node:
    """Parse a ``q`` or ``fq`` string; raise :class:`SearchQueryError` when it cannot be read."""
    if len(text) > 5000:
        raise _error("The query is longer than 5000 characters", "คำค้นยาวเกิน 5000 ตัวอักษร")
    stripped = text.strip()
    if stripped in {"", "*:*", "*", '""', "''"}:
        return MatchAll()
    return _Parser(stripped).parse()


def sort_parse(sort: str | None) -> tuple[tuple[tuple[str, bool], ...], str]:
    """Return ((field, descending), …) and the normalised sort string; reject unknown fields."""
    text = (sort or "").strip() or DEFAULT_SORT
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if len(words) != 2 or words[1].lower() not in {"asc", "desc"}:
            raise _error(
                f"Cannot read the sort {part.strip()!r}; write 'field asc' or 'field desc'",
                f"อ่านการเรียง {part.strip()!r} ไม่ได้ ให้เขียน 'ฟิลด์ asc' หรือ 'ฟิลด์ desc'",
            )
        field, direction = words[0], words[1].lower()
        if field not in SORT_FIELDS:
            raise _error(
                f"Cannot sort by {field!r}; sort by one of: {', '.join(SORT_FIELDS)}",
                f"เรียงตาม {field!r} ไม่ได้ เรียงได้ตาม: {', '.join(SORT_FIELDS)}",
            )
        keys.append((field, direction == "desc"))
    return tuple(keys), ", ".join(f"{f} {'desc' if d else 'asc'}" for f, d in keys)
