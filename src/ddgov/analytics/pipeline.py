"""Registered pipeline steps: heavy data work that runs on the engine layer and publishes open data.

A step is reviewed code, not an analyst's query: a set of SQL files (``analytics/sql/*.sql``)
over input tables named by their friendly catalog names, and the open dataset the results are
published to, one resource per SQL file. :func:`pipeline_step` registers a step; the function
it decorates returns the output dataset's catalog metadata for the owning agency (used the
first time the dataset is created). Running a step is
:func:`ddgov.analytics.services.pipelines.pipeline_run`: the inputs are resolved through the
access layer *as the person running it*, the SQL computes on the engine
(``Engine.write_parquet``) and each output becomes a new version of its resource through the
catalog's services, so governance's checks (no personal data in open data) run on it.

The SQL suppresses small cells itself: every published figure rests on at least ``{k}``
households (``DDGOV_ANALYTICS_MIN_GROUP``).

Placeholders in the SQL files: ``{k}`` and one per input (``{plots}`` → ``"farmer-registry"."plots"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.conf import settings

from ddgov.agencies.models import Agency

SQL_DIR = Path(__file__).with_name("sql")
Metadata = Callable[[Agency], dict[str, Any]]


class PipelineError(Exception):
    """A step that cannot run or publish; ``message`` is "English / ไทย"."""

    def __init__(self, code: str, message: str) -> None:
        """Keep a machine-readable ``code`` beside the bilingual message."""
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        """Return the bilingual message."""
        return self.message


@dataclass(frozen=True)
class PipelineOutput:
    """One result table of a step: the resource it is published as and the SQL computing it."""

    resource: str
    sql: str
    description: str


@dataclass(frozen=True)
class PipelineTarget:
    """Where a step publishes: an open dataset of an agency, one resource per output."""

    dataset: str
    agency: str
    outputs: tuple[PipelineOutput, ...]


@dataclass(frozen=True)
class PipelineStep:
    """A registered step (see the module docstring)."""

    name: str
    description: str
    inputs: Mapping[str, str]
    output: PipelineTarget
    metadata: Metadata

    def sql(self, output: PipelineOutput) -> str:
        """The output's SQL with the inputs' friendly names and the minimum group filled in."""
        text = (SQL_DIR / output.sql).read_text(encoding="utf-8")
        values = {**self.inputs, "k": str(pipeline_min_group())}
        for key, value in values.items():
            text = text.replace(f"{{{key}}}", value)
        return text


_STEPS: dict[str, PipelineStep] = {}


def pipeline_min_group() -> int:
    """The fewest households a published figure may rest on (``DDGOV_ANALYTICS_MIN_GROUP``)."""
    return max(1, int(getattr(settings, "DDGOV_ANALYTICS_MIN_GROUP", 5)))


def pipeline_step(
    name: str, *, inputs: Mapping[str, str], output: PipelineTarget
) -> Callable[[Metadata], Metadata]:
    """Register the step ``name``; the decorated function returns its dataset's metadata."""

    def register(func: Metadata) -> Metadata:
        for item in output.outputs:
            if not (SQL_DIR / item.sql).is_file():
                msg = f"pipeline step {name!r}: no SQL file {item.sql!r} in {SQL_DIR}"
                raise ValueError(msg)
        _STEPS[name] = PipelineStep(
            name=name,
            description=(func.__doc__ or "").strip().split("\n")[0],
            inputs=MappingProxyType(dict(inputs)),
            output=output,
            metadata=func,
        )
        return func

    return register


def pipeline_steps() -> list[PipelineStep]:
    """Every registered step, by name."""
    return [_STEPS[name] for name in sorted(_STEPS)]


def pipeline_step_get(*, name: str) -> PipelineStep:
    """Return the step called ``name`` or raise :class:`PipelineError` (code ``unknown``)."""
    step = _STEPS.get(name)
    if step is None:
        known = ", ".join(sorted(_STEPS)) or "-"
        raise PipelineError(
            "unknown",
            f'Unknown pipeline step "{name}" (known: {known}) / '
            f'ไม่มีขั้นตอนประมวลผลชื่อ "{name}" (ที่มี: {known})',
        )
    return step


def pipeline_step_unregister(*, name: str) -> None:
    """Remove a step (tests register throw-away steps)."""
    _STEPS.pop(name, None)


# --- the farmer Big Data prototype -------------------------------------------------------------

FARMER_REGISTRY = "farmer-registry"
FARMER_STATISTICS = "farmer-statistics"


@pipeline_step(
    "farmer.statistics",
    inputs={
        "households": f'"{FARMER_REGISTRY}"."households"',
        "plots": f'"{FARMER_REGISTRY}"."plots"',
        "loans": f'"{FARMER_REGISTRY}"."loans"',
    },
    output=PipelineTarget(
        dataset=FARMER_STATISTICS,
        agency="oae",
        outputs=(
            PipelineOutput(
                resource="crop-area-by-province",
                sql="farmer_crop_area_by_province.sql",
                description=(
                    "เนื้อที่เพาะปลูก ผลผลิต และมูลค่า รายปีเพาะปลูก จังหวัด และชนิดพืช "
                    "(Planted area, harvest and value by crop year, province and crop)"
                ),
            ),
            PipelineOutput(
                resource="debt-by-region",
                sql="farmer_debt_by_region.sql",
                description=(
                    "หนี้สินครัวเรือนเกษตรกรกับ ธ.ก.ส. รายภาค "
                    "(Farm household debt with BAAC by NESDB region)"
                ),
            ),
            PipelineOutput(
                resource="yield-trend",
                sql="farmer_yield_trend.sql",
                description=(
                    "ผลผลิตต่อไร่และราคาที่เกษตรกรขายได้ รายปีและชนิดพืช "
                    "(Yield per rai and farm-gate price by crop year and crop)"
                ),
            ),
        ),
    ),
)
def farmer_statistics_metadata(agency: Agency) -> dict[str, Any]:
    """Farmer statistics: crop area by province, debt by region, yield trends (open data)."""
    return {
        "name": FARMER_STATISTICS,
        "title": "สถิติเกษตรกรไทย: เนื้อที่เพาะปลูก หนี้สิน และแนวโน้มผลผลิต",
        "title_en": "Thai farmer statistics: planted area, debt and yield trends",
        "notes": (
            "สถิติรวมที่คำนวณจากทะเบียนเกษตรกร (ครัวเรือน แปลงเพาะปลูก และสินเชื่อ ธ.ก.ส.) "
            "ด้วยเอนจินวิเคราะห์ข้อมูลของแพลตฟอร์ม ตัวเลขทุกค่ามาจากครัวเรือนอย่างน้อย "
            f"{pipeline_min_group()} ครัวเรือน ไม่มีข้อมูลรายบุคคล (ข้อมูลสังเคราะห์เพื่อการสาธิต)"
        ),
        "owner_org": agency.code,
        "data_type": "statistical",
        "maintainer": f"ผู้ดูแลข้อมูล {agency.name_th}",
        "maintainer_email": f"data@{agency.code}.example.go.th",
        "tags": ["เกษตรกร", "Big Data", "พืชเศรษฐกิจ", "หนี้สินครัวเรือน"],
        "groups": [],
        "objective": ["agency_mission"],
        "update_frequency_unit": "yearly",
        "update_frequency_interval": 1,
        "geo_coverage": "province",
        "data_source": "ทะเบียนเกษตรกร สศก. และสินเชื่อ ธ.ก.ส. (ข้อมูลสังเคราะห์)",
        "data_format": "Parquet",
        "data_category": "public",
        "data_classification": "public",
        "license_id": "Open-D",
        "data_language": ["th"],
        "private": False,
        "accessible_condition": "เปิดเผยได้โดยไม่มีเงื่อนไข",
        "unit_of_measure": "ไร่ ตัน บาท",
    }
