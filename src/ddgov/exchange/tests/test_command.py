"""``ddgov exchange``: stable output, exit codes, bad arguments."""

from __future__ import annotations

import io
import re
import sys
import types
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.db import connection, connections
from oauth2_provider.models import get_application_model

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.exchange.models import Member, Subsystem, SubsystemClient
from ddgov.exchange.tests.factories import ExternalServiceFactory, GrantFactory, SubsystemFactory

pytestmark = pytest.mark.django_db

CLIENT_OUTPUT = re.compile(r"\Aclient_id: (\S+)\nclient_secret: (\S+)\n\Z")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("exchange", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run as the console does (``ddgov exchange …``): real exit codes, real stderr."""
    command = load_command_class("ddgov.exchange", "exchange")
    # run_from_argv closes every connection at the end, which would end the test's transaction.
    with mock.patch.object(connections, "close_all", return_value=None):
        try:
            command.run_from_argv(["ddgov", "exchange", *args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- registry ------------------------------------------------------------------------------------


def test_member_subsystem_and_client_from_the_console(capsys):
    DepartmentFactory(code="dopa")

    assert run("member", "add", "--agency", "dopa", "--code", "DOPA")[0] == "member: DOPA\n"
    out, _ = run(
        "subsystem",
        "add",
        "--member",
        "DOPA",
        "--code",
        "population",
        "--name-th",
        "ทะเบียนราษฎร",
        "--name-en",
        "Civil registration",
    )
    assert out == "subsystem: TH/GOV/DOPA/population\n"
    subsystem = Subsystem.objects.get(code="population")
    assert (subsystem.name_th, subsystem.name_en) == ("ทะเบียนราษฎร", "Civil registration")

    code, out, err = run_cli(
        capsys, "client", "create", "--member", "DOPA", "--subsystem", "population"
    )

    assert code == 0
    match = CLIENT_OUTPUT.match(out)
    assert match, out
    client_id, secret = match.groups()
    client = SubsystemClient.objects.get(application__client_id=client_id)
    assert client.subsystem == subsystem
    assert "only" in err
    assert secret not in err
    assert get_application_model().objects.count() == 1  # creates nothing else


def test_client_create_for_an_unknown_subsystem_fails_on_stderr_with_status_1(capsys):
    SubsystemFactory(member__code="DOPA", code="population", is_active=False)
    for args in (
        ("--member", "DOPA", "--subsystem", "nope"),
        ("--member", "DOPA", "--subsystem", "population"),
    ):
        code, out, err = run_cli(capsys, "client", "create", *args)
        assert code == 1
        assert out == ""
        assert "no active subsystem TH/GOV/DOPA/" in err
    assert not SubsystemClient.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("client", "create", "--member", "DOPA"),
        ("client", "create"),
        ("client",),
        ("frobnicate",),
        ("client", "create", "--member", "DOPA", "--subsystem", "x", "--bogus"),
        (),
    ],
)
def test_bad_arguments_exit_with_status_2(capsys, args):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert err


def test_client_revoke(capsys):
    subsystem = SubsystemFactory(member__code="A", code="app")
    out, _ = run("client", "create", "--member", "A", "--subsystem", "app")
    client_id = CLIENT_OUTPUT.match(out).group(1)

    assert run("client", "revoke", "--client-id", client_id)[0] == f"revoked: {client_id}\n"
    assert SubsystemClient.objects.get(subsystem=subsystem).revoked_at is not None
    code, _, err = run_cli(capsys, "client", "revoke", "--client-id", "nope")
    assert code == 1
    assert "no exchange client" in err


def test_member_and_subsystem_errors_are_bilingual_command_errors():
    DepartmentFactory(code="dopa")
    with pytest.raises(CommandError, match="no agency"):
        run("member", "add", "--agency", "nope", "--code", "X")
    with pytest.raises(CommandError, match="ตัวอักษร"):
        run("member", "add", "--agency", "dopa", "--code", "bad code")
    assert not Member.objects.exists()
    with pytest.raises(CommandError, match="no member"):
        run("subsystem", "add", "--member", "NOPE", "--code", "s", "--name-th", "ระบบ")


def test_service_list():
    first = ExternalServiceFactory(
        subsystem__member__code="P",
        subsystem__code="reg",
        code="persons",
        personal_data=True,
        title_th="ข้อมูลบุคคล",
    )
    ExternalServiceFactory(subsystem=first.subsystem, code="old", is_active=False, title_th="เก่า")
    other = ExternalServiceFactory(subsystem__member__code="Q", subsystem__code="x", code="z")
    GrantFactory(service=other, client=SubsystemFactory(member=first.subsystem.member))

    out, _ = run("service", "list")
    lines = out.splitlines()
    assert lines[0] == "TH/GOV/P/reg/old\texternal\tinactive\t-\tเก่า"
    assert lines[1] == "TH/GOV/P/reg/persons\texternal\tactive\tpersonal\tข้อมูลบุคคล"
    assert lines[2].startswith("TH/GOV/Q/x/z\t")
    out, _ = run("service", "list", "--member", "P")
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "TH/GOV/P/reg/old",
        "TH/GOV/P/reg/persons",
    ]
    with pytest.raises(CommandError):
        run("service", "list", "--member", "NOPE")


# --- message log (part B's services, replaced here by a stand-in) --------------------------------


@dataclass
class FakeReport:
    ok: bool
    text: str

    def describe(self) -> str:
        return self.text


@pytest.fixture
def messagelog(monkeypatch):
    fake = types.ModuleType("ddgov.exchange.services.messagelog")
    fake.report = FakeReport(ok=True, text="OK: 3 records in 1 stream, 1 checkpoint")
    fake.messagelog_verify = lambda: fake.report
    fake.checkpoint_create = lambda: None
    fake.messagelog_prune = lambda **kwargs: 7
    monkeypatch.setitem(sys.modules, "ddgov.exchange.services.messagelog", fake)
    return fake


def test_verify_ok_exits_0(capsys, messagelog):
    code, out, _err = run_cli(capsys, "verify")
    assert (code, out) == (0, "OK: 3 records in 1 stream, 1 checkpoint\n")


def test_verify_tampered_exits_1_naming_the_record(capsys, messagelog):
    line = "TAMPERED: record stream=node/1-abcdef seq=2 id=42: record_hash does not match"
    messagelog.report = FakeReport(ok=False, text=line)
    code, out, _err = run_cli(capsys, "verify")
    assert code == 1
    assert out == line + "\n"


def test_checkpoint_and_prune(messagelog):
    assert run("checkpoint")[0] == "no checkpoint needed: no new records\n"
    messagelog.checkpoint_create = lambda: types.SimpleNamespace(
        seq=5, at=__import__("datetime").datetime(2025, 1, 2, 3, 4, 5)
    )
    assert run("checkpoint")[0] == "checkpoint: seq=5 at=2025-01-02T03:04:05\n"
    assert run("prune")[0] == "pruned: 7 records\n"


# --- message log: the real thing ------------------------------------------------------------------


@pytest.fixture
def signing_key(settings, tmp_path):
    from ddgov.exchange.messagelog import keys

    settings.DDGOV_EXCHANGE_SIGNING_KEY_FILE = tmp_path / "exchange.pem"
    settings.DDGOV_EXCHANGE_TRUSTED_KEY_FILES = []
    keys.keys_reset()
    yield
    keys.keys_reset()


def test_verify_names_the_first_tampered_record(capsys, signing_key):
    from ddgov.exchange.messagelog.testing import log_entry
    from ddgov.exchange.models import MessageRecord
    from ddgov.exchange.services.messagelog import messagelog_append
    from ddgov.exchange.triggers import evidence_triggers_suspended

    records = messagelog_append(
        entries=[log_entry(), log_entry(), log_entry()], stream="test-node/1-abcdef"
    )
    assert run("checkpoint")[0].startswith("checkpoint: seq=1 ")
    code, out, _err = run_cli(capsys, "verify")
    assert code == 0
    assert out.startswith("OK")

    target = records[1]
    with evidence_triggers_suspended(connection=connection):
        MessageRecord.objects.filter(pk=target.pk).update(status=500)
    code, out, _err = run_cli(capsys, "verify")
    assert code == 1
    assert out.startswith(
        f"TAMPERED: record stream=test-node/1-abcdef seq={target.seq} id={target.pk}"
    )
