"""The quality rule format (version 1): parse YAML/JSON, check its structure, normalise it.

A rule document is a mapping with ``version: 1`` and a ``rules`` list; each rule names a
``check`` from :data:`CHECKS`, the column(s) it reads, its parameters and optionally its
``id``, ``dimension``, ``resource``, ``threshold`` (share of rows that must pass, default 1),
``severity`` (``error`` or ``warning``) and ``weight``. See ``docs/governance-quality.md``.

This module checks only what can be checked without data (names, types of parameters, regular
expressions); :mod:`ddgov.governance.quality.engine` then checks the rules against a table's
columns. Every problem is collected, so a steward sees them all at once, in English and Thai.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb
import yaml
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MAX_RULES = 200
MAX_SET_VALUES = 1000
DIMENSIONS = ("completeness", "validity", "uniqueness", "consistency", "timeliness")
SEVERITIES = ("error", "warning")
TYPES = ("integer", "number", "boolean", "date", "datetime", "time")
LEVELS = ("province", "district", "subdistrict")
OPS = ("=", "!=", "<", "<=", ">", ">=")
_ID = re.compile(r"^[A-Za-z0-9ก-๙_.\-]{1,80}$")


@dataclass(frozen=True)
class CheckSpec:
    """What a check reads: its dimension, how many columns, which parameters."""

    dimension: str
    columns: str  # "one", "many" or "optional"
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


CHECKS: dict[str, CheckSpec] = {
    "not_null": CheckSpec("completeness", "many"),
    "not_blank": CheckSpec("completeness", "many"),
    "type": CheckSpec("validity", "one", required=("type",)),
    "in_set": CheckSpec("validity", "one", required=("values",)),
    "range": CheckSpec("validity", "one", optional=("min", "max")),
    "regex": CheckSpec("validity", "one", required=("pattern",)),
    "length": CheckSpec("validity", "one", optional=("min", "max")),
    "thai_citizen_id": CheckSpec("validity", "one"),
    "geocode": CheckSpec("validity", "one", required=("level",), optional=("kind",)),
    "unique": CheckSpec("uniqueness", "many"),
    "compare": CheckSpec("consistency", "many", required=("op",), optional=("other", "value")),
    "reference": CheckSpec("consistency", "one", required=("to",)),
    "freshness": CheckSpec("timeliness", "optional", optional=("max_age_days",)),
}
_COMMON = {
    "id",
    "check",
    "dimension",
    "column",
    "columns",
    "resource",
    "threshold",
    "severity",
    "weight",
    "description",
}


class RuleError(ValueError):
    """A rule document with problems; ``problems`` lists each one in English and Thai."""

    def __init__(self, problems: list[str]) -> None:
        """Keep every problem; the message joins them."""
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Rule:
    """One normalised rule."""

    id: str
    check: str
    dimension: str
    columns: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    resource: str = ""
    threshold: float = 1.0
    severity: str = "error"
    weight: float = 1.0
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The rule in the document format (what is stored and shown)."""
        out: dict[str, Any] = {"id": self.id, "check": self.check, "dimension": self.dimension}
        if self.resource:
            out["resource"] = self.resource
        if len(self.columns) == 1:
            out["column"] = self.columns[0]
        elif self.columns:
            out["columns"] = list(self.columns)
        out.update(self.params)
        if self.threshold != 1.0:
            out["threshold"] = self.threshold
        if self.severity != "error":
            out["severity"] = self.severity
        if self.weight != 1.0:
            out["weight"] = self.weight
        if self.description:
            out["description"] = self.description
        return out


def _where(index: int, raw: Any) -> str:
    rid = raw.get("id") if isinstance(raw, dict) else None
    return f"#{index + 1}" + (f" ({rid})" if isinstance(rid, str) and rid else "")


def _problem(where: str, en: str, th: str, **values: Any) -> str:
    body = f"{en} / {th}" % values if values else f"{en} / {th}"
    return _("Rule %(where)s: ") % {"where": where} + body


def rules_load(source: str) -> Any:
    """Parse a rule document written in YAML or JSON; raise :class:`RuleError` if unreadable."""
    text = source.strip()
    if not text:
        return {"version": FORMAT_VERSION, "rules": []}
    try:
        return json.loads(text) if text[0] in "{[" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", "?")
        raise RuleError(
            [
                _(
                    "The rules are not valid YAML or JSON (line %(line)s). / "
                    "กฎไม่อยู่ในรูปแบบ YAML หรือ JSON ที่ถูกต้อง (บรรทัดที่ %(line)s)"
                )
                % {"line": line}
            ]
        ) from exc


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _regex_problem(pattern: str) -> str | None:
    """DuckDB's own RE2 engine judges the pattern (Python's ``re`` accepts different syntax)."""
    con = duckdb.connect()
    try:
        con.execute("SELECT regexp_full_match('', ?)", [pattern]).fetchall()
    except duckdb.Error as exc:
        return str(exc).splitlines()[0][:200]
    finally:
        con.close()
    return None


def _columns(
    raw: dict[str, Any], spec: CheckSpec, where: str, problems: list[str]
) -> tuple[str, ...]:
    given = raw.get("columns", raw.get("column"))
    if given is None:
        if spec.columns != "optional":
            problems.append(_problem(where, "name the column it checks", "ต้องระบุคอลัมน์ที่ตรวจ"))
        return ()
    names = [given] if isinstance(given, str) else given
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        problems.append(_problem(where, "column names must be text", "ชื่อคอลัมน์ต้องเป็นข้อความ"))
        return ()
    if spec.columns in {"one", "optional"} and len(names) != 1:
        problems.append(
            _problem(where, "this check reads exactly one column", "การตรวจนี้ใช้คอลัมน์เดียว")
        )
    return tuple(names)


def _check_bounds(params: dict[str, Any], where: str, problems: list[str], *, ints: bool) -> None:
    if "min" not in params and "max" not in params:
        problems.append(_problem(where, "give min, max or both", "ต้องระบุ min หรือ max"))
    for key in ("min", "max"):
        if key not in params:
            continue
        value = params[key]
        ok = isinstance(value, int) and value >= 0 if ints else _scalar(value)
        if not ok:
            problems.append(
                _problem(where, "%(k)s is not a valid bound", "ค่า %(k)s ไม่ถูกต้อง", k=key)
            )


def _check_type(params: dict[str, Any], where: str, problems: list[str]) -> None:
    if params.get("type") not in TYPES:
        problems.append(
            _problem(
                where,
                "type must be one of %(v)s",
                "type ต้องเป็นค่าใดค่าหนึ่งใน %(v)s",
                v=", ".join(TYPES),
            )
        )


def _check_in_set(params: dict[str, Any], where: str, problems: list[str]) -> None:
    values = params.get("values")
    if (
        not isinstance(values, list)
        or not values
        or len(values) > MAX_SET_VALUES
        or not all(_scalar(v) for v in values)
    ):
        problems.append(
            _problem(
                where,
                "values must be a list of 1 to %(n)s plain values",
                "values ต้องเป็นรายการค่า 1 ถึง %(n)s ค่า",
                n=MAX_SET_VALUES,
            )
        )


def _check_regex(params: dict[str, Any], where: str, problems: list[str]) -> None:
    pattern = params.get("pattern")
    reason = _regex_problem(pattern) if isinstance(pattern, str) and len(pattern) <= 500 else "-"
    if reason:
        problems.append(
            _problem(
                where,
                "the regular expression is invalid (%(r)s)",
                "นิพจน์ปกติ (regex) ไม่ถูกต้อง (%(r)s)",
                r=reason,
            )
        )


def _check_geocode(params: dict[str, Any], where: str, problems: list[str]) -> None:
    if params.get("level") not in LEVELS:
        problems.append(
            _problem(
                where,
                "level must be one of %(v)s",
                "level ต้องเป็นค่าใดค่าหนึ่งใน %(v)s",
                v=", ".join(LEVELS),
            )
        )
    if params.get("kind", "code") not in {"code", "name"}:
        problems.append(_problem(where, "kind must be code or name", "kind ต้องเป็น code หรือ name"))


def _check_reference(params: dict[str, Any], where: str, problems: list[str]) -> None:
    to = params.get("to")
    if not (
        isinstance(to, dict)
        and set(to) == {"resource", "column"}
        and all(isinstance(v, str) and v for v in to.values())
    ):
        problems.append(
            _problem(
                where,
                "to must name a resource and a column (to: {resource: dataset/resource, column: name})",
                "to ต้องระบุทรัพยากรและคอลัมน์ที่อ้างอิง",
            )
        )


def _check_freshness(params: dict[str, Any], where: str, problems: list[str]) -> None:
    if "max_age_days" not in params:
        return
    age = params["max_age_days"]
    if not (_scalar(age) and not isinstance(age, str) and age > 0):
        problems.append(
            _problem(where, "max_age_days must be a positive number", "max_age_days ต้องเป็นจำนวนบวก")
        )


def _check_params(check: str, params: dict[str, Any], where: str, problems: list[str]) -> None:
    """Check the parameters of one check (types and allowed values)."""
    if check in {"range", "length"}:
        _check_bounds(params, where, problems, ints=check == "length")
        return
    checker = {
        "type": _check_type,
        "in_set": _check_in_set,
        "regex": _check_regex,
        "geocode": _check_geocode,
        "compare": _check_compare,
        "reference": _check_reference,
        "freshness": _check_freshness,
    }.get(check)
    if checker is not None:
        checker(params, where, problems)


def _check_compare(params: dict[str, Any], where: str, problems: list[str]) -> None:
    if params.get("op") not in OPS:
        problems.append(
            _problem(
                where, "op must be one of %(v)s", "op ต้องเป็นค่าใดค่าหนึ่งใน %(v)s", v=" ".join(OPS)
            )
        )
    if ("other" in params) == ("value" in params):
        problems.append(
            _problem(
                where,
                "compare with either another column (other) or a value (value)",
                "ต้องเปรียบเทียบกับคอลัมน์อื่น (other) หรือค่าคงที่ (value) อย่างใดอย่างหนึ่ง",
            )
        )
    other = params.get("other")
    if other is not None:
        names = [other] if isinstance(other, str) else other
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) and n for n in names)
        ):
            problems.append(_problem(where, "other must name columns", "other ต้องเป็นชื่อคอลัมน์"))
    if "value" in params and not _scalar(params["value"]):
        problems.append(_problem(where, "value must be a plain value", "value ต้องเป็นค่าเดี่ยว"))


def _number(
    raw: dict[str, Any],
    key: str,
    default: float,
    where: str,
    problems: list[str],
    *,
    top: float | None,
) -> float:
    value = raw.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < 0
        or (top is not None and value > top)
    ):
        limit = f"0..{top:g}" if top is not None else ">= 0"
        problems.append(
            _problem(
                where,
                "%(k)s must be a number in %(r)s",
                "%(k)s ต้องเป็นตัวเลขในช่วง %(r)s",
                k=key,
                r=limit,
            )
        )
        return default
    return float(value)


def _rule(index: int, raw: Any, problems: list[str]) -> Rule | None:
    where = _where(index, raw)
    if not isinstance(raw, dict):
        problems.append(
            _problem(where, "a rule is a mapping of keys to values", "กฎต้องเป็นชุดของคีย์และค่า")
        )
        return None
    check = raw.get("check")
    spec = CHECKS.get(check) if isinstance(check, str) else None
    if spec is None:
        problems.append(
            _problem(
                where,
                "unknown check %(c)r; known: %(k)s",
                "ไม่รู้จักการตรวจ %(c)r; ที่มี: %(k)s",
                c=check,
                k=", ".join(CHECKS),
            )
        )
        return None
    params = {k: v for k, v in raw.items() if k not in _COMMON}
    unknown = sorted(set(params) - set(spec.required) - set(spec.optional))
    if unknown:
        problems.append(
            _problem(
                where,
                "unknown parameter(s) %(p)s for %(c)s",
                "ไม่รู้จักพารามิเตอร์ %(p)s ของการตรวจ %(c)s",
                p=", ".join(unknown),
                c=check,
            )
        )
    missing = [k for k in spec.required if k not in params]
    if missing:
        problems.append(
            _problem(
                where, "missing parameter(s) %(p)s", "ขาดพารามิเตอร์ %(p)s", p=", ".join(missing)
            )
        )
    else:
        _check_params(str(check), params, where, problems)
    columns = _columns(raw, spec, where, problems)
    dimension = raw.get("dimension", spec.dimension)
    if dimension not in DIMENSIONS:
        problems.append(
            _problem(
                where,
                "dimension must be one of %(v)s",
                "dimension ต้องเป็นค่าใดค่าหนึ่งใน %(v)s",
                v=", ".join(DIMENSIONS),
            )
        )
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        problems.append(
            _problem(
                where, "severity must be error or warning", "severity ต้องเป็น error หรือ warning"
            )
        )
    rid = raw.get("id") or "-".join((str(check), *columns)) or str(check)
    if not isinstance(rid, str) or not _ID.match(rid):
        problems.append(
            _problem(
                where,
                "id must be 1-80 letters, digits, - _ or .",
                "id ต้องเป็นตัวอักษร ตัวเลข - _ หรือ . ไม่เกิน 80 ตัว",
            )
        )
    resource = raw.get("resource", "")
    if not isinstance(resource, str):
        problems.append(_problem(where, "resource must be a name or id", "resource ต้องเป็นชื่อหรือรหัส"))
    description = raw.get("description", "")
    return Rule(
        id=str(rid),
        check=str(check),
        dimension=str(dimension),
        columns=columns,
        params=params,
        resource=str(resource or ""),
        threshold=_number(raw, "threshold", 1.0, where, problems, top=1.0),
        severity=str(severity),
        weight=_number(raw, "weight", 1.0, where, problems, top=None),
        description=str(description)[:500],
    )


def rules_parse(document: Any) -> list[Rule]:
    """Return the normalised rules of a loaded document, or raise :class:`RuleError` listing all problems."""
    if isinstance(document, list):
        document = {"version": FORMAT_VERSION, "rules": document}
    if not isinstance(document, dict):
        raise RuleError([_("The rules must be a mapping with a rules list. / กฎต้องมีรายการ rules")])
    problems: list[str] = []
    version = document.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        problems.append(
            _("Unsupported rule format version %(v)r (use 1). / ไม่รองรับรูปแบบกฎรุ่น %(v)r (ใช้ 1)")
            % {"v": version}
        )
    extra = sorted(set(document) - {"version", "rules", "inferred"})
    if extra:
        problems.append(
            _("Unknown top-level key(s): %(k)s. / ไม่รู้จักคีย์ระดับบนสุด: %(k)s")
            % {"k": ", ".join(map(str, extra))}
        )
    raw_rules = document.get("rules", [])
    if not isinstance(raw_rules, list):
        raise RuleError([*problems, _("rules must be a list. / rules ต้องเป็นรายการ")])
    if len(raw_rules) > MAX_RULES:
        problems.append(
            _("At most %(n)s rules per dataset. / กำหนดกฎได้ไม่เกิน %(n)s ข้อต่อชุดข้อมูล")
            % {"n": MAX_RULES}
        )
    rules = [r for i, raw in enumerate(raw_rules[:MAX_RULES]) if (r := _rule(i, raw, problems))]
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        key = (rule.resource, rule.id)
        if key in seen:
            problems.append(
                _("Two rules have the id %(id)s. / มีกฎสองข้อที่ใช้ id %(id)s ซ้ำกัน") % {"id": rule.id}
            )
        seen.add(key)
    if problems:
        raise RuleError(problems)
    return rules


def rules_from_source(source: str) -> list[Rule]:
    """Load and parse YAML/JSON text in one step."""
    return rules_parse(rules_load(source))


def rules_document(rules: list[Rule], *, inferred: bool = False) -> dict[str, Any]:
    """The stored form of a rule list."""
    doc: dict[str, Any] = {"version": FORMAT_VERSION, "rules": [r.as_dict() for r in rules]}
    if inferred:
        doc["inferred"] = True
    return doc


def rules_yaml(rules: list[Rule], *, inferred: bool = False) -> str:
    """The rules as readable YAML (Thai kept as is), e.g. to pre-fill the editor."""
    return yaml.safe_dump(
        rules_document(rules, inferred=inferred), allow_unicode=True, sort_keys=False, width=100
    )
