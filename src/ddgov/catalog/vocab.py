"""Controlled vocabularies of the Thai Government Data Catalog (ckanext-thai_gdc, DGA 2021).

Codes are stable ASCII values used in the API and RDF; labels are Thai first with English.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataType(models.TextChoices):
    """ประเภทชุดข้อมูล."""

    RECORD = "record", _("Record data")
    STATISTICAL = "statistical", _("Statistical data")
    GEOSPATIAL = "geospatial", _("Geospatial data")
    MULTIPLE = "multiple", _("Multiple types")
    OTHER = "other", _("Other")


class DataCategory(models.TextChoices):
    """หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ (DGF data categories)."""

    PUBLIC = "public", _("Public data")
    PERSONAL = "personal", _("Personal data")
    SECURITY = "security", _("Security data")
    SECRET = "secret", _("Official secret")


class Classification(models.TextChoices):
    """ชั้นความลับ: access level of non-public data."""

    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal use")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")
    TOP_SECRET = "top_secret", _("Top secret")


class UpdateFrequency(models.TextChoices):
    """ความถี่ในการปรับปรุงข้อมูล (unit; the interval is a separate number)."""

    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")
    REAL_TIME = "real_time", _("Real time")
    NO_UPDATE = "no_update", _("Not updated after collection")
    OTHER = "other", _("Other")


class GeoCoverage(models.TextChoices):
    """ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่."""

    NONE = "none", _("None")
    WORLD = "world", _("World")
    ASEAN = "asean", _("ASEAN")
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    VILLAGE = "village", _("Village")
    MUNICIPALITY = "municipality", _("Municipality")
    BANGKOK_DISTRICT = "bangkok_district", _("Bangkok district")
    COORDINATES = "coordinates", _("Coordinates")
    OTHER = "other", _("Other")


class Objective(models.TextChoices):
    """วัตถุประสงค์ (a dataset may have several)."""

    NATIONAL_STRATEGY = "national_strategy", _("National strategy")
    MASTER_PLAN = "master_plan", _("National master plan")
    REFORM_PLAN = "reform_plan", _("National reform plan")
    DEVELOPMENT_PLAN = "development_plan", _("Economic and social development plan")
    SECURITY_POLICY = "security_policy", _("National security policy")
    CABINET_RESOLUTION = "cabinet_resolution", _("Cabinet resolution")
    PUBLIC_SERVICE = "public_service", _("Public service")
    AGENCY_MISSION = "agency_mission", _("Agency mission")
    INTERNATIONAL_INDEX = "international_index", _("International index")
    OTHER = "other", _("Other")


# Licence id -> (title, URL), as CKAN's licence register lists them.
LICENSES: dict[str, tuple[str, str]] = {
    "Open-D": ("Open Data Common", "https://opendefinition.org/licenses/"),
    "cc-by": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "cc-by-sa": (
        "Creative Commons Attribution Share-Alike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "cc-zero": ("Creative Commons CCZero", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "cc-nc": (
        "Creative Commons Non-Commercial 4.0",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    "odc-by": ("Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/"),
    "odc-odbl": (
        "Open Data Commons Open Database License",
        "https://opendatacommons.org/licenses/odbl/",
    ),
    "odc-pddl": (
        "Open Data Commons Public Domain Dedication",
        "https://opendatacommons.org/licenses/pddl/",
    ),
    "other-open": ("Other (Open)", ""),
    "other-closed": ("Other (Not open)", ""),
    "notspecified": ("License not specified", ""),
}

# The plan's ten focus areas (groups), Thai and English.
FOCUS_AREAS: tuple[tuple[str, str, str], ...] = (
    ("sme", "ส่งเสริมวิสาหกิจขนาดกลางและขนาดย่อม", "SMEs"),
    ("welfare", "ลดความเหลื่อมล้ำด้านสวัสดิการ", "Welfare inequality"),
    ("education", "การศึกษา", "Education"),
    ("agriculture", "เกษตรกรรม", "Agriculture"),
    (
        "participation",
        "การมีส่วนร่วม ความโปร่งใส และการตรวจสอบได้",
        "Participation, transparency and accountability",
    ),
    ("health", "สาธารณสุข", "Health"),
    ("environment", "สิ่งแวดล้อม", "Environment"),
    ("labour", "แรงงาน", "Labour"),
    ("justice", "ยุติธรรม", "Justice"),
    ("tourism", "การท่องเที่ยว", "Tourism"),
)

# Fields ckanext-thai_gdc requires on every dataset (besides title and owner_org).
REQUIRED_FIELDS: tuple[str, ...] = (
    "data_type",
    "maintainer",
    "maintainer_email",
    "tag_string",
    "notes",
    "objective",
    "update_frequency_unit",
    "geo_coverage",
    "data_source",
    "data_format",
    "data_category",
    "license_id",
)
