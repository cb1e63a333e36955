"""Text files that are not CSV, and ingest error messages that are safe and Thai in Thai.

HTML and XML saved as ``.csv`` are refused with ``not_csv`` and a reason naming what they are;
JSON saved as ``.csv`` is read as JSON. No message shows a server path, and the Thai half of a
message is Thai (format names such as PNG or JSON aside).
"""

import io
import re
import zipfile

import pytest

from ddgov.catalog.ingest import IngestError, ingest_file

THAI = re.compile(r"[\u0e00-\u0e7f]")
# English words that must never appear in a Thai half (format names are allowed).
ENGLISH_WORD = re.compile(r"\b(?:a|an|the|is|image|archive|document|file|from|bytes|MB|Error)\b")


def ingest(tmp_path, content, name):
    source = tmp_path / "lake" / "raw" / "0a1b" / "v8" / name
    source.parent.mkdir(parents=True)
    if isinstance(content, str):
        source.write_text(content, encoding="utf-8")
    else:
        source.write_bytes(content)
    target = tmp_path / "out" / "table.parquet"
    return ingest_file(source=source, filename=name, target=target), target


def failure(tmp_path, content, name):
    with pytest.raises(IngestError) as info:
        ingest(tmp_path, content, name)
    error = info.value
    english, sep, thai = error.message.partition(" / ")
    assert sep, error.message
    assert not (tmp_path / "out" / "table.parquet").exists()
    assert str(tmp_path) not in error.message, "server paths never shown"
    assert "/lake/" not in error.message
    assert THAI.search(thai), thai
    assert not ENGLISH_WORD.search(thai), f"English in the Thai half: {thai}"
    return error, english, thai


HTML = """<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>ข้อมูล</title></head>
<body><table><tr><th>จังหวัด</th><th>จำนวน</th></tr><tr><td>เชียงใหม่</td><td>5</td></tr></table></body></html>
"""


@pytest.mark.parametrize(
    "content",
    [
        HTML,
        "\ufeff" + HTML,
        "\n\n  <html><body>หน้าแรก</body></html>",
        "<table>\n<tr><td>1</td></tr>\n</table>\n",
        '<?xml version="1.0"?>\n<!DOCTYPE html>\n<html><body/></html>\n',
    ],
)
def test_an_html_page_named_csv_is_refused(tmp_path, content):
    error, english, thai = failure(tmp_path, content, "html.csv")
    assert error.code == "not_csv"
    assert "it is an HTML page" in english
    assert "เป็นหน้าเว็บ HTML" in thai


@pytest.mark.parametrize(
    "content",
    [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rows><row a="1"/></rows>\n',
        "<rows>\n  <row><a>1</a></row>\n</rows>\n",
        "<!-- export -->\n<data><item/></data>\n",
    ],
)
def test_an_xml_document_named_csv_is_refused(tmp_path, content):
    error, english, thai = failure(tmp_path, content, "export.csv")
    assert error.code == "not_csv"
    assert "it is an XML document" in english
    assert "เป็นเอกสาร XML" in thai


@pytest.mark.parametrize(
    "content",
    [
        '[{"จังหวัด": "เชียงใหม่", "จำนวน": 5}, {"จังหวัด": "ลำปาง", "จำนวน": 7}]\n',
        '{"จังหวัด": "เชียงใหม่", "จำนวน": 5}\n{"จังหวัด": "ลำปาง", "จำนวน": 7}\n',
    ],
)
def test_json_named_csv_is_read_as_json(tmp_path, content):
    result, _target = ingest(tmp_path, content, "json.csv")
    assert result.source_format == "JSON"
    assert result.row_count == 2
    assert [f["name"] for f in result.table_schema["fields"]] == ["จังหวัด", "จำนวน"]


@pytest.mark.parametrize(
    "content",
    [
        "อายุ,จำนวน\n<5,10\n5-9,12\n",
        "[ปี],[จำนวน]\n2566,5\n2567,6\n",
        "<5 ปี,5-9 ปี\n10,12\n11,13\n",
    ],
)
def test_csv_starting_like_markup_or_json_still_ingests(tmp_path, content):
    result, _target = ingest(tmp_path, content, "data.csv")
    assert result.source_format == "CSV"
    assert result.row_count == 2


def test_a_png_named_csv_is_refused_in_thai_words(tmp_path):
    error, english, thai = failure(tmp_path, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "img.csv")
    assert error.code == "not_csv"
    assert "a PNG image" in english
    assert "เป็นภาพ PNG" in thai


def test_a_pdf_named_as_something_else_is_refused_in_thai_words(tmp_path):
    error, english, thai = failure(tmp_path, b"%PDF-1.7\n" + b"x" * 100, "report.dat2")
    assert error.code == "unsupported_format"
    assert "a PDF document" in english
    assert "เอกสาร PDF" in thai


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ('{"a": 1}\n{"a": 2,,}\n{"a": 3}\n', "บรรทัดที่ 2"),
        ('[{"a": 1},\n{"a": 2,,}]\n', "รายการที่ 2"),
    ],
)
def test_malformed_json_names_the_place_but_not_the_server_path(tmp_path, content, where):
    error, english, thai = failure(tmp_path, content, "notjson.json")
    assert error.code == "not_json"
    assert "notjson.json" not in error.message  # the lake path (which ends in it) is gone
    assert "Invalid Input Error" not in error.message
    assert "unexpected character" in english
    assert where in thai


def test_a_workbook_bomb_is_described_in_thai(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"<row><c><v>0</v></c></row>" * 4096
            for _ in range(600):
                fh.write(block)
    error, english, thai = failure(tmp_path, buffer.getvalue(), "bomb.xlsx")
    assert error.code == "xlsx_bomb"
    assert re.search(r"\d+ MB from [\d,]+ bytes", english)
    assert re.search(r"ขยายเป็น \d+ เมกะไบต์ จากข้อมูลบีบอัด [\d,]+ ไบต์", thai)


def test_a_damaged_workbook_hides_the_path(tmp_path):
    error, _english, thai = failure(tmp_path, b"PK\x03\x04" + b"\x00" * 200, "broken.xlsx")
    assert error.code == "not_xlsx"
    assert "Excel" in thai


def test_a_bad_value_names_the_type_in_thai(tmp_path):
    source = tmp_path / "data.csv"
    source.write_text("รหัส,จำนวน\nก,1\nข,x\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_file(
            source=source,
            filename="data.csv",
            target=tmp_path / "out" / "t.parquet",
            overrides={"จำนวน": "integer"},
        )
    assert info.value.code == "bad_value"
    thai = info.value.message.partition(" / ")[2]
    assert "จำนวนเต็ม" in thai
    assert "integer" not in thai
