"""Tokenising and the query language, without a database."""

import pytest

from ddgov.catalog.search.query import (
    And,
    MatchAll,
    MatchNone,
    Not,
    Or,
    Range,
    SearchQueryError,
    Term,
    Text,
    min_should_match,
    query_parse,
    sort_parse,
)
from ddgov.catalog.search.text import search_tokens, texts_tokenise, thai_sort_key


def test_thai_run_is_segmented_into_words():
    assert search_tokens("จำนวนผู้สูงอายุรายจังหวัด") == ("จำนวน", "ผู้สูงอายุ", "ราย", "จังหวัด")


def test_english_is_lowercased_and_split_and_thai_digits_become_arabic():
    assert search_tokens("Air Quality PM2.5 / Open-Data ๒๕๖๖") == (
        "air",
        "quality",
        "pm",
        "2",
        "5",
        "open",
        "data",
        "2566",
    )


def test_punctuation_and_repetition_marks_are_dropped():
    assert search_tokens("ไปๆ มาๆ !!! ") == ("ไป", "มา")
    assert search_tokens("   ") == ()


def test_texts_tokenise_returns_space_joined_fields_and_joined_thai_pairs():
    fields = texts_tokenise(("ผู้สูงอายุรายจังหวัด", ("open data", "ประชากร"), "", ("dga",)))
    assert fields == (
        "ผู้สูงอายุ ราย จังหวัด", "open data ประชากร", "", "dga", "ผู้สูงอายุราย รายจังหวัด",
    )  # fmt: skip


def test_thai_sort_key_orders_like_a_dictionary():
    words = ["ไก่", "เกิด", "กาล", "เป็ด", "หมู", "วัว", "วันที่"]
    assert sorted(words, key=thai_sort_key) == ["กาล", "เกิด", "ไก่", "เป็ด", "วันที่", "วัว", "หมู"]


@pytest.mark.parametrize("q", ["", "  ", "*:*", "*", '""'])
def test_empty_and_star_queries_match_everything(q):
    assert query_parse(q) == MatchAll()


def test_bare_words_use_ckan_minimum_should_match():
    assert [min_should_match(n) for n in range(1, 9)] == [1, 2, 2, 3, 4, 4, 5, 6]
    node = query_parse("ผู้สูงอายุ รายได้ ครัวเรือน")
    assert node == Text((("ผู้สูงอายุ",), ("รายได้",), ("ครัวเรือน",)), "text", 2)
    # An unsegmented run stays one word made of several tokens.
    assert query_parse("ผู้สูงอายุรายจังหวัด") == Text((("ผู้สูงอายุ", "ราย", "จังหวัด"),), "text", 1)


def test_quoted_words_are_all_required():
    assert query_parse('"ผู้สูงอายุ รายได้ครัวเรือน"') == Text(
        (("ผู้สูงอายุ",), ("รายได้",), ("ครัวเรือน",)), "text", 3
    )


def test_fielded_terms_operators_and_groups():
    node = query_parse('organization:dga +groups:welfare -tags:"ข้อมูล เปิด" res_format:csv')
    assert node == And(
        (
            Term("organization", "dga"),
            Term("groups", "welfare"),
            Not(Term("tags", "ข้อมูล เปิด")),
            Term("res_format", "CSV"),
        )
    )
    assert query_parse("tags:(ผู้สูงอายุ OR ประชากร)") == Or(
        (Term("tags", "ผู้สูงอายุ"), Term("tags", "ประชากร"))
    )
    assert query_parse("NOT organization:x") == Not(Term("organization", "x"))
    assert query_parse("capacity:private") == Term("private", "true")
    assert query_parse("dataset_type:dataset") == MatchAll()
    assert query_parse("dataset_type:harvest") == MatchNone()


def test_title_field_takes_words_and_text_mixes_with_fields():
    node = query_parse("title:ผู้สูงอายุ organization:dga")
    assert node == And((Term("organization", "dga"), Text((("ผู้สูงอายุ",),), "title", 1)))


def test_date_ranges():
    node = query_parse("metadata_modified:[2024-01-01T00:00:00Z TO *]")
    assert isinstance(node, Range)
    assert (node.low, node.high, node.include_low) == (1704067200.0, None, True)
    recent = query_parse("metadata_created:{NOW-7DAYS TO NOW]")
    assert isinstance(recent, Range)
    assert recent.high - recent.low == pytest.approx(7 * 86400, abs=2)
    assert not recent.include_low


@pytest.mark.parametrize(
    ("q", "fragment"),
    [
        ("(ผู้สูงอายุ", "parenthesis"),
        ("ผู้สูงอายุ)", "Unexpected"),
        ('"ไม่ปิด', "quotation"),
        ("colour:red", "Unknown search field"),
        ("organization:", "has no value"),
        ("metadata_modified:[yesterday TO *]", "Cannot read the date"),
        ("metadata_modified:[2024-01-01]", "range"),
        ("tags:[a TO b]", "Ranges work only"),
        ("high_value_dataset:maybe", "true or false"),
        ("ผู้สูงอายุ AND", "AND needs"),
        ("ผู้สูงอายุ NOT", "NOT needs"),
        ("(NOT)", "NOT needs"),
        ("OR ผู้สูงอายุ", "nothing to combine"),
        ("()", "nothing to combine"),
        ("x" * 5001, "longer than"),
    ],
)
def test_unreadable_queries_raise_a_bilingual_search_query_error(q, fragment):
    with pytest.raises(SearchQueryError) as info:
        query_parse(q)
    assert fragment in str(info.value)
    assert " / " in str(info.value)


def test_sort_is_normalised_and_unknown_fields_refused():
    assert sort_parse(None) == (
        (("score", True), ("metadata_modified", True)),
        "score desc, metadata_modified desc",
    )
    assert sort_parse("name  ASC,metadata_created desc")[1] == "name asc, metadata_created desc"
    with pytest.raises(SearchQueryError, match="Cannot sort by 'views'"):
        sort_parse("views desc")
    with pytest.raises(SearchQueryError, match="field asc"):
        sort_parse("name")


def test_any_input_parses_or_raises_search_query_error():
    import contextlib
    import random

    pieces = ['"', "(", ")", "[", "]", "{", "}", ":", "*", "?", "\\", "+", "-", "!", " ", "AND", "OR", "NOT",
              "&&", "||", "TO", "tags", "metadata_modified", "name", "title", "ผู้สูงอายุ", "x", "2566", "NOW"]  # fmt: skip
    rng = random.Random(2569)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        with contextlib.suppress(SearchQueryError):
            query_parse(text)
