"""The portal's "my complaints" card: replaces the placeholder, counts and lists only my own."""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from ddgov.agencies.models import Agency
from ddgov.complaints.models import State
from ddgov.complaints.portal_cards import complaints_card_context
from ddgov.complaints.services.workflow import assignment_transition
from ddgov.complaints.tests.conftest import BANGKOK
from ddgov.complaints.tests.factories import complaint_file
from ddgov.identity.tests.factories import CitizenUserFactory, StaffUserFactory
from ddgov.portal.cards import cards_ordered

pytestmark = pytest.mark.django_db


def test_the_complaints_app_provides_the_card() -> None:
    card = next(c for c in cards_ordered() if c.key == "complaints")
    assert card.provided_by == "complaints"
    assert card.template == "complaints/citizen/portal_card.html"
    assert card.context is complaints_card_context


def test_card_context_without_sign_in_is_empty() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert complaints_card_context(request) == {
        "signed_in": False,
        "open": 0,
        "closed": 0,
        "latest": [],
    }


def test_card_counts_and_lists_my_latest_three(
    client: Client, directory: dict[str, Agency]
) -> None:
    user = CitizenUserFactory()
    mine = [complaint_file(reporter=user, lat=BANGKOK[0] + i * 0.01) for i in range(4)]
    someone_elses = complaint_file(lat=BANGKOK[0] + 0.5)
    admin = StaffUserFactory(is_platform_admin=True)
    closed = mine[0]
    assignment_transition(
        actor=admin, complaint=closed, agency=closed.agency, to_state=State.RESOLVED, message="ok"
    )
    client.force_login(user)
    html = unescape(client.get(reverse("portal:citizen_home")).content.decode())
    card = html.split('data-card="complaints"', 1)[1].split('<li class="card"', 1)[0]
    assert 'data-testid="complaints-open" data-count="3"' in card
    assert 'data-testid="complaints-closed" data-count="1"' in card
    listed = [c.tracking_code for c in mine if c.tracking_code in card]
    assert len(listed) == 3
    assert closed.tracking_code in card  # the latest change
    assert someone_elses.tracking_code not in card
    assert reverse("complaints:mine") in card
    assert reverse("complaints:new") in card


def test_card_for_a_citizen_without_complaints(client: Client) -> None:
    client.force_login(CitizenUserFactory())
    html = client.get(reverse("portal:citizen_home")).content.decode()
    card = html.split('data-card="complaints"', 1)[1].split('<li class="card"', 1)[0]
    assert 'data-testid="complaints-open" data-count="0"' in card
    assert 'data-testid="complaints-latest"' not in card
    assert reverse("complaints:new") in card
