"""The rule format: parsing YAML/JSON, defaults, and every structural problem reported at once."""

from __future__ import annotations

import pytest

from ddgov.governance.quality.rules import (
    CHECKS,
    RuleError,
    rules_document,
    rules_from_source,
    rules_parse,
    rules_yaml,
)


def test_yaml_and_json_give_the_same_rules() -> None:
    yaml_text = """
version: 1
rules:
  - check: not_null
    column: จังหวัด
  - id: amount-positive
    check: range
    column: amount
    min: 0
    threshold: 0.95
    severity: warning
"""
    json_text = (
        '{"version": 1, "rules": [{"check": "not_null", "column": "จังหวัด"},'
        ' {"id": "amount-positive", "check": "range", "column": "amount", "min": 0,'
        ' "threshold": 0.95, "severity": "warning"}]}'
    )
    from_yaml, from_json = rules_from_source(yaml_text), rules_from_source(json_text)
    assert from_yaml == from_json
    first, second = from_yaml
    assert (first.id, first.dimension, first.columns, first.threshold) == (
        "not_null-จังหวัด",
        "completeness",
        ("จังหวัด",),
        1.0,
    )
    assert (second.id, second.dimension, second.params, second.threshold, second.severity) == (
        "amount-positive",
        "validity",
        {"min": 0},
        0.95,
        "warning",
    )


def test_each_check_has_its_default_dimension() -> None:
    assert {name: spec.dimension for name, spec in CHECKS.items()} == {
        "not_null": "completeness",
        "not_blank": "completeness",
        "type": "validity",
        "in_set": "validity",
        "range": "validity",
        "regex": "validity",
        "length": "validity",
        "thai_citizen_id": "validity",
        "geocode": "validity",
        "unique": "uniqueness",
        "compare": "consistency",
        "reference": "consistency",
        "freshness": "timeliness",
    }


def test_a_bare_list_is_accepted_and_the_document_round_trips() -> None:
    rules = rules_parse(
        [{"check": "unique", "columns": ["a", "b"]}, {"check": "freshness", "max_age_days": 7}]
    )
    assert [r.id for r in rules] == ["unique-a-b", "freshness"]
    assert rules_parse(rules_document(rules)) == rules
    assert rules_from_source(rules_yaml(rules)) == rules


def test_empty_text_means_no_rules() -> None:
    assert rules_from_source("  \n") == []


def test_every_problem_is_listed_in_english_and_thai() -> None:
    source = """
rules:
  - check: not_a_check
    column: a
  - check: regex
    column: a
    pattern: "([unclosed"
  - check: in_set
    column: a
    values: []
  - check: range
    column: a
  - check: compare
    column: a
    op: "=="
    other: b
    value: 1
  - check: geocode
    column: a
    level: village
  - check: not_null
  - check: unique
    column: a
    threshold: 2
    colour: red
"""
    with pytest.raises(RuleError) as caught:
        rules_from_source(source)
    problems = caught.value.problems
    text = "\n".join(problems)
    for fragment in (
        "unknown check 'not_a_check'",
        "regular expression is invalid",
        "values must be a list",
        "give min, max or both",
        "op must be one of",
        "either another column (other) or a value",
        "level must be one of",
        "name the column it checks",
        "threshold must be a number in 0..1",
        "unknown parameter(s) colour",
    ):
        assert fragment in text, fragment
    assert all(" / " in p for p in problems)
    assert "ไม่รู้จักการตรวจ" in text
    assert "#1" in problems[0]


def test_duplicate_ids_and_unknown_keys_are_refused() -> None:
    with pytest.raises(RuleError) as caught:
        rules_parse(
            {
                "version": 2,
                "rulez": [],
                "rules": [
                    {"check": "not_null", "column": "a"},
                    {"check": "not_null", "column": "a"},
                ],
            }
        )
    text = str(caught.value)
    assert "Unsupported rule format version 2" in text
    assert "rulez" in text
    assert "Two rules have the id not_null-a" in text


def test_unreadable_text_says_which_line() -> None:
    with pytest.raises(RuleError) as caught:
        rules_from_source("rules:\n  - check: [unclosed\n")
    assert "not valid YAML or JSON" in str(caught.value)
    assert "ไม่อยู่ในรูปแบบ" in str(caught.value)


def test_a_python_only_regex_is_refused_because_duckdb_uses_re2() -> None:
    with pytest.raises(RuleError, match="regular expression is invalid"):
        rules_from_source('rules: [{check: regex, column: a, pattern: "(?<=a)b"}]')
    assert rules_from_source('rules: [{check: regex, column: a, pattern: "[ก-๙]+"}]')[0].params == {
        "pattern": "[ก-๙]+"
    }
