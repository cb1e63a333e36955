import functools
from pathlib import Path

import pyshacl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from ddgov.catalog.dcat import (
    GDC,
    access_rights_code,
    frequency_code,
    gregorian_year,
    language_normalise,
)
from ddgov.catalog.models import Tag
from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory, ResourceFactory
from ddgov.catalog.tests.open_data_support import ingested_version
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# Plain namespaces: rdflib's closed ones warn when pytest inspects module attributes.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
EU = "http://publications.europa.eu/resource/authority/"
PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
CONTENT_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}


@functools.cache
def _shapes(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture
def shapes(shared_data):
    return _shapes(shared_data / "dcat-ap" / "dcat-ap_3_shacl_shapes.ttl")


def conforms(graph, shapes):
    ok, _report, text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=False
    )
    return ok, text


def fetch(client, url, fmt="ttl", **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    return Graph().parse(data=response.content, format=PARSERS[fmt])


def tag(dataset, *names):
    dataset.tags.add(*(Tag.objects.get_or_create(name=n)[0] for n in names))


@pytest.fixture
def catalog():
    """Open datasets with and without resources, Thai text, and datasets outsiders must not see."""
    steward = MembershipFactory(role=Role.DATA_STEWARD)
    agency = steward.agency
    welfare = GroupFactory(
        name="welfare", title_th="ลดความเหลื่อมล้ำด้านสวัสดิการ", title_en="Welfare inequality"
    )
    health = GroupFactory(name="health", title_th="สาธารณสุข", title_en="Health")
    elderly = DatasetFactory(
        name="elderly-by-province",
        title="จำนวนผู้สูงอายุรายจังหวัด",
        owner_org=agency,
        data_language=["th", "อังกฤษ"],
        high_value_dataset=True,
        extras={
            "first_year_of_data": "2560", "last_year_of_data": "2566",
            "west_bound_longitude": "97.34", "east_bound_longitude": "105.64",
            "south_bound_latitude": "5.61", "north_bound_latitude": "20.46",
        },
    )  # fmt: skip
    elderly.groups.add(welfare, health)
    tag(elderly, "ผู้สูงอายุ", "PM2.5")
    table = ResourceFactory(dataset=elderly, name="ผู้สูงอายุ 2566", description="ตารางรายจังหวัด")
    ingested_version(table)
    ResourceFactory(
        dataset=elderly,
        name="หน้าเว็บต้นทาง",
        url="https://stat.bora.dopa.go.th/ข้อมูล 2566.html",
        format="HTML",
    )
    ResourceFactory(dataset=elderly, name="odd", url="https://example.go.th/x.qqq", format="QQQ")
    air = DatasetFactory(
        name="air-quality", title="Air quality", notes="", owner_org=agency, license_id="cc-by",
        update_frequency_unit="yearly", update_frequency_interval=2, geo_coverage="world",
    )  # fmt: skip
    private = DatasetFactory(
        name="welfare-cards", owner_org=agency, private=True, data_category="personal"
    )
    draft = DatasetFactory(name="draft-one", owner_org=agency, state="draft")
    deleted = DatasetFactory(name="gone", owner_org=agency, state="deleted")
    return {"steward": steward, "elderly": elderly, "air": air, "private": private, "draft": draft,
            "deleted": deleted, "table": table}  # fmt: skip


def test_catalog_conforms_to_the_dcat_ap_3_shapes(client, catalog, shapes):
    graph = fetch(client, "/catalog.ttl")
    ok, text = conforms(graph, shapes)
    assert ok, text
    datasets = set(graph.objects(None, DCAT.dataset))
    assert len(datasets) == 2
    assert (
        len(set(graph.subjects(RDF.type, DCAT.Distribution))) == 4
    )  # Parquet + CSV, link, odd link


def test_the_validator_does_catch_a_broken_catalog(client, catalog, shapes):
    graph = fetch(client, "/catalog.ttl")
    dataset = next(iter(graph.subjects(RDF.type, DCAT.Dataset)))
    graph.remove((dataset, DCTERMS.title, None))
    ok, text = conforms(graph, shapes)
    assert not ok
    assert "MinCountConstraintComponent" in text
    assert ":title" in text


def test_a_dataset_document_conforms_and_members_see_their_private_data(client, catalog, shapes):
    graph = fetch(client, "/dataset/elderly-by-province.ttl")
    ok, text = conforms(graph, shapes)
    assert ok, text
    client.force_login(catalog["steward"].user)
    private = fetch(client, "/dataset/welfare-cards.ttl")
    ok, text = conforms(private, shapes)
    assert ok, text
    rights = set(private.objects(None, DCTERMS.accessRights))
    assert rights == {URIRef(f"{EU}access-right/NON_PUBLIC")}


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_every_serialisation_parses_back_to_the_same_graph(client, catalog, fmt):
    reference = fetch(client, "/catalog.ttl")
    response = client.get(f"/catalog.{fmt}")
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert isomorphic(Graph().parse(data=response.content, format=PARSERS[fmt]), reference)
    one = client.get(f"/dataset/elderly-by-province.{fmt}")
    assert one["Content-Type"] == CONTENT_TYPES[fmt]
    assert isomorphic(
        Graph().parse(data=one.content, format=PARSERS[fmt]),
        fetch(client, "/dataset/elderly-by-province.ttl"),
    )


def test_outsiders_get_only_open_data(client, catalog):
    graph = fetch(client, "/catalog.ttl")
    identifiers = {str(o) for o in graph.objects(None, DCTERMS.identifier)}
    assert str(catalog["elderly"].pk) in identifiers
    for hidden in ("private", "draft", "deleted"):
        assert str(catalog[hidden].pk) not in identifiers
    for name in ("welfare-cards", "draft-one", "gone", "no-such-dataset"):
        for fmt in ("ttl", "jsonld", "rdf"):
            assert client.get(f"/dataset/{name}.{fmt}").status_code == 404
    client.force_login(MembershipFactory(role=Role.ADMIN).user)
    assert client.get("/dataset/welfare-cards.ttl").status_code == 404
    client.force_login(catalog["steward"].user)
    member_view = fetch(client, "/catalog.ttl")
    assert str(catalog["private"].pk) in {
        str(o) for o in member_view.objects(None, DCTERMS.identifier)
    }
    assert client.get("/dataset/draft-one.ttl").status_code == 200


def test_thai_gd_catalog_fields_map_to_dcat(client, catalog):
    graph = fetch(client, "/catalog.ttl")
    elderly = URIRef(f"http://testserver/dataset/{catalog['elderly'].pk}")
    assert Literal("ผู้สูงอายุ", lang="th") in set(graph.objects(elderly, DCAT.keyword))
    assert Literal("PM2.5") in set(graph.objects(elderly, DCAT.keyword))
    assert (elderly, DCTERMS.title, Literal("จำนวนผู้สูงอายุรายจังหวัด", lang="th")) in graph
    themes = set(graph.objects(elderly, DCAT.theme))
    assert {URIRef(f"{EU}data-theme/SOCI"), URIRef(f"{EU}data-theme/HEAL"),
            URIRef("http://testserver/group/welfare/")} <= themes  # fmt: skip
    assert (
        URIRef("http://testserver/group/health/"),
        SKOS.prefLabel,
        Literal("สาธารณสุข", lang="th"),
    ) in graph
    assert (elderly, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/ANNUAL")) in graph
    assert URIRef(f"{EU}country/THA") in set(graph.objects(elderly, DCTERMS.spatial))
    assert set(graph.objects(elderly, DCTERMS.language)) == {
        URIRef(f"{EU}language/THA"),
        URIRef(f"{EU}language/ENG"),
    }
    assert (elderly, DCTERMS.accessRights, URIRef(f"{EU}access-right/PUBLIC")) in graph
    assert (
        elderly,
        DCAT.landingPage,
        URIRef("http://testserver/dataset/elderly-by-province/"),
    ) in graph
    assert (elderly, GDC.highValueDataset, Literal(True)) in graph
    assert (elderly, GDC.objective, Literal("agency_mission")) in graph
    publisher = graph.value(elderly, DCTERMS.publisher)
    names = set(graph.objects(publisher, FOAF.name))
    agency = catalog["elderly"].owner_org
    assert {Literal(agency.name_th, lang="th"), Literal(agency.name_en, lang="en")} == names
    contact = graph.value(elderly, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:stat@example.go.th")
    assert graph.value(contact, VCARD.fn) == Literal("กองสถิติ", lang="th")
    provenance = graph.value(elderly, DCTERMS.provenance)
    assert "กรมการปกครอง" in str(
        graph.value(provenance, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    )
    period = graph.value(elderly, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2017", datatype=XSD.gYear)  # พ.ศ. 2560
    assert graph.value(period, DCAT.endDate) == Literal("2023", datatype=XSD.gYear)
    boxes = [graph.value(s, DCAT.bbox) for s in graph.objects(elderly, DCTERMS.spatial)]
    assert any(b is not None and "97.34 5.61" in str(b) for b in boxes)
    air = URIRef(f"http://testserver/dataset/{catalog['air'].pk}")
    assert (
        air,
        DCTERMS.accrualPeriodicity,
        URIRef(f"{EU}frequency/ANNUAL_2"),
    ) in graph  # twice a year
    assert (air, DCTERMS.spatial, URIRef(f"{EU}continent/WORLD")) in graph
    assert (air, DCTERMS.description, Literal("Air quality")) in graph  # DCAT requires one


def test_distributions_point_at_the_downloads(client, catalog):
    graph = fetch(client, "/catalog.ttl")
    table = catalog["table"]
    base = f"http://testserver/dataset/{catalog['elderly'].pk}/resource/{table.pk}"
    parquet, csv = URIRef(f"{base}#parquet"), URIRef(f"{base}#csv")
    parquet_url = graph.value(parquet, DCAT.downloadURL)
    assert str(parquet_url).endswith(
        f"/dataset/elderly-by-province/resource/{table.pk}/download/2566.parquet"
    )
    assert graph.value(parquet, DCAT.accessURL) == parquet_url
    assert graph.value(parquet, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet"
    )
    assert graph.value(parquet, DCTERMS["format"]) == URIRef(f"{EU}file-type/PARQUET")
    assert int(graph.value(parquet, DCAT.byteSize)) == table.current_version.parquet_size
    assert graph.value(parquet, DCTERMS.license) == URIRef("https://opendefinition.org/licenses/")
    assert graph.value(csv, DCTERMS["format"]) == URIRef(f"{EU}file-type/CSV")
    assert client.get(str(parquet_url).removeprefix("http://testserver")).status_code == 200
    csv_url = str(graph.value(csv, DCAT.downloadURL)).removeprefix("http://testserver")
    downloaded = b"".join(client.get(csv_url).streaming_content)
    # Once the CSV exists its size and checksum are published too.
    again = fetch(client, "/catalog.ttl")
    assert int(again.value(csv, DCAT.byteSize)) == len(downloaded)
    link = next(
        d
        for d in again.subjects(RDF.type, DCAT.Distribution)
        if "หน้าเว็บต้นทาง" in str(again.value(d, DCTERMS.title))
    )
    assert str(again.value(link, DCAT.accessURL)) == (
        "https://stat.bora.dopa.go.th/%E0%B8%82%E0%B9%89%E0%B8%AD%E0%B8%A1%E0%B8%B9%E0%B8%A5%202566.html"
    )


def test_urls_are_absolute_from_the_request_host(client, catalog, settings):
    settings.ALLOWED_HOSTS = ["data.example.go.th"]
    response = client.get("/catalog.ttl", HTTP_HOST="data.example.go.th", secure=True)
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef("https://data.example.go.th/"), RDF.type, DCAT.Catalog) in graph
    subjects = {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}
    assert subjects
    assert all(s.startswith("https://data.example.go.th/dataset/") for s in subjects)


def test_catalog_queries_do_not_grow_with_datasets_or_resources(client, catalog):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/catalog.ttl").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(5):
        dataset = DatasetFactory(owner_org=catalog["elderly"].owner_org)
        tag(dataset, f"คำ{n}")
        dataset.groups.add(catalog["elderly"].groups.first())
        ingested_version(ResourceFactory(dataset=dataset))
        ResourceFactory(dataset=dataset, url="https://example.go.th/a.csv")
    assert count() == before


def test_large_catalogs_are_paged_with_hydra_links(client, catalog, settings):
    settings.DDGOV_DCAT_PAGE_SIZE = 1
    first = fetch(client, "/catalog.ttl")
    assert len(set(first.objects(None, DCAT.dataset))) == 1
    paging = first.value(predicate=RDF.type, object=HYDRA.PagedCollection, any=False)
    assert int(first.value(paging, HYDRA.totalItems)) == 2
    assert str(first.value(paging, HYDRA.nextPage)) == "http://testserver/catalog.ttl?page=2"
    second = fetch(client, "/catalog.ttl?page=2")
    assert set(first.objects(None, DCAT.dataset)).isdisjoint(second.objects(None, DCAT.dataset))
    assert second.value(paging.replace("page=1", "page=2"), HYDRA.nextPage) is None
    assert client.get("/catalog.ttl?page=3").status_code == 404
    bad = client.get("/catalog.ttl?page=abc")
    assert bad.status_code == 400
    assert "จำนวนเต็ม" in bad.content.decode()


def test_an_empty_catalog_is_still_a_valid_catalog(client, shapes):
    graph = fetch(client, "/catalog.jsonld", fmt="jsonld")
    ok, text = conforms(graph, shapes)
    assert ok, text
    assert (URIRef("http://testserver/"), RDF.type, DCAT.Catalog) in graph


def test_exports_are_read_only_and_named_urls_resolve(client, catalog):
    assert reverse("catalog_dcat", kwargs={"fmt": "ttl"}) == "/catalog.ttl"
    assert reverse("dataset_dcat", kwargs={"name": "x", "fmt": "rdf"}) == "/dataset/x.rdf"
    assert client.post("/catalog.ttl").status_code == 405
    assert client.get("/catalog.xml").status_code == 404


@pytest.mark.parametrize(
    ("unit", "interval", "code"),
    [("yearly", 1, "ANNUAL"), ("yearly", 2, "ANNUAL_2"), ("monthly", None, "MONTHLY"), ("half_yearly", 1, "ANNUAL_2"),
     ("real_time", None, "UPDATE_CONT"), ("no_update", None, "NEVER"), ("daily", 24, "HOURLY"), ("", None, None)],
)  # fmt: skip
def test_update_frequency_to_eu_frequency(unit, interval, code):
    assert frequency_code(unit, interval) == code


def test_small_mapping_helpers():
    assert [language_normalise(v) for v in ("ไทย", "English", "th", "ภาษาไทย", "klingon")] == [
        "th",
        "en",
        "th",
        "th",
        None,
    ]
    assert [gregorian_year(v) for v in ("2566", "2023", 2560, "ไม่ทราบ", "12")] == [
        2023,
        2023,
        2017,
        None,
        None,
    ]
    open_one = DatasetFactory.build(
        private=False, state="active", data_category="public", data_classification="public"
    )
    assert access_rights_code(open_one) == "PUBLIC"
    internal = DatasetFactory.build(private=True, data_category="public", data_classification="internal",
                                    accessible_condition="ขอผ่านหนังสือราชการ")  # fmt: skip
    assert access_rights_code(internal) == "RESTRICTED"


def test_the_fast_turtle_writer_round_trips_awkward_terms():
    from rdflib import BNode

    from ddgov.catalog.dcat import graph_serialise

    g = Graph()
    s = URIRef("http://x.example/dataset/1")
    shared, once = BNode(), BNode()
    g.add((s, RDF.type, DCAT.Dataset))
    g.add((s, DCTERMS.title, Literal('บรรทัด\nที่ "สอง" \\ ท้าย', lang="th")))
    g.add((s, DCTERMS.description, Literal("ok", datatype=URIRef("http://example.org/types#x-y"))))
    g.add((s, DCAT.keyword, Literal("a.b")))
    g.add((s, URIRef("http://example.org/p/1.5"), Literal(2)))
    g.add((s, GDC["weird-local.name"], Literal(True)))
    g.add((s, DCTERMS.relation, URIRef("http://x.example/a%20b?c=1#d")))
    g.add((s, DCTERMS.spatial, shared))
    g.add((URIRef("http://x.example/dataset/2"), DCTERMS.spatial, shared))
    g.add((shared, DCAT.bbox, Literal("POLYGON((1 2, 3 4))")))
    g.add((s, DCTERMS.provenance, once))
    g.add((once, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("แหล่ง")))
    text = graph_serialise(g, "ttl").decode()
    assert "[ rdfs:label" in text  # used once: written inline
    assert isomorphic(Graph().parse(data=text, format="turtle"), g)


def test_english_title_and_description_are_added_in_both_languages(client, shapes):
    steward = MembershipFactory(role=Role.DATA_STEWARD)
    DatasetFactory(
        name="elderly-bilingual",
        title="จำนวนผู้สูงอายุรายจังหวัด",
        notes="ข้อมูลผู้สูงอายุ",
        owner_org=steward.agency,
        extras={"title_en": "Elderly people by province", "notes_en": "Elderly people data"},
    )
    graph = fetch(client, "/dataset/elderly-bilingual.ttl")
    ok, text = conforms(graph, shapes)
    assert ok, text
    node = next(iter(graph.subjects(RDF.type, DCAT.Dataset)))
    assert set(graph.objects(node, DCTERMS.title)) == {
        Literal("จำนวนผู้สูงอายุรายจังหวัด", lang="th"),
        Literal("Elderly people by province", lang="en"),
    }
    assert set(graph.objects(node, DCTERMS.description)) == {
        Literal("ข้อมูลผู้สูงอายุ", lang="th"),
        Literal("Elderly people data", lang="en"),
    }
