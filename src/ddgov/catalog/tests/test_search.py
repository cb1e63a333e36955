"""dataset_search: Thai matching, ranking, facets, filters, sorting, paging, bad input, visibility."""

import datetime as dt

import pytest

from ddgov.catalog.models import Dataset
from ddgov.catalog.selectors.search import SearchQueryError, dataset_search
from ddgov.catalog.services import dataset_create
from ddgov.catalog.services.search_index import dataset_index_bulk
from ddgov.catalog.tests.factories import (
    DatasetFactory,
    GroupFactory,
    ResourceFactory,
    dataset_clean_data,
)
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def names(page):
    return [d.name for d in page.datasets]


def make(**fields):
    """A dataset straight from the factory; call ``index()`` once all are made."""
    tags = fields.pop("tags", [])
    groups = fields.pop("groups", [])
    formats = fields.pop("formats", [])
    dataset = DatasetFactory(**fields)
    for tag in tags:
        dataset.tags.create(name=tag) if not dataset.tags.model.objects.filter(
            name=tag
        ).exists() else dataset.tags.add(dataset.tags.model.objects.get(name=tag))
    for group in groups:
        dataset.groups.add(GroupFactory(name=group))
    for fmt in formats:
        ResourceFactory(dataset=dataset, format=fmt)
    return dataset


def index():
    dataset_index_bulk()


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


# -- Thai segmentation -----------------------------------------------------------------------------
def test_a_word_inside_unsegmented_thai_title_matches(steward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset_create(
            actor=steward.user,
            data=dataset_clean_data(owner_org=steward.agency.code, notes="ข้อมูลประชากร"),
        )
        dataset_create(
            actor=steward.user,
            data=dataset_clean_data(
                owner_org=steward.agency.code, name="schools", title="ข้อมูลพื้นฐานสถานศึกษา ปี 2558",
                notes="รายชื่อโรงเรียน", tags=["การศึกษา"],
            ),
        )  # fmt: skip
    assert names(dataset_search(viewer=None, q="ผู้สูงอายุ")) == ["elderly-by-province"]
    assert names(dataset_search(viewer=None, q="สถานศึกษา")) == ["schools"]
    assert names(dataset_search(viewer=None, q="รายจังหวัด")) == ["elderly-by-province"]
    assert names(dataset_search(viewer=None, q="ผู้สูงอายุรายจังหวัด")) == ["elderly-by-province"]
    assert dataset_search(viewer=None, q="โรงพยาบาล").count == 0


def test_a_thai_word_also_matches_longer_words_containing_it():
    make(name="elderly", title="จำนวนผู้สูงอายุรายจังหวัด", notes="-")
    make(name="other", title="จำนวนนักเรียน", notes="-")
    index()
    assert names(dataset_search(viewer=None, q="สูงอายุ")) == ["elderly"]


def test_english_is_case_insensitive_and_thai_digits_match_arabic():
    make(name="air", title="Air quality PM2.5 Bangkok ปี ๒๕๖๖", notes="-")
    make(name="water", title="Water quality", notes="-")
    index()
    assert names(dataset_search(viewer=None, q="BANGKOK")) == ["air"]
    assert names(dataset_search(viewer=None, q="2566")) == ["air"]
    assert names(dataset_search(viewer=None, q="quality", sort="name asc")) == ["air", "water"]


def test_two_words_must_both_match_and_many_words_allow_one_miss():
    make(name="both", title="รายได้ครัวเรือน จังหวัดเชียงใหม่", notes="-")
    make(name="one", title="รายได้เกษตรกร", notes="-")
    index()
    assert names(dataset_search(viewer=None, q="รายได้ ครัวเรือน")) == ["both"]
    assert names(dataset_search(viewer=None, q="รายได้ OR ครัวเรือน", sort="name asc")) == [
        "both",
        "one",
    ]
    # Three words: all but one must match.
    assert names(dataset_search(viewer=None, q="รายได้ ครัวเรือน ลำพูน")) == ["both"]


# -- ranking ----------------------------------------------------------------------------------------
def test_title_hit_beats_tag_hit_beats_notes_hit_beats_name_hit():
    make(name="in-notes", title="ชุดข้อมูลก", notes="ข้อมูลแรงงานนอกระบบ")
    make(name="in-title", title="แรงงานนอกระบบรายจังหวัด", notes="ชุดข้อมูลข")
    make(name="in-tags", title="ชุดข้อมูลค", notes="ชุดข้อมูลค", tags=["แรงงาน"])
    make(name="in-resource", title="ชุดข้อมูลง", notes="ชุดข้อมูลง")
    ResourceFactory(dataset=Dataset.objects.get(name="in-resource"), name="แรงงาน")
    index()
    assert names(dataset_search(viewer=None, q="แรงงาน")) == [
        "in-title",
        "in-tags",
        "in-notes",
        "in-resource",
    ]


def test_rare_words_weigh_more_than_common_ones():
    for i in range(6):
        make(name=f"common-{i}", title=f"สถิติประชากร ชุด {i}", notes="-")
    make(name="rare", title="สถิติประชากรผู้พิการ", notes="-")
    make(name="rare-only", title="ผู้พิการ", notes="-")
    index()
    page = dataset_search(viewer=None, q="ประชากร ผู้พิการ")
    assert names(page)[0] == "rare"
    assert page.count == 1  # two words: both required


# -- facets -----------------------------------------------------------------------------------------
def test_facet_counts_are_sorted_limited_and_follow_the_query():
    a, b = MembershipFactory().agency, MembershipFactory().agency
    make(
        owner_org=a,
        name="d1",
        tags=["ผู้สูงอายุ", "ประชากร"],
        groups=["welfare"],
        formats=["CSV", "XLSX"],
    )
    make(
        owner_org=a,
        name="d2",
        tags=["ผู้สูงอายุ"],
        groups=["welfare", "health"],
        formats=["csv"],
        license_id="cc-by",
    )
    make(
        owner_org=b,
        name="d3",
        tags=["ประชากร"],
        formats=["JSON"],
        title="ประชากรรายอำเภอ",
        notes="-",
    )
    index()
    fields = [
        "organization",
        "groups",
        "tags",
        "res_format",
        "license_id",
        "data_category",
        "data_type",
    ]
    page = dataset_search(viewer=None, facet_fields=fields)
    assert page.facets["organization"] == {a.code: 2, b.code: 1}
    assert page.facets["groups"] == {"welfare": 2, "health": 1}
    assert list(page.facets["tags"].items()) == [("ประชากร", 2), ("ผู้สูงอายุ", 2)]
    assert page.facets["res_format"] == {"CSV": 2, "JSON": 1, "XLSX": 1}
    assert page.facets["license_id"] == {"Open-D": 2, "cc-by": 1}
    assert page.facets["data_category"] == {"public": 3}
    assert page.facets["data_type"] == {"statistical": 3}
    narrowed = dataset_search(viewer=None, q="อำเภอ", facet_fields=["organization", "tags"])
    assert narrowed.facets == {"organization": {b.code: 1}, "tags": {"ประชากร": 1}}
    limited = dataset_search(
        viewer=None, facet_fields=["res_format"], facet_limit=1, facet_mincount=2
    )
    assert limited.facets == {"res_format": {"CSV": 2}}
    assert dataset_search(viewer=None).facets == {}


# -- filters ----------------------------------------------------------------------------------------
def test_fq_and_fq_list_filter_like_ckan_clients_send_them():
    dga, other = MembershipFactory().agency, MembershipFactory().agency
    make(owner_org=dga, name="w1", tags=["ผู้สูงอายุ"], groups=["welfare"], formats=["CSV"])
    make(owner_org=dga, name="w2", tags=["ประชากร"], groups=["welfare"], high_value_dataset=True)
    make(owner_org=dga, name="h1", tags=["ผู้สูงอายุ"], groups=["health"], formats=["PDF"])
    make(owner_org=other, name="o1", tags=["ผู้สูงอายุ"], groups=["welfare"], license_id="cc-by")
    index()

    def found(**kwargs):
        return sorted(names(dataset_search(viewer=None, rows=100, **kwargs)))

    assert found(fq=f"organization:{dga.code} +groups:welfare") == ["w1", "w2"]
    assert found(fq_list=['tags:"ผู้สูงอายุ"']) == ["h1", "o1", "w1"]
    assert found(fq=f"-organization:{dga.code}") == ["o1"]
    assert found(fq="res_format:csv OR res_format:PDF") == ["h1", "w1"]
    assert found(fq="groups:welfare", fq_list=["tags:ผู้สูงอายุ", "license_id:Open-D"]) == ["w1"]
    assert found(fq="high_value_dataset:true") == ["w2"]
    assert found(fq=f"owner_org:{other.pk}") == ["o1"]
    assert found(fq="name:w*") == ["w1", "w2"]
    assert found(q=f"tags:ผู้สูงอายุ AND organization:{other.code}") == ["o1"]
    assert found(fq="tags:(ประชากร OR ผู้สูงอายุ) -groups:health") == ["o1", "w1", "w2"]
    w1 = Dataset.objects.get(name="w1")
    assert found(fq=f"id:{w1.pk}") == ["w1"]
    assert found(fq="data_category:public data_type:statistical geo_coverage:province +dataset_type:dataset") == [
        "h1", "o1", "w1", "w2",
    ]  # fmt: skip


def test_metadata_modified_range_filter():
    old = make(name="old")
    make(name="new")
    Dataset.objects.filter(pk=old.pk).update(
        metadata_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    index()
    assert names(
        dataset_search(viewer=None, fq="metadata_modified:[2024-01-01T00:00:00Z TO *]")
    ) == ["new"]
    assert names(dataset_search(viewer=None, fq="metadata_modified:[* TO NOW-365DAYS]")) == ["old"]


# -- sorting and paging -----------------------------------------------------------------------------
def test_sort_orders():
    make(name="b-dataset", title="ไก่ชน")
    make(name="a-dataset", title="กาแฟ")
    make(name="c-dataset", title="เกษตรกร")
    stamps = {"a-dataset": 2021, "b-dataset": 2023, "c-dataset": 2022}
    for name, year in stamps.items():
        Dataset.objects.filter(name=name).update(
            metadata_modified=dt.datetime(year, 1, 1, tzinfo=dt.UTC),
            metadata_created=dt.datetime(2040 - year, 1, 1, tzinfo=dt.UTC),
        )
    index()
    assert names(dataset_search(viewer=None, sort="name asc")) == [
        "a-dataset",
        "b-dataset",
        "c-dataset",
    ]
    assert names(dataset_search(viewer=None, sort="name desc")) == [
        "c-dataset",
        "b-dataset",
        "a-dataset",
    ]
    assert names(dataset_search(viewer=None, sort="metadata_modified desc")) == [
        "b-dataset",
        "c-dataset",
        "a-dataset",
    ]
    assert names(dataset_search(viewer=None, sort="metadata_modified asc")) == [
        "a-dataset",
        "c-dataset",
        "b-dataset",
    ]
    assert names(dataset_search(viewer=None, sort="metadata_created desc")) == [
        "a-dataset",
        "c-dataset",
        "b-dataset",
    ]
    # Thai dictionary order: กาแฟ < เกษตรกร (ก + เ) < ไก่ชน.
    assert names(dataset_search(viewer=None, sort="title_string asc")) == [
        "a-dataset",
        "c-dataset",
        "b-dataset",
    ]
    assert names(dataset_search(viewer=None, sort="title_string desc")) == [
        "b-dataset",
        "c-dataset",
        "a-dataset",
    ]
    # Without words to score, the default falls through to metadata_modified desc.
    page = dataset_search(viewer=None)
    assert (names(page), page.sort) == (
        ["b-dataset", "c-dataset", "a-dataset"],
        "score desc, metadata_modified desc",
    )


def test_paging_walks_every_result_once():
    for i in range(25):
        make(name=f"ds-{i:02d}", title=f"ข้อมูลสถิติ ชุด {i}")
    index()
    seen = []
    for start in range(0, 30, 7):
        page = dataset_search(viewer=None, q="สถิติ", sort="name asc", rows=7, start=start)
        assert page.count == 25
        seen += names(page)
    assert seen == [f"ds-{i:02d}" for i in range(25)]
    assert names(dataset_search(viewer=None, rows=0)) == []
    assert dataset_search(viewer=None, rows=0).count == 25
    assert len(dataset_search(viewer=None, rows=1000).datasets) == 25


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rows": 1001},
        {"rows": -1},
        {"rows": "ten"},
        {"start": -1},
        {"q": "(unclosed"},
        {"fq": "colour:red"},
        {"fq_list": ["tags:[a TO b]"]},
        {"sort": "popularity desc"},
        {"facet_fields": ["maintainer"]},
        {"facet_limit": "many"},
    ],
)
def test_bad_parameters_raise_search_query_error(kwargs):
    with pytest.raises(SearchQueryError):
        dataset_search(viewer=None, **kwargs)


# -- visibility -------------------------------------------------------------------------------------
def test_private_draft_and_deleted_visibility(steward):
    agency = steward.agency
    make(owner_org=agency, name="open")
    make(owner_org=agency, name="private", private=True)
    make(owner_org=agency, name="draft", state="draft")
    make(owner_org=agency, name="deleted", state="deleted")
    outsider = MembershipFactory(role=Role.ADMIN).user
    viewer_role = MembershipFactory(role=Role.VIEWER, agency=agency).user
    platform_admin = StaffUserFactory(is_platform_admin=True)
    index()

    def found(viewer, **kwargs):
        return sorted(names(dataset_search(viewer=viewer, **kwargs)))

    everything = {"include_private": True, "include_drafts": True}
    assert found(None, **everything) == ["open"]
    assert found(outsider, **everything) == ["open"]
    assert found(steward.user) == ["open"]
    assert found(steward.user, include_private=True) == ["open", "private"]
    assert found(steward.user, include_drafts=True) == ["draft", "open"]
    assert found(viewer_role, **everything) == ["draft", "open", "private"]
    assert found(platform_admin, **everything) == ["draft", "open", "private"]
    assert dataset_search(
        viewer=outsider, include_private=True, facet_fields=["organization"]
    ).facets == {"organization": {agency.code: 1}}


def test_a_stale_index_never_reveals_a_dataset():
    dataset = make(name="secret-later")
    index()
    Dataset.objects.filter(pk=dataset.pk).update(private=True)  # written behind the services' back
    assert names(dataset_search(viewer=None)) == []


def test_results_come_with_organisation_tags_groups_and_active_resources(django_assert_num_queries):
    dataset = make(name="full", tags=["ผู้สูงอายุ"], groups=["welfare"], formats=["CSV", "PDF"])
    dataset.resources.filter(format="PDF").update(state="deleted")
    index()
    page = dataset_search(viewer=None)
    with django_assert_num_queries(0):
        found = page.datasets[0]
        assert found.owner_org.code == dataset.owner_org.code
        assert [t.name for t in found.tags.all()] == ["ผู้สูงอายุ"]
        assert [g.name for g in found.groups.all()] == ["welfare"]
        assert [r.format for r in found.resources.all()] == ["CSV"]


def test_the_page_recheck_is_the_catalogs_visibility_rule(steward):
    from ddgov.catalog.selectors.datasets import _member_agency_ids, datasets_visible
    from ddgov.catalog.selectors.search import _may_see

    other = MembershipFactory().agency
    for owner in (steward.agency, other):
        for state in ("active", "draft", "deleted"):
            for private in (False, True):
                make(
                    owner_org=owner,
                    name=f"{owner.code}-{state}-{private}".lower(),
                    state=state,
                    private=private,
                )
    viewers = [
        None,
        steward.user,
        MembershipFactory().user,
        StaffUserFactory(is_platform_admin=True),
    ]
    everything = list(Dataset.objects.all())
    for viewer in viewers:
        for drafts in (False, True):
            rule = set(datasets_visible(viewer=viewer, include_private=True, include_drafts=drafts))
            agencies = _member_agency_ids(viewer)
            assert {
                d for d in everything if _may_see(d, agencies=agencies, include_drafts=drafts)
            } == rule
