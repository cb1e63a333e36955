# ruff: noqa: S608, DTZ001 - SQL over the test's own files; naive datetimes are what Parquet holds
"""The ingestion pipeline on small generated files: types, Thai conventions, formats, bad input.

``ingest_file`` needs no database; each test writes a file, ingests it and reads the Parquet back.
"""

import datetime as dt
import io
import json
import zipfile

import duckdb
import openpyxl
import pytest

from ddgov.catalog.ingest import IngestError, ingest_file


def ingest(tmp_path, content, name="data.csv", **kwargs):
    source = tmp_path / name
    if isinstance(content, str):
        source.write_text(content, encoding="utf-8")
    else:
        source.write_bytes(content)
    target = tmp_path / "out" / "table.parquet"
    result = ingest_file(source=source, filename=name, target=target, **kwargs)
    return result, target


def rows(target):
    con = duckdb.connect()
    return con.execute(f"SELECT * FROM read_parquet('{target}') ORDER BY _id").fetchall()


def columns(target):
    con = duckdb.connect()
    return [
        (r[0], r[1])
        for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{target}')").fetchall()
    ]


def types(result):
    return {f["name"]: f["type"] for f in result.table_schema["fields"]}


def field(result, name):
    return next(f for f in result.table_schema["fields"] if f["name"] == name)


def failure(tmp_path, content, name="data.csv", **kwargs):
    with pytest.raises(IngestError) as info:
        ingest(tmp_path, content, name, **kwargs)
    assert " / " in info.value.message, "messages carry English / Thai"
    assert not (tmp_path / "out" / "table.parquet").exists()
    return info.value


def test_first_column_is_a_one_based_row_id_and_names_are_cleaned(tmp_path):
    result, target = ingest(tmp_path, " ชื่อ ,,ชื่อ,_id\nก,1,ข,x\nค,2,ง,y\n")
    assert columns(target)[0] == ("_id", "BIGINT")
    assert [c for c, _t in columns(target)] == ["_id", "ชื่อ", "column_2", "ชื่อ_2", "_id_2"]
    assert [r[0] for r in rows(target)] == [1, 2]
    assert "_id" not in [f["name"] for f in result.table_schema["fields"]]
    assert result.row_count == 2


def test_numbers_with_thousands_separators_thai_digits_and_missing_markers(tmp_path):
    csv = 'จังหวัด,ประชากร,รายได้,อัตรา\nเชียงใหม่,"1,234,567","12,345.50",-\nลำพูน,๔๐๕,๙.๕, - \nน่าน,N/A,"1,000",n/a\nแพร่,null,7,0.5\n'
    result, target = ingest(tmp_path, csv)
    assert types(result) == {
        "จังหวัด": "string",
        "ประชากร": "integer",
        "รายได้": "number",
        "อัตรา": "number",
    }
    assert field(result, "ประชากร")["x_ddgov"] == {"thai_digits": True}
    assert rows(target) == [
        (1, "เชียงใหม่", 1234567, 12345.5, None),
        (2, "ลำพูน", 405, 9.5, None),
        (3, "น่าน", None, 1000.0, None),
        (4, "แพร่", None, 7.0, 0.5),
    ]
    assert {"", "-", "N/A", "n/a", "null"} <= set(result.table_schema["missingValues"])


def test_bad_thousands_grouping_keeps_text_and_suggests_a_number(tmp_path):
    body = "".join(f'{i},"{i},000"\n' for i in range(1, 40)) + '40,"18,250,00"\n'
    result, target = ingest(tmp_path, "no,amount\n" + body)
    assert types(result)["amount"] == "string"
    assert field(result, "amount")["x_ddgov"]["suggestion"] == {
        "type": "number",
        "values_not_matching": 1,
        "example": "18,250,00",
    }
    assert rows(target)[-1] == (40, 40, "18,250,00")


def test_buddhist_era_years_become_common_era_in_a_year_column(tmp_path):
    result, target = ingest(tmp_path, "ปี,Fiscal_Year,count\n2566,2022,10\n2565,2023,11\n")
    assert types(result) == {"ปี": "year", "Fiscal_Year": "year", "count": "integer"}
    assert field(result, "ปี")["format"] == "be"
    assert "format" not in field(result, "Fiscal_Year")
    assert rows(target) == [(1, 2023, 2022, 10), (2, 2022, 2023, 11)]
    assert columns(target)[1] == ("ปี", "INTEGER")


def test_thai_dates_in_the_forms_agencies_publish(tmp_path):
    csv = (
        "a,b,c,d,e\n"
        "9 ธ.ค. 67,2-ธ.ค.-67,17/05/2566,17 พฤษภาคม 2566,2023-01-03\n"
        "1 ม.ค. 68,15-ม.ค.-68,1/1/2567,1 มกราคม 2567, 2023-02-06 00:00:00\n"
    )
    result, target = ingest(tmp_path, csv)
    assert types(result) == dict.fromkeys("abcde", "date")
    assert field(result, "a")["format"] == "be"
    assert "format" not in field(result, "e")
    assert rows(target) == [
        (
            1,
            dt.date(2024, 12, 9),
            dt.date(2024, 12, 2),
            dt.date(2023, 5, 17),
            dt.date(2023, 5, 17),
            dt.date(2023, 1, 3),
        ),
        (
            2,
            dt.date(2025, 1, 1),
            dt.date(2025, 1, 15),
            dt.date(2024, 1, 1),
            dt.date(2024, 1, 1),
            dt.date(2023, 2, 6),
        ),
    ]


def test_datetimes_with_thai_times_and_month_first_dates(tmp_path):
    csv = "when,us\n17/05/2566 08:28 น.,12/31/2023\n2023-05-17T10:23:45,01/02/2023\n"
    result, target = ingest(tmp_path, csv)
    assert types(result) == {"when": "datetime", "us": "date"}
    assert field(result, "us")["format"] == "mdy"
    assert rows(target) == [
        (1, dt.datetime(2023, 5, 17, 8, 28), dt.date(2023, 12, 31)),
        (2, dt.datetime(2023, 5, 17, 10, 23, 45), dt.date(2023, 1, 2)),
    ]


def test_units_booleans_codes_and_html_entities(tmp_path):
    csv = (
        "power,active,postcode,phone,note\n"
        '120 kW,True,10200,0812345678,"สถานี &#34;PEA VOLTA&#34; &amp; ร้านค้า"\n'
        "50 kW,False,50000,0212345678,ปกติ\n"
    )
    result, target = ingest(tmp_path, csv)
    assert types(result) == {
        "power": "integer",
        "active": "boolean",
        "postcode": "integer",
        "phone": "string",
        "note": "string",
    }
    assert field(result, "power")["x_ddgov"] == {"unit": "kW"}
    assert rows(target)[0] == (1, 120, True, 10200, "0812345678", 'สถานี "PEA VOLTA" & ร้านค้า')


def test_title_rows_above_the_header_are_skipped(tmp_path):
    csv = "รายงานจำนวนผู้สูงอายุ ปี 2566\nหน่วย: คน\n\nจังหวัด,จำนวน\nเชียงใหม่,5\nลำพูน,6\n"
    result, target = ingest(tmp_path, csv)
    assert types(result) == {"จังหวัด": "string", "จำนวน": "integer"}
    assert result.table_schema["x_ddgov"]["header_row"] == 4
    assert rows(target) == [(1, "เชียงใหม่", 5), (2, "ลำพูน", 6)]


def test_a_merged_two_row_header_is_combined(tmp_path):
    csv = ',,Asia,,Europe,\nปี,เดือน,Car,Truck,Car,Truck\n2012,มกราคม,"12,409",5,7,8\n2013,กุมภาพันธ์,1,2,3,4\n'
    result, _target = ingest(tmp_path, csv)
    assert [f["name"] for f in result.table_schema["fields"]] == [
        "ปี",
        "เดือน",
        "Asia / Car",
        "Asia / Truck",
        "Europe / Car",
        "Europe / Truck",
    ]
    assert result.table_schema["x_ddgov"]["header_rows"] == 2


@pytest.mark.parametrize(
    ("delimiter", "name"), [(";", "data.csv"), ("\t", "data.tsv"), ("|", "data.txt")]
)
def test_delimiters_are_sniffed(tmp_path, delimiter, name):
    csv = delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join(["1", "x, y", "2"]) + "\n"
    result, target = ingest(tmp_path, csv, name)
    assert result.table_schema["x_ddgov"]["delimiter"] == delimiter
    assert rows(target) == [(1, 1, "x, y", 2)]


def test_utf8_with_bom_and_crlf(tmp_path):
    result, target = ingest(tmp_path, "\ufeffเขต,คะแนน\r\nปทุมวัน,34.75\r\n".encode())
    assert result.encoding == "utf-8-sig"
    assert types(result) == {"เขต": "string", "คะแนน": "number"}
    assert rows(target) == [(1, "ปทุมวัน", 34.75)]


def test_tis620_windows874_is_detected_and_transcoded(tmp_path):
    text = "จังหวัด,อำเภอ,จำนวน\n" + "".join(f"เชียงใหม่,เมือง{i},{i}\n" for i in range(3000))
    result, target = ingest(tmp_path, text.encode("cp874"))
    assert result.encoding == "windows-874"
    assert rows(target)[0] == (1, "เชียงใหม่", "เมือง0", 0)
    assert result.row_count == 3000


def test_windows874_after_the_first_megabyte_is_still_detected(tmp_path):
    ascii_head = "name,value\n" + "".join(f"row{i},{i}\n" for i in range(120_000))
    assert len(ascii_head) > 1 << 20
    data = ascii_head.encode() + "เชียงใหม่,1\n".encode("cp874")
    result, target = ingest(tmp_path, data)
    assert result.encoding == "windows-874"
    assert rows(target)[-1][1] == "เชียงใหม่"


def test_a_value_beyond_the_sample_retypes_the_column_from_all_rows(tmp_path):
    body = "".join(f"{i},{i * 3}\n" for i in range(25_000))
    result, target = ingest(tmp_path, "id,amount\n" + body + "25000,สามพัน\n25001,๑๒\n")
    assert result.typed_from == "all rows"
    assert types(result) == {"id": "integer", "amount": "string"}
    assert rows(target)[-1] == (25_002, 25_001, "๑๒")


def test_thai_digits_beyond_the_sample_keep_the_number_type(tmp_path):
    body = "".join(f"{i},{i}\n" for i in range(25_000))
    result, target = ingest(tmp_path, "id,amount\n" + body + "25000,๑๒\n")
    assert types(result)["amount"] == "integer"
    assert result.typed_from == "all rows"
    assert rows(target)[-1] == (25_001, 25_000, 12)


def test_row_ids_follow_the_file_order_of_a_large_file(tmp_path):
    body = "".join(f"{i},ข้อความ {i}\n" for i in range(200_000))
    _result, target = ingest(tmp_path, "seq,text\n" + body)
    con = duckdb.connect()
    mismatched = con.execute(
        f"SELECT count(*) FROM read_parquet('{target}') WHERE _id <> seq + 1"
    ).fetchall()
    assert mismatched == [(0,)]


def test_all_empty_rows_are_dropped(tmp_path):
    _result, target = ingest(tmp_path, "a,b\n1,x\n,\n2,y\n,\n")
    assert rows(target) == [(1, 1, "x"), (2, 2, "y")]


def test_steward_overrides_retype_columns(tmp_path):
    csv = "code,ปีงบ,amount\n001,66,10\n002,67,12\n"
    result, target = ingest(
        tmp_path,
        csv,
        overrides={
            "code": "integer",
            "ปีงบ": {"type": "year", "format": "be"},
            "amount": {"type": "number"},
        },
    )
    assert types(result) == {"code": "integer", "ปีงบ": "year", "amount": "number"}
    assert field(result, "amount")["x_ddgov"] == {"corrected": True}
    assert rows(target) == [(1, 1, 2023, 10.0), (2, 2, 2024, 12.0)]


def test_an_override_the_values_do_not_fit_is_refused_with_an_example(tmp_path):
    error = failure(tmp_path, "a,b\n1,x\n2,y\n", overrides={"b": "number"})
    assert error.code == "bad_value"
    assert "'x'" in error.message


def test_an_override_may_turn_values_that_do_not_fit_into_nulls(tmp_path):
    body = "".join(f'{i},"{i},000"\n' for i in range(30)) + '30,"18,250,00"\n'
    result, target = ingest(
        tmp_path, "no,amount\n" + body, overrides={"amount": {"type": "number", "invalid": "null"}}
    )
    assert types(result)["amount"] == "number"
    assert field(result, "amount")["x_ddgov"] == {"corrected": True, "invalid_to_null": 1}
    assert rows(target)[-1] == (31, 30, None)


def test_unknown_override_column_is_refused(tmp_path):
    error = failure(tmp_path, "a\n1\n", overrides={"nope": "integer"})
    assert error.code == "bad_override"


def test_json_array_of_records_and_ndjson(tmp_path):
    records = [
        {"จังหวัด": "เชียงใหม่", "ปี": 2566, "มูลค่า": "1,200", "tags": ["a"]},
        {"จังหวัด": "น่าน", "ปี": 2565, "มูลค่า": "900", "tags": []},
    ]
    result, target = ingest(tmp_path, json.dumps(records, ensure_ascii=False), "data.json")
    assert result.source_format == "JSON"
    assert types(result) == {"จังหวัด": "string", "ปี": "year", "มูลค่า": "integer", "tags": "string"}
    assert rows(target)[0] == (1, "เชียงใหม่", 2023, 1200, '["a"]')
    ndjson = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    result, target = ingest(tmp_path, ndjson, "data.ndjson")
    assert result.row_count == 2


def test_parquet_is_retyped_through_the_same_rules(tmp_path):
    source = tmp_path / "in.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT 'เชียงใหม่' AS p, '2566' AS ปี, '1,234' AS n, DATE '2024-01-02' AS d) TO '{source}' (FORMAT parquet)"
    )
    target = tmp_path / "out.parquet"
    result = ingest_file(source=source, filename="in.parquet", target=target)
    assert result.source_format == "PARQUET"
    assert types(result) == {"p": "string", "ปี": "year", "n": "integer", "d": "date"}
    assert rows(target) == [(1, "เชียงใหม่", 2023, 1234, dt.date(2024, 1, 2))]


def _xlsx(path, rows_):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows_:
        ws.append(row)
    wb.save(path)


def test_xlsx_title_row_formulas_and_dates(tmp_path):
    source = tmp_path / "t.xlsx"
    _xlsx(
        source,
        [
            ["ตาราง 1 การใช้ที่ดิน ปี 2562/63", None, None],
            ["รายการ", "เนื้อที่", "วันที่"],
            ["นา", 12.5, dt.datetime(2020, 1, 2)],
            ["สวน", "1,200", dt.datetime(2020, 1, 3)],
        ],
    )
    target = tmp_path / "out.parquet"
    result = ingest_file(source=source, filename="t.xlsx", target=target)
    assert result.source_format == "XLSX"
    assert result.table_schema["x_ddgov"]["header_row"] == 2
    assert types(result) == {"รายการ": "string", "เนื้อที่": "number", "วันที่": "date"}
    assert rows(target) == [
        (1, "นา", 12.5, dt.date(2020, 1, 2)),
        (2, "สวน", 1200.0, dt.date(2020, 1, 3)),
    ]


def test_xlsx_second_sheet_by_name(tmp_path):
    source = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["x"])
    other = wb.create_sheet("ข้อมูล")
    other.append(["a", "b"])
    other.append([1, 2])
    wb.save(source)
    result = ingest_file(
        source=source, filename="t.xlsx", target=tmp_path / "o.parquet", sheet="ข้อมูล"
    )
    assert result.table_schema["x_ddgov"]["sheet"] == "ข้อมูล"
    assert types(result) == {"a": "integer", "b": "integer"}


# --- bad input: a specific code, a bilingual reason, nothing written -----------------------------


def test_zero_byte_file(tmp_path):
    assert failure(tmp_path, b"").code == "empty"


def test_only_blank_lines(tmp_path):
    assert failure(tmp_path, "\n\n  \n").code == "empty"


def test_bytes_that_are_neither_utf8_nor_tis620(tmp_path):
    error = failure(tmp_path, b"a,b\n1,\xff\xfe\xfc\n")
    assert error.code == "encoding"
    assert "line 2" in error.message


def test_ragged_rows_name_the_line(tmp_path):
    error = failure(tmp_path, "a,b,c\n1,2,3\n4,5\n6,7,8\n")
    assert error.code == "ragged"
    assert "Line 3" in error.message
    assert "บรรทัดที่ 3" in error.message


def test_ragged_row_beyond_the_first_megabyte(tmp_path):
    body = "".join(f"{i},x,y\n" for i in range(150_000))
    error = failure(tmp_path, "a,b,c\n" + body + "1,2\n")
    assert error.code == "ragged"
    assert "150002" in error.message


def test_a_png_renamed_csv(tmp_path):
    error = failure(tmp_path, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert error.code == "not_csv"
    assert "PNG" in error.message


def test_a_zip_renamed_csv(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "hello")
    error = failure(tmp_path, buffer.getvalue())
    assert error.code == "not_csv"
    assert "ZIP" in error.message


def test_an_xlsx_renamed_csv_says_so(tmp_path):
    source = tmp_path / "book.xlsx"
    _xlsx(source, [["a"], [1]])
    error = failure(tmp_path, source.read_bytes())
    assert error.code == "not_csv"
    assert ".xlsx" in error.message


def test_text_named_xlsx(tmp_path):
    assert failure(tmp_path, "a,b\n1,2\n", "data.xlsx").code == "not_xlsx"


def test_an_xlsx_bomb_is_refused_before_opening(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"<row><c><v>0</v></c></row>" * 4096
            for _ in range(600):
                fh.write(block)
    data = buffer.getvalue()
    assert len(data) < 1_000_000
    error = failure(tmp_path, data, "bomb.xlsx")
    assert error.code == "xlsx_bomb"


def test_legacy_xls_is_unsupported(tmp_path):
    error = failure(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")
    assert error.code == "unsupported_format"


def test_invalid_json(tmp_path):
    assert failure(tmp_path, '[{"a": 1}, {"a": ', "data.json").code == "not_json"


def test_a_header_row_that_is_data(tmp_path):
    assert failure(tmp_path, "1,2,3\n4,5,6\n").code == "no_header"


def test_progress_is_reported_from_zero_to_one(tmp_path):
    seen = []
    ingest(tmp_path, "a,b\n1,2\n", progress=lambda f, m="": seen.append(f))
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_a_simple_date_form_in_the_sample_and_other_forms_later(tmp_path):
    body = "".join(f"{i},17/05/2566,2566-05-17\n" for i in range(25_000))
    later = "25000, 9 ธ.ค. 67,2023-1-5\n25001,29/02/2563 ,2024-02-29\n"
    result, target = ingest(tmp_path, "id,reported,iso\n" + body + later)
    assert result.typed_from == "all rows"
    assert types(result) == {"id": "integer", "reported": "date", "iso": "date"}
    assert rows(target)[0] == (1, 0, dt.date(2023, 5, 17), dt.date(2023, 5, 17))
    assert rows(target)[-2:] == [
        (25_001, 25_000, dt.date(2024, 12, 9), dt.date(2023, 1, 5)),
        (25_002, 25_001, dt.date(2020, 2, 29), dt.date(2024, 2, 29)),
    ]


def test_an_impossible_date_keeps_the_column_text(tmp_path):
    result, target = ingest(tmp_path, "d\n17/05/2566\n31/02/2566\n")
    assert types(result) == {"d": "string"}
    assert rows(target)[1] == (2, "31/02/2566")


def test_a_failing_progress_callback_stops_the_ingest(tmp_path):
    class StopError(Exception):
        pass

    def progress(fraction, message=""):
        if fraction > 0.3:
            raise StopError

    with pytest.raises(StopError):
        ingest(tmp_path, "a,b\n" + "".join(f"{i},x\n" for i in range(50_000)), progress=progress)
    assert [p for p in (tmp_path / "out").iterdir() if p.name.startswith("ingest-")] == []


def test_the_command_reports_the_code_and_reason(tmp_path):
    from django.core.management import CommandError, call_command

    source = tmp_path / "rag.csv"
    source.write_text("a,b\n1\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"\[ragged\] Line 2"):
        call_command("catalog", "ingest", str(source))


def test_excel_unicode_text_utf16_tab_separated(tmp_path):
    text = "จังหวัด\tจำนวน\r\nเชียงใหม่\t1,200\r\nน่าน\t35\r\n"
    result, target = ingest(tmp_path, text.encode("utf-16"), "export.txt")
    assert result.encoding == "utf-16"
    assert result.table_schema["x_ddgov"]["delimiter"] == "\t"
    assert rows(target) == [(1, "เชียงใหม่", 1200), (2, "น่าน", 35)]
