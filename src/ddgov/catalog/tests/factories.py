"""Factories for catalog objects; datasets carry every required Thai GD-Catalog field."""

from __future__ import annotations

import factory

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.catalog.models import Dataset, Group, Resource
from ddgov.catalog.vocab import FOCUS_AREAS


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Iterator([code for code, _th, _en in FOCUS_AREAS])
    title_th = factory.Iterator([th for _code, th, _en in FOCUS_AREAS])
    title_en = factory.Iterator([en for _code, _th, en in FOCUS_AREAS])


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset

    name = factory.Sequence(lambda n: f"dataset-{n}")
    title = factory.Sequence(lambda n: f"จำนวนผู้สูงอายุรายจังหวัด ชุดที่ {n}")
    notes = "ข้อมูลจำนวนผู้สูงอายุแยกรายจังหวัด จากทะเบียนราษฎร"
    owner_org = factory.SubFactory(DepartmentFactory)
    data_type = "statistical"
    maintainer = "กองสถิติ"
    maintainer_email = "stat@example.go.th"
    objective = factory.LazyFunction(lambda: ["agency_mission"])
    update_frequency_unit = "yearly"
    update_frequency_interval = 1
    geo_coverage = "province"
    data_source = "กรมการปกครอง"
    data_format = "CSV"
    data_category = "public"
    license_id = "Open-D"


def dataset_clean_data(**overrides: object) -> dict[str, object]:
    """Return a complete clean field dictionary for ``dataset_create`` (tests change one field)."""
    data: dict[str, object] = {
        "name": "elderly-by-province",
        "title": "จำนวนผู้สูงอายุรายจังหวัด",
        "notes": "ข้อมูลจำนวนผู้สูงอายุแยกรายจังหวัด",
        "data_type": "statistical",
        "maintainer": "กองสถิติ",
        "maintainer_email": "stat@example.go.th",
        "tags": ["ผู้สูงอายุ", "ประชากร"],
        "objective": ["agency_mission"],
        "update_frequency_unit": "yearly",
        "update_frequency_interval": 1,
        "geo_coverage": "province",
        "data_source": "กรมการปกครอง",
        "data_format": "CSV",
        "data_category": "public",
        "license_id": "Open-D",
    }
    data.update(overrides)
    return data


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    name = factory.Sequence(lambda n: f"resource-{n}")
    format = "CSV"
