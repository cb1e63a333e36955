"""A tiny CKAN Action API on 127.0.0.1 for harvesting tests, and thai_gdc-shaped packages.

It answers ``status_show``, ``package_search`` (q=*:*, sort by name, start/rows, include_private),
``package_list`` and ``package_show`` at ``/api/action/<name>`` and ``/api/3/action/<name>``, over
GET or POST JSON, with CKAN's envelope and error ``__type`` strings. Package names are real
data.go.th slugs; field values are what ckanext-thai_gdc stores (Thai labels).
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


def thai_gdc_package(name: str, title: str, **overrides: Any) -> dict[str, Any]:
    """A package as data.go.th's package_show returns it (ckanext-thai_gdc + scheming)."""
    package: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://data.go.th/dataset/{name}")),
        "name": name,
        "title": title,
        "notes": f"{title} จากระบบสถิติทางการทะเบียน",
        "type": "dataset",
        "state": "active",
        "private": False,
        "maintainer": "กลุ่มงานสถิติ",
        "maintainer_email": "stat@dopa.go.th",
        "author": None,
        "author_email": None,
        "data_type": "ข้อมูลสถิติ",
        "objective": ["พันธกิจหน่วยงาน", "ยุทธศาสตร์ชาติ"],
        "update_frequency_unit": "ปี",
        "update_frequency_interval": "1",
        "geo_coverage": "จังหวัด",
        "data_source": "กรมการปกครอง กระทรวงมหาดไทย",
        "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ",
        "data_classification": "เปิดเผย",
        "license_id": "Open Data Common",
        "data_language": ["ไทย"],
        "first_year_of_data": "2560",
        "last_year_of_data": "2566",
        "official_statistics": "True",
        "high_value_dataset": "False",
        "telephone_number": "0 2356 9999",
        "metadata_created": "2023-05-01T03:04:05.123456",
        "metadata_modified": "2023-06-01T03:04:05.123456",
        "organization": {"id": "b1d2", "name": "dopa", "title": "กรมการปกครอง"},
        "groups": [
            {"name": "welfare", "title": "สวัสดิการ"},
            {"name": "population", "title": "ประชากร"},
        ],
        "tags": [{"name": "ผู้สูงอายุ"}, {"name": "ประชากร"}],
        "extras": [{"key": "source_system", "value": "stat.bora.dopa.go.th"}],
        "resources": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/r1")),
                "name": f"{title} (CSV)",
                "description": "ไฟล์ข้อมูลรายจังหวัด",
                "format": "CSV",
                "url": f"https://data.go.th/dataset/{name}/resource/r1/download/{name}.csv",
            }
        ],
    }
    package.update(overrides)
    return package


def sample_packages() -> list[dict[str, Any]]:
    """Five public packages (three good, two invalid for ddgov) and one private one."""
    return [
        thai_gdc_package("bkkpopulationage", "ประชากรกรุงเทพมหานครจำแนกตามอายุ"),
        thai_gdc_package(
            "0914_pm25monthly01",
            "ค่าฝุ่น PM2.5 รายเดือน",
            data_type="ข้อมูลระเบียน",
            update_frequency_unit="เดือน",
            geo_coverage="พิกัด",
            official_statistics="False",
            objective=["เพื่อการให้บริการประชาชน"],
            data_format=["CSV", "JSON"],
            groups=[{"name": "environment"}],
            resources=[
                {
                    "id": "pm-1",
                    "name": "PM2.5 2566",
                    "format": ".csv",
                    "url": "https://data.bangkok.go.th/pm25_2566.csv",
                },
                {
                    "id": "pm-2",
                    "name": "",
                    "format": "JSON",
                    "url": "https://data.bangkok.go.th/api/pm25.json",
                },
                {"id": "pm-3", "name": "ไม่มีลิงก์", "format": "CSV", "url": ""},
            ],
        ),
        {  # a generic CKAN dataset: no thai_gdc fields at all
            "id": "0f0e9a3c-7d35-4f55-8a4c-0a1e7a6f0001",
            "name": "airportraillink-passenger",
            "title": "Airport Rail Link passengers",
            "notes": "Daily passengers of the Airport Rail Link.",
            "state": "active",
            "private": False,
            "author": "SRT Electrified Train Co.",
            "author_email": "open-data@srtet.co.th",
            "license_id": "cc-by",
            "metadata_modified": "2024-01-02T00:00:00",
            "tags": [{"name": "transport"}, {"name": "รถไฟฟ้า"}],
            "resources": [
                {
                    "id": "arl-1",
                    "name": "passengers.xlsx",
                    "format": "XLSX",
                    "url": "https://data.go.th/arl/passengers.xlsx",
                }
            ],
        },
        thai_gdc_package("budget2567", "งบประมาณ 2567", notes="", maintainer_email=""),
        thai_gdc_package(
            "bmahospital", "ผู้ป่วยโรงพยาบาลสังกัดกรุงเทพมหานคร", data_category="ข้อมูลส่วนบุคคล"
        ),
        thai_gdc_package("_01_12", "ทะเบียนผู้รับเบี้ยยังชีพ", private=True, data_category="ข้อมูลส่วนบุคคล"),
    ]


class FakeCkan:
    """The remote catalog's state; tests change ``packages`` between harvests."""

    def __init__(self, packages: list[dict[str, Any]]) -> None:
        self.packages = copy.deepcopy(packages)
        self.search_enabled = True
        self.calls: list[str] = []
        self.url = ""

    def _visible(self, include_private: bool) -> list[dict[str, Any]]:
        found = [p for p in self.packages if p.get("state", "active") == "active"]
        return sorted(
            (p for p in found if include_private or not p.get("private")), key=lambda p: p["name"]
        )

    def answer(self, action: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(action)
        if action == "status_show":
            return 200, {
                "ckan_version": "2.9.9",
                "site_title": "ศูนย์กลางข้อมูลเปิดภาครัฐ",
                "extensions": ["thai_gdc"],
            }
        if action == "package_search" and self.search_enabled:
            include_private = str(params.get("include_private", "")).lower() == "true"
            rows, start = int(params.get("rows", 10)), int(params.get("start", 0))
            found = self._visible(include_private)
            return 200, {
                "count": len(found),
                "results": found[start : start + rows],
                "facets": {},
                "search_facets": {},
            }
        if action == "package_list":
            return 200, [p["name"] for p in self._visible(include_private=False)]  # type: ignore[return-value]
        if action == "package_show":
            wanted = str(params.get("id", ""))
            for package in self.packages:
                if wanted in (package["name"], package["id"]):
                    return 200, package
            return 404, {"__type": "Not Found Error", "message": "Not found"}
        return 400, {
            "__type": "Bad Request",
            "message": "Bad request - Action name not known: " + action,
        }


def _handler(fake: FakeCkan) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, params: dict[str, Any]) -> None:
            path = urlsplit(self.path).path
            action = path.rsplit("/", 1)[-1]
            if not (path.startswith(("/api/action/", "/api/3/action/"))):
                status, body = 404, {"__type": "Not Found Error", "message": "Not found"}
            else:
                status, body = fake.answer(action, params)
            envelope = {"help": f"{fake.url}/api/3/action/help_show?name={action}"}
            envelope |= (
                {"success": True, "result": body}
                if status == 200
                else {"success": False, "error": body}
            )
            data = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._reply(dict(parse_qsl(urlsplit(self.path).query)))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            self._reply(json.loads(raw or b"{}"))

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(fake: FakeCkan) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 (a free port) and yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
