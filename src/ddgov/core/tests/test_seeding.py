import io

import pytest
from django.core.management import CommandError, call_command

from ddgov.agencies.models import Agency
from ddgov.audit.services import audit_chain_verify
from ddgov.core import seeding
from ddgov.core.models import DemoAccount
from ddgov.identity.models import Business, Person, User
from ddgov.identity.thaiid import thai_id_is_valid


@pytest.fixture
def isolated_registry(monkeypatch):
    monkeypatch.setattr(seeding, "_REGISTRY", {})
    return seeding


def test_seeders_run_after_what_they_need(isolated_registry):
    ran = []
    isolated_registry.seeder("b", after=("a",))(lambda ctx: ran.append("b") or 1)
    isolated_registry.seeder("a")(lambda ctx: ran.append("a") or 1)
    isolated_registry.seeder("c", after=("b",))(lambda ctx: ran.append("c") or 1)
    isolated_registry.seed_run(context=seeding.SeedContext(scale=1))
    assert ran == ["a", "b", "c"]


def test_missing_and_cyclic_dependencies_are_reported(isolated_registry):
    isolated_registry.seeder("x", after=("y",))(lambda ctx: 0)
    with pytest.raises(ValueError, match="not registered"):
        isolated_registry.seeders_ordered()
    isolated_registry.seeder("y", after=("x",))(lambda ctx: 0)
    with pytest.raises(ValueError, match="cycle"):
        isolated_registry.seeders_ordered()


def test_random_streams_are_per_seeder_and_repeatable():
    ctx = seeding.SeedContext(scale=1)
    assert ctx.rng("a").random() == seeding.SeedContext(scale=1).rng("a").random()
    assert ctx.rng("a").random() != ctx.rng("b").random()


@pytest.mark.django_db(transaction=True)
def test_demo_seed_is_realistic_audited_and_deterministic():
    out = io.StringIO()
    call_command("demo", "seed", "--scale", "1", stdout=out)
    assert "Demo sign-ins" in out.getvalue()
    assert Agency.objects.filter(kind="province").count() == 76
    assert Agency.objects.filter(kind="bma").count() == 1
    for code in ("dga", "dopa", "osmep", "baac", "oae", "oic", "opm-ops", "ocs"):
        assert Agency.objects.filter(code=code).exists(), code
    assert Agency.objects.filter(kind__in=["pao", "municipality", "sao"]).count() > 76
    people = list(Person.objects.order_by("pk").values_list("citizen_id", flat=True))
    assert len(people) == 1000
    assert all(thai_id_is_valid(p) for p in people)
    assert all(
        thai_id_is_valid(b, kind="juristic")
        for b in Business.objects.values_list("juristic_id", flat=True)
    )
    assert Person.objects.filter(subdistrict__isnull=True).count() == 0
    assert (
        DemoAccount.objects.count()
        == User.objects.filter(username__in=DemoAccount.objects.values("username")).count()
    )
    assert audit_chain_verify().ok
    first_ids = people[:20]

    with pytest.raises(CommandError, match="already holds"):
        call_command("demo", "seed")
    call_command("demo", "seed", "--if-empty", stdout=io.StringIO())
    assert Person.objects.count() == 1000

    call_command("flush", "--noinput")
    call_command("demo", "seed", "--scale", "1", stdout=io.StringIO())
    assert (
        list(Person.objects.order_by("pk").values_list("citizen_id", flat=True)[:20]) == first_ids
    )


def test_demo_accounts_lists_nothing_before_seeding(db):
    out = io.StringIO()
    call_command("demo", "accounts", stdout=out)
    assert "no demo accounts" in out.getvalue()
