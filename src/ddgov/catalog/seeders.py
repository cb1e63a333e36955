"""Demo catalog: the plan's ten focus areas as groups, and datasets made of real Thai open data.

The datasets come from ``settings.SHARED_DATA_DIR/opendata`` (population by subdistrict, budget
bills, land use, EV charging stations, Bangkok district statistics, vehicle registrations and
exports, data.go.th's own 2016 catalog), each with full Thai GD-Catalog metadata, owned by the
agency that publishes it, and ingested into the lake right away: the seeder runs the queued
ingest jobs itself, in this process, instead of leaving them to ``ddgov worker``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from ddgov.agencies.models import Agency
from ddgov.catalog.models import Group, ResourceVersion
from ddgov.catalog.services.datasets import dataset_create, resource_create
from ddgov.catalog.vocab import FOCUS_AREAS
from ddgov.core.seeding import SeedContext, seeder
from ddgov.jobs.services import job_run


@seeder("catalog_groups")
def seed_groups(ctx: SeedContext) -> int:
    """Create the ten focus-area groups."""
    Group.objects.bulk_create(
        [Group(name=code, title_th=th, title_en=en) for code, th, en in FOCUS_AREAS],
        ignore_conflicts=True,
    )
    return len(FOCUS_AREAS)


@dataclass(frozen=True)
class DemoDataset:
    """One demo dataset: metadata and (file, resource name, description) of its resources."""

    name: str
    owner: str
    title: str
    notes: str
    groups: tuple[str, ...]
    tags: tuple[str, ...]
    files: tuple[tuple[str, str, str], ...]
    data_type: str = "statistical"
    frequency: str = "yearly"
    geo: str = "country"
    source: str = ""
    objective: tuple[str, ...] = ("agency_mission",)
    official_statistics: bool = False
    high_value: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


DEMO_DATASETS: tuple[DemoDataset, ...] = (
    DemoDataset(
        name="population-households-by-subdistrict",
        owner="dopa",
        title="จำนวนประชากรและบ้านรายตำบล จากทะเบียนราษฎร",
        notes="จำนวนประชากรและจำนวนบ้านของทุกตำบลทั่วประเทศ ตามหลักฐานทะเบียนราษฎร ณ สิ้นปี (พ.ศ. 2565 และ 2566)",
        groups=("welfare",),
        tags=("ประชากร", "ครัวเรือน", "ทะเบียนราษฎร", "ตำบล"),
        files=(
            ("population_subdistrict_2566.csv", "ประชากรรายตำบล พ.ศ. 2566", "ณ 31 ธันวาคม 2566"),
            ("population_subdistrict_2565.csv", "ประชากรรายตำบล พ.ศ. 2565", "ณ 31 ธันวาคม 2565"),
        ),
        geo="subdistrict",
        source="สำนักบริหารการทะเบียน กรมการปกครอง",
        objective=("agency_mission", "public_service"),
        official_statistics=True,
        high_value=True,
        extras={"unit_of_measure": "คน", "first_year_of_data": "2565", "last_year_of_data": "2566"},
    ),
    DemoDataset(
        name="budget-bill-fy2565-line-items",
        owner="bb",
        title="รายการงบประมาณรายจ่ายตามร่างพระราชบัญญัติงบประมาณ พ.ศ. 2565",
        notes="รายการงบประมาณรายจ่ายรายโครงการที่สกัดจากเอกสารงบประมาณ (ไฟล์ PDF) ฉบับที่ 3 ของปีงบประมาณ 2565",
        groups=("participation",),
        tags=("งบประมาณ", "ความโปร่งใส", "ภาษีไปไหน"),
        files=(
            (
                "budget_fy2022/2022-3-7.csv",
                "เอกสารงบประมาณ ฉบับที่ 3 เล่มที่ 7",
                "กระทรวงพลังงาน กระทรวงพาณิชย์",
            ),
            (
                "budget_fy2022/2022-3-13(1).csv",
                "เอกสารงบประมาณ ฉบับที่ 3 เล่มที่ 13 (1)",
                "จังหวัดและกลุ่มจังหวัด",
            ),
        ),
        data_type="record",
        source="สำนักงบประมาณ (เอกสารงบประมาณ)",
        objective=("national_strategy", "agency_mission"),
        high_value=True,
        extras={"unit_of_measure": "บาท"},
    ),
    DemoDataset(
        name="agricultural-land-use-2562",
        owner="oae",
        title="การถือครองและการใช้ประโยชน์ที่ดินทางการเกษตร ปีเพาะปลูก 2562/63",
        notes="เนื้อที่ถือครองทางการเกษตรเฉลี่ยต่อครัวเรือน จำแนกตามลักษณะการถือครองและการใช้ประโยชน์ รายภาค",
        groups=("agriculture",),
        tags=("เกษตรกร", "ที่ดิน", "การใช้ประโยชน์ที่ดิน"),
        files=(("agri_landuse.xlsx", "การใช้ที่ดินรายภาค 2562/63", "ไร่ต่อครัวเรือน"),),
        geo="region",
        source="ศูนย์สารสนเทศการเกษตร สำนักงานเศรษฐกิจการเกษตร",
        official_statistics=True,
        extras={"unit_of_measure": "ไร่/ครัวเรือน", "data_collect": "ครัวเรือน"},
    ),
    DemoDataset(
        name="pea-ev-charging-stations",
        owner="pea",
        title="สถานีอัดประจุไฟฟ้าสำหรับยานยนต์ไฟฟ้า PEA VOLTA",
        notes="ตำแหน่ง ที่อยู่ และกำลังไฟฟ้าของสถานีอัดประจุไฟฟ้าในเครือข่ายการไฟฟ้าส่วนภูมิภาค",
        groups=("environment",),
        tags=("ยานยนต์ไฟฟ้า", "EV", "พลังงาน", "สถานีชาร์จ"),
        files=(("PEA_ev_charging_stations.csv", "สถานีอัดประจุไฟฟ้า", "พิกัด WGS84 และกำลังไฟฟ้า (kW)"),),
        data_type="record",
        frequency="monthly",
        geo="coordinates",
        source="การไฟฟ้าส่วนภูมิภาค",
        objective=("public_service",),
    ),
    DemoDataset(
        name="bangkok-pm25-by-district",
        owner="bma",
        title="ค่าฝุ่นละอองขนาดเล็ก PM2.5 รายเดือน จำแนกตามเขต กรุงเทพมหานคร",
        notes="ค่าต่ำสุด สูงสุด เฉลี่ย และจำนวนวันที่เกินมาตรฐานของฝุ่น PM2.5 รายเดือน ณ สวนสาธารณะในแต่ละเขต",
        groups=("environment", "health"),
        tags=("PM2.5", "ฝุ่น", "คุณภาพอากาศ", "กรุงเทพมหานคร"),
        files=(("fact_pm.csv", "PM2.5 รายเขต", "ไมโครกรัมต่อลูกบาศก์เมตร"),),
        frequency="monthly",
        geo="bangkok_district",
        source="สำนักสิ่งแวดล้อม กรุงเทพมหานคร",
        extras={"unit_of_measure": "มคก./ลบ.ม."},
    ),
    DemoDataset(
        name="bangkok-waste-by-district",
        owner="bma",
        title="ปริมาณขยะมูลฝอยรายเขต พ.ศ. 2553-2561",
        notes="ปริมาณขยะมูลฝอยทั้งปีและเฉลี่ยต่อวันของแต่ละเขตในกรุงเทพมหานคร",
        groups=("environment",),
        tags=("ขยะ", "สิ่งแวดล้อม", "กรุงเทพมหานคร"),
        files=(("fact_waste.csv", "ขยะมูลฝอยรายเขต", "ตัน"),),
        geo="bangkok_district",
        source="สำนักสิ่งแวดล้อม กรุงเทพมหานคร",
        extras={"unit_of_measure": "ตัน"},
    ),
    DemoDataset(
        name="bangkok-green-space-by-district",
        owner="bma",
        title="พื้นที่สีเขียวต่อประชากรรายเขต กรุงเทพมหานคร",
        notes="จำนวนและเนื้อที่สวนสาธารณะ พื้นที่สีเขียวต่อคน และร้อยละพื้นที่สีเขียวของแต่ละเขต",
        groups=("environment",),
        tags=("พื้นที่สีเขียว", "สวนสาธารณะ", "กรุงเทพมหานคร"),
        files=(("fact_green.csv", "พื้นที่สีเขียวรายเขต", "ตารางเมตร"),),
        geo="bangkok_district",
        source="สำนักสิ่งแวดล้อม กรุงเทพมหานคร",
    ),
    DemoDataset(
        name="bangkok-traffic",
        owner="bma",
        title="ปริมาณการจราจรบริเวณทางแยกและสัญญาณไฟจราจร กรุงเทพมหานคร",
        notes="ปริมาณรถแยกประเภทตามช่วงเวลาที่ทางแยกสำคัญ พ.ศ. 2566 และตำแหน่งสัญญาณไฟจราจร",
        groups=("environment",),
        tags=("จราจร", "ทางแยก", "สัญญาณไฟจราจร", "กรุงเทพมหานคร"),
        files=(
            ("traffic_congress.csv", "ปริมาณการจราจรที่ทางแยก 2566", "คัน"),
            ("fact_traffic_lights.csv", "สัญญาณไฟจราจร", "พิกัดและสถานะ"),
        ),
        data_type="multiple",
        frequency="other",
        geo="coordinates",
        source="สำนักการจราจรและขนส่ง กรุงเทพมหานคร",
    ),
    DemoDataset(
        name="bangkok-district-livability",
        owner="bma",
        title="ดัชนีความน่าอยู่และข้อมูลพื้นฐานรายเขต กรุงเทพมหานคร",
        notes="คะแนนและอันดับความน่าอยู่ด้านบริการสาธารณะ เศรษฐกิจ สวัสดิภาพ และสิ่งแวดล้อม และข้อมูลพื้นฐานของเขตและแขวง",
        groups=("participation", "welfare"),
        tags=("ดัชนี", "เขต", "แขวง", "กรุงเทพมหานคร"),
        files=(
            ("bangkok_index_district_final.csv", "ดัชนีความน่าอยู่รายเขต", "คะแนนและอันดับ"),
            ("bangkok_district.csv", "ข้อมูลพื้นฐานเขตและแขวง", "ประชากร ความหนาแน่น สถานที่สำคัญ"),
        ),
        geo="bangkok_district",
        source="กรุงเทพมหานคร",
    ),
    DemoDataset(
        name="new-vehicle-registrations-by-fuel",
        owner="dlt",
        title="จำนวนรถจดทะเบียนใหม่ จำแนกตามประเภทรถและเชื้อเพลิง",
        notes="จำนวนรถจดทะเบียนใหม่รายเดือน พ.ศ. 2561-2566 แยกรถสันดาป ไฮบริด ปลั๊กอินไฮบริด และรถไฟฟ้า",
        groups=("environment",),
        tags=("รถยนต์", "ยานยนต์ไฟฟ้า", "จดทะเบียน", "EV"),
        files=(("New_Car_with_Fuel.csv", "รถจดทะเบียนใหม่รายเดือน", "คัน"),),
        frequency="monthly",
        source="กรมการขนส่งทางบก",
        official_statistics=True,
        extras={"unit_of_measure": "คัน"},
    ),
    DemoDataset(
        name="vehicle-exports-by-region",
        owner="moind",
        title="การส่งออกรถยนต์ จำแนกตามภูมิภาคปลายทางและประเภทรถ",
        notes="จำนวนรถยนต์ส่งออกรายเดือน พ.ศ. 2555-2565 แยกตามภูมิภาคปลายทาง (เอเชีย ออสเตรเลีย ตะวันออกกลาง …)",
        groups=("sme",),
        tags=("ส่งออก", "รถยนต์", "อุตสาหกรรม"),
        files=(("stat-auto-export-unit.xlsx", "การส่งออกรถยนต์รายเดือน", "คัน"),),
        frequency="monthly",
        geo="world",
        source="กระทรวงอุตสาหกรรม",
        extras={"unit_of_measure": "คัน"},
    ),
    DemoDataset(
        name="data-go-th-catalog-2016",
        owner="dga",
        title="รายการชุดข้อมูลบน data.go.th (ส.ค. 2559) และรายชื่อชุดข้อมูลปัจจุบัน",
        notes="หมวดหมู่ ชื่อ และที่อยู่ของชุดข้อมูลบน data.go.th เมื่อสิงหาคม 2559 และรายชื่อชุดข้อมูลจาก CKAN package_list",
        groups=("participation",),
        tags=("ข้อมูลเปิด", "บัญชีข้อมูล", "data.go.th"),
        files=(
            ("datagoth_catalog_2016.csv", "ชุดข้อมูล data.go.th ปี 2559", "หมวดหมู่ ชื่อ URL"),
            (
                "datagoth_ckan_package_batches.json",
                "รายชื่อชุดข้อมูล (package_list)",
                "คำตอบของ CKAN API",
            ),
        ),
        data_type="record",
        frequency="no_update",
        source="สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
        objective=("master_plan",),
    ),
)


def _metadata(demo: DemoDataset, agency: Agency) -> dict[str, Any]:
    formats = sorted({Path(f).suffix.lstrip(".").upper() for f, _n, _d in demo.files})
    return {
        "name": demo.name,
        "title": demo.title,
        "notes": demo.notes,
        "owner_org": agency.code,
        "data_type": demo.data_type,
        "maintainer": f"ผู้ดูแลข้อมูล {agency.name_th}",
        "maintainer_email": f"opendata@{agency.code}.example.go.th",
        "tags": list(demo.tags),
        "groups": list(demo.groups),
        "objective": list(demo.objective),
        "update_frequency_unit": demo.frequency,
        "update_frequency_interval": 1,
        "geo_coverage": demo.geo,
        "data_source": demo.source or agency.name_th,
        "data_format": ", ".join(formats),
        "data_category": "public",
        "data_classification": "public",
        "license_id": "Open-D",
        "data_language": ["th"],
        "official_statistics": demo.official_statistics,
        "high_value_dataset": demo.high_value,
        "accessible_condition": "เปิดเผยได้โดยไม่มีเงื่อนไข",
        **demo.extras,
    }


@seeder("catalog_datasets", after=("agencies", "catalog_groups", "staff"))
def seed_datasets(ctx: SeedContext) -> int:
    """Publish real Thai open-data files as datasets and ingest them into the lake."""
    folder = Path(settings.SHARED_DATA_DIR) / "opendata"
    if not folder.is_dir():
        sys.stderr.write(
            f"  catalog_datasets: {folder} not found, no demo datasets (set DDGOV_SHARED_DATA)\n"
        )
        return 0
    agencies = {a.code: a for a in Agency.objects.filter(code__in={d.owner for d in DEMO_DATASETS})}
    written = 0
    for demo in DEMO_DATASETS:
        agency = agencies.get(demo.owner)
        files = [(folder / f, n, d) for f, n, d in demo.files if (folder / f).is_file()]
        if agency is None or not files:
            continue
        dataset = dataset_create(actor=None, data=_metadata(demo, agency))
        written += 1
        for path, name, description in files:
            resource = resource_create(
                actor=None,
                dataset=dataset,
                data={"name": name, "description": description},
                upload=path,
                filename=path.name,
            )
            while job_run() is not None:  # ingest now, in this process: nothing left for a worker
                pass
            version = resource.versions.get()
            if version.status != ResourceVersion.Status.SUCCEEDED:
                sys.stderr.write(f"  catalog_datasets: {path.name}: {version.message}\n")
            written += 2
    return written
