# ruff: noqa: RUF001 - Thai digits and the full-width colon are data
"""Thai personal names: a title (นาย, นางสาว, ด.ช., พ.ต.อ., คุณ …), the given name, the family name.

Thai is written without spaces between words but with one between the given and the family name,
and the title is usually glued to the given name (``นายสมชาย ใจดี``). The span covers the title,
the given name and the family name. Evidence, all offline:

* the title must stand as a word of its own: ``นาย`` inside ``นายกรัฐมนตรี`` or ``เจ้านาย`` and
  ``คุณ`` inside ``ขอบคุณ`` or ``คุณภาพ`` are not titles (PyThaiNLP's dictionary), unless a known
  given name follows (``นายพล ใจดี``);
* given names come from PyThaiNLP's male and female name corpora; a given name not in them is
  accepted after a formal title when it is not a common word or when a family name follows;
* the family name is the next word after a space, if it is in PyThaiNLP's family-name corpus or
  does not begin with a common function word (``นายสมชาย ได้แจ้งว่า`` ends at ``สมชาย``);
* without a title, a given name from the corpora followed by a family name from the corpora, or
  any name after ชื่อ / ผู้แจ้ง / ผู้ร้อง, is reported with a lower score;
* English names after Mr, Mrs, Ms, Miss, Dr.

PyThaiNLP's CRF NER model ("thainer" 1.5) is in the installed package but needs a part-of-speech
model that is not, and would have to be downloaded; so it is not used (see docs/governance-pii.md).
"""

from __future__ import annotations

import re
from functools import cache

from ddgov.governance.pii import lexicon
from ddgov.governance.pii.types import PERSON, Finding

_RANKS = [
    "พล.ต.อ.",
    "พล.ต.ท.",
    "พล.ต.ต.",
    "พ.ต.อ.",
    "พ.ต.ท.",
    "พ.ต.ต.",
    "ร.ต.อ.",
    "ร.ต.ท.",
    "ร.ต.ต.",
    "ด.ต.",
    "จ.ส.ต.",
    "ส.ต.อ.",
    "ส.ต.ท.",
    "ส.ต.ต.",
    "พล.อ.",
    "พล.ท.",
    "พล.ต.",
    "พ.อ.",
    "พ.ท.",
    "พ.ต.",
    "ร.อ.",
    "ร.ท.",
    "ร.ต.",
    "จ.ส.อ.",
    "จ.ส.ท.",
    "จ.ส.ต.",
    "ส.อ.",
    "ส.ท.",
    "ส.ต.",
    "พล.ร.อ.",
    "พล.ร.ท.",
    "พล.ร.ต.",
    "น.อ.",
    "น.ท.",
    "น.ต.",
    "พล.อ.อ.",
    "พล.อ.ท.",
    "พล.อ.ต.",
    "ว่าที่ร.ต.",
    "ว่าที่",
    "ร.ต.",
    "ศ.ดร.",
    "รศ.ดร.",
    "ผศ.ดร.",
    "ศ.",
    "รศ.",
    "ผศ.",
    "ดร.",
    "นพ.",
    "พญ.",
    "ทพ.",
    "ทพญ.",
    "ภก.",
    "ภญ.",
    "น.ส.",
    "ด.ช.",
    "ด.ญ.",
    "ม.ร.ว.",
    "ม.ล.",
]
_WORD_TITLES = (
    "นางสาว",
    "นาง",
    "นาย",
    "เด็กชาย",
    "เด็กหญิง",
    "คุณหญิง",
    "ว่าที่ร้อยตรี",
    "พลตำรวจเอก",
    "พันตำรวจเอก",
    "พันตำรวจโท",
    "ร้อยตำรวจเอก",
    "สิบตำรวจเอก",
    "จ่าสิบเอก",
    "พระครู",
    "พระมหา",
    "แพทย์หญิง",
    "นายแพทย์",
    "คุณ",
)
TITLES = (*_RANKS, "ว่าที่ ร.ต.", *_WORD_TITLES)
# Titles that need a known given name after them (a polite "you" or a common word otherwise).
_WEAK_TITLES = frozenset({"คุณ"})
# Words after which a name may follow without a title.
_NAME_CONTEXT = re.compile(r"(?:ชื่อ(?:-สกุล|-นามสกุล| สกุล)?|ผู้แจ้ง|ผู้ร้อง(?:เรียน)?|ลงชื่อ)\s*[:：]?\s*$")
# What may follow a given name but is not a family name.
_NOT_FAMILY = frozenset(
    {
        "โทร",
        "เบอร์",
        "อายุ",
        "บ้าน",
        "เลขที่",
        "หมู่",
        "ซอย",
        "ถนน",
        "แจ้ง",
        "ครับ",
        "ค่ะ",
        "คะ",
        "นะ",
        "จ้า",
        "ได้",
        "ที่",
        "และ",
        "หรือ",
        "ซึ่ง",
        "เป็น",
        "อยู่",
        "มา",
        "ไป",
        "ให้",
        "ขอ",
        "จาก",
        "ผู้",
        "เจ้า",
        "พร้อม",
        "เลข",
        "บัตร",
        "เกิด",
        "ตำบล",
        "อำเภอ",
        "จังหวัด",
        "แขวง",
        "เขต",
        "ทะเบียน",
        "อีเมล",
        "บัญชี",
        "ราษฎร",
        "ร้อง",
        "ติดต่อ",
        "ขับ",
        "จอด",
        "ขอบคุณ",
        "โทรศัพท์",
    }
)
# Occupations and kin people are called by after คุณ; not given names.
_NOT_GIVEN = frozenset(
    {"หมอ", "ครู", "พยาบาล", "แม่", "พ่อ", "ป้า", "ลุง", "น้า", "อา", "ยาย", "ตา", "ปู่", "ย่า"}
)
# A phone number right after "given family" (how complaints are signed).
_SIGNATURE_TAIL = re.compile(
    r"[ \u00a0]*(?:\(?(?:โทร\.?|เบอร์|tel\.?)\s*:?\s*)?\+?[0-9๐-๙][0-9๐-๙\- ]{6}"
)
_LONGEST_FAMILY = 16
_LONGEST_GIVEN = 14
# A name begins with a consonant or a leading vowel, never with a following vowel or tone mark.
_STARTS_SYLLABLE = re.compile("[ก-ฮเแโใไ]")
_THAI_RUN = re.compile(rf"[{lexicon.THAI_LETTER}]+")
_EN_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?[ \u00a0]+[A-Z][^\W\d_]+(?:[ \u00a0]+[A-Z][^\W\d_'\-]+){0,2}"
)


@cache
def _title_pattern() -> re.Pattern[str]:
    return re.compile(rf"(?:{lexicon.keyword_pattern(TITLES)})")


def _title_stands_alone(text: str, start: int, title: str) -> bool:
    """Return whether ``title`` at ``start`` is a word of its own, not part of a longer word."""
    if title.count(".") >= 2:
        return True
    if title.endswith(".") or " " in title:
        return start == 0 or not text[start - 1].isalpha() or text[start - 1] in "ฯ"
    for word, at in lexicon.words_around(title):
        lo = start - at
        if lo >= 0 and text.startswith(word, lo):
            return False
    return True


def _family_name(text: str, pos: int) -> int | None:
    """Return where a family name starting at ``pos`` ends, or None if the word there is not one."""
    run = _THAI_RUN.match(text, pos)
    if run is None or len(run.group()) < 2:
        return None
    word = run.group()
    if len(word) > _LONGEST_FAMILY:
        return None
    known = lexicon.family_names().longest_at(text, pos)
    if known == word:
        return run.end()
    if _starts_with_any(word, _NOT_FAMILY | lexicon.stopwords()):
        return None
    if word in lexicon.dictionary_words() and len(word) <= 4:
        return None
    return run.end()


def _after_given(text: str, end: int) -> int:
    """Extend a name ending at ``end`` over a family name (one space after the given name)."""
    if end < len(text) - 1 and text[end] in " \u00a0" and text[end + 1] not in " \u00a0":
        family_end = _family_name(text, end + 1)
        if family_end is not None:
            return family_end
    return end


def _first_word(word: str) -> str:
    """The longest dictionary word ``word`` begins with (maximal matching), or its first letter."""
    words = lexicon.dictionary_words()
    for length in range(min(len(word), 20), 1, -1):
        if word[:length] in words:
            return word[:length]
    return word[:1]


def _starts_with_any(word: str, firsts: frozenset[str]) -> bool:
    """Whether the first word of ``word`` (by maximal matching) is one of ``firsts``."""
    return _first_word(word) in firsts or any(word.startswith(f) for f in _NOT_FAMILY)


def _given_name(  # noqa: PLR0911 - one early return per rule, in the order the docstring gives
    text: str, name_start: int, run: re.Match[str], *, alone: bool, weak: bool, glued: bool
) -> tuple[int, float] | None:
    """Return (end, score) of the given name after a title, or None if no name follows."""
    word = run.group()
    known = lexicon.first_names().longest_at(text, name_start)
    if known in _NOT_GIVEN or (weak and known in lexicon.common_words()):
        known = None
    if known == word:
        return run.end(), 0.9
    if known:
        rest = word[len(known) :]
        if rest in lexicon.family_names() and len(rest) >= 3:
            return run.end(), 0.9
        if _starts_with_any(rest, _NOT_FAMILY | lexicon.stopwords()) and not glued:
            return name_start + len(known), 0.85
    if not alone or len(word) < 2 or _starts_with_any(word, _NOT_FAMILY | lexicon.stopwords()):
        return None
    if not _STARTS_SYLLABLE.match(word) or glued or len(word) > _LONGEST_GIVEN:
        return None
    if weak:
        # คุณ + a name the corpora do not know: only with a family name after it.
        family = lexicon.family_names().longest_at(text, run.end() + 1)
        if (
            word in lexicon.dictionary_words()
            or text[run.end() : run.end() + 1] != " "
            or family is None
        ):
            return None
        if _family_name(text, run.end() + 1) != run.end() + 1 + len(family):
            return None
        return run.end(), 0.6
    return run.end(), 0.75


def _titled(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for m in _title_pattern().finditer(text):
        title = m.group()
        name_start = m.end() + (1 if m.end() < len(text) and text[m.end()] == " " else 0)
        run = _THAI_RUN.match(text, name_start)
        if run is None:
            continue
        weak = title in _WEAK_TITLES
        glued = m.start() > 0 and text[m.start() - 1].isalpha() and title.count(".") < 2
        given = _given_name(
            text,
            name_start,
            run,
            alone=_title_stands_alone(text, m.start(), title),
            weak=weak,
            glued=glued,
        )
        if given is None:
            continue
        given_end, score = given
        if weak and (given_end - name_start < 2 or not _title_stands_alone(text, m.start(), title)):
            continue
        end = _after_given(text, given_end)
        if end == given_end and score < 0.9 and run.group() in lexicon.dictionary_words():
            continue
        findings.append(Finding(PERSON, m.start(), end, text[m.start() : end], score))
    return findings


def _untitled(text: str, taken: list[Finding]) -> list[Finding]:
    """Names without a title: corpus given name + corpus family name, or a name after ชื่อ/ผู้แจ้ง."""
    findings: list[Finding] = []
    for run in _THAI_RUN.finditer(text):
        if any(f.start <= run.start() < f.end for f in taken):
            continue
        given = run.group()
        context = _NAME_CONTEXT.search(text[max(0, run.start() - 20) : run.start()])
        if given not in lexicon.first_names() and not context:
            continue
        if given in _NOT_GIVEN or len(given) < 3 or given in lexicon.common_words():
            continue
        if given not in lexicon.first_names():
            continue
        end = _after_given(text, run.end())
        if context:
            findings.append(Finding(PERSON, run.start(), end, text[run.start() : end], 0.7))
            continue
        if end == run.end():
            continue
        family = text[run.end() + 1 : end]
        signed = _SIGNATURE_TAIL.match(text, end) is not None
        if (family in lexicon.family_names() or signed) and not (
            given in lexicon.dictionary_words() and family in lexicon.dictionary_words()
        ):
            findings.append(Finding(PERSON, run.start(), end, text[run.start() : end], 0.6))
    return findings


def person_detect(*, text: str, norm: str) -> list[Finding]:  # noqa: ARG001 - one signature for all detectors
    """Find personal names in ``text``."""
    findings = _titled(text)
    findings += _untitled(text, findings)
    findings += [
        Finding(PERSON, m.start(), m.end(), m.group(), 0.85) for m in _EN_NAME.finditer(text)
    ]
    return sorted(findings, key=lambda f: (f.start, -f.end))
