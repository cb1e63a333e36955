"""Column classification from a table file: personal identifiers, PDPA s.26 flags, context rules."""

from __future__ import annotations

from pathlib import Path

from ddgov.governance.classification.detect import ColumnDecision, table_classify
from ddgov.governance.tests.classification_support import personal_csv, public_csv
from ddgov.identity.thaiid import thai_id_complete


def _by_column(decisions: list[ColumnDecision]) -> dict[str, ColumnDecision]:
    return {d.column: d for d in decisions}


def _write(tmp_path: Path, content: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_citizen_id_name_and_phone_columns_are_personal(tmp_path: Path) -> None:
    found = _by_column(table_classify(path=_write(tmp_path, personal_csv())))
    assert found["เลขประจำตัวประชาชน"].category == "personal"
    assert found["เลขประจำตัวประชาชน"].pii_type == "TH_CITIZEN_ID"
    assert found["เลขประจำตัวประชาชน"].access_level == "confidential"
    assert found["เบอร์โทรศัพท์"].category == "personal"
    assert found["เบอร์โทรศัพท์"].pii_type == "PHONE"
    assert found["ชื่อ-สกุล"].pii_type == "PERSON"
    assert found["จังหวัด"].category == "public"
    assert found["อายุ"].category == "public"


def test_an_id_column_without_a_telling_header_is_found_by_its_values(tmp_path: Path) -> None:
    rows = "\n".join(f"{thai_id_complete(f'3100{i:08d}')},{i}" for i in range(30))
    found = _by_column(table_classify(path=_write(tmp_path, f"code,amount\n{rows}\n")))
    assert found["code"].category == "personal"
    assert found["code"].pii_type == "TH_CITIZEN_ID"
    assert found["amount"].category == "public"


def test_a_health_column_about_people_is_sensitive_personal_data(tmp_path: Path) -> None:
    found = _by_column(table_classify(path=_write(tmp_path, personal_csv(health=True))))
    health = found["โรคประจำตัว"]
    assert health.sensitive == "health"
    assert health.category == "personal"
    assert health.access_level == "secret"


def test_sensitive_headers_in_english_and_thai(tmp_path: Path) -> None:
    header = "citizen_id,religion,criminal_record,disability_type,ลายนิ้วมือ,เชื้อชาติ"
    rows = "\n".join(f"{thai_id_complete(f'1100{i:08d}')},พุทธ,ไม่มี,ไม่มี,x{i},ไทย" for i in range(20))
    found = _by_column(table_classify(path=_write(tmp_path, f"{header}\n{rows}\n")))
    assert found["religion"].sensitive == "religion"
    assert found["criminal_record"].sensitive == "criminal_record"
    assert found["disability_type"].sensitive == "disability"
    assert found["ลายนิ้วมือ"].sensitive == "biometric"
    assert found["เชื้อชาติ"].sensitive == "race"
    assert all(d.category == "personal" for d in found.values())


def test_an_aggregate_health_table_is_flagged_but_stays_public(tmp_path: Path) -> None:
    content = "จังหวัด,โรค,จำนวนผู้ป่วย\n" + "".join(
        f"{p},ไข้เลือดออก,{i * 13}\n" for i, p in enumerate(("เชียงใหม่", "ขอนแก่น", "ภูเก็ต"))
    )
    found = _by_column(table_classify(path=_write(tmp_path, content)))
    assert found["โรค"].sensitive == "health"
    assert found["โรค"].category == "public"
    assert "no column of the table identifies a person" in found["โรค"].details["note"]


def test_an_address_is_personal_only_next_to_an_identifier(tmp_path: Path) -> None:
    addresses = [f"{10 + i}/3 หมู่ 4 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200" for i in range(20)]
    stations = "สถานี,ที่อยู่\n" + "".join(f"สถานี {i},{a}\n" for i, a in enumerate(addresses))
    alone = _by_column(table_classify(path=_write(tmp_path, stations, "stations.csv")))
    assert alone["ที่อยู่"].pii_type == "ADDRESS"
    assert alone["ที่อยู่"].category == "public"
    people = "เลขประจำตัวประชาชน,ที่อยู่\n" + "".join(
        f"{thai_id_complete(f'1100{i:08d}')},{a}\n" for i, a in enumerate(addresses)
    )
    together = _by_column(table_classify(path=_write(tmp_path, people, "people.csv")))
    assert together["ที่อยู่"].category == "personal"


def test_a_public_table_has_no_personal_column(tmp_path: Path) -> None:
    decisions = table_classify(path=_write(tmp_path, public_csv()))
    assert [d.column for d in decisions] == ["จังหวัด", "ปี", "จำนวนผู้สูงอายุ"]
    assert all(d.is_public and not d.pii_type and not d.sensitive for d in decisions)


def test_a_weak_name_header_with_a_stray_title_is_only_flagged(tmp_path: Path) -> None:
    """Real case (Bangkok traffic lights): road names under ``name_…``, one with a title in it."""
    names = ["วัดเสมียนนารี", "ประชาอุทิศ", "วงเวียนใหญ่", "ลาดพร้าว 101", "บางโพ", "พญาไท"] * 20
    names.append("รร. นายเรืออากาศ (ค.ป.อ.)")
    content = "name_traffic_light,status\n" + "".join(f"{n},on\n" for n in names)
    found = _by_column(table_classify(path=_write(tmp_path, content)))
    assert found["name_traffic_light"].pii_type == "PERSON"
    assert found["name_traffic_light"].category == "public"
    assert "Weak signal" in found["name_traffic_light"].details["note"]


OPEN_DATA_FILES = (
    "population_subdistrict_2566.csv",
    "budget_fy2022/2022-3-7.csv",
    "PEA_ev_charging_stations.csv",
    "fact_pm.csv",
    "fact_waste.csv",
    "fact_green.csv",
    "traffic_congress.csv",
    "fact_traffic_lights.csv",
    "bangkok_index_district_final.csv",
    "bangkok_district.csv",
    "New_Car_with_Fuel.csv",
)


def test_the_real_open_data_of_the_demo_has_no_personal_column(shared_data: Path) -> None:
    """Publishing real open data must not be blocked by false positives."""
    for name in OPEN_DATA_FILES:
        restricted = [
            d.column
            for d in table_classify(path=shared_data / "opendata" / name)
            if not d.is_public
        ]
        assert restricted == [], name
