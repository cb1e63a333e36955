"""Controlled vocabularies of the Thai Government Data Catalog (ckanext-thai_gdc, DGA 2021).

Codes are stable ASCII values used in the API and RDF; labels are Thai first with English.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
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

# --- Thai GD-Catalog labels -----------------------------------------------------------------
# data.go.th (ckanext-thai_gdc) stores these Thai labels where ddgov stores codes; API input
# and harvesting accept either and ddgov keeps the code. Several labels may map to one code.
THAI_LABELS: dict[str, dict[str, str]] = {
    "data_type": {
        "ข้อมูลระเบียน": DataType.RECORD, "ข้อมูลสถิติ": DataType.STATISTICAL,
        "ข้อมูลภูมิสารสนเทศเชิงพื้นที่": DataType.GEOSPATIAL, "ข้อมูลหลากหลายประเภท": DataType.MULTIPLE,
        "ข้อมูลประเภทอื่นๆ": DataType.OTHER,
    },
    "update_frequency_unit": {
        "ไม่ทราบ": UpdateFrequency.OTHER, "ปี": UpdateFrequency.YEARLY, "ครึ่งปี": UpdateFrequency.HALF_YEARLY,
        "ไตรมาส": UpdateFrequency.QUARTERLY, "เดือน": UpdateFrequency.MONTHLY, "สัปดาห์": UpdateFrequency.WEEKLY,
        "วัน": UpdateFrequency.DAILY, "วันทำการ": UpdateFrequency.DAILY, "ชั่วโมง": UpdateFrequency.REAL_TIME,
        "นาที": UpdateFrequency.REAL_TIME, "ตามเวลาจริง": UpdateFrequency.REAL_TIME,
        "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล": UpdateFrequency.NO_UPDATE, "อื่นๆ": UpdateFrequency.OTHER,
    },
    "geo_coverage": {
        "ไม่มี": GeoCoverage.NONE, "โลก": GeoCoverage.WORLD, "ทวีป/กลุ่มประเทศในทวีป": GeoCoverage.OTHER,
        "กลุ่มประเทศทางเศรษฐกิจ": GeoCoverage.OTHER, "อาเซียน": GeoCoverage.ASEAN, "ประเทศ": GeoCoverage.COUNTRY,
        "ภาค": GeoCoverage.REGION, "จังหวัด": GeoCoverage.PROVINCE, "อำเภอ": GeoCoverage.DISTRICT,
        "ตำบล": GeoCoverage.SUBDISTRICT, "หมู่บ้าน": GeoCoverage.VILLAGE, "เทศบาล/อบต.": GeoCoverage.MUNICIPALITY,
        "พิกัด": GeoCoverage.COORDINATES, "ไม่ทราบ": GeoCoverage.OTHER, "อื่นๆ": GeoCoverage.OTHER,
    },
    "data_category": {
        "ข้อมูลสาธารณะ": DataCategory.PUBLIC, "ข้อมูลส่วนบุคคล": DataCategory.PERSONAL,
        "ข้อมูลความมั่นคง": DataCategory.SECURITY, "ข้อมูลความลับทางราชการ": DataCategory.SECRET,
        # Older thai_gdc "internal use": public category with an internal classification (the
        # catalog services set the classification; see INTERNAL_USE_LABEL).
        "ข้อมูลใช้ภายใน": DataCategory.PUBLIC,
    },
    "data_classification": {
        "เปิดเผย": Classification.PUBLIC, "ชั้นเผยแพร่ภายในองค์กร": Classification.INTERNAL,
        "ใช้ภายใน": Classification.INTERNAL, "ลับ": Classification.CONFIDENTIAL, "ลับมาก": Classification.SECRET,
        "ลับที่สุด": Classification.TOP_SECRET,
    },
    "objective": {
        "ยุทธศาสตร์ชาติ": Objective.NATIONAL_STRATEGY, "แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ": Objective.DEVELOPMENT_PLAN,
        "แผนความมั่นคงแห่งชาติ": Objective.SECURITY_POLICY, "แผนแม่บทภายใต้ยุทธศาสตร์ชาติ": Objective.MASTER_PLAN,
        "แผนปฏิรูปประเทศ": Objective.REFORM_PLAN, "มติคณะรัฐมนตรี": Objective.CABINET_RESOLUTION,
        "เพื่อการให้บริการประชาชน": Objective.PUBLIC_SERVICE, "พันธกิจหน่วยงาน": Objective.AGENCY_MISSION,
        "การดำเนินงานตามพันธกิจของหน่วยงาน": Objective.AGENCY_MISSION,
        "ดัชนี/ตัวชี้วัดระดับนานาชาติ": Objective.INTERNATIONAL_INDEX,
        "ตัวชี้วัดระดับนานาชาติ": Objective.INTERNATIONAL_INDEX, "อื่นๆ": Objective.OTHER,
    },
}  # fmt: skip
INTERNAL_USE_LABEL = "ข้อมูลใช้ภายใน"
CHOICE_CLASSES: dict[str, type[models.TextChoices]] = {
    "data_type": DataType, "update_frequency_unit": UpdateFrequency, "geo_coverage": GeoCoverage,
    "data_category": DataCategory, "data_classification": Classification, "objective": Objective,
}  # fmt: skip


def choice_code(field: str, value: object) -> str | None:
    """Return the code of a coded field's value given as a code, thai_gdc Thai label or English label.

    Surrounding spaces are ignored; codes and English labels are matched case-insensitively.
    Returns None for an empty or unknown value.
    """
    raw = " ".join(str(value if value is not None else "").split())
    if not raw:
        return None
    choices = CHOICE_CLASSES[field]
    folded = raw.casefold()
    for member in choices:
        if folded == str(member.value).casefold():
            return str(member.value)
    mapped = THAI_LABELS[field].get(raw)
    if mapped is not None:
        return str(mapped)
    for language in ("en", "th"):
        with translation.override(language):
            for member in choices:
                if str(member.label).casefold() == folded:
                    return str(member.value)
    return None


def thai_labels_of(field: str, code: str) -> list[str]:
    """Return the thai_gdc Thai labels accepted for ``code`` of ``field`` (for messages and docs)."""
    return [label for label, mapped in THAI_LABELS[field].items() if mapped == code]


# --- booleans -------------------------------------------------------------------------------
# CKAN's boolean words (ckan.lib.navl / asbool) plus Thai yes/no; anything else is refused.
BOOL_TRUE = frozenset({"true", "t", "yes", "y", "on", "1", "ใช่", "จริง"})
BOOL_FALSE = frozenset({"false", "f", "no", "n", "off", "0", "ไม่ใช่", "เท็จ"})


def bool_parse(value: object) -> bool | None:
    """Return ``value`` as a boolean, or None when it is not one of the accepted words.

    True/false objects pass through; text is trimmed and compared case-insensitively.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value if value is not None else "").strip().casefold()
    if text in BOOL_TRUE:
        return True
    if text in BOOL_FALSE:
        return False
    return None


# --- languages ------------------------------------------------------------------------------
# ISO 639-1 code: (EU language code, Thai name, English name) of the languages thai_gdc offers;
# thai_gdc stores the Thai name.
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "th": ("THA", "ไทย", "Thai"), "en": ("ENG", "อังกฤษ", "English"), "zh": ("ZHO", "จีน", "Chinese"),
    "ms": ("MSA", "มลายู", "Malay"), "my": ("MYA", "พม่า", "Burmese"), "lo": ("LAO", "ลาว", "Lao"),
    "km": ("KHM", "เขมร", "Khmer"), "ja": ("JPN", "ญี่ปุ่น", "Japanese"), "ko": ("KOR", "เกาหลี", "Korean"),
    "fr": ("FRA", "ฝรั่งเศส", "French"), "de": ("DEU", "เยอรมัน", "German"), "ar": ("ARA", "อารบิก", "Arabic"),
}  # fmt: skip
# Every ISO 639-1 two-letter code (184, including the withdrawn "bh").
_ISO_639_1_TEXT = """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
    ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo
    lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps
    pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn
    to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"""
ISO_639_1 = frozenset(_ISO_639_1_TEXT.split())
LANGUAGE_OTHER = "other"
_LANGUAGE_LOOKUP = {
    key.casefold(): code
    for code, (eu, th, en) in LANGUAGES.items()
    for key in (code, eu, th, en, "ภาษา" + th)
} | {"other": LANGUAGE_OTHER, "อื่นๆ": LANGUAGE_OTHER, "ภาษาอื่นๆ": LANGUAGE_OTHER}


def language_code(value: object) -> str | None:
    """Return the ISO 639-1 code of a language given as a code, EU code, English or Thai name.

    ``other`` / ``อื่นๆ`` (thai_gdc's "other language") gives ``other``; unknown text gives None.
    """
    text = str(value if value is not None else "").strip().casefold()
    found = _LANGUAGE_LOOKUP.get(text)
    if found is not None:
        return found
    return text if text in ISO_639_1 else None


# --- licences -------------------------------------------------------------------------------
# thai_gdc licence titles and common CKAN / SPDX licence ids → ddgov licence ids.
LICENSE_ALIASES = {
    "open data common": "Open-D", "open-d": "Open-D", "creative commons attributions": "cc-by",
    "cc-by-4.0": "cc-by", "creative commons attribution": "cc-by",
    "creative commons attribution share-alike": "cc-by-sa", "cc-by-sa-4.0": "cc-by-sa",
    "creative commons attribution non-commercial": "cc-nc", "cc-by-nc-4.0": "cc-nc",
    "creative commons cczero": "cc-zero", "cc0-1.0": "cc-zero", "odc-odbl-1.0": "odc-odbl", "odbl-1.0": "odc-odbl",
    "odc-by-1.0": "odc-by", "odc-pddl-1.0": "odc-pddl", "อื่นๆ": "notspecified", "notspecified": "notspecified",
}  # fmt: skip
# Licences that meet the Open Definition (CKAN's ``isopen`` and ``od_conformance``).
OPEN_LICENSES = frozenset(
    {"Open-D", "cc-by", "cc-by-sa", "cc-zero", "odc-by", "odc-odbl", "odc-pddl", "other-open"}
)


def license_code(value: object) -> str | None:
    """Return the ddgov licence id for an id, a known alias or a licence title; None if unknown."""
    raw = " ".join(str(value if value is not None else "").split())
    if not raw:
        return None
    if raw in LICENSES:
        return raw
    folded = raw.casefold()
    for license_id, (title, _url) in LICENSES.items():
        if folded in {license_id.casefold(), title.casefold()}:
            return license_id
    return LICENSE_ALIASES.get(folded)
