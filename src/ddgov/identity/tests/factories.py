"""Factories for people, businesses and users; IDs always carry a correct check digit."""

from __future__ import annotations

import datetime as dt

import factory

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.identity.models import AgencyMembership, Business, Person, Role, User
from ddgov.identity.thaiid import thai_id_complete

TEST_PASSWORD = "correct-horse-battery-staple-2569"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    citizen_id = factory.Sequence(lambda n: thai_id_complete(f"11002{n:07d}"))
    title_th = "นาย"
    first_name_th = factory.Iterator(["สมชาย", "สมหญิง", "ประเสริฐ", "มาลี", "วิชัย"])
    last_name_th = factory.Iterator(["ใจดี", "รักไทย", "มั่นคง", "ศรีสุข"])
    first_name_en = "Somchai"
    last_name_en = "Jaidee"
    birth_date = dt.date(1985, 6, 15)
    sex = Person.Sex.MALE


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    juristic_id = factory.Sequence(lambda n: thai_id_complete(f"0105{n:08d}"))
    name_th = factory.Sequence(lambda n: f"บริษัท ทดสอบ {n} จำกัด")
    name_en = factory.Sequence(lambda n: f"Test {n} Co., Ltd.")


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    kind = User.Kind.STAFF
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.th")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def persist_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save(update_fields=["password"])


class CitizenUserFactory(StaffUserFactory):
    username = factory.LazyAttribute(lambda o: o.person.citizen_id)
    kind = User.Kind.CITIZEN
    person = factory.SubFactory(PersonFactory)
    email = ""


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(StaffUserFactory)
    agency = factory.SubFactory(DepartmentFactory)
    role = Role.OFFICER
