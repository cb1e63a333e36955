"""The demo exchange: four providers' registries as services, two consumers, grants and consent.

Providers (member / subsystem / service, each a dataset-backed lookup by citizen ID):

* ``DOPA/civil-registry/person`` — the population registry (กรมการปกครอง);
* ``RD/income-registry/income`` — personal income tax returns (กรมสรรพากร);
* ``OAE/farmer-registry/farmer`` — farm households of the farmer registry (สศก.), when the
  analytics demo seeded it;
* ``OIC/motor-policies/vehicles`` — insured vehicles from the motor policies (คปภ.), when the
  governance demo seeded them (the policy number is not served).

Consumers: the Department of Social Development and Welfare's welfare registration app
``DSDW/welfare-app`` (checks a welfare applicant: person, income, farm, vehicles; purpose
``welfare-eligibility``) and the Comptroller General's Department's benefit payments
``CGD/payments`` (checks the payee is alive before paying; purpose ``benefit-payment``).
Lawful bases: public task for the civil registry, the farmer registry and the vehicles;
**consent** for income, with a published data agreement the citizen answers in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ddgov.catalog.models import Resource
from ddgov.exchange.demo.agencies import demo_agency_ensure
from ddgov.exchange.models import (
    AccessGrant,
    DataAgreement,
    LawfulBasis,
    Purpose,
    Service,
    Subsystem,
)
from ddgov.exchange.services.registry import (
    member_register,
    service_register_dataset,
    subsystem_register,
)
from ddgov.exchange.services.rights import agreement_publish, grant_create, purpose_define

WELFARE_APP = "welfare-app"
PAYMENTS = "payments"
ELIGIBILITY = "welfare-eligibility"
PAYMENT = "benefit-payment"

# member code -> (agency code, subsystem code, subsystem Thai name, English name)
MEMBERS: dict[str, tuple[str, str, str, str]] = {
    "DOPA": ("dopa", "civil-registry", "ระบบทะเบียนราษฎร", "Civil registration system"),
    "RD": ("rd", "income-registry", "ระบบข้อมูลเงินได้บุคคลธรรมดา", "Personal income system"),
    "OAE": ("oae", "farmer-registry", "ระบบทะเบียนเกษตรกร", "Farmer registry system"),
    "OIC": ("oic", "motor-policies", "ระบบข้อมูลกรมธรรม์ประกันภัยรถยนต์", "Motor policy system"),
    "DSDW": ("dsdw", WELFARE_APP, "ระบบลงทะเบียนขอรับสวัสดิการสังคม", "Social welfare registration app"),
    "CGD": ("cgd", PAYMENTS, "ระบบจ่ายเงินสวัสดิการ", "Welfare benefit payments"),
}
PURPOSES = (
    (
        ELIGIBILITY,
        "ตรวจสอบคุณสมบัติผู้ขอรับสวัสดิการ",
        "Welfare eligibility check",
        "ตรวจสอบตัวตน รายได้ ที่ดินทำกิน และทรัพย์สินของผู้ยื่นขอรับสวัสดิการสังคม",
    ),
    (
        PAYMENT,
        "ตรวจสอบสถานะบุคคลก่อนจ่ายเงินสวัสดิการ",
        "Payee check before a benefit payment",
        "ยืนยันว่าผู้มีสิทธิยังมีชีวิตและข้อมูลตรงกับทะเบียนราษฎรก่อนโอนเงิน",
    ),
)
AGREEMENT_TH = (
    "ข้าพเจ้ายินยอมให้กรมพัฒนาสังคมและสวัสดิการตรวจสอบข้อมูลเงินได้ของข้าพเจ้าย้อนหลัง 3 ปีภาษี "
    "จากกรมสรรพากร ผ่านระบบแลกเปลี่ยนข้อมูลภาครัฐ เพื่อพิจารณาคุณสมบัติผู้มีสิทธิรับสวัสดิการ "
    "(รายได้ไม่เกิน 100,000 บาทต่อปี) เท่านั้น ข้อมูลที่ได้รับจะไม่ถูกเปิดเผยต่อผู้อื่น "
    'และข้าพเจ้าถอนความยินยอมได้ทุกเมื่อในหน้า "ความยินยอมของฉัน" ของพอร์ทัล'
)
AGREEMENT_EN = (
    "I consent to the Department of Social Development and Welfare checking my income for the "
    "last three tax years with the Revenue Department, through the Government Data Exchange, "
    "only to decide whether I am eligible for welfare (income up to 100,000 baht a year). The "
    "data is not disclosed to anyone else, and I can withdraw this consent at any time on the "
    '"My consents" page of the portal.'
)
DPIA_URL = "https://dsdw.example.go.th/pdpa/dpia/welfare-income-check"


@dataclass
class DemoExchange:
    """What the demo registered, by short name (``person``, ``income``, ``farmer``, ``vehicles``)."""

    services: dict[str, Service] = field(default_factory=dict)
    consumers: dict[str, Subsystem] = field(default_factory=dict)
    purposes: dict[str, Purpose] = field(default_factory=dict)
    grants: list[AccessGrant] = field(default_factory=list)
    agreement: DataAgreement | None = None


# short name -> (member, code, Thai title, English title, description, columns); key: citizen_id
SERVICES: dict[str, tuple[str, str, str, str, str, tuple[str, ...]]] = {
    "person": (
        "DOPA",
        "person",
        "ข้อมูลบุคคลจากทะเบียนราษฎร",
        "Person from the civil registry",
        "ชื่อ วันเกิด ที่อยู่ตามทะเบียนบ้าน และสถานะบุคคล ตามเลขประจำตัวประชาชน",
        (
            "citizen_id", "title_th", "first_name_th", "last_name_th", "sex", "birth_date",
            "house_no", "subdistrict", "district", "province", "status",
        ),
    ),
    "income": (
        "RD",
        "income",
        "ข้อมูลเงินได้บุคคลธรรมดา",
        "Personal income (tax returns)",
        "เงินได้พึงประเมิน เงินได้สุทธิ และภาษีที่ต้องชำระ ตามแบบ ภ.ง.ด.90/91 รายปีภาษี",
        (
            "citizen_id", "tax_year", "form", "income_type", "assessable_income", "net_income",
            "tax_due",
        ),
    ),
    "farmer": (
        "OAE",
        "farmer",
        "ข้อมูลครัวเรือนเกษตรกร",
        "Farm household by citizen ID",
        "ครัวเรือนเกษตรกรที่ผู้นี้เป็นหัวหน้าครัวเรือน ที่ตั้ง จำนวนสมาชิก และปีที่ขึ้นทะเบียน",
        (
            "household_id", "citizen_id", "name", "province", "district", "subdistrict",
            "members", "registered_year",
        ),
    ),
    "vehicles": (
        "OIC",
        "vehicles",
        "รถยนต์ที่มีประกันภัยภาคสมัครใจ",
        "Insured vehicles by citizen ID",
        "รถยนต์ที่ผู้นี้เป็นผู้เอาประกันภัยภาคสมัครใจ: ทะเบียน ยี่ห้อ รุ่น ปีรถ ประเภทประกัน และทุนประกัน",
        (
            "citizen_id", "plate", "province", "make", "model", "vehicle_year", "policy_type",
            "insurer", "start_date", "sum_insured",
        ),
    ),
}  # fmt: skip
# short name -> [(consumer subsystem, purposes, lawful basis)]
GRANTS: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    "person": (
        (WELFARE_APP, (ELIGIBILITY,), LawfulBasis.PUBLIC_TASK),
        (PAYMENTS, (PAYMENT,), LawfulBasis.PUBLIC_TASK),
    ),
    "income": ((WELFARE_APP, (ELIGIBILITY,), LawfulBasis.CONSENT),),
    "farmer": ((WELFARE_APP, (ELIGIBILITY,), LawfulBasis.PUBLIC_TASK),),
    "vehicles": ((WELFARE_APP, (ELIGIBILITY,), LawfulBasis.PUBLIC_TASK),),
}


def demo_exchange_register(*, resources: dict[str, Resource]) -> DemoExchange:
    """Register members, subsystems, the services over ``resources``, purposes, grants, agreement.

    ``resources`` maps a service's short name to the catalog resource it serves; services
    whose resource is missing (the farmer or motor demo was not seeded) are left out.
    """
    demo = DemoExchange()
    subsystems: dict[str, Subsystem] = {}
    for code, (agency_code, sub_code, name_th, name_en) in MEMBERS.items():
        registered = member_register(agency=demo_agency_ensure(code=agency_code), code=code)
        subsystems[code] = subsystem_register(
            member=registered, code=sub_code, name_th=name_th, name_en=name_en
        )
    demo.consumers = {WELFARE_APP: subsystems["DSDW"], PAYMENTS: subsystems["CGD"]}
    for code, name_th, name_en, description in PURPOSES:
        demo.purposes[code] = purpose_define(
            code=code, name_th=name_th, name_en=name_en, description=description
        )
    for short, (provider, code, title_th, title_en, description, columns) in SERVICES.items():
        resource = resources.get(short)
        if resource is None:
            continue
        demo.services[short] = service_register_dataset(
            subsystem=subsystems[provider],
            code=code,
            title_th=title_th,
            title_en=title_en,
            description=description,
            resource=resource,
            key_column="citizen_id",
            columns=columns,
            personal_data=True,
        )
        for consumer, purposes, basis in GRANTS[short]:
            demo.grants.append(
                grant_create(
                    service=demo.services[short],
                    client=demo.consumers[consumer],
                    purposes=[demo.purposes[p] for p in purposes],
                    lawful_basis=basis,
                )
            )
    if "income" in demo.services:
        demo.agreement = agreement_publish(
            service=demo.services["income"],
            client=demo.consumers[WELFARE_APP],
            purpose=demo.purposes[ELIGIBILITY],
            text_th=AGREEMENT_TH,
            text_en=AGREEMENT_EN,
            dpia_url=DPIA_URL,
        )
    return demo
