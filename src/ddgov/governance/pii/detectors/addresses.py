# ruff: noqa: RUF001 - the full-width colon is data (people type it)
"""Thai postal addresses, matched against the geothai gazetteer.

An address starts at a house number (``99/12``, after บ้านเลขที่ / เลขที่ or followed by an address
part) and runs over the parts people write after it, in any order, with or without their level
words and with or without a colon (complaint forms write ``ซอย : … ถนน : … เขต : …``): หมู่ / ม.,
หมู่บ้าน, ซอย / ซ., ถนน / ถ., ตำบล / ต. / แขวง, อำเภอ / อ. / เขต, จังหวัด / จ., and the postal code.
Subdistrict, district and province names and postal codes are checked against geothai; the span
ends at the last one that matched, so a road or soi name after it is left out. A short remark in
brackets after the house number (``(บ้านผู้แจ้ง)``) is skipped. A house number with a soi or road but
no area is reported (with a low score) only when บ้านเลขที่ announces it.
"""

from __future__ import annotations

import re
from functools import cache

from ddgov.governance.pii import lexicon
from ddgov.governance.pii.types import ADDRESS, Finding

_HOUSE = re.compile(r"(?<![\d/\-.])(?<!\d:)(?P<num>\d{1,5}(?:/\d{1,4})?)(?![\d/.:]|-\d)")
_ANNOUNCED = re.compile(r"(?:บ้านเลขที่|เลขที่|ที่อยู่|บ้าน|address)\s*[:：]?\s*$", re.IGNORECASE)
# A number after these words is a moo, soi, floor … number or a quantity, not a house number.
_NOT_HOUSE = re.compile(
    r"(?:หมู่ที่|หมู่|ม\.|ซอย|ซ\.|ถนน|ถ\.|แยก|ชั้น|ห้อง|อาคาร|สาย|กม\.|ข้อ|ครั้ง|เวลา|ประมาณ|"
    r"(?:ครั้ง|วัน|ชุด|ข้อ|คน|ลำดับ|ฉบับ|อันดับ|ชั้น|ต้น|ราย|ประเภท|ระดับ|ขั้น)ที่|"
    r"จำนวน|รหัส|เลข|โทร|เบอร์|ทะเบียน|[ก-ฮ])[\s.:]*$|-\s*$"
)
# A number right after a Thai word is a soi or road number (ราษฎร์บูรณะ 11) unless the word says
# "at" (ที่, อยู่, ณ).
_AFTER_WORD = re.compile(rf"[{lexicon.THAI_LETTER}][ \u00a0]*$")
_AT_WORDS = ("ที่", "อยู่", "ณ", "บ้าน")
_GAP = re.compile(r"[ \u00a0,:*]*")
_REMARK = re.compile(r"\(\s*[^()]{0,40}\)")
_LOCAL_WORDS = re.compile(r"หมู่บ้าน|หมู่ที่|หมู่|ม\.|มบ\.|ซอย|ซ\.|ตรอก|ถนน|ถ\.|อาคาร|คอนโด|ชั้น|ห้อง|แยก")
_LEVEL_WORDS = re.compile(r"ตำบล|ต\.|แขวง|เเขวง|อำเภอ|อ\.|เขต|จังหวัด|จ\.|รหัสไปรษณีย์")
_ANY_WORD = re.compile(rf"(?:{_LOCAL_WORDS.pattern}|{_LEVEL_WORDS.pattern})")
_STOP = re.compile(r"#|//|\(|\)|โทร|เบอร์|ติดต่อ|อีเมล|e-?mail|\n", re.IGNORECASE)
_POSTCODE = re.compile(r"(?<!\d)\d{5}(?!\d)")
_POSTCODE_WORD = re.compile(r"(?:รหัสไปรษณีย์|ปณ\.?)[ \u00a0:]*")
_TOKEN = re.compile(r"[^\s,:*]+")


@cache
def _levels() -> tuple[tuple[re.Pattern[str], lexicon.NameIndex], ...]:
    return (
        (re.compile(r"(?:ตำบล|ต\.|แขวง|เเขวง)[ \u00a0:]*"), lexicon.subdistricts()),
        (re.compile(r"(?:อำเภอ|อ\.|เขต)[ \u00a0:]*"), lexicon.districts()),
        (re.compile(r"(?:จังหวัด|จ\.)[ \u00a0:]*"), lexicon.provinces()),
    )


def _ends_word(norm: str, end: int) -> bool:
    """A gazetteer name must end its word: a space, punctuation, a digit, a level word or the end."""
    if end >= len(norm) or not norm[end].isalpha():
        return True
    return bool(_LEVEL_WORDS.match(norm, end))


# Provinces whose name is also a common word; they need จ. / จังหวัด before them.
_WORDLIKE_PROVINCES = frozenset({"เลย", "ตาก", "แพร่"})


def _bare_ok(name: str, index: lexicon.NameIndex) -> bool:
    """A name written without its level word must not be a common Thai word (ถนน, ตลาด, เลย …)."""
    if index is lexicon.provinces():
        return name not in _WORDLIKE_PROVINCES
    return len(name) >= 3 and name not in lexicon.dictionary_words()


def _area_at(norm: str, pos: int) -> int | None:
    """Return the end of a gazetteer area (with or without its level word) at ``pos``, or None."""
    local = _LOCAL_WORDS.match(norm, pos)
    for words, index in _levels():
        prefixed = words.match(norm, pos)
        if prefixed is None and local is not None:
            continue
        start = prefixed.end() if prefixed else pos
        name = index.longest_at(norm, start)
        if name and _ends_word(norm, start + len(name)) and (prefixed or _bare_ok(name, index)):
            return start + len(name)
    code = _POSTCODE_WORD.match(norm, pos)
    start = code.end() if code else pos
    postcode = _POSTCODE.match(norm, start)
    if postcode and postcode.group() in lexicon.postal_codes():
        return postcode.end()
    return None


def _value_end(norm: str, pos: int) -> int:
    """Return where the value of a soi/road/moo part starting at ``pos`` ends.

    A value is one word and the numbers after it (``สุขุมวิท 11``, ``จันทน์ 28/1``), up to two
    words (``เรืองรัตน์ เอกชัย 30``), never running into a level word, an area name or a stop mark.
    """
    end = pos
    words = 0
    numbered = False
    tokens = list(_TOKEN.finditer(norm, pos, min(len(norm), pos + 80)))
    for i, token in enumerate(tokens):
        if token.start() - end > 3 or (
            end > pos and _GAP.fullmatch(norm, end, token.start()) is None
        ):
            break
        piece = token.group()
        if _STOP.match(piece) or (
            end > pos and (_ANY_WORD.match(piece) or _area_at(norm, token.start()))
        ):
            break
        if piece[0].isdigit():
            numbered = True
        else:
            words += 1
            # After a number, another word only if a number follows it (ปุณณวิถี 45 สุขุมวิท 101).
            follows = tokens[i + 1].group() if i + 1 < len(tokens) else ""
            if words > 2 or (numbered and not follows[:1].isdigit()):
                break
        stop = _STOP.search(piece)
        end = token.start() + (stop.start() if stop else len(piece))
        if stop:
            break
    return end


def _walk(norm: str, pos: int) -> tuple[int | None, int | None, int, int]:
    """Walk the parts after a house number.

    Returns the end of the last gazetteer area, the end of the last part of any kind, the number
    of areas and the number of soi/road/moo parts.
    """
    last_area = last_part = None
    areas = parts = 0
    remark = _REMARK.match(norm, _gap_end(norm, pos))
    if remark:
        pos = remark.end()
    for _ in range(20):
        nxt = _gap_end(norm, pos)
        if nxt >= len(norm):
            break
        area_end = _area_at(norm, nxt)
        if area_end is not None:
            pos = last_area = last_part = area_end
            areas += 1
            continue
        word = _ANY_WORD.match(norm, nxt)
        if word is None:
            break
        end = _value_end(norm, _gap_end(norm, word.end()))
        if end <= word.end():
            break
        pos = last_part = end
        parts += 1
    return last_area, last_part, areas, parts


def _gap_end(norm: str, pos: int) -> int:
    gap = _GAP.match(norm, pos)
    return gap.end() if gap else pos


def address_detect(*, text: str, norm: str) -> list[Finding]:
    """Find postal addresses in ``text``, from the house number to the last matched area."""
    findings: list[Finding] = []
    for house in _HOUSE.finditer(norm):
        if findings and house.start() < findings[-1].end:
            continue
        before = norm[max(0, house.start() - 15) : house.start()]
        announced = bool(_ANNOUNCED.search(before))
        after_word = _AFTER_WORD.search(before) and not before.rstrip().endswith(_AT_WORDS)
        if not announced and (_NOT_HOUSE.search(before) or after_word):
            continue
        last_area, _last_part, areas, parts = _walk(norm, house.end())
        if last_area is not None and (announced or parts or areas >= 2):
            score = 0.9 if areas >= 2 else 0.75
            findings.append(
                Finding(ADDRESS, house.start(), last_area, text[house.start() : last_area], score)
            )
    return findings
