"""Saving, changing and deleting an analyst's SQL (:class:`~ddgov.analytics.models.SavedQuery`).

A query is saved under one of the author's agencies, private to the author until shared with
that agency. Its SQL is checked by the access layer's policy (:func:`query_validate`: syntax,
one read-only statement, allowed functions) before anything is stored, so a saved query never
holds SQL the sandbox would refuse for its form; whether the tables exist is decided when it
runs, with the rights of whoever runs it. Only the author or an administrator of the agency may
change or delete it. Every write and every refusal is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.analytics.engine import engine_names
from ddgov.analytics.models import SavedQuery
from ddgov.analytics.selectors.queries import query_validate
from ddgov.analytics.selectors.saved import saved_query_can_edit
from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.identity.models import User
from ddgov.identity.services import agency_access_require

TITLE_MAX = SavedQuery._meta.get_field("title").max_length or 200
EDITABLE = frozenset({"title", "description", "sql", "engine", "shared"})


class SavedQueryError(ValidationError):
    """Field-by-field problems with a saved query (``{field: [message, …]}``, bilingual)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        """Keep ``errors`` as ``{field: [message, …]}``."""
        super().__init__({k: list(v) for k, v in errors.items()})
        self.field_errors = {k: [str(m) for m in v] for k, v in errors.items()}


def _snapshot(query: SavedQuery) -> dict[str, Any]:
    return {
        "agency": query.agency.code,
        "owner": query.owner.get_username(),
        "title": query.title,
        "description": query.description,
        "sql": query.sql,
        "engine": query.engine,
        "shared": query.shared,
    }


def _deny(*, actor: User, agency: Agency, action: str, target_id: str = "") -> None:
    audit_record_append(
        action=action,
        actor=actor,
        agency_code=agency.code,
        target_type="saved_query",
        target_id=target_id,
        outcome=AuditRecord.Outcome.DENIED,
    )
    raise PermissionDenied(
        _(
            "Only the author or an administrator of the agency may do this. / "
            "เฉพาะผู้สร้างหรือผู้ดูแลระบบของหน่วยงานเท่านั้นที่ทำรายการนี้ได้"
        )
    )


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise and check the editable fields given; raise SavedQueryError listing every problem."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        errors["__all__"] = [
            _("Unknown fields: %(fields)s / ไม่รู้จักช่องข้อมูล: %(fields)s")
            % {"fields": ", ".join(unknown)}
        ]
    if "title" in fields:
        title = str(fields["title"] or "").strip()
        if not title:
            errors["title"] = [_("Give the query a title. / กรุณาตั้งชื่อคำค้น")]
        elif len(title) > TITLE_MAX:
            errors["title"] = [
                _("Use at most %(n)d characters. / ใช้ได้ไม่เกิน %(n)d ตัวอักษร") % {"n": TITLE_MAX}
            ]
        clean["title"] = title
    if "description" in fields:
        clean["description"] = str(fields["description"] or "").strip()
    if "sql" in fields:
        sql = str(fields["sql"] or "").strip()
        if not sql:
            errors["sql"] = [_("Write the SQL to save. / กรุณาเขียนคำสั่ง SQL ที่จะบันทึก")]
        clean["sql"] = sql
    if "engine" in fields:
        engine = str(fields["engine"] or "").strip().lower()
        if engine and engine not in engine_names():
            errors["engine"] = [
                _("Unknown engine %(name)s. / ไม่รู้จักเอนจิน %(name)s") % {"name": engine}
            ]
        clean["engine"] = engine
    if "shared" in fields:
        clean["shared"] = _flag(fields["shared"])
    if errors:
        raise SavedQueryError(errors)
    if clean.get("sql"):
        query_validate(sql=clean["sql"])  # raises QueryError with the position of the problem
    return clean


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes"}
    return bool(value)


def saved_query_create(
    *,
    actor: User,
    agency: Agency,
    title: str,
    sql: str,
    description: str = "",
    shared: bool = False,
    engine: str = "",
) -> SavedQuery:
    """Save ``sql`` as the actor's query under ``agency`` (the actor must be its staff).

    Raises PermissionDenied (audited) when the actor is not staff of ``agency``,
    :class:`SavedQueryError` for a missing title or SQL or an unknown engine, and the access
    layer's ``QueryError`` (with the position) for SQL its policy refuses.
    """
    agency_access_require(actor=actor, agency=agency, action="analytics.saved_query.create")
    clean = _clean(
        {
            "title": title,
            "sql": sql,
            "description": description,
            "shared": shared,
            "engine": engine,
        }
    )
    with transaction.atomic():
        query = SavedQuery.objects.create(agency=agency, owner=actor, **clean)
        audit_record_append(
            action="analytics.saved_query.create",
            actor=actor,
            agency_code=agency.code,
            target_type="saved_query",
            target_id=str(query.pk),
            after=_snapshot(query),
        )
    return query


def saved_query_update(*, actor: User, query: SavedQuery, **fields: Any) -> SavedQuery:
    """Change ``title``, ``description``, ``sql``, ``engine`` or ``shared`` of ``query``.

    Only its author or an administrator of its agency may; the SQL is re-checked when given.
    """
    if not saved_query_can_edit(user=actor, query=query):
        _deny(
            actor=actor,
            agency=query.agency,
            action="analytics.saved_query.update",
            target_id=str(query.pk),
        )
    clean = _clean(fields)
    before = _snapshot(query)
    with transaction.atomic():
        for name, value in clean.items():
            setattr(query, name, value)
        query.save()
        audit_record_append(
            action="analytics.saved_query.update",
            actor=actor,
            agency_code=query.agency.code,
            target_type="saved_query",
            target_id=str(query.pk),
            before=before,
            after=_snapshot(query),
            detail={"fields": sorted(clean)},
        )
    return query


def saved_query_delete(*, actor: User, query: SavedQuery) -> None:
    """Delete ``query`` (its author or an administrator of its agency; audited)."""
    if not saved_query_can_edit(user=actor, query=query):
        _deny(
            actor=actor,
            agency=query.agency,
            action="analytics.saved_query.delete",
            target_id=str(query.pk),
        )
    charts = query.charts.count()
    if charts:
        raise SavedQueryError(
            {
                "__all__": [
                    _(
                        "%(n)d chart(s) draw this query; remove them from their dashboards first. / "
                        "มีแผนภูมิ %(n)d รายการที่ใช้คำค้นนี้ กรุณานำออกจากแดชบอร์ดก่อน"
                    )
                    % {"n": charts}
                ]
            }
        )
    before = _snapshot(query)
    target = str(query.pk)
    with transaction.atomic():
        query.delete()
        audit_record_append(
            action="analytics.saved_query.delete",
            actor=actor,
            agency_code=query.agency.code,
            target_type="saved_query",
            target_id=target,
            before=before,
        )
