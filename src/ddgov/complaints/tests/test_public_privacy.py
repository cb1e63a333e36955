"""Personal data stays with staff: public text is redacted, photos and menus respect agencies."""

from __future__ import annotations

import io
import json

from django.test import Client

from ddgov.agencies.models import Agency
from ddgov.complaints.models import ComplaintPhoto, Notification, State
from ddgov.complaints.services.workflow import assignment_transition, complaint_forward
from ddgov.complaints.tests.conftest import BANGKOK
from ddgov.complaints.tests.factories import complaint_file
from ddgov.complaints.tests.open311_fixtures import get
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import TEST_PASSWORD, MembershipFactory
from ddgov.identity.thaiid import thai_id_complete

PHONE = "081-234-5678"
CITIZEN_ID = thai_id_complete("110170020345")
WITH_PII = f"ไฟดับทั้งซอย มืดมาก ติดต่อ นายสมชาย ใจดี โทร {PHONE} เลขบัตร {CITIZEN_ID}"


def _staff_client(agency: Agency, role: str = Role.OFFICER) -> Client:
    user = MembershipFactory(agency=agency, role=role).user
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_public_surfaces_show_the_redacted_text_and_staff_the_original(
    directory: dict[str, Agency],
) -> None:
    complaint = complaint_file(text=WITH_PII)
    assert PHONE not in complaint.text_public
    assert CITIZEN_ID not in complaint.text_public
    assert "[โทรศัพท์]" in complaint.text_public
    public = Client()

    page = public.get(f"/complaints/t/{complaint.tracking_code}/").content.decode()
    _response, requests = get(public, f"requests/{complaint.tracking_code}")
    screen = public.get(
        "/complaints/screen/", {"text": "ไฟดับทั้งซอย มืด", "lat": BANGKOK[0], "lon": BANGKOK[1]}
    )
    assert complaint.agency is not None
    staff_page = _staff_client(complaint.agency).get(
        f"/complaints/staff/c/{complaint.tracking_code}/"
    )

    assert PHONE not in page
    assert "[โทรศัพท์]" in page
    assert PHONE not in requests[0]["description"]
    assert PHONE not in json.dumps(json.loads(screen.content), ensure_ascii=False)
    assert screen.json()["duplicates"]  # the complaint was found, only without the phone
    assert PHONE in staff_page.content.decode()


def test_photos_without_the_code_are_for_the_complaints_agencies_only(
    directory: dict[str, Agency], jpeg: bytes
) -> None:
    complaint = complaint_file(photos=[("a.jpg", io.BytesIO(jpeg))])
    photo = ComplaintPhoto.objects.get(complaint=complaint)
    url = f"/complaints/photos/{photo.pk}/"

    assert complaint.agency is not None
    assert _staff_client(complaint.agency, Role.VIEWER).get(url).status_code == 200
    assert _staff_client(directory["opm-ops"]).get(url).status_code == 200
    assert _staff_client(directory["mea"]).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert Client().get(url, {"c": complaint.tracking_code}).status_code == 200


def test_only_centre_officers_see_the_call_and_import_links(directory: dict[str, Agency]) -> None:
    queue = "/complaints/staff/"
    agency_page = _staff_client(directory["bma"]).get(queue, {"agency": "bma"}).content.decode()
    centre_page = _staff_client(directory["opm-ops"]).get(queue).content.decode()
    assert "/complaints/staff/call/" not in agency_page
    assert "/complaints/staff/import/" not in agency_page
    assert "/complaints/staff/call/" in centre_page
    assert "/complaints/staff/import/" in centre_page


def test_messages_are_bilingual_and_open311_names_the_agency_forwarded_to(
    directory: dict[str, Agency],
) -> None:
    mea = directory["mea"]
    complaint = complaint_file(contact_email="citizen@example.com")
    bma = complaint.agency
    assert bma is not None
    officer = MembershipFactory(agency=bma).user
    complaint_forward(actor=officer, complaint=complaint, from_agency=bma, to_agency=mea, note="ส่ง")
    assignment_transition(
        actor=MembershipFactory(agency=mea).user,
        complaint=complaint,
        agency=mea,
        to_state=State.RESOLVED,
        message="แก้ไขแล้ว",
    )

    subjects = list(Notification.objects.values_list("subject", flat=True))
    assert any("เสร็จสิ้น / Complaint" in s and s.endswith("Resolved") for s in subjects)
    _response, requests = get(Client(), f"requests/{complaint.tracking_code}")
    assert mea.name_th in requests[0]["service_notice"]
    assert requests[0]["agency_responsible"] == mea.name_th
