"""Open311 API keys: the service functions and ``ddgov open311 key …``."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.complaints.models import Complaint, Open311Client
from ddgov.complaints.open311 import submit
from ddgov.complaints.services.open311_keys import (
    open311_client_authenticate,
    open311_client_create,
    open311_client_revoke,
    open311_clients_by_prefix,
)
from ddgov.complaints.tests.open311_fixtures import GOOD_POST, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_buckets():
    submit.buckets.clear()


def test_create_stores_only_the_digest():
    client, key = open311_client_create(name="  Traffy Fondue  ")
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert client.name == "Traffy Fondue"
    assert client.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert client.key_prefix == key[:8]
    row = Open311Client.objects.get()
    assert key not in {row.name, row.key_digest, row.key_prefix}


def test_each_key_is_different():
    keys = {open311_client_create(name=f"app {i}")[1] for i in range(5)}
    assert len(keys) == 5


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_create_refuses_bad_names(name):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        open311_client_create(name=name)
    assert not Open311Client.objects.exists()


def test_authenticate():
    client, key = open311_client_create(name="App")
    assert open311_client_authenticate(api_key=key) == client
    assert open311_client_authenticate(api_key=f" {key} ") == client
    assert open311_client_authenticate(api_key=key.upper()) is None
    assert open311_client_authenticate(api_key=key[:-1]) is None
    assert open311_client_authenticate(api_key="") is None
    assert open311_client_authenticate(api_key="x" * 10_000) is None


def test_authenticate_records_last_use_cheaply(django_assert_num_queries):
    client, key = open311_client_create(name="App")
    assert client.last_used_at is None
    with django_assert_num_queries(2):  # read + one update
        open311_client_authenticate(api_key=key)
    first = Open311Client.objects.get().last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # within a minute: read only
        open311_client_authenticate(api_key=key)
    assert Open311Client.objects.get().last_used_at == first


def test_revoke():
    client, key = open311_client_create(name="App")
    open311_client_revoke(client=client)
    revoked_at = Open311Client.objects.get().revoked_at
    assert revoked_at is not None
    assert open311_client_authenticate(api_key=key) is None
    open311_client_revoke(client=client)  # twice: keeps the first time
    assert Open311Client.objects.get().revoked_at == revoked_at


def test_by_prefix():
    client, key = open311_client_create(name="App")
    assert open311_clients_by_prefix(prefix=key[:8]) == [client]
    assert open311_clients_by_prefix(prefix=key[:5].upper()) == [client]
    assert open311_clients_by_prefix(prefix=key) == [client]
    assert open311_clients_by_prefix(prefix=key[:3]) == []


# --- the command ----------------------------------------------------------------------------


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_create_prints_only_a_working_key(client, directory):
    out, err = _run("key", "create", "--name", "Traffy Fondue")
    lines = out.splitlines()
    assert len(lines) == 1
    key = lines[0]
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key[:8] in err  # the note for people goes to stderr
    response, body = post(client, api_key=key, **GOOD_POST)
    assert response.status_code == 201
    assert Complaint.objects.get().tracking_code == body[0]["service_request_id"]


def test_command_list_and_revoke(client, directory):
    key = _run("key", "create", "--name", "App one")[0].strip()
    _run("key", "create", "--name", "App two")
    out, _err = _run("key", "list")
    rows = [line.split("\t") for line in out.splitlines()]
    assert (rows[0][0] == key[:8], rows[0][1], rows[0][3]) == (True, "active", "App one")
    assert len(rows) == 2
    assert key not in out  # only prefixes are listed

    out, _err = _run("key", "revoke", key[:8])
    assert out.strip() == f"revoked: {key[:8]} (App one)"
    assert "revoked" in _run("key", "list")[0].splitlines()[0]
    response, _body = post(client, api_key=key, **GOOD_POST)
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_command_list_empty(db):
    out, err = _run("key", "list")
    assert out == ""
    assert err


@pytest.mark.parametrize(
    "args",
    [
        ("key", "revoke", "deadbeef"),
        ("key", "revoke", "ab"),
        ("key", "create", "--name", "   "),
    ],
)
def test_command_errors(db, args):
    with pytest.raises(CommandError):
        _run(*args)


@pytest.mark.parametrize("args", [("key",), ("key", "create"), ("nothing",), ()])
def test_command_bad_arguments(db, args):
    with pytest.raises(CommandError):
        _run(*args)


def test_command_ambiguous_prefix(db):
    Open311Client.objects.create(
        name="a", key_digest="1" * 64, key_prefix="abcd1234", created_at="2026-01-01T00:00Z"
    )
    Open311Client.objects.create(
        name="b", key_digest="2" * 64, key_prefix="abcd5678", created_at="2026-01-01T00:00Z"
    )
    with pytest.raises(CommandError, match="2 keys"):
        _run("key", "revoke", "abcd")
    assert not Open311Client.objects.filter(revoked_at__isnull=False).exists()
