"""Turning Thai and English text into search tokens, identically for documents and queries.

Thai is written without spaces between words, so a word inside a longer run ("ผู้สูงอายุ" in
"จำนวนผู้สูงอายุรายจังหวัด") is only findable after segmentation. PyThaiNLP's ``newmm`` engine
with its bundled dictionary does that offline. Tokens are normalised so that the same word
always yields the same token: Thai digits become Arabic digits, Latin letters are lower-cased,
stray tone-mark repetitions are folded, and pieces without a letter or digit are dropped.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from pythainlp.tokenize import word_tokenize

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]")
_LATIN_PIECES = re.compile(r"[^\W_]+")
_THAI_EDGE_PUNCT = re.compile(r"^[^\w\u0e00-\u0e7f]+|[^\w\u0e00-\u0e7f.]+$|[ๆฯ]+$")
_REPEATED_MARKS = re.compile(r"([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\1+")
_TONE = re.compile(r"[\u0e47-\u0e4c]")
_LEAD_VOWEL = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")
# Texts up to this length are memoised: names of agencies, groups and formats repeat endlessly.
_MEMO_LENGTH = 160


def is_thai(token: str) -> bool:
    """Whether ``token`` contains a Thai letter (and so may sit inside an unsegmented run)."""
    return _THAI_LETTER.search(token) is not None


def _normalise(piece: str) -> list[str]:
    """Normalise one segmenter token; it may hold spaces (``ไปๆ มาๆ`` comes back whole)."""
    tokens: list[str] = []
    for part in unicodedata.normalize("NFC", piece).translate(THAI_DIGITS).lower().split():
        if is_thai(part):
            word = _REPEATED_MARKS.sub(r"\1", _THAI_EDGE_PUNCT.sub("", part))
            tokens.extend([word] if word else [])
        else:
            tokens.extend(_LATIN_PIECES.findall(part))
    return tokens


def _tokenise(text: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for piece in word_tokenize(text, engine="newmm", keep_whitespace=False):
        tokens.extend(_normalise(piece))
    return tuple(tokens)


_tokenise_memo = lru_cache(maxsize=8192)(_tokenise)


def search_tokens(text: str) -> tuple[str, ...]:
    """Return the normalised word tokens of ``text`` in order (repeats kept, for term counts)."""
    if not text or not text.strip():
        return ()
    if len(text) <= _MEMO_LENGTH:
        return _tokenise_memo(text)
    return _tokenise(text)


def thai_sort_key(text: str) -> str:
    """Return a key that orders Thai titles as a dictionary does (leading vowels after consonants).

    Same rule as PyThaiNLP's collation: tone marks are moved to the end and a leading vowel
    (เ แ โ ใ ไ) swaps places with the consonant it is written before.
    """
    lowered = text.strip().lower()
    tones = "".join(_TONE.findall(lowered))
    return _LEAD_VOWEL.sub(r"\2\1", _TONE.sub("", lowered)) + tones


Texts = tuple[str, tuple[str, ...], str, tuple[str, ...]]


def _joined(text: str) -> str:
    return " ".join(search_tokens(text))


def _joined_pairs(tokens: tuple[str, ...]) -> list[str]:
    return [a + b for a, b in itertools.pairwise(tokens) if is_thai(a) and is_thai(b)]


def texts_tokenise(texts: Texts) -> tuple[str, str, str, str, str]:
    """Segment a dataset's (title, tags, notes, other names) into space-joined token strings.

    The fifth string holds each pair of neighbouring Thai words of the title and tags written
    together: segmentation of a run is sometimes ambiguous ("รายงานการ" may come out as ราย|งานการ),
    and the joined pairs let a query word that straddles such a boundary still be found.
    Bulk indexing runs this in worker processes, so it takes and returns plain strings and its
    module imports nothing from Django.
    """
    title, tags, notes, others = texts
    title_tokens = search_tokens(title)
    tag_tokens = [search_tokens(tag) for tag in tags]
    pairs = _joined_pairs(title_tokens) + [p for t in tag_tokens for p in _joined_pairs(t)]
    return (
        " ".join(title_tokens),
        " ".join(t for tokens in tag_tokens for t in tokens),
        _joined(notes),
        " ".join(filter(None, (_joined(other) for other in others))),
        " ".join(pairs),
    )
