"""The exchange's demo, end to end: registries, services, grants, consent, a month of calls.

1. DOPA's population registry and the Revenue Department's income registry are generated
   (:mod:`ddgov.exchange.demo.registries`) around the demo's people — the demo citizens who
   sign in, their households, and the farmers and insured drivers the welfare app looks up
   in the OAE farmer registry and the OIC motor policies seeded by other apps, reused here —
   and published as private catalog datasets, ingested into the lake.
2. The members, subsystems, dataset-backed services, purposes, grants and the income data
   agreement are registered (:mod:`ddgov.exchange.demo.members`).
3. The consumer apps' month is replayed (:mod:`ddgov.exchange.demo.history`): past
   application checks and payee checks; then the applicants' consent to the income agreement
   is recorded (the demo citizens' by themselves), their income calls run, and the last
   demo citizen withdraws and is refused on the next call.
4. The calls are appended to the message log in one stream and a checkpoint signs its head.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.utils import timezone

from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.selectors.datasets import resource_table_path
from ddgov.exchange.demo.agencies import demo_agency_ensure
from ddgov.exchange.demo.history import (
    STREAM,
    DemoCall,
    call_run,
    history_plan,
)
from ddgov.exchange.demo.members import ELIGIBILITY, WELFARE_APP, demo_exchange_register
from ddgov.exchange.demo.registries import (
    INCOME_DATASET,
    INCOME_SCHEMA,
    POPULATION_DATASET,
    POPULATION_SCHEMA,
    RegistryTable,
    income_rows,
    population_rows,
    registry_metadata,
    registry_publish,
)
from ddgov.exchange.gateway import refusals
from ddgov.exchange.models import ConsentRecord
from ddgov.exchange.services.consent import consent_give, consent_withdraw
from ddgov.exchange.services.messagelog import checkpoint_create, messagelog_append
from ddgov.identity.models import Person, User

FARMER_DATASET, FARMER_TABLE = "farmer-registry", "households"
MOTOR_DATASET = "motor-insurance-policies"
APPLICANTS_PER_SCALE = 40
FARMERS_PER_SCALE = 8
INSURED_PER_SCALE = 6
CONSENT_SHARE = 0.85


@dataclass(frozen=True)
class ExchangeDemo:
    """What the demo wrote: registry rows, services, calls logged, consents."""

    population_rows: int
    income_rows: int
    services: int
    calls: int
    consents: int

    @property
    def rows(self) -> int:
        """Rows written, for the seeder's report."""
        return self.population_rows + self.income_rows + self.calls + self.consents


def _resource(dataset_name: str, resource_name: str | None = None) -> Resource | None:
    """An active resource with a table of an existing dataset (a named one, or the first)."""
    dataset = Dataset.objects.filter(name=dataset_name).first()
    if dataset is None:
        return None
    resources = dataset.resources.filter(state=Resource.State.ACTIVE).order_by("position", "pk")
    if resource_name is not None:
        resources = resources.filter(name=resource_name)
    for resource in resources:
        path = resource_table_path(resource=resource)
        if path is not None and path.is_file():
            return resource
    return None


def _sample(resource: Resource | None, columns: str, n: int, salt: str) -> list[dict[str, Any]]:
    """``n`` distinct people of a resource's table, picked by a salted hash (deterministic)."""
    if resource is None or n <= 0:
        return []
    path: Path | None = resource_table_path(resource=resource)
    if path is None:
        return []
    with duckdb.connect() as con:
        cursor = con.execute(
            f"SELECT CAST(citizen_id AS VARCHAR) AS cid, {columns} FROM read_parquet(?) "  # noqa: S608
            "GROUP BY cid ORDER BY hash(cid || ?), cid LIMIT ?",
            [str(path), salt, n],
        )
        names = ["citizen_id", *(d[0] for d in cursor.description[1:])]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def exchange_demo_seed(*, rng: random.Random, scale: int = 1) -> ExchangeDemo:
    """Seed the whole exchange demo (see the module docstring); returns what it wrote."""
    now = timezone.now()
    people = list(Person.objects.select_related("subdistrict__parent__parent").order_by("pk"))
    users = {
        u.person.citizen_id: u
        for u in User.objects.filter(kind=User.Kind.CITIZEN, person__isnull=False)
        .select_related("person")
        .order_by("person_id")
        if u.person is not None
    }
    demo_citizens = list(users)
    farmers_resource = _resource(FARMER_DATASET, FARMER_TABLE)
    motor_resource = _resource(MOTOR_DATASET)
    salt = str(rng.randrange(10**9))
    farmers = _sample(
        farmers_resource,
        "any_value(name) AS name, any_value(province) AS province,"
        " any_value(district) AS district, any_value(subdistrict) AS subdistrict",
        FARMERS_PER_SCALE * scale,
        salt,
    )
    insured = [
        {**row, "sex": "M" if row["sex"] == "ชาย" else "F"}
        for row in _sample(
            motor_resource,
            "any_value(age) AS age, any_value(sex) AS sex, any_value(province) AS province",
            INSURED_PER_SCALE * scale,
            salt,
        )
    ]

    population = population_rows(
        rng=rng, people=people, extra=[*farmers, *insured], keep_alive=demo_citizens
    )
    income = income_rows(rng=rng, residents=population, always=demo_citizens)
    dopa, rd = demo_agency_ensure(code="dopa"), demo_agency_ensure(code="rd")
    persons = registry_publish(
        metadata=registry_metadata(
            agency=dopa,
            name=POPULATION_DATASET,
            title="ทะเบียนราษฎร: ข้อมูลบุคคลตามทะเบียนบ้าน",
            title_en="Civil registry: persons by house registration",
            notes=(
                "ข้อมูลบุคคลตามหลักฐานทะเบียนราษฎร: เลขประจำตัวประชาชน ชื่อ วันเกิด เพศ "
                "ที่อยู่ตามทะเบียนบ้าน และสถานะบุคคล ให้บริการแก่หน่วยงานที่ได้รับสิทธิผ่านระบบ"
                "แลกเปลี่ยนข้อมูลภาครัฐเท่านั้น (ข้อมูลสังเคราะห์เพื่อการสาธิต)"
            ),
            tags=("ทะเบียนราษฎร", "ข้อมูลส่วนบุคคล", "ระบบแลกเปลี่ยนข้อมูลภาครัฐ"),
            source="สำนักบริหารการทะเบียน กรมการปกครอง (ข้อมูลสังเคราะห์)",
        ),
        tables=[
            RegistryTable(
                "persons",
                "หนึ่งแถวต่อหนึ่งบุคคลในทะเบียนบ้าน",
                population,
                POPULATION_SCHEMA,
                types={"citizen_id": "string", "house_code": "string"},
            )
        ],
    )
    returns = registry_publish(
        metadata=registry_metadata(
            agency=rd,
            name=INCOME_DATASET,
            title="ข้อมูลเงินได้บุคคลธรรมดาตามแบบแสดงรายการภาษี (ภ.ง.ด.90/91)",
            title_en="Personal income from tax returns (PND 90/91)",
            notes=(
                "เงินได้พึงประเมิน ค่าลดหย่อน เงินได้สุทธิ และภาษีที่ต้องชำระของผู้ยื่นแบบแสดงรายการภาษี"
                "เงินได้บุคคลธรรมดา ปีภาษี 2565-2567 ให้บริการผ่านระบบแลกเปลี่ยนข้อมูลภาครัฐ "
                "เฉพาะเมื่อเจ้าของข้อมูลให้ความยินยอม (ข้อมูลสังเคราะห์เพื่อการสาธิต)"
            ),
            tags=("ภาษีเงินได้", "รายได้", "ข้อมูลส่วนบุคคล", "ระบบแลกเปลี่ยนข้อมูลภาครัฐ"),
            source="กรมสรรพากร (ข้อมูลสังเคราะห์)",
        ),
        tables=[
            RegistryTable(
                "tax-returns",
                "หนึ่งแถวต่อผู้ยื่นแบบต่อปีภาษี",
                income,
                INCOME_SCHEMA,
                types={"citizen_id": "string", "tax_year": "integer"},
            )
        ],
    )
    resources: dict[str, Resource] = {
        "person": persons["persons"],
        "income": returns["tax-returns"],
    }
    if farmers_resource is not None:
        resources["farmer"] = farmers_resource
    if motor_resource is not None:
        resources["vehicles"] = motor_resource
    demo = demo_exchange_register(resources=resources)

    # Applicants: the demo citizens, a sample of the population, the sampled farmers and drivers.
    others = [p.citizen_id for p in people if p.citizen_id not in users]
    picked = rng.sample(others, min(len(others), APPLICANTS_PER_SCALE * scale))
    applicants = list(
        dict.fromkeys(
            [
                *demo_citizens,
                *picked,
                *(f["citizen_id"] for f in farmers),
                *(i["citizen_id"] for i in insured),
            ]
        )
    )
    consenting = [c for c in applicants if c in users or rng.random() < CONSENT_SHARE]
    entries = [
        call_run(call=call, demo=demo, rng=rng)
        for call in history_plan(
            rng=rng, now=now, applicants=applicants, consenting=set(consenting), demo=demo
        )
    ]
    consents = 0
    if demo.agreement is not None:
        for citizen_id in consenting:
            consent_give(
                agreement=demo.agreement, citizen_id=citizen_id, actor=users.get(citizen_id)
            )
            consents += 1
            income_call = DemoCall(None, WELFARE_APP, "income", ELIGIBILITY, citizen_id)
            entries.append(call_run(call=income_call, demo=demo, rng=rng))
        if demo_citizens:
            withdrawer = demo_citizens[-1]
            record = ConsentRecord.objects.get(agreement=demo.agreement, citizen_id=withdrawer)
            consent_withdraw(record=record, actor=users[withdrawer])
            refused = DemoCall(
                None,
                WELFARE_APP,
                "income",
                ELIGIBILITY,
                withdrawer,
                refusal=refusals.consent_required(),
            )
            entries.append(call_run(call=refused, demo=demo, rng=rng))
    messagelog_append(entries=entries, stream=STREAM)
    checkpoint_create()
    return ExchangeDemo(
        population_rows=len(population),
        income_rows=len(income),
        services=len(demo.services),
        calls=len(entries),
        consents=consents,
    )
