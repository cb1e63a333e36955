"""Open311 services: the complaint categories, and their one optional attribute.

A service is a category of ``classify/categories.json``: ``service_code`` is its code,
``service_name`` its Thai name (the Traffy label), ``description`` Thai and English names,
``keywords`` every raw Traffy label that maps to it, and ``group`` who usually handles it (the
first target of its routing rule: the local government, or a central agency). Every service has
``metadata`` true and one optional attribute, ``anonymous`` (``true``/``false``): ``true`` hides
who reported the complaint from agency staff (Open311 output never shows it anyway).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ddgov.complaints.classify.taxonomy import Category, taxonomy_load
from ddgov.complaints.routing.table import AGENCY, LOCAL, table_load

ANONYMOUS = "anonymous"
TRUE_VALUES = frozenset({"true", "1", "yes"})
FALSE_VALUES = frozenset({"false", "0", "no", ""})


def category_find(*, code: str) -> Category | None:
    """The category behind service code ``code``, or ``None``."""
    try:
        return taxonomy_load().get(code)
    except KeyError:
        return None


def _group(code: str) -> str:
    rule = table_load().rules.get(code)
    kind = rule.targets[0].kind if rule and rule.targets else ""
    if kind == LOCAL:
        return _("Local government")
    if kind == AGENCY:
        return _("Central agencies")
    return _("Provincial offices")


def _keywords(category: Category) -> str:
    words = [category.label_th, category.label_en]
    for scheme in taxonomy_load().schemes.values():
        words.extend(label for label, codes in scheme.label_codes.items() if category.code in codes)
    return ", ".join(dict.fromkeys(w for w in words if w))


def service_out(category: Category) -> dict[str, Any]:
    """One entry of ``GET services``."""
    return {
        "service_code": category.code,
        "service_name": category.label_th,
        "description": f"{category.label_th} / {category.label_en}",
        "metadata": True,
        "type": "realtime",
        "keywords": _keywords(category),
        "group": _group(category.code),
    }


def services_out() -> list[dict[str, Any]]:
    """``GET services``: every category, in the taxonomy's order."""
    return [service_out(c) for c in taxonomy_load().categories]


def service_definition_out(category: Category) -> dict[str, Any]:
    """``GET services/{service_code}``: the service's attributes."""
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": ANONYMOUS,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _(
                    "true or false; leave it out to show staff who reported (the default)."
                ),
                "order": 1,
                "description": _(
                    "Report anonymously? Agency staff will not see who reported the problem."
                ),
                "values": [
                    {"key": "false", "name": _("No: staff may see who reported")},
                    {"key": "true", "name": _("Yes: report anonymously")},
                ],
            }
        ],
    }
