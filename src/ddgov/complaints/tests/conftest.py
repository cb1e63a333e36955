"""Shared fixtures: a real agency directory, a clean duplicate-screening index, small photos."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from ddgov.agencies.central import CENTRAL_AGENCIES
from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import admin_area_real
from ddgov.complaints.selectors.screening import screening_index_reset

BANGKOK = (13.7563, 100.5018)  # Democracy Monument, Phra Nakhon
CHIANG_MAI = (18.7883, 98.9853)  # old city


@pytest.fixture(autouse=True)
def _fresh_screening_index() -> Iterator[None]:
    """Each test starts without a cached index (rolled-back rows must not linger in it)."""
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture(autouse=True)
def _media_root(tmp_path_factory: pytest.TempPathFactory, settings: object) -> None:
    """Photos go to a throwaway folder."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))  # type: ignore[attr-defined]


def _central(code: str) -> Agency:
    row = next(r for r in CENTRAL_AGENCIES if r[0] == code)
    parent = Agency.objects.filter(code=row[5]).first() if row[5] else None
    return Agency.objects.create(
        code=code, name_th=row[1], name_en=row[2], abbreviation=row[3], kind=row[4], parent=parent
    )


@pytest.fixture
def directory(db: None) -> dict[str, Agency]:
    """Real agencies named as the agencies seeder names them, on real geothai areas."""
    agencies = {
        code: _central(code)
        for code in ("opm", "moi", "mea", "pea", "mwa", "pcd", "dsdw", "dlt", "opm-ops")
    }
    agencies["bma"] = Agency.objects.create(
        code="bma",
        name_th="กรุงเทพมหานคร",
        name_en="Bangkok Metropolitan Administration",
        kind=Agency.Kind.BMA,
        area=admin_area_real("10"),
    )
    district = admin_area_real("1001")
    agencies["bkk-1001"] = Agency.objects.create(
        code="bkk-1001",
        name_th=f"สำนักงาน{district.name_th}",
        name_en=f"{district.name_en} District Office",
        kind=Agency.Kind.DISTRICT_OFFICE,
        parent=agencies["bma"],
        area=district,
    )
    for code in ("50", "12", "40"):
        area = admin_area_real(code)
        agencies[f"prov-{code}"] = Agency.objects.create(
            code=f"prov-{code}",
            name_th=f"จังหวัด{area.name_th}",
            name_en=f"{area.name_en} Province",
            kind=Agency.Kind.PROVINCE,
            area=area,
        )
    sub = admin_area_real("500101")
    agencies["sao-500101"] = Agency.objects.create(
        code="sao-500101",
        name_th=f"องค์การบริหารส่วนตำบล{sub.name_th}",
        name_en=f"{sub.name_en} Subdistrict Administrative Organization",
        kind=Agency.Kind.SAO,
        parent=agencies["prov-50"],
        area=sub,
    )
    return agencies


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    """A small real image in ``fmt``."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def jpeg() -> bytes:
    """A small JPEG photo."""
    return image_bytes("JPEG")
