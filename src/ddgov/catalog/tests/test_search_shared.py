"""Thai search over the real titles of data.go.th's 2016 catalog (../shared/data)."""

import csv

import pytest

from ddgov.catalog.search.text import THAI_DIGITS
from ddgov.catalog.selectors.search import dataset_search
from ddgov.catalog.services.search_index import dataset_index_bulk
from ddgov.catalog.tests.factories import DatasetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

WORDS = [
    "ผู้สูงอายุ", "สถานศึกษา", "นิติบุคคล", "ครัวเรือน", "ยาเสพติด", "งบประมาณ", "ท่องเที่ยว",
    "โรงเรียน", "ประชากร", "รายงาน", "ประจำปี", "มูลค่า", "จัดซื้อจัดจ้าง", "อุบัติเหตุ", "2558",
]  # fmt: skip


@pytest.fixture
def real_titles(shared_data):
    with (shared_data / "opendata" / "datagoth_catalog_2016.csv").open(encoding="utf-8", newline="") as f:
        titles = [row["title"].strip() for row in csv.DictReader(f) if row["title"].strip()]
    for i, title in enumerate(titles):
        DatasetFactory(name=f"datagoth-{i}", title=title, notes="-", data_source="-")
    dataset_index_bulk()
    return titles


@pytest.mark.parametrize("word", WORDS)
def test_a_word_finds_exactly_the_titles_that_contain_it(real_titles, word):
    page = dataset_search(viewer=None, q=word, rows=1000)
    found = sorted(d.title for d in page.datasets)
    expected = sorted(t for t in real_titles if word in t.translate(THAI_DIGITS))
    assert expected, word
    assert found == expected
    assert page.count == len(expected)


def test_the_elderly_titles_are_found_inside_unsegmented_text(real_titles):
    found = {d.title for d in dataset_search(viewer=None, q="ผู้สูงอายุ", rows=1000).datasets}
    assert any(not t.startswith("ผู้สูงอายุ") and " ผู้สูงอายุ" not in t for t in found)


def test_searching_a_title_as_typed_puts_that_title_first(real_titles):
    for title in real_titles[::37]:
        first = dataset_search(viewer=None, q=title, rows=1).datasets
        assert [d.title for d in first] == [title], title
