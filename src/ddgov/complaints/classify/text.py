"""Thai complaint text: normalisation, case references and word segmentation.

Traffy Fondue texts carry noise that says nothing about the problem: the Bangkok 1555 hotline's
``#1555`` tag and its address template (``ซอย : …``, ``ถนน : …``, ``แขวง : …``, ``เขต : …`` - the
word ถนน there is an address field, not a road complaint), references to earlier cases
("อ้างอิงเลขเคส 72ELDD", "2024-6NG88P"), URLs, Thai digits, zero-width spaces, doubled
``เ`` for ``แ`` and stretched letters ("มากกกก"). :func:`text_normalise` removes or folds them
so the classifier (and later the duplicate screen) sees the complaint itself.

Segmentation uses PyThaiNLP's ``newmm`` engine with the dictionary shipped inside the package:
nothing is downloaded.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\ufffd\u00ad]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

# A Traffy case code: six upper-case letters/digits, optionally after the year ("2024-6NG88P").
_CASE_CODE = r"(?:20\d{2}-)?[A-Za-z0-9]{6}(?![A-Za-z0-9])"
# Phrases that introduce a reference to an earlier case, as written in the real data.
_CASE_PHRASE = (
    r"(?:เลข(?:ที่)?(?:ร้องทุกข์|รับแจ้ง|แจ้ง|เคส)?(?:ที่)?อ้างอิง(?:เดิม)?"
    r"|(?:หมายเลข|เลข(?:ที่)?)?(?:รับแจ้ง)?(?:เดิม)?อ้างอิง(?:จาก)?(?:เลข|เคส)?(?:ที่)?"
    r"(?:รับแจ้ง|แจ้ง|เคส)?(?:เดิม)?(?:ที่แจ้งไปมี|คือ)?"
    r"|เคสอ้างอิง|หมายเลขรับแจ้งเดิม|เลขรับแจ้งก่อนหน้านี้|เลขที่แจ้งเดิม(?:คือ)?)"
)
_CASE_REFERENCE = re.compile(
    rf"{_CASE_PHRASE}\s*(?:[:\uff1a]\s*)?#?\s*(?P<code>{_CASE_CODE})", re.IGNORECASE
)
# Year-prefixed ticket ids and ``#XXXXXX`` codes are case references wherever they appear.
_BARE_CASE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<year>20\d{2}-[A-Za-z0-9]{6})|#(?P<hash>(?=[A-Z0-9]*\d)[A-Z0-9]{6}))"
    r"(?![A-Za-z0-9])"
)
# Status of the earlier case quoted in a re-report ("สถานะ : เสร็จสิ้น").
_OLD_STATUS = re.compile(
    r"สถานะ\s*[:\uff1a]?\s*(?:เสร็จสิ้น|กำลังดำเนินการ|รอรับเรื่อง|ส่งต่อ(?:\s*\(ใหม่\))?)"
)
# Channel and campaign tags that say how the complaint arrived, not what it is about.
_CHANNEL_TAG = re.compile(
    r"#\s*(?:1555|1111|ศรท\s*1111|ศรท|citydata|bkkrongtook|traffywebsite|english)\b",
    re.IGNORECASE,
)
_HOTLINE = re.compile(r"#\s*1555\b")
# Address and landmark fields of the hotline's template ("ซอย : …", "จุดสังเกต: …"): they say
# where, not what, so the label and its value go, up to the next field, a tag or the line's end.
_WHERE_LABEL = (
    r"(?:ซอย|ถนน|แขวง|เขต|บ้านเลขที่|หมู่บ้าน|จังหวัด|รหัสไปรษณีย์|พิกัดจุดสังเกตุ?|จุดสังเกตุ?"
    r"|จุดเกิ?ดเหตุ(?:\s*\(\s*สถานที่สำคัญ\s*/\s*จุดสังเกตุ?\s*\))?)"
)
# Labels whose value is the complaint itself: only the label goes.
_WHAT_LABEL = r"(?:ปัญหาที่แจ้ง|ปัญหา|รายละเอียด|เรื่อง|หัวข้อหลัก)"
_WHERE_FIELD = re.compile(
    rf"{_WHERE_LABEL}\s*[:\uff1a][^\n#]*?(?=(?:{_WHERE_LABEL}|{_WHAT_LABEL})\s*[:\uff1a]|#|\n|$)",
    re.MULTILINE,
)
_WHAT_FIELD = re.compile(rf"{_WHAT_LABEL}\s*[:\uff1a]")
_PM25 = re.compile(r"pm\s*2\s*[.,]?\s*5", re.IGNORECASE)
_STRETCHED = re.compile(r"([^\d\s])\1{2,}")
_DOUBLE_E = re.compile("เเ")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Unicode composition, invisible characters, Thai digits and case."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\u0e4d\u0e32", "\u0e33")  # nikhahit + sara aa typed for sara am
    text = _DOUBLE_E.sub("แ", text)  # two sara e typed for sara ae
    return text.translate(_THAI_DIGITS)


def case_references_extract(*, text: str) -> list[str]:
    """Case codes of earlier complaints the text cites ("อ้างอิงเลขเคส 72ELDD" → ``72ELDD``).

    Codes are upper-cased and returned in order of appearance without repeats; year-prefixed
    ticket ids keep their year ("2024-6NG88P"). Useful for linking re-reports to the original.
    """
    folded = _fold(text)
    found = [m.group("code").upper() for m in _CASE_REFERENCE.finditer(folded)]
    found += [(m.group("year") or m.group("hash")).upper() for m in _BARE_CASE.finditer(folded)]
    return list(dict.fromkeys(found))


def text_is_hotline(*, text: str) -> bool:
    """True when the complaint came in through the Bangkok 1555 hotline (``#1555`` tag)."""
    return bool(_HOTLINE.search(_fold(text)))


def text_normalise(*, text: str) -> str:
    """The complaint text without channel tags, case references, URLs and address fields.

    Also: Thai digits become ASCII, Latin letters lower case, ``เเ`` becomes ``แ``, letters
    repeated three or more times collapse to one, "PM 2.5" becomes ``pm2.5`` and whitespace
    collapses to single spaces. The result is still readable Thai.
    """
    text = _fold(text)
    text = _URL.sub(" ", text)
    text = _CASE_REFERENCE.sub(" ", text)
    text = _BARE_CASE.sub(" ", text)
    text = _OLD_STATUS.sub(" ", text)
    text = _CHANNEL_TAG.sub(" ", text)
    text = _WHERE_FIELD.sub(" ", text)
    text = _WHAT_FIELD.sub(" ", text)
    text = text.lower()
    text = _PM25.sub(" pm2.5 ", text)
    text = _STRETCHED.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


_TOKEN_KEEP = re.compile(r"[0-9a-z\u0e00-\u0e7f]")
_NUMBER = re.compile(r"^[0-9][0-9.,:/-]*$")


@lru_cache(maxsize=1)
def _tokenizer() -> object:
    """PyThaiNLP's ``newmm`` tokenizer over the package's own word list (loaded once)."""
    from pythainlp.tokenize import Tokenizer  # noqa: PLC0415 - heavy import, loaded when first used

    return Tokenizer(engine="newmm", keep_whitespace=False)


def text_segment(*, text: str) -> list[str]:
    """Words of an already normalised text (PyThaiNLP ``newmm``, offline).

    Punctuation and symbols are dropped and every number becomes ``0`` - house and soi numbers
    say where, not what - except after "pm" ("pm2.5" stays one word).
    """
    tokenizer = _tokenizer()
    words: list[str] = tokenizer.word_tokenize(text)  # type: ignore[attr-defined]
    out: list[str] = []
    for word in words:
        token = word.strip()
        if not token or not _TOKEN_KEEP.search(token):
            continue  # punctuation, emoji, symbols
        if _NUMBER.match(token):
            if out and out[-1] == "pm":  # newmm splits "pm2.5" into "pm" and "2.5"
                out[-1] = "pm" + token.replace(",", ".")
                continue
            out.append("0")
            continue
        out.append(token)
    return out
