"""Steps the browser tests share: translated labels, signing in, switching language."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils import translation
from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The agreed Thai wording of the navigation (docs: the Thai-first UI).
TH = {
    "Sign in": "เข้าสู่ระบบ",
    "My services": "บริการของฉัน",
    "Back office": "ระบบงานเจ้าหน้าที่",
    "My record": "ข้อมูลของฉัน",
    "Who read my data": "ใครเข้าถึงข้อมูลของฉัน",
    "Sign out": "ออกจากระบบ",
}


def tr(message: str, language: str = "th") -> str:
    """Return ``message`` as the site's own catalog renders it in ``language``.

    For labels whose exact Thai wording is the translators' choice: the tests then check that the
    page uses its catalog (and that the label is wired to its control), not a particular phrase.
    """
    with translation.override(language):
        return translation.gettext(message)


def tr_label(label: object, language: str = "th") -> str:
    """Return a lazy label (a model choice, say) in ``language``."""
    with translation.override(language):
        return str(label)


def exactly(text: str) -> re.Pattern[str]:
    """A pattern matching the whole (whitespace-trimmed) text and nothing more."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def expect_language(page: Page, language: str) -> None:
    """The page is rendered in ``language`` (``<html lang>``)."""
    expect(page.locator("html")).to_have_attribute("lang", language)


def language_switch(page: Page, language: str) -> None:
    """Use the header's language form, as a reader would, and wait for the page to come back."""
    form = page.locator("header form").filter(has=page.locator("#language-select"))
    form.locator("#language-select").select_option(language)
    with page.expect_navigation():
        form.get_by_role("button").click()
    expect_language(page, language)


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill the sign-in form by its labels and submit it (on whichever page language is active)."""
    language = page.locator("html").get_attribute("lang") or "th"
    page.get_by_label(tr("Citizen ID or user name", language), exact=True).fill(username)
    page.get_by_label(tr("Password", language), exact=True).fill(password)
    with page.expect_navigation():
        page.locator("main form").get_by_role(
            "button", name=tr("Sign in", language), exact=True
        ).click()
