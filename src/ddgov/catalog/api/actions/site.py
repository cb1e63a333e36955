"""Site-level actions: ``status_show`` and ``help_show``."""

from __future__ import annotations

import inspect
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ddgov.catalog.api.actions.registry import ACTIONS, ActionContext, action
from ddgov.catalog.api.errors import NotFoundError
from ddgov.catalog.api.params import required

# The CKAN release whose Action API ddgov answers like; clients compare against 2.x.
CKAN_VERSION = "2.10.4"
EXTENSIONS = ["thai_gdc", "scheming_datasets", "datastore", "dcat", "harvest", "ddgov"]


def _ddgov_version() -> str:
    try:
        return version("ddgov")
    except PackageNotFoundError:
        return "0"


@action("status_show", side_effect_free=True)
def status_show(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:  # noqa: ARG001
    """Describe the site: the CKAN version ddgov is compatible with and its extensions."""
    return {
        "site_title": getattr(
            settings, "DDGOV_SITE_TITLE", "ddgov — ข้อมูลเปิดภาครัฐ / Open Government Data"
        ),
        "site_description": "Thai Government Data Catalog on ddgov",
        "site_url": ctx.request.build_absolute_uri("/").rstrip("/"),
        "ckan_version": CKAN_VERSION,
        "ddgov_version": _ddgov_version(),
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        "extensions": EXTENSIONS,
    }


@action("help_show", side_effect_free=True)
def help_show(ctx: ActionContext, data: dict[str, Any]) -> str:  # noqa: ARG001
    """Return the documentation of the action ``name``."""
    name = str(required(data, "name"))
    found = ACTIONS.get(name)
    if found is None:
        raise NotFoundError(
            _("Action function not found: %(name)s / ไม่พบการดำเนินการ") % {"name": name}
        )
    return inspect.getdoc(found.func) or ""
