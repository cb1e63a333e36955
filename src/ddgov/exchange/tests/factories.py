"""factory_boy factories for the exchange registry, rights and consent (no pre-populated data)."""

from __future__ import annotations

import factory

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.exchange.models import (
    AccessGrant,
    ConsentRecord,
    DataAgreement,
    LawfulBasis,
    Member,
    Purpose,
    Service,
    Subsystem,
)
from ddgov.exchange.services.rights import agreement_revision_hash


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    agency = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"M{n:04d}")


class SubsystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subsystem

    member = factory.SubFactory(MemberFactory)
    code = factory.Sequence(lambda n: f"app{n}")
    name_th = factory.Sequence(lambda n: f"ระบบทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test system {n}")


class PurposeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purpose
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"purpose-{n}")
    name_th = factory.Sequence(lambda n: f"วัตถุประสงค์ {n}")
    name_en = factory.Sequence(lambda n: f"Purpose {n}")


class ExternalServiceFactory(factory.django.DjangoModelFactory):
    """An external (proxied) service; point ``base_url`` at a loopback test provider."""

    class Meta:
        model = Service

    subsystem = factory.SubFactory(SubsystemFactory)
    code = factory.Sequence(lambda n: f"svc{n}")
    kind = Service.Kind.EXTERNAL
    title_th = factory.Sequence(lambda n: f"บริการทดสอบ {n}")
    title_en = factory.Sequence(lambda n: f"Test service {n}")
    base_url = "http://127.0.0.1:9/"
    personal_data = False
    openapi = factory.LazyAttribute(
        lambda o: {
            "openapi": "3.0.3",
            "info": {"title": o.title_en, "version": "1"},
            "paths": {
                "/persons/{citizen_id}": {
                    "get": {
                        "operationId": "getPerson",
                        "parameters": [
                            {
                                "name": "citizen_id",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        ],
                        "responses": {"200": {"description": "OK"}},
                    }
                },
                "/echo": {
                    "post": {
                        "operationId": "echo",
                        "responses": {"200": {"description": "OK"}},
                    }
                },
            },
        }
    )


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGrant
        skip_postgeneration_save = True

    service = factory.SubFactory(ExternalServiceFactory)
    client = factory.SubFactory(SubsystemFactory)
    lawful_basis = ""

    @factory.post_generation
    def purposes(self, create: bool, extracted: object, **kwargs: object) -> None:
        """``purposes=[...]`` sets them; by default one fresh purpose."""
        if not create:
            return
        items = extracted if extracted is not None else [PurposeFactory()]
        self.purposes.set(items)  # type: ignore[attr-defined]


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataAgreement

    service = factory.SubFactory(ExternalServiceFactory)
    client = factory.SubFactory(SubsystemFactory)
    purpose = factory.SubFactory(PurposeFactory)
    lawful_basis = LawfulBasis.CONSENT
    text_th = "ยินยอมให้ใช้ข้อมูลเพื่อการทดสอบ"
    text_en = "I consent to the use of my data for testing."
    version = 1
    dpia_url = ""
    revision_hash = factory.LazyAttribute(
        lambda o: agreement_revision_hash(
            agreement=DataAgreement(
                service=o.service,
                client=o.client,
                purpose=o.purpose,
                lawful_basis=o.lawful_basis,
                version=o.version,
                text_th=o.text_th,
                text_en=o.text_en,
                dpia_url=o.dpia_url,
            )
        )
    )


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent record row only; use ``consent_give`` where the signed revision matters."""

    class Meta:
        model = ConsentRecord

    agreement = factory.SubFactory(AgreementFactory)
    citizen_id = "1100200000011"
    agreement_revision_hash = factory.LazyAttribute(lambda o: o.agreement.revision_hash)
    state = ConsentRecord.State.GIVEN
