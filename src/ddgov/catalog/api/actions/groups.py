"""Organisations (the foundation's agencies), groups (the plan's focus areas) and tags.

Organisations and groups are read-only here: agencies come from the agency registry and groups
are the ten focus areas of the plan, so their create/update/delete actions are refused with an
Authorization Error that says where they are managed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.agencies.selectors import agency_list
from ddgov.catalog.api.actions.registry import ActionContext, action
from ddgov.catalog.api.errors import ApiValidationError, AuthorizationError, NotFoundError
from ddgov.catalog.api.params import as_bool, as_int, as_list, required
from ddgov.catalog.api.serializers import (
    group_dict,
    organization_dict,
    package_dicts,
)
from ddgov.catalog.models import Dataset, Group, Tag
from ddgov.catalog.selectors import datasets_visible, group_get, groups_list, organization_get
from ddgov.core.language import thai_sort_key
from ddgov.identity.models import ROLE_RANK, Role, User
from ddgov.identity.selectors import user_memberships

LIST_MAX = 1000
SHOW_DATASETS_MAX = 1000
SORT_KEYS = {"name", "title", "package_count"}
# CKAN permission names → the least ddgov role that holds them.
PERMISSION_ROLE = {
    "read": Role.VIEWER,
    "create_dataset": Role.DATA_STEWARD,
    "update_dataset": Role.DATA_STEWARD,
    "delete_dataset": Role.DATA_STEWARD,
    "manage_group": Role.ADMIN,
}


def _sort(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Apply CKAN's ``sort`` ("title asc", "package_count desc", "name")."""
    parts = (sort or "title asc").split()
    key = parts[0]
    if key not in SORT_KEYS or (len(parts) > 1 and parts[1].lower() not in {"asc", "desc"}):
        raise ApiValidationError(
            {
                "sort": [
                    _(
                        "Sort by name, title or package_count. / เรียงได้ตาม name, title หรือ package_count"
                    )
                ]
            }
        )
    reverse = len(parts) > 1 and parts[1].lower() == "desc"
    return sorted(
        items,
        key=lambda d: (
            (d.get(key) or 0, ("", ""))
            if key == "package_count"
            else (0, thai_sort_key(str(d.get(key))))
        ),
        reverse=reverse,
    )


def _page(data: dict[str, Any], items: list[Any]) -> list[Any]:
    limit = as_int(data, "limit", default=LIST_MAX, maximum=LIST_MAX) or LIST_MAX
    offset = as_int(data, "offset", default=0) or 0
    return items[offset : offset + limit]


def _list_result(data: dict[str, Any], dicts: list[dict[str, Any]]) -> list[Any]:
    q = str(data.get("q") or "").strip().lower()
    if q:
        dicts = [
            d
            for d in dicts
            if q in d["name"].lower() or q in d["title"].lower() or q in d["title_en"].lower()
        ]
    wanted = as_list(data, "organizations") or as_list(data, "groups")
    if wanted:
        dicts = [d for d in dicts if d["name"] in set(wanted)]
    dicts = _page(data, _sort(dicts, str(data.get("sort") or "title asc")))
    if as_bool(data, "all_fields"):
        return dicts
    return [d["name"] for d in dicts]


# --- organisations -------------------------------------------------------------------------


def _org_counts(ctx: ActionContext) -> Counter[int]:
    rows = datasets_visible(viewer=ctx.caller).values("owner_org_id").annotate(n=Count("pk"))
    return Counter({r["owner_org_id"]: r["n"] for r in rows})


@action("organization_list", side_effect_free=True)
def organization_list(ctx: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Agencies as CKAN organisations: names, or dicts with ``all_fields``."""
    counts = _org_counts(ctx)
    dicts = [organization_dict(a, package_count=counts.get(a.pk, 0)) for a in agency_list()]
    return _list_result(data, dicts)


def _org(data: dict[str, Any]) -> Agency:
    name_or_id = str(required(data, "id"))
    agency = organization_get(name_or_id=name_or_id)
    if agency is None:
        raise NotFoundError(_("Organization not found / ไม่พบหน่วยงาน"))
    return agency


def _datasets(ctx: ActionContext, qs: Any) -> list[dict[str, Any]]:
    return package_dicts(ctx.request, qs.order_by("name")[:SHOW_DATASETS_MAX])


@action("organization_show", side_effect_free=True)
def organization_show(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """An agency as a CKAN organisation; ``include_datasets`` adds its visible datasets."""
    agency = _org(data)
    visible = datasets_visible(viewer=ctx.caller).filter(owner_org=agency)
    result = organization_dict(agency, package_count=visible.count())
    if as_bool(data, "include_datasets"):
        result["packages"] = _datasets(ctx, visible)
    result["users"] = []
    return result


@action("organization_list_for_user", side_effect_free=True)
def organization_list_for_user(ctx: ActionContext, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Agencies where the caller holds a CKAN ``permission`` (default ``manage_group``)."""
    permission = str(data.get("permission") or "manage_group")
    least = PERMISSION_ROLE.get(permission, Role.ADMIN)
    user = ctx.caller
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    if user.is_platform_admin:
        agencies = list(agency_list())
    else:
        agencies = [
            m.agency
            for m in user_memberships(user=user)
            if m.agency.is_active and ROLE_RANK[Role(m.role)] >= ROLE_RANK[least]
        ]
    counts = _org_counts(ctx)
    return [organization_dict(a, package_count=counts.get(a.pk, 0)) for a in agencies]


# --- groups --------------------------------------------------------------------------------


@action("group_list", side_effect_free=True)
def group_list(ctx: ActionContext, data: dict[str, Any]) -> list[Any]:
    """The plan's focus areas as CKAN groups: names, or dicts with ``all_fields``."""
    visible = datasets_visible(viewer=ctx.caller)
    rows = (
        Dataset.groups.through.objects.filter(dataset__in=visible)
        .values("group_id")
        .annotate(n=Count("pk"))
    )
    counts = {r["group_id"]: r["n"] for r in rows}
    dicts = [group_dict(g, package_count=counts.get(g.pk, 0)) for g in groups_list()]
    return _list_result(data, dicts)


def _group(data: dict[str, Any]) -> Group:
    group = group_get(name_or_id=str(required(data, "id")))
    if group is None:
        raise NotFoundError(_("Group not found / ไม่พบกลุ่ม"))
    return group


@action("group_show", side_effect_free=True)
def group_show(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """A focus area as a CKAN group; ``include_datasets`` adds its visible datasets."""
    group = _group(data)
    visible = datasets_visible(viewer=ctx.caller).filter(groups=group)
    result = group_dict(group, package_count=visible.count())
    if as_bool(data, "include_datasets"):
        result["packages"] = _datasets(ctx, visible)
    result["users"] = []
    return result


# --- tags ----------------------------------------------------------------------------------


@action("tag_list", side_effect_free=True)
def tag_list(ctx: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Keywords of the datasets the caller may see; ``query`` filters by substring."""
    if data.get("vocabulary_id"):
        return []  # ddgov has free tags only
    tags = (
        Tag.objects.filter(datasets__in=datasets_visible(viewer=ctx.caller))
        .distinct()
        .order_by("name")
    )
    query = str(data.get("query") or "").strip()
    if query:
        tags = tags.filter(name__icontains=query)
    if as_bool(data, "all_fields"):
        return [
            {"id": str(t.pk), "name": t.name, "display_name": t.name, "vocabulary_id": None}
            for t in tags
        ]
    return list(tags.values_list("name", flat=True))


# --- refused writes ------------------------------------------------------------------------


def _refuse_org(ctx: ActionContext, data: dict[str, Any]) -> None:  # noqa: ARG001
    raise AuthorizationError(
        _(
            "Organizations are the agencies of the ddgov agency registry and are managed there, "
            "not through the CKAN API. / หน่วยงานมาจากทะเบียนหน่วยงานของ ddgov และจัดการที่นั่น ไม่ใช่ผ่าน CKAN API"
        )
    )


def _refuse_group(ctx: ActionContext, data: dict[str, Any]) -> None:  # noqa: ARG001
    raise AuthorizationError(
        _(
            "Groups are the ten focus areas of the digital-government plan and cannot be changed "
            "through the API. / กลุ่มคือประเด็นมุ่งเน้นสิบด้านของแผนรัฐบาลดิจิทัล แก้ไขผ่าน API ไม่ได้"
        )
    )


for _verb in ("create", "update", "patch", "delete", "purge"):
    action(f"organization_{_verb}")(_refuse_org)
    action(f"group_{_verb}")(_refuse_group)
