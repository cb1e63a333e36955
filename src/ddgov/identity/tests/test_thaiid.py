import pytest
from django.core.exceptions import ValidationError

from ddgov.identity.thaiid import (
    thai_id_check_digit,
    thai_id_complete,
    thai_id_format,
    thai_id_is_valid,
    thai_id_mask,
    thai_id_normalize,
)

VALID = "1234567890121"


@pytest.mark.parametrize(
    "raw",
    [
        "1234567890121",
        "1-2345-67890-12-1",
        "1 2345 67890 12 1",
        "๑๒๓๔๕๖๗๘๙๐๑๒๑",
        " 1-2345-67890-12-1 ",
    ],
)
def test_accepts_plain_dashed_spaced_and_thai_digit_forms(raw):
    assert thai_id_normalize(raw) == VALID


def test_check_digit_is_the_mod_11_rule():
    # Σ d·(13-i) over 123456789012 = 352; 352 mod 11 = 0; (11 - 0) mod 10 = 1
    assert thai_id_check_digit("123456789012") == 1
    assert thai_id_complete("110020000001")[-1] == str(thai_id_check_digit("110020000001"))


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1234567890122", "checksum"),
        ("123456789012", "length"),
        ("12345678901211", "length"),
        ("12345A7890121", "not_digits"),
        ("", "required"),
        ("  -  ", "required"),
        ("0105536000315", "first_digit"),
    ],
)
def test_rejects_bad_ids_with_a_specific_reason(raw, code):
    with pytest.raises(ValidationError) as info:
        thai_id_normalize(raw)
    assert info.value.code == code


def test_error_messages_are_thai_and_english():
    with pytest.raises(ValidationError) as info:
        thai_id_normalize("1234567890122")
    message = info.value.messages[0]
    assert "check digit" in message
    assert "เลขตรวจสอบ" in message


def test_juristic_ids_start_with_zero():
    juristic = thai_id_complete("010553600031")
    assert thai_id_normalize(juristic, kind="juristic") == juristic
    assert not thai_id_is_valid(juristic)  # not a citizen ID
    assert not thai_id_is_valid(VALID, kind="juristic")


def test_format_and_mask():
    assert thai_id_format(VALID) == "1-2345-67890-12-1"
    assert thai_id_mask(VALID) == "1-xxxx-xxxxx-12-1"


def test_a_wrong_last_digit_is_always_caught():
    for replacement in "0234567890":
        if replacement != VALID[-1]:
            assert not thai_id_is_valid(VALID[:-1] + replacement)


def test_most_single_digit_typos_are_caught():
    # The weight of the third digit is 11, so mod 11 cannot see changes there, and two remainders
    # share a check digit: the scheme catches most typos, not all. Know the rate, not assume it.
    caught = total = 0
    for position in range(1, 12):
        for replacement in "0123456789":
            if replacement != VALID[position]:
                total += 1
                caught += not thai_id_is_valid(
                    VALID[:position] + replacement + VALID[position + 1 :]
                )
    assert 0.8 < caught / total < 1.0
