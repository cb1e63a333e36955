"""The DataStore selectors: CKAN's datastore_search / datastore_info / datastore_search_sql over Parquet."""

# ruff: noqa: S608 - the tests write SQL over their own temporary tables

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from django.contrib.auth.models import AnonymousUser

from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.catalog.selectors import datastore
from ddgov.catalog.selectors.datastore import (
    DatastoreError,
    datastore_info,
    datastore_search,
    datastore_search_sql,
)
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.lake.storage import relative, table_path

pytestmark = pytest.mark.django_db

ANON = AnonymousUser()

# 30 rows: _id, a province (Thai), a region, an amount, a date, a note with unsegmented Thai text.
ROWS_SQL = """
SELECT range + 1 AS _id,
       (['เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต'])[range % 3 + 1] AS "จังหวัด",
       (['เหนือ', 'อีสาน', 'ใต้'])[range % 3 + 1] AS region,
       (range * 7 % 11)::DECIMAL(10, 2) AS amount,
       (range % 4)::INTEGER AS year_index,
       DATE '2023-01-01' + range::INTEGER AS recorded_on,
       range % 2 = 0 AS even,
       CASE WHEN range = 4 THEN 'จำนวนผู้สูงอายุรายจังหวัดเชียงใหม่'
            WHEN range = 5 THEN 'Elderly Count'
            WHEN range = 6 THEN NULL
            ELSE 'ข้อมูลทั่วไป' END AS note
FROM range(30)
"""


def write_table(
    resource: Resource, select_sql: str = ROWS_SQL, *, number: int = 1, schema: dict | None = None
) -> ResourceVersion:
    """Write ``select_sql`` as the resource's version ``number`` and make it current."""
    path = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=number)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 8)")
        rows = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
    finally:
        con.close()
    version = ResourceVersion.objects.create(
        resource=resource,
        number=number,
        status=ResourceVersion.Status.SUCCEEDED,
        original_filename="x.csv",
        original_path="raw/x.csv",
        parquet_path=relative(path),
        row_count=rows,
        table_schema=schema or {},
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return version


@pytest.fixture
def resource() -> Resource:
    res = ResourceFactory(dataset=DatasetFactory(name="elderly"), name="by-province")
    write_table(res)
    return res


def search(resource: Resource, viewer=ANON, **kwargs):
    return datastore_search(viewer=viewer, resource_id=str(resource.pk), **kwargs)


def error_of(call) -> DatastoreError:
    with pytest.raises(DatastoreError) as caught:
        call()
    return caught.value


# --- datastore_search: shape ------------------------------------------------------------------


def test_first_page_has_ckans_shape(resource):
    result = search(resource, limit=5)
    assert result["resource_id"] == str(resource.pk)
    assert result["fields"] == [
        {"id": "_id", "type": "int"},
        {"id": "จังหวัด", "type": "text"},
        {"id": "region", "type": "text"},
        {"id": "amount", "type": "numeric"},
        {"id": "year_index", "type": "int"},
        {"id": "recorded_on", "type": "date"},
        {"id": "even", "type": "bool"},
        {"id": "note", "type": "text"},
    ]
    assert [r["_id"] for r in result["records"]] == [1, 2, 3, 4, 5]
    assert result["records"][1] == {
        "_id": 2,
        "จังหวัด": "ขอนแก่น",
        "region": "อีสาน",
        "amount": 7,
        "year_index": 1,
        "recorded_on": "2023-01-02",
        "even": False,
        "note": "ข้อมูลทั่วไป",
    }
    assert result["total"] == 30
    assert result["total_was_estimated"] is False
    assert (result["limit"], result["offset"]) == (5, 0)
    assert (
        result["_links"]["start"]
        == f"/api/3/action/datastore_search?resource_id={resource.pk}&limit=5"
    )
    assert result["_links"]["next"].endswith("&limit=5&offset=5")


def test_default_limit_is_100_and_limit_is_capped_at_32000(resource):
    assert search(resource)["limit"] == 100
    assert search(resource, limit=50000)["limit"] == 32000
    assert search(resource, limit="3")["limit"] == 3


def test_offset_paging_walks_the_rows_in_id_order(resource):
    seen = []
    for offset in range(0, 30, 7):
        seen.extend(r["_id"] for r in search(resource, limit=7, offset=offset)["records"])
    assert seen == list(range(1, 31))
    assert search(resource, offset=40)["records"] == []


def test_sort_by_id_descending_pages_from_the_end(resource):
    assert [r["_id"] for r in search(resource, sort="_id desc", limit=3, offset=2)["records"]] == [
        28,
        27,
        26,
    ]


def test_include_total_false_leaves_total_out(resource):
    result = search(resource, include_total=False, limit=1)
    assert "total" not in result
    assert len(result["records"]) == 1


def test_limit_zero_returns_only_the_total(resource):
    result = search(resource, limit=0, filters={"region": "ใต้"})
    assert result["records"] == []
    assert result["total"] == 10


# --- filters --------------------------------------------------------------------------------


def test_filters_match_exactly_single_values_and_lists(resource):
    south = search(resource, filters={"region": "ใต้"})
    assert south["total"] == 10
    assert {r["จังหวัด"] for r in south["records"]} == {"ภูเก็ต"}
    two = search(resource, filters={"จังหวัด": ["ภูเก็ต", "ขอนแก่น"], "even": "true"})
    assert two["total"] == 10
    assert all(r["even"] and r["จังหวัด"] in {"ภูเก็ต", "ขอนแก่น"} for r in two["records"])


def test_filters_accept_a_json_string_and_typed_values(resource):
    result = search(resource, filters='{"year_index": "2", "recorded_on": "2023-01-03"}')
    assert [r["_id"] for r in result["records"]] == [3]
    assert (
        search(resource, filters={"amount": 7})["total"]
        == search(resource, filters={"amount": "7.00"})["total"]
    )


def test_filter_on_null(resource):
    assert [r["_id"] for r in search(resource, filters={"note": None})["records"]] == [7]


def test_filter_values_are_data_never_sql(resource):
    result = search(resource, filters={"region": "ใต้' OR 1=1 --"})
    assert result["total"] == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"filters": {"nope": 1}}, "filters"),
        ({"filters": {"year_index": "สอง"}}, "filters"),
        ({"filters": {"recorded_on": "03/01/2023"}}, "filters"),
        ({"filters": {"even": "maybe"}}, "filters"),
        ({"filters": "[1, 2]"}, "filters"),
        ({"fields": ["_id", "nope"]}, "fields"),
        ({"fields": 'region" FROM x; --'}, "fields"),
        ({"sort": "nope desc"}, "sort"),
        ({"sort": "region; DROP TABLE x"}, "sort"),
        ({"q": {"nope": "x"}}, "q"),
        ({"limit": -1}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -5}, "offset"),
        ({"records_format": "xml"}, "records_format"),
        ({"distinct": True, "fields": "region", "sort": "amount"}, "sort"),
    ],
)
def test_bad_parameters_are_validation_errors(resource, kwargs, field):
    err = error_of(lambda: search(resource, **kwargs))
    assert err.ckan_type == "Validation Error"
    assert err.status == 409
    assert list(err.payload) == [field]
    assert " / " in err.payload[field][0]
    assert err.as_ckan_error()["__type"] == "Validation Error"


# --- fields, sort, distinct, q ----------------------------------------------------------------


def test_fields_as_list_or_comma_string(resource):
    listed = search(resource, fields=["region", "_id"], limit=2)
    assert [f["id"] for f in listed["fields"]] == ["region", "_id"]
    assert listed["records"][0] == {"region": "เหนือ", "_id": 1}
    commas = search(resource, fields="จังหวัด, amount", limit=1)
    assert commas["records"] == [{"จังหวัด": "เชียงใหม่", "amount": 0}]


def test_sort_several_columns_is_stable_by_id(resource):
    result = search(resource, sort="amount desc, จังหวัด asc", limit=4)
    amounts = [r["amount"] for r in result["records"]]
    assert amounts == sorted(amounts, reverse=True)
    assert amounts[0] == 10
    result_again = search(resource, sort='"amount" DESC', limit=30)
    tens = [r["_id"] for r in result_again["records"] if r["amount"] == 10]
    assert tens == sorted(tens)


def test_sort_with_offset_and_filter(resource):
    ordered = search(
        resource, filters={"region": "เหนือ"}, sort="recorded_on desc", limit=2, offset=1
    )
    assert [r["recorded_on"] for r in ordered["records"]] == ["2023-01-25", "2023-01-22"]
    assert ordered["total"] == 10


def test_distinct_values_and_their_total(resource):
    result = search(resource, fields="region", distinct=True, sort="region")
    assert [r["region"] for r in result["records"]] == ["อีสาน", "เหนือ", "ใต้"]  # code-point order
    assert result["total"] == 3


def test_q_finds_a_thai_word_inside_unsegmented_text(resource):
    result = search(resource, q="ผู้สูงอายุ")
    assert [r["_id"] for r in result["records"]] == [5]
    assert result["total"] == 1


def test_q_segments_a_thai_query_into_words(resource):
    # Neither column holds "ผู้สูงอายุเชียงใหม่" as written, but the row holds both words.
    assert [r["_id"] for r in search(resource, q="ผู้สูงอายุเชียงใหม่")["records"]] == [5]


def test_q_is_case_insensitive_and_every_word_must_match(resource):
    assert [r["_id"] for r in search(resource, q="elderly COUNT")["records"]] == [6]
    assert search(resource, q="elderly ภูเก็ต")["total"] == 1
    assert search(resource, q="elderly เชียงใหม่")["total"] == 0


def test_q_per_column(resource):
    assert search(resource, q={"จังหวัด": "ภูเก็ต"})["total"] == 10
    assert search(resource, q={"region": "ภูเก็ต"})["total"] == 0


def test_q_with_digits_also_searches_numbers_and_dates(resource):
    assert [r["_id"] for r in search(resource, q="2023-01-30")["records"]] == [30]


def test_records_as_lists_and_csv(resource):
    lists = search(resource, fields="_id,region", limit=2, records_format="lists")
    assert lists["records"] == [[1, "เหนือ"], [2, "อีสาน"]]
    as_csv = search(resource, fields="_id,region", limit=2, records_format="csv")
    assert as_csv["records"] == "1,เหนือ\n2,อีสาน\n"


def test_deep_offsets_with_a_filter_give_the_same_rows(resource, monkeypatch):
    normal = search(resource, filters={"region": "ใต้"}, limit=3, offset=4)["records"]
    monkeypatch.setattr(datastore, "DEEP_OFFSET", 2)
    deep = search(resource, filters={"region": "ใต้"}, limit=3, offset=4)["records"]
    assert deep == normal
    assert [r["_id"] for r in deep] == [15, 18, 21]


def test_table_whose_ids_are_not_in_file_order_still_pages_by_id():
    res = ResourceFactory()
    write_table(
        res, "SELECT 31 - (range + 1) AS _id, range AS v FROM range(30) ORDER BY hash(range)"
    )
    assert [r["_id"] for r in search(res, limit=4, offset=3)["records"]] == [4, 5, 6, 7]
    assert [r["_id"] for r in search(res, filters={"v": [1, 2, 3]})["records"]] == [27, 28, 29]


def test_table_without_an_id_column_still_answers():
    res = ResourceFactory()
    write_table(res, "SELECT range AS v FROM range(10)")
    result = search(res, sort="v desc", limit=2)
    assert result["records"] == [{"v": 9}, {"v": 8}]
    assert result["total"] == 10


# --- visibility and versions ------------------------------------------------------------------


def test_unknown_or_malformed_resource_is_not_found():
    for rid in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        err = error_of(lambda rid=rid: datastore_search(viewer=ANON, resource_id=rid))
        assert (err.ckan_type, err.status) == ("Not Found Error", 404)


def test_resource_without_a_table_is_not_found():
    res = ResourceFactory()
    err = error_of(lambda: search(res))
    assert (err.ckan_type, err.status) == ("Not Found Error", 404)


def test_private_resource_is_not_found_for_outsiders_but_readable_by_its_agency():
    member = MembershipFactory(role=Role.VIEWER)
    res = ResourceFactory(dataset=DatasetFactory(owner_org=member.agency, private=True))
    write_table(res)
    for outsider in (ANON, StaffUserFactory()):
        err = error_of(lambda outsider=outsider: search(res, viewer=outsider))
        assert err.ckan_type == "Not Found Error"
    assert search(res, viewer=member.user)["total"] == 30


def test_a_new_version_is_read_at_once(resource):
    assert search(resource)["total"] == 30
    write_table(resource, "SELECT range + 1 AS _id, 'ใหม่' AS note FROM range(3)", number=2)
    resource.refresh_from_db()
    result = search(resource)
    assert result["total"] == 3
    assert [f["id"] for f in result["fields"]] == ["_id", "note"]


def test_a_rewritten_file_is_not_served_from_a_stale_cache(resource):
    assert search(resource)["total"] == 30
    path = Path(resource.current_version.parquet_path)
    absolute = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=1)
    assert str(absolute).endswith(str(path))
    con = duckdb.connect()
    con.execute(f"COPY (SELECT range + 1 AS _id FROM range(4)) TO '{absolute}' (FORMAT parquet)")
    con.close()
    stat = absolute.stat()
    os.utime(absolute, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert search(resource)["total"] == 4


# --- datastore_info -------------------------------------------------------------------------


def test_info_gives_count_types_and_the_data_dictionary():
    res = ResourceFactory()
    write_table(
        res,
        schema={
            "fields": [
                {"name": "amount", "type": "number", "title": "ยอดเงิน", "description": "บาท"}
            ]
        },
    )
    info = datastore_info(viewer=ANON, resource_id=str(res.pk))
    assert info["meta"]["count"] == 30
    assert info["meta"]["id"] == str(res.pk)
    assert info["meta"]["version"] == 1
    by_id = {f["id"]: f for f in info["fields"]}
    assert by_id["_id"]["schema"] == {"native_type": "BIGINT", "is_index": True, "notnull": True}
    assert by_id["amount"]["type"] == "numeric"
    assert by_id["amount"]["schema"]["native_type"] == "DECIMAL(10,2)"
    assert by_id["amount"]["info"]["label"] == "ยอดเงิน"
    assert by_id["recorded_on"]["type"] == "date"
    assert "info" not in by_id["region"]


def test_info_of_an_invisible_resource_is_not_found():
    res = ResourceFactory(dataset=DatasetFactory(private=True))
    write_table(res)
    err = error_of(lambda: datastore_info(viewer=ANON, resource_id=str(res.pk)))
    assert err.ckan_type == "Not Found Error"


# --- datastore_search_sql ---------------------------------------------------------------------


@pytest.fixture
def user():
    return StaffUserFactory()


def test_sql_by_resource_id(resource, user):
    result = datastore_search_sql(
        viewer=user,
        sql=f'SELECT region, count(*) AS n FROM "{resource.pk}" GROUP BY region ORDER BY region',
    )
    assert result["records"] == [
        {"region": "อีสาน", "n": 10},
        {"region": "เหนือ", "n": 10},
        {"region": "ใต้", "n": 10},
    ]
    assert result["fields"] == [{"id": "region", "type": "text"}, {"id": "n", "type": "int"}]
    assert result["sql"].startswith("SELECT region")
    assert "records_truncated" not in result


def test_sql_by_dataset_and_resource_name_joins_two_tables(resource, user):
    other = ResourceFactory(dataset=resource.dataset, name="regions")
    write_table(
        other, "SELECT * FROM (VALUES ('เหนือ', 'North'), ('ใต้', 'South')) v(region, english)"
    )
    result = datastore_search_sql(
        viewer=user,
        sql='SELECT r.english, sum(t.amount) AS total FROM elderly."by-province" t'
        " JOIN elderly.regions r USING (region) GROUP BY 1 ORDER BY 1",
    )
    assert [r["english"] for r in result["records"]] == ["North", "South"]


def test_sql_is_refused_to_anonymous_callers_unless_enabled(resource, settings):
    sql = f'SELECT count(*) AS n FROM "{resource.pk}"'
    err = error_of(lambda: datastore_search_sql(viewer=ANON, sql=sql))
    assert (err.ckan_type, err.status) == ("Authorization Error", 403)
    settings.DDGOV_DATASTORE_SQL_ANONYMOUS = True
    assert datastore_search_sql(viewer=ANON, sql=sql)["records"] == [{"n": 30}]


def test_sql_cannot_see_private_resources_of_other_agencies(user):
    res = ResourceFactory(dataset=DatasetFactory(private=True, name="hidden"), name="t")
    write_table(res)
    for sql in (f'SELECT * FROM "{res.pk}"', 'SELECT * FROM hidden."t"'):
        err = error_of(lambda sql=sql: datastore_search_sql(viewer=user, sql=sql))
        assert (err.ckan_type, err.status) == ("Not Found Error", 404)
    member = MembershipFactory(agency=res.dataset.owner_org, role=Role.VIEWER).user
    assert datastore_search_sql(viewer=member, sql="SELECT count(*) AS n FROM hidden.t")[
        "records"
    ] == [{"n": 30}]


def test_sql_unknown_tables_are_not_found(user):
    err = error_of(lambda: datastore_search_sql(viewer=user, sql="SELECT * FROM nothing_here"))
    assert err.ckan_type == "Not Found Error"


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "function"),
        ("COPY (SELECT 1) TO '/tmp/x.csv'", "statement"),
        ("SELECT 1; SELECT 2", "statement"),
        ("ATTACH '/tmp/x.db'", "statement"),
    ],
)
def test_sql_hostile_statements_are_validation_errors(user, sql, code):
    err = error_of(lambda: datastore_search_sql(viewer=user, sql=sql))
    assert (err.ckan_type, err.status) == ("Validation Error", 409)
    assert err.payload["info"]["code"] == code
    assert " / " in err.payload["query"][0]


def test_sql_syntax_error_names_line_and_column(user):
    err = error_of(lambda: datastore_search_sql(viewer=user, sql="SELECT 1,\n  (2 FROM x"))
    assert err.payload["info"]["code"] == "syntax"
    assert err.payload["info"]["line"] == 2


def test_sql_results_are_capped(resource, user, settings):
    settings.DDGOV_SANDBOX_MAX_ROWS = 5
    result = datastore_search_sql(viewer=user, sql=f'SELECT _id FROM "{resource.pk}" ORDER BY _id')
    assert [r["_id"] for r in result["records"]] == [1, 2, 3, 4, 5]
    assert result["records_truncated"] is True


def test_sql_dataset_names_fold_case_like_duckdb(resource, user):
    result = datastore_search_sql(
        viewer=user, sql='SELECT count(*) AS n FROM ELDERLY."by-province"'
    )
    assert result["records"] == [{"n": 30}]


def test_filtered_rows_sorted_by_id_descending(resource):
    result = search(resource, filters={"region": "เหนือ"}, sort="_id desc", limit=3, offset=1)
    assert [r["_id"] for r in result["records"]] == [25, 22, 19]


def test_descending_pages_past_the_end_are_empty(resource):
    assert search(resource, sort="_id desc", offset=31)["records"] == []
    assert [r["_id"] for r in search(resource, sort="_id desc", offset=28)["records"]] == [2, 1]


def test_error_message_is_one_bilingual_line(resource):
    err = error_of(lambda: search(resource, fields="nope"))
    assert str(err) == 'fields: field "nope" not in table / ไม่มีคอลัมน์ "nope" ในตาราง'
