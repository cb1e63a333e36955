"""The gateway's per-call reads as plain SQL, written once per process from the models' metadata.

Authorization runs on every call, and building the same four ORM querysets again each time
costs more than running them (about 0.3 ms of Python each). The statements here are the same
reads, with table and column names taken from the models (so they follow any rename) and
quoted for the connected database, built on first use and reused; values are always bound
parameters. Each read is portable SQL that SQLite and PostgreSQL run alike.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import ManyToManyField, Model
from oauth2_provider.models import get_access_token_model

from ddgov.exchange.models import (
    AccessGrant,
    ConsentEvent,
    ConsentRecord,
    DataAgreement,
    Member,
    Purpose,
    Service,
    Subsystem,
    SubsystemClient,
)


@dataclass(frozen=True)
class _Statements:
    call: str  # service + caller's token + grant with its purposes, in one round trip
    token: str  # the caller's token alone (directory calls)
    consent_head: str  # ... WHERE citizen_id IN ( + placeholders + consent_tail
    consent_tail: str


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model: type[Model], name: str) -> str:
    column = getattr(model._meta.get_field(name), "column", None)
    if not isinstance(column, str):
        msg = f"{model.__name__}.{name} has no column"
        raise TypeError(msg)
    return connection.ops.quote_name(column)


def _token_sql(pk: str) -> str:
    """Params: token checksum, now, True, True. Columns: subsystem pk, member and subsystem codes."""
    token_model = get_access_token_model()
    return (
        f"SELECT tc.{_col(SubsystemClient, 'subsystem')} AS caller_pk, "  # noqa: S608 - names from model metadata, values bound
        f"tm.{_col(Member, 'code')} AS caller_member, tss.{_col(Subsystem, 'code')} AS caller_code "
        f"FROM {_table(token_model)} tk "
        f"JOIN {_table(SubsystemClient)} tc "
        f"ON tc.{_col(SubsystemClient, 'application')} = tk.{_col(token_model, 'application')} "
        f"JOIN {_table(Subsystem)} tss ON tss.{pk} = tc.{_col(SubsystemClient, 'subsystem')} "
        f"JOIN {_table(Member)} tm ON tm.{pk} = tss.{_col(Subsystem, 'member')} "
        f"WHERE tk.{_col(token_model, 'token_checksum')} = %s "
        f"AND tk.{_col(token_model, 'expires')} > %s "
        f"AND tc.{_col(SubsystemClient, 'revoked_at')} IS NULL "
        f"AND tss.{_col(Subsystem, 'is_active')} = %s AND tm.{_col(Member, 'is_active')} = %s"
    )


@functools.cache
def _statements(vendor: str) -> _Statements:
    """The statements for one database vendor (built once)."""
    del vendor  # the cache key; quoting comes from the live connection
    q = connection.ops.quote_name
    pk = q("id")
    token = _token_sql(pk)
    purposes = AccessGrant._meta.get_field("purposes")
    if not isinstance(purposes, ManyToManyField):
        msg = "AccessGrant.purposes is not a many-to-many field"
        raise TypeError(msg)
    through = AccessGrant.purposes.through
    # Params: the token's four, then service code, subsystem code, member code, True x3.
    call = (
        f"SELECT s.{pk}, s.{_col(Service, 'kind')}, s.{_col(Service, 'base_url')}, "  # noqa: S608 - names from model metadata, values bound
        f"s.{_col(Service, 'timeout_ms')}, s.{_col(Service, 'personal_data')}, "
        f"s.{_col(Service, 'subject_param')}, s.{_col(Service, 'key_column')}, "
        f"s.{_col(Service, 'updated_at')}, "
        f"t.caller_pk, t.caller_member, t.caller_code, "
        f"g.{pk}, g.{_col(AccessGrant, 'lawful_basis')}, g.{_col(AccessGrant, 'rate_per_minute')}, "
        f"p.{_col(Purpose, 'code')} "
        f"FROM {_table(Service)} s "
        f"JOIN {_table(Subsystem)} ss ON ss.{pk} = s.{_col(Service, 'subsystem')} "
        f"JOIN {_table(Member)} m ON m.{pk} = ss.{_col(Subsystem, 'member')} "
        f"LEFT JOIN ({token}) t ON 1 = 1 "
        f"LEFT JOIN {_table(AccessGrant)} g ON g.{_col(AccessGrant, 'service')} = s.{pk} "
        f"AND g.{_col(AccessGrant, 'client')} = t.caller_pk "
        f"AND g.{_col(AccessGrant, 'revoked_at')} IS NULL "
        f"LEFT JOIN {_table(through)} gp ON gp.{q(purposes.m2m_column_name())} = g.{pk} "
        f"LEFT JOIN {_table(Purpose)} p ON p.{pk} = gp.{q(purposes.m2m_reverse_name())} "
        f"WHERE s.{_col(Service, 'code')} = %s AND ss.{_col(Subsystem, 'code')} = %s "
        f"AND m.{_col(Member, 'code')} = %s AND s.{_col(Service, 'is_active')} = %s "
        f"AND ss.{_col(Subsystem, 'is_active')} = %s AND m.{_col(Member, 'is_active')} = %s"
    )
    consent_head = (
        f"SELECT DISTINCT r.{_col(ConsentRecord, 'citizen_id')} "  # noqa: S608 - names from model metadata, values bound
        f"FROM {_table(ConsentRecord)} r "
        f"JOIN {_table(DataAgreement)} a ON a.{pk} = r.{_col(ConsentRecord, 'agreement')} "
        f"JOIN {_table(Purpose)} p ON p.{pk} = a.{_col(DataAgreement, 'purpose')} "
        f"WHERE r.{_col(ConsentRecord, 'citizen_id')} IN ("
    )
    # Params: the citizen IDs, then 'given', service pk, client pk, purpose code, True, 'given'.
    # The record's state alone is not trusted: its latest signed event must say 'given' too,
    # so a record edited to 'given' behind the consent service's back grants nothing.
    consent_tail = (
        f") AND r.{_col(ConsentRecord, 'state')} = %s "  # noqa: S608 - names from model metadata, values bound
        f"AND a.{_col(DataAgreement, 'service')} = %s AND a.{_col(DataAgreement, 'client')} = %s "
        f"AND p.{_col(Purpose, 'code')} = %s AND a.{_col(DataAgreement, 'is_active')} = %s "
        f"AND r.{_col(ConsentRecord, 'agreement_revision_hash')} "
        f"= a.{_col(DataAgreement, 'revision_hash')} "
        f"AND (SELECT e.{_col(ConsentEvent, 'state')} FROM {_table(ConsentEvent)} e "
        f"WHERE e.{_col(ConsentEvent, 'record')} = r.{pk} "
        f"ORDER BY e.{_col(ConsentEvent, 'seq')} DESC LIMIT 1) = %s"
    )
    return _Statements(call=call, token=token, consent_head=consent_head, consent_tail=consent_tail)


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass(frozen=True)
class ServiceRow:
    """The columns of an active service the gateway needs on every call."""

    pk: int
    kind: str
    base_url: str
    timeout_ms: int | None
    personal_data: bool
    subject_param: str
    key_column: str
    revision: str  # updated_at as text: compiled path templates are cached per revision


@dataclass(frozen=True)
class GrantRow:
    """The caller's active grant of the service."""

    pk: int
    lawful_basis: str
    rate_per_minute: int | None
    purposes: frozenset[str]


@dataclass(frozen=True)
class CallRows:
    """What one call needs: the service, the token's subsystem and the grant (None: none)."""

    service: ServiceRow
    caller: tuple[int, str, str] | None  # subsystem pk, member code, subsystem code
    grant: GrantRow | None


def call_rows(
    *, member: str, subsystem: str, code: str, checksum: str, now: datetime
) -> CallRows | None:
    """The active service ``member/subsystem/code``, the token's caller and the caller's grant.

    None when there is no such active service (with an active subsystem and member); otherwise
    ``caller`` is None when ``checksum`` is no unexpired token of an active subsystem client,
    and ``grant`` None when that caller holds no active grant of the service.
    """
    when = connection.ops.adapt_datetimefield_value(now)
    params = [checksum, when, True, True, code, subsystem, member, True, True, True]
    rows = _fetch(_statements(connection.vendor).call, params)
    if not rows:
        return None
    first = rows[0]
    pk, kind, base_url, timeout_ms, personal, subject_param, key_column, updated = first[:8]
    service = ServiceRow(
        pk=int(pk),
        kind=kind,
        base_url=base_url,
        timeout_ms=timeout_ms,
        personal_data=bool(personal),
        subject_param=subject_param,
        key_column=key_column,
        revision=str(updated),
    )
    caller_pk, caller_member, caller_code, grant_pk, basis, rate = first[8:14]
    caller = (int(caller_pk), caller_member, caller_code) if caller_pk is not None else None
    grant = None
    if grant_pk is not None:
        grant = GrantRow(
            pk=int(grant_pk),
            lawful_basis=basis or "",
            rate_per_minute=rate,
            purposes=frozenset(row[14] for row in rows if row[14]),
        )
    return CallRows(service=service, caller=caller, grant=grant)


def token_subsystem(*, checksum: str, now: datetime) -> tuple[int, str, str] | None:
    """``(subsystem pk, member code, subsystem code)`` of an unexpired token of an active client."""
    sql = _statements(connection.vendor).token
    when = connection.ops.adapt_datetimefield_value(now)
    rows = _fetch(sql, [checksum, when, True, True])
    if not rows:
        return None
    subsystem_pk, member_code, subsystem_code = rows[0]
    return int(subsystem_pk), member_code, subsystem_code


def consenting_citizens(
    *, citizen_ids: Sequence[str], service_pk: int, client_pk: int, purpose: str
) -> set[str]:
    """Which of ``citizen_ids`` have given consent to a current, active matching agreement.

    Given means the record's state is ``given`` and so is its latest event (highest ``seq``);
    the record's revision hash is the agreement's current one (the events' signed hashes
    cover it, and ``ddgov exchange verify`` checks them). One statement, one round trip.
    """
    if not citizen_ids:
        return set()
    statements = _statements(connection.vendor)
    sql = statements.consent_head + ", ".join(["%s"] * len(citizen_ids)) + statements.consent_tail
    given = ConsentRecord.State.GIVEN.value
    params = [*citizen_ids, given, service_pk, client_pk, purpose, True, given]
    return {row[0] for row in _fetch(sql, params)}
