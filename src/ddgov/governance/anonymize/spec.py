"""What an anonymised release is asked for: the spec, its parsing, and the error it raises.

A spec names the quasi-identifiers (each with a generalisation hierarchy), the sensitive
attribute(s), the privacy goals (k, l, optionally t) and the suppression budget, and which
columns to drop or redact. The CLI (``--hierarchy col=kind[:params]``), the web form and the
services all build the same :class:`AnonymizeSpec`; it is stored as ``Release.params``.

Hierarchy kinds (see ``hierarchies.py`` for the levels each produces)::

    age[:5,10,20]         integer bands of the given widths, then *
    numeric[:w1,w2,...]   numeric bins [lo, hi) of the given widths (default: from the range), then *
    date                  day -> month (YYYY-MM) -> year -> *
    geo                   subdistrict -> district -> province -> region -> * (codes or Thai names)
    prefix[:step]         keep the leading characters, masking ``step`` more from the right per level
    tree:FILE.csv         custom categorical tree, ARX format: value;level1;level2;... (';' or ',')
    star                  value -> * (the default for other text columns)
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("age", "numeric", "date", "geo", "prefix", "tree", "star")
DEFAULT_MAX_SUPPRESSION = 0.05


class AnonymizeError(ValueError):
    """Bad input to an anonymisation: the message carries English and Thai (nothing was written)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        """Keep the bilingual ``message`` and the spec field it is about (for form errors)."""
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class HierarchySpec:
    """One quasi-identifier's generalisation hierarchy: a kind and its parameters."""

    kind: str
    widths: tuple[float, ...] = ()
    step: int = 1
    # tree: value -> [level 1, level 2, ...] (level 0 is the value itself; '*' is appended).
    tree: dict[str, list[str]] = field(default_factory=dict)
    source: str = ""

    def describe(self) -> str:
        """A short name for reports: ``age:5,10,20``, ``geo``, ``tree:jobs.csv``."""
        if self.kind in {"age", "numeric"} and self.widths:
            return f"{self.kind}:{','.join(_num(w) for w in self.widths)}"
        if self.kind == "prefix":
            return f"prefix:{self.step}"
        if self.kind == "tree":
            return f"tree:{self.source or 'inline'}"
        return self.kind

    def as_dict(self) -> dict[str, Any]:
        """JSON form (stored in ``Release.params``)."""
        data = asdict(self)
        data["widths"] = list(self.widths)
        return data


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class AnonymizeSpec:
    """Everything one release asks for (validated against the data by the engine)."""

    quasi: tuple[str, ...]
    sensitive: tuple[str, ...] = ()
    k: int = 5
    l: int | None = None  # noqa: E741 - the l of l-diversity
    t: float | None = None
    max_suppression: float = DEFAULT_MAX_SUPPRESSION
    hierarchies: dict[str, HierarchySpec] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    redact: tuple[str, ...] = ()
    keep_identifiers: bool = False  # skip the automatic removal of detected direct identifiers

    def as_dict(self) -> dict[str, Any]:
        """JSON form (``Release.params``); :func:`spec_from_dict` reads it back."""
        return {
            "quasi": list(self.quasi),
            "sensitive": list(self.sensitive),
            "k": self.k,
            "l": self.l,
            "t": self.t,
            "max_suppression": self.max_suppression,
            "hierarchies": {c: h.as_dict() for c, h in self.hierarchies.items()},
            "drop": list(self.drop),
            "redact": list(self.redact),
            "keep_identifiers": self.keep_identifiers,
        }


def spec_from_dict(data: dict[str, Any]) -> AnonymizeSpec:
    """Rebuild a spec from :meth:`AnonymizeSpec.as_dict`'s output."""
    hierarchies = {
        str(col): HierarchySpec(
            kind=str(h["kind"]),
            widths=tuple(float(w) for w in h.get("widths") or ()),
            step=int(h.get("step") or 1),
            tree={str(k): [str(x) for x in v] for k, v in (h.get("tree") or {}).items()},
            source=str(h.get("source") or ""),
        )
        for col, h in (data.get("hierarchies") or {}).items()
    }
    return AnonymizeSpec(
        quasi=tuple(data.get("quasi") or ()),
        sensitive=tuple(data.get("sensitive") or ()),
        k=int(data.get("k") or 0),
        l=int(data["l"]) if data.get("l") not in (None, "") else None,
        t=float(data["t"]) if data.get("t") not in (None, "") else None,
        max_suppression=float(data.get("max_suppression", DEFAULT_MAX_SUPPRESSION)),
        hierarchies=hierarchies,
        drop=tuple(data.get("drop") or ()),
        redact=tuple(data.get("redact") or ()),
        keep_identifiers=bool(data.get("keep_identifiers")),
    )


def column_list(text: str | None) -> tuple[str, ...]:
    """Split ``a,b, c`` into column names (empty parts dropped)."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def _widths(params: str, column: str) -> tuple[float, ...]:
    try:
        widths = tuple(float(p) for p in params.split(",") if p.strip())
    except ValueError as exc:
        raise AnonymizeError(
            f"Hierarchy of {column}: widths must be numbers, got {params!r}. / "
            f"ลำดับชั้นของ {column}: ความกว้างต้องเป็นตัวเลข แต่ได้ {params!r}",
            field="hierarchies",
        ) from exc
    if any(w <= 0 for w in widths) or list(widths) != sorted(widths):
        raise AnonymizeError(
            f"Hierarchy of {column}: widths must be positive and increasing ({params}). / "
            f"ลำดับชั้นของ {column}: ความกว้างต้องเป็นบวกและเพิ่มขึ้น ({params})",
            field="hierarchies",
        )
    return widths


def tree_load(path: Path, column: str) -> dict[str, list[str]]:
    """Read an ARX-style hierarchy CSV (``value;level1;level2;...``, ';' or ',' separated)."""
    if not path.is_file():
        raise AnonymizeError(
            f"Hierarchy file of {column} not found: {path} / ไม่พบไฟล์ลำดับชั้นของ {column}: {path}",
            field="hierarchies",
        )
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        return {str(k): [str(x) for x in v] for k, v in data.items()}
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    tree: dict[str, list[str]] = {}
    for row in csv.reader(text.splitlines(), delimiter=delimiter):
        cells = [c.strip() for c in row]
        if not cells or not cells[0]:
            continue
        tree[cells[0]] = [c for c in cells[1:] if c]
    return tree


def hierarchy_parse(text: str, *, base_dir: Path | None = None) -> tuple[str, HierarchySpec]:
    """Parse ``col=kind[:params]`` (the CLI's ``--hierarchy``) into (column, hierarchy)."""
    column, sep, rest = text.partition("=")
    column = column.strip()
    if not sep or not column or not rest.strip():
        raise AnonymizeError(
            f"--hierarchy must look like column=kind[:params], got {text!r}. / "
            f"--hierarchy ต้องอยู่ในรูป คอลัมน์=ชนิด[:พารามิเตอร์] แต่ได้ {text!r}",
            field="hierarchies",
        )
    kind, _, params = rest.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise AnonymizeError(
            f"Unknown hierarchy kind {kind!r} for {column}; use one of: {', '.join(KINDS)}. / "
            f"ไม่รู้จักชนิดลำดับชั้น {kind!r} ของ {column} ใช้ได้: {', '.join(KINDS)}",
            field="hierarchies",
        )
    if kind in {"age", "numeric"}:
        return column, HierarchySpec(kind=kind, widths=_widths(params, column) if params else ())
    if kind == "prefix":
        step = int(params) if params.strip().isdigit() and int(params) > 0 else 1
        return column, HierarchySpec(kind=kind, step=step)
    if kind == "tree":
        path = Path(params.strip())
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        return column, HierarchySpec(kind=kind, tree=tree_load(path, column), source=path.name)
    return column, HierarchySpec(kind=kind)
