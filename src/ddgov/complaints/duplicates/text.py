"""Thai complaint text → comparable word features (PyThaiNLP ``newmm``, offline).

Thai is written without spaces between words, so splitting on whitespace turns a whole clause into
one "word" and two phrasings of the same problem share nothing. ``newmm`` (maximal matching over
PyThaiNLP's bundled dictionary, no network) finds the words. Before it runs, the text is
normalised: Unicode NFC, ``เเ`` (two sara e) → ``แ``, doubled vowel and tone marks collapsed, Thai
digits → Arabic, letters typed three or more times in a row collapsed (``ด่วนนนน``), the hotline's
``#1555`` tag and links removed, and common civic spellings folded (``ฟุตบาธ``/``บาทวิถี`` →
``ทางเท้า``, ``จยย.``/``มอไซค์`` → ``มอเตอร์ไซค์``, ``ซ.`` → ``ซอย``, …). After it, stop words
and politeness particles are dropped, and only tokens holding a Thai letter, a Latin letter or a
digit are kept (numbers matter: ``ซอย 39`` and ``ซอย 40`` are different crossings).
Features are the words plus neighbouring word pairs.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache

from pythainlp.tokenize import word_tokenize

PAIR_SEPARATOR = " "
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_REPEATED = re.compile(r"([ก-ฮ])\1{2,}")
# A vowel or tone mark typed twice (``ดีี``, ``ก่่``) is one mark.
_REPEATED_MARK = re.compile(r"([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\1+")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_KEEP = re.compile(r"[a-z0-9\u0e01-\u0e2e\u0e30-\u0e4d]")
# Spelling variants of civic words, folded to one form before segmentation (order matters).
FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ฟุ[ตท]\s?[บป]า[ทธตถ]|บาทวิถี|ทางเดินเท้า|ทางเท้า", " ทางเท้า "),
        (r"(?:รถ)?จักรยานยนต์|มอเตอร์\s?ไซ[คด]?์?|มอ\s?ไซ[คด]?์?|จ\.?ย\.?ย\.?", " มอเตอร์ไซค์ "),
        (r"ไฟฟ้าส่องสว่าง|ไฟส่องสว่าง|หลอดไฟ|โคมไฟ(?:ถนน)?|ไฟถนน|ไฟทาง", " ไฟ "),
        (r"คนไร้บ้าน|คนเร่ร่อน|คนจรจัด", " คนจรจัด "),
        (r"(?:สุนัข|หมา)จร(?:จัด)?", " สุนัขจรจัด "),
        (r"ขยะมูลฝอย", " ขยะ "),
        (r"หลุม\s?(?:เป็น)?\s?บ่อ", " หลุม "),
        (r"(?<![ก-๙])ซ\.\s?", " ซอย "),
        (r"(?<![ก-๙])ถ\.\s?", " ถนน "),
        (r"#1555", " "),
    )
)
# Words that carry no meaning about the problem beyond PyThaiNLP's stop-word list.
EXTRA_STOPWORDS = frozenset(
    {
        "ค่ะ", "คะ", "ครับ", "คับ", "ค่า", "จ้า", "จ้ะ", "ฮะ", "นะคะ", "นะครับ", "ด้วยค่ะ",
        "ด้วยครับ", "รบกวน", "ขอบคุณ", "กรุณา", "ช่วย", "แจ้ง", "เรื่อง", "ปัญหา", "ประชาชน",
        "เจ้าหน้าที่", "ดำเนินการ", "ตรวจสอบ", "แก้ไข", "ขอให้", "บริเวณ", "จุดเกิดเหตุ",
    }
)  # fmt: skip


@cache
def stopwords() -> frozenset[str]:
    """PyThaiNLP's Thai stop words plus politeness particles and complaint boilerplate."""
    from pythainlp.corpus import thai_stopwords  # noqa: PLC0415 - loads a corpus file once

    return frozenset(thai_stopwords()) | EXTRA_STOPWORDS


def text_normalise(text: str, *, max_chars: int = 1000) -> str:
    """Return ``text`` cleaned for segmentation (see the module docstring), cut to ``max_chars``."""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text or ""))[:max_chars]
    text = text.replace("เเ", "แ").translate(_THAI_DIGITS).lower()
    text = _REPEATED_MARK.sub(r"\1", _REPEATED.sub(r"\1", _LINK.sub(" ", text)))
    for pattern, replacement in FOLDS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1024)
def _segment(normalised: str, engine: str) -> tuple[str, ...]:
    if engine == "whitespace":
        return tuple(normalised.split())
    return tuple(word_tokenize(normalised, engine=engine, keep_whitespace=False))


def text_tokens(text: str, *, max_chars: int = 1000, engine: str = "newmm") -> list[str]:
    """The meaningful words of ``text``: normalised, segmented, stop words and symbols dropped.

    ``engine`` is any PyThaiNLP word-tokenizer engine, or ``"whitespace"`` (to show what
    segmentation buys: whitespace splitting keeps whole Thai clauses as single tokens).
    """
    skip = stopwords()
    return [
        token
        for token in _segment(text_normalise(text, max_chars=max_chars), engine)
        if token not in skip and _KEEP.search(token)
    ]


def text_features(tokens: list[str], *, word_pairs: bool = True) -> Counter[str]:
    """Counts of words and (if ``word_pairs``) neighbouring word pairs."""
    features = Counter(tokens)
    if word_pairs:
        features.update(f"{a}{PAIR_SEPARATOR}{b}" for a, b in itertools.pairwise(tokens))
    return features
