"""Bank account numbers and PromptPay IDs (both reported as ``BANK_ACCOUNT``).

Thai banks print a 10-digit account as ``xxx-x-xxxxx-x`` (some 12-digit ones as ``xxx-x-xxxxx-xxx``);
that grouping alone is a good sign. Any 10 to 12 digit number is an account when the nearest keyword
before it is a bank word (บัญชี, ธนาคาร, กสิกร, ไทยพาณิชย์, กรุงไทย, ออมสิน, A/C …) rather than a phone
or ID word. A phone number or citizen ID right after พร้อมเพย์ / PromptPay is a PromptPay ID: it
identifies a bank account, so it is reported as ``BANK_ACCOUNT`` instead of a phone or an ID.
"""

from __future__ import annotations

import re

from ddgov.governance.pii.detectors.ids import citizen_id_valid, citizen_id_windows
from ddgov.governance.pii.detectors.numbers import Window, digit_chunks, nearest_keyword, windows
from ddgov.governance.pii.detectors.phones import PHONE_WORDS, phone_number_valid
from ddgov.governance.pii.types import BANK_ACCOUNT, Finding

BANK_WORDS = re.compile(
    r"เลขที่บัญชี|เลขบัญชี|บัญชี|บ/ช|ธนาคาร|ธ\.|กสิกร|ไทยพาณิชย์|กรุงไทย|ออมสิน|กรุงศรี|ทหารไทย|ทีทีบี|"
    r"ธนชาต|ธ\.ก\.ส|ธกส|ยูโอบี|ซีไอเอ็มบี|อาคารสงเคราะห์|ธอส|เกียรตินาคิน|ทิสโก้|แลนด์ แอนด์ เฮ้าส์|"
    r"ไอซีบีซี|โอนเงิน|โอนเข้า|โอนมา|\ba/c\b|\bacct\b|account|\bbank\b|\bscb\b|kbank|\bktb\b|\bbbl\b|"
    r"\bgsb\b|\bbay\b|\bttb\b|\bbaac\b",
    re.IGNORECASE,
)
PROMPTPAY_WORDS = re.compile(
    r"(?:พร้อมเพย์|พร้อมเพ|prompt\s?pay)(?:\s*(?:เบอร์|เลขที่|เลข|หมายเลข|no\.?|id))?", re.IGNORECASE
)
ID_WORDS = re.compile(r"เลขบัตร|บัตร|ปชช|เลขประจำตัว|citizen|\bid\b", re.IGNORECASE)
BANK_SHAPES = frozenset({"3-1-5-1", "3-1-5-3", "3-1-6-1"})

_CONTEXTS = {"bank": BANK_WORDS, "promptpay": PROMPTPAY_WORDS, "phone": PHONE_WORDS, "id": ID_WORDS}


def bank_detect(*, text: str, norm: str) -> list[Finding]:
    """Find bank account numbers and PromptPay IDs in ``text``."""
    findings: list[Finding] = []

    def add(window: Window, score: float) -> None:
        if not any(window.start < f.end and f.start < window.end for f in findings):
            findings.append(
                Finding(
                    BANK_ACCOUNT, window.start, window.end, text[window.start : window.end], score
                )
            )

    ids = citizen_id_windows(norm)
    for groups in digit_chunks(norm):
        for window in windows(norm, groups, (9, 10, 11, 12, 13)):
            context = nearest_keyword(norm, window.start, _CONTEXTS, reach=40)
            size = len(window.digits)
            if context == "promptpay" and (
                (size in (9, 10) and phone_number_valid(window.digits) is not None)
                or citizen_id_valid(window.digits)
            ):
                add(window, 0.95)
            elif size in (9, 13) or any(window.start < w.end and w.start < window.end for w in ids):
                continue
            elif context == "bank":
                add(window, 0.95)
            elif window.shape in BANK_SHAPES and context not in {"phone", "id"}:
                add(window, 0.8)
    return findings
