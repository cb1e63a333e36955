"""The Thai catalogue is complete and compiled, and the language switcher changes the pages."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from ddgov.agencies.models import Agency
from ddgov.identity.models import Role
from ddgov.portal.cards import cards_ordered

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
THAI = re.compile("[\u0e00-\u0e7f]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|\{[^}]*\}")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def _catalog(mo_path: Path) -> dict[object, str]:
    with mo_path.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)  # the header: its wrapping differs between compilers, not its meaning
    return catalog


def _compile(po_path: Path, mo_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        subprocess.run([msgfmt, "--check-format", "-o", str(mo_path), str(po_path)], check=True)  # noqa: S603
    else:
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


def _is_bilingual(msgid: str) -> bool:
    """Messages written as "English / ไทย" in the code carry their Thai already.

    An English message that merely *shows* a Thai character (a legend: "ก a Thai letter") is
    not bilingual and still needs its translation.
    """
    return bool(THAI.search(msgid)) and "/ " in msgid


@pytest.mark.parametrize("language", ["th", "en"])
def test_compiled_catalogue_is_up_to_date_with_the_po_file(language, tmp_path):
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    committed = po_path.with_suffix(".mo")
    assert committed.is_file(), f"{committed} is missing: run `make messages`"
    fresh = tmp_path / "django.mo"
    _compile(po_path, fresh)
    assert _catalog(committed) == _catalog(fresh), (
        f"{committed} is older than {po_path.name}: run `ddgov compilemessages`"
    )


def test_django_serves_every_thai_translation_from_the_catalogue():
    entries = [e for e in _po("th") if e.msgstr and not e.obsolete]
    assert len(entries) > 100
    with translation.override("th"):
        served = {
            (e.msgctxt, e.msgid): translation.pgettext(e.msgctxt, e.msgid)
            if e.msgctxt
            else translation.gettext(e.msgid)
            for e in entries
        }
    assert served == {(e.msgctxt, e.msgid): e.msgstr for e in entries}


def test_django_serves_plural_thai_translations_from_the_catalogue():
    entries = [e for e in _po("th") if e.msgid_plural and not e.obsolete]
    with translation.override("th"):
        for e in entries:
            assert translation.ngettext(e.msgid, e.msgid_plural, 2) == e.msgstr_plural[0], e.msgid


def test_every_thai_message_is_translated_except_the_bilingual_ones():
    po = _po("th")
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "th"
    assert not po.obsolete_entries()
    assert not po.fuzzy_entries()
    missing = [
        e.msgid
        for e in po
        if not (e.msgstr or e.msgstr_plural.get(0)) and not _is_bilingual(e.msgid)
    ]
    assert missing == []
    rewritten = [e.msgid for e in po if _is_bilingual(e.msgid) and e.msgstr not in ("", e.msgid)]
    assert rewritten == [], "bilingual messages are shown as written; leave their msgstr empty"


def test_thai_translations_keep_every_placeholder():
    for entry in _po("th"):
        if entry.msgstr:
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == expected, entry.msgid


def test_english_catalogue_leaves_the_source_strings_alone():
    po = _po("en")
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po if e.msgstr] == []
    assert {e.msgid for e in po} == {e.msgid for e in _po("th")}


def test_lazy_labels_follow_the_active_language():
    with translation.override("th"):
        assert Agency.Kind.PAO.label == "องค์การบริหารส่วนจังหวัด"
        assert Agency.Kind.SAO.label == "องค์การบริหารส่วนตำบล"
        assert Agency.Kind.MINISTRY.label == "กระทรวง"
        assert Role.DATA_STEWARD.label == "ผู้ดูแลข้อมูล"
        assert "ใครเข้าถึงข้อมูลของฉัน" in [str(card.title) for card in cards_ordered()]
    with translation.override("en"):
        assert Agency.Kind.PAO.label == "Provincial administrative organisation"
        assert Role.DATA_STEWARD.label == "Data steward"


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "th"}], ids=["default", "accept-th"])
def test_front_page_is_thai_by_default(headers):
    page = Client(headers=headers).get("/").content.decode()
    assert '<html lang="th">' in page
    assert "เข้าสู่ระบบ" in page
    assert "ลงทะเบียน" in page
    assert ">Sign in<" not in page


@pytest.mark.django_db
def test_sign_in_form_labels_are_thai():
    page = Client().get("/accounts/login/").content.decode()
    assert "เลขประจำตัวประชาชนหรือชื่อผู้ใช้" in page
    assert "รหัสผ่าน" in page


@pytest.mark.django_db
def test_language_switch_to_english_and_back():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    token = CSRF_INPUT.search(page)
    assert token is not None

    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert ">Sign in<" in page
    assert "เข้าสู่ระบบ" not in page

    token = CSRF_INPUT.search(page)
    assert token is not None
    client.post(
        "/i18n/setlang/", {"language": "th", "next": "/", "csrfmiddlewaretoken": token.group(1)}
    )
    page = client.get("/").content.decode()
    assert '<html lang="th">' in page
    assert "เข้าสู่ระบบ" in page


@pytest.mark.django_db
def test_language_switch_without_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    assert '<html lang="th">' in client.get("/").content.decode()
