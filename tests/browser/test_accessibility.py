"""Accessibility basics on the public and citizen pages, and a self-hosted Thai web font."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from ddgov.identity.tests.factories import TEST_PASSWORD, CitizenUserFactory

from .support import sign_in, tr

if TYPE_CHECKING:
    from .conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/accounts/login/", "/accounts/register/", "/me/"]
CONTROLS = "input:not([type=hidden]), select, textarea, button"

# Each control's accessible name and description as Chromium's accessibility tree has them
# (what a screen reader is given), plus ARIA references that point at nothing.
_AX_JS = """
(selector) => {
  const described = (el, attr) => (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean);
  const dangling = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
    for (const attr of ["aria-describedby", "aria-labelledby"]) {
      for (const id of described(el, attr)) {
        if (!document.getElementById(id)) dangling.push(`${el.outerHTML.slice(0, 120)} ${attr}=${id}`);
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) dangling.push(`${label.outerHTML} for=${label.htmlFor}`);
  }
  return {dangling, count: document.querySelectorAll(selector).length};
}
"""


_SETTLED_JS = """
async () => {
  await document.fonts.ready;
  for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(() => r()));
}
"""


def _sign_in_citizen(page: Page) -> None:
    citizen = CitizenUserFactory()
    page.goto("/accounts/login/")
    sign_in(page, citizen.username, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/me/$"))


def _unnamed_controls(page: Page) -> list[str]:
    """Return the form controls whose accessible name (per Chromium) is empty."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": CONTROLS})[
            "nodeIds"
        ]
        unnamed = []
        for node_id in node_ids:
            nodes = cdp.send(
                "Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False}
            )["nodes"]
            node = nodes[0]  # the control itself; hidden ones are "ignored" and need no name
            name = str(node.get("name", {}).get("value", "")).strip()
            if not node.get("ignored") and not name:
                html = cdp.send("DOM.getOuterHTML", {"nodeId": node_id})["outerHTML"]
                unnamed.append(html[:160])
        return unnamed
    finally:
        cdp.detach()


@pytest.mark.parametrize("path", PAGES)
def test_every_form_control_has_an_accessible_name(page: Page, path: str) -> None:
    if path == "/me/":
        _sign_in_citizen(page)
    page.goto(path)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    found = page.evaluate(_AX_JS, CONTROLS)
    assert found["count"] >= 2, "expected at least the language form's select and button"
    assert _unnamed_controls(page) == []
    assert found["dangling"] == []
    # Spot-check the computation: the language select is named by its (visually hidden) label.
    expect(page.locator("#language-select")).to_have_accessible_name(tr("Language"))


@pytest.mark.parametrize("path", PAGES)
def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page, path: str) -> None:
    if path == "/me/":
        _sign_in_citizen(page)
    page.goto(path)
    # Let the page settle first: autofocus is applied at a rendering update after load, and a
    # Tab pressed before it would race it.
    page.evaluate(_SETTLED_JS)
    # Nothing has taken focus on its own (autofocus would make Tab skip the skip link).
    assert page.evaluate("document.activeElement === document.body"), page.evaluate(
        "document.activeElement.outerHTML"
    )
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_count(1)
    expect(focused).to_have_class("skip-link")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_have_accessible_name(tr("Skip to main content"))
    expect(focused).to_be_in_viewport()  # shown when focused, not left off-screen
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_sarabun_is_served_by_ddgov_and_nothing_leaves_loopback(
    page: Page, traffic: Traffic
) -> None:
    _sign_in_citizen(page)
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        fonts = page.evaluate(
            """async () => {
              await document.fonts.ready;
              return [...document.fonts]
                .filter((f) => f.family.replace(/["']/g, "") === "Sarabun" && f.status === "loaded")
                .map((f) => ({weight: f.weight, range: f.unicodeRange}));
            }"""
        )
        assert any("E01" in f["range"].upper() for f in fonts), (path, fonts)
        assert page.evaluate("document.fonts.check('1em Sarabun', 'บริการของฉัน')")
        family = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert family.replace('"', "").startswith("Sarabun"), family

    font_responses = [(u, s) for u, s in traffic.responses if "/static/ddgov/fonts/sarabun-" in u]
    assert font_responses, "no Sarabun font file was requested"
    assert all(status in {200, 304} for _, status in font_responses), font_responses
    assert any("sarabun-thai-400-normal.woff2" in u for u, _ in font_responses)
    assert traffic.requests, "the request recorder saw nothing"
    assert traffic.off_loopback() == []
    assert traffic.blocked == []
