"""Site-level actions: ``status_show``, ``help_show`` and ``license_list``."""

from __future__ import annotations

import inspect
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ddgov.catalog.api.actions.registry import ACTIONS, ActionContext, action
from ddgov.catalog.api.errors import NotFoundError
from ddgov.catalog.api.params import required
from ddgov.catalog.vocab import LICENSES, OPEN_LICENSES

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


GENERIC_LICENSES = {"other-open", "other-closed", "notspecified"}


@action("license_list", side_effect_free=True)
def license_list(ctx: ActionContext, data: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: ARG001
    """The licences a dataset's ``license_id`` may name, in CKAN's shape.

    ``package_create`` refuses any other id (a licence title or a common alias such as
    ``CC-BY-4.0`` is accepted and stored as the id listed here).
    """
    out = []
    for license_id, (title, url) in LICENSES.items():
        conformance = "approved" if license_id in OPEN_LICENSES else "not reviewed"
        out.append(
            {
                "id": license_id,
                "title": title,
                "url": url,
                "status": "active",
                "maintainer": "",
                "family": "",
                "domain_content": license_id in OPEN_LICENSES,
                "domain_data": license_id in OPEN_LICENSES,
                "domain_software": False,
                "is_generic": license_id in GENERIC_LICENSES,
                "od_conformance": conformance,
                "osd_conformance": "not reviewed",
                "is_okd_compliant": conformance == "approved",
                "is_osi_compliant": False,
            }
        )
    return out
