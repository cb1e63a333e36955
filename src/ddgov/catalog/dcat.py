"""DCAT-AP 3 descriptions of the catalog and its datasets, as rdflib graphs.

The graphs validate against the official DCAT-AP 3 SHACL shapes without inference: every node a
shape constrains by class carries its ``rdf:type`` explicitly (licences, frequencies, locations,
media types, documents …). Thai GD-Catalog fields map to DCAT where DCAT has a home for them
(update frequency → ``dct:accrualPeriodicity`` with the EU frequency vocabulary, geo coverage →
``dct:spatial``, data language → ``dct:language``, data category and classification →
``dct:accessRights``, data source → ``dct:provenance``, groups → ``dcat:theme`` plus the EU data
theme) and are also kept verbatim in the ``gdc:`` extension namespace (:data:`GDC`), so a round
trip loses nothing. Builders take plain objects and a base URL; views serialise and serve them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.encoding import iri_to_uri
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ddgov.agencies.models import Agency
from ddgov.catalog import links
from ddgov.catalog.models import Dataset, Group, Resource, ResourceVersion
from ddgov.catalog.selectors.open_data import ExportPage, export_resources
from ddgov.catalog.services.downloads import version_csv_known
from ddgov.catalog.vocab import (
    LANGUAGES,
    LICENSES,
    Classification,
    DataCategory,
    DataType,
    language_code,
)

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
#: Thai GD-Catalog (ckanext-thai_gdc) properties that DCAT has no term for.
GDC = Namespace("https://w3id.org/ddgov/thai-gdc#")
GDC_VOCAB = "https://w3id.org/ddgov/thai-gdc/"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

SERIALISATIONS: dict[str, tuple[str, str]] = {
    # URL suffix: (rdflib format, Content-Type)
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
}
PREFIXES: dict[str, Any] = {
    "dcat": DCAT, "dct": Namespace(str(DCTERMS)), "foaf": FOAF, "vcard": VCARD, "skos": SKOS,
    "adms": ADMS, "spdx": SPDX, "hydra": HYDRA, "gsp": GSP, "gdc": GDC, "xsd": XSD, "rdfs": RDFS,
}  # fmt: skip

# Thai update frequency (unit, times per unit) → EU frequency vocabulary. thai_gdc's interval is
# "times per unit" (ครั้ง/หน่วยความถี่): yearly x 2 is twice a year.
FREQUENCY_BY_UNIT = {
    "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "quarterly": "QUARTERLY",
    "half_yearly": "ANNUAL_2", "yearly": "ANNUAL", "real_time": "UPDATE_CONT", "no_update": "NEVER",
    "other": "IRREG",
}  # fmt: skip
FREQUENCY_BY_INTERVAL = {
    ("yearly", 2): "ANNUAL_2", ("yearly", 3): "ANNUAL_3", ("yearly", 4): "QUARTERLY",
    ("yearly", 12): "MONTHLY", ("monthly", 2): "MONTHLY_2", ("monthly", 3): "MONTHLY_3",
    ("weekly", 2): "WEEKLY_2", ("weekly", 3): "WEEKLY_3", ("daily", 2): "DAILY_2", ("daily", 24): "HOURLY",
}  # fmt: skip

# The plan's ten focus areas → EU data themes.
EU_THEMES: dict[str, str] = {
    "sme": "ECON", "welfare": "SOCI", "education": "EDUC", "agriculture": "AGRI", "participation": "GOVE",
    "health": "HEAL", "environment": "ENVI", "labour": "SOCI", "justice": "JUST", "tourism": "ECON",
}  # fmt: skip
EU_THEME_LABELS = {
    "AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport", "ENVI": "Environment", "GOVE": "Government and public sector",
    "HEAL": "Health", "JUST": "Justice, legal system and public safety", "SOCI": "Population and society",
}  # fmt: skip

# Upper-case resource format → (EU file type, IANA media type or "").
FILE_TYPES: dict[str, tuple[str, str]] = {
    "CSV": ("CSV", "text/csv"), "PARQUET": ("PARQUET", "application/vnd.apache.parquet"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "XLS": ("XLS", "application/vnd.ms-excel"), "JSON": ("JSON", "application/json"),
    "GEOJSON": ("GEOJSON", "application/geo+json"), "XML": ("XML", "application/xml"),
    "PDF": ("PDF", "application/pdf"), "ZIP": ("ZIP", "application/zip"), "TXT": ("TXT", "text/plain"),
    "HTML": ("HTML", "text/html"), "SHP": ("SHP", ""), "KML": ("KML", "application/vnd.google-earth.kml+xml"),
    "DOC": ("DOC", "application/msword"), "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "DOCX": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "RDF": ("RDF_XML", "application/rdf+xml"), "TTL": ("RDF_TURTLE", "text/turtle"),
    "JSON-LD": ("JSON_LD", "application/ld+json"), "JPEG": ("JPEG", "image/jpeg"), "PNG": ("PNG", "image/png"),
}  # fmt: skip

PUBLISHER_TYPES: dict[str, str] = {
    Agency.Kind.PROVINCE: "RegionalAuthority", Agency.Kind.DISTRICT_OFFICE: "LocalAuthority",
    Agency.Kind.BMA: "LocalAuthority", Agency.Kind.PAO: "LocalAuthority",
    Agency.Kind.MUNICIPALITY: "LocalAuthority", Agency.Kind.SAO: "LocalAuthority",
}  # fmt: skip
PUBLISHER_TYPE_LABELS = {
    "NationalAuthority": "National authority", "RegionalAuthority": "Regional authority",
    "LocalAuthority": "Local authority",
}  # fmt: skip

# Optional statistical / geospatial thai_gdc fields kept in Dataset.extras → gdc: properties.
EXTRA_PROPERTIES = (
    "data_release_calendar", "first_year_of_data", "last_year_of_data", "disaggregate", "unit_of_measure",
    "unit_of_multiplier", "calculation_method", "standard", "geographic_data_set", "equivalent_scale",
    "positional_accuracy", "reference_period", "data_release_date",
)  # fmt: skip
_THAI = re.compile(r"[\u0e00-\u0e7f]")
BE_OFFSET = 543


def language_normalise(value: str) -> str | None:
    """Return the ISO 639-1 code of a language DCAT can name (code, English or Thai name), or None."""
    code = language_code(value)
    return code if code in LANGUAGES else None


def frequency_code(unit: str, interval: int | None) -> str | None:
    """Return the EU frequency code of a Thai update frequency, or None if it has none."""
    return FREQUENCY_BY_INTERVAL.get((unit, interval or 1)) or FREQUENCY_BY_UNIT.get(unit)


def access_rights_code(dataset: Dataset) -> str:
    """Return the EU access-right code: PUBLIC only for open public data, else RESTRICTED/NON_PUBLIC."""
    public = (
        dataset.data_category == DataCategory.PUBLIC
        and dataset.data_classification == Classification.PUBLIC
    )
    if public and dataset.is_open:
        return "PUBLIC"
    return "RESTRICTED" if dataset.accessible_condition else "NON_PUBLIC"


def gregorian_year(value: object) -> int | None:
    """Return a year as A.D.: Buddhist-era years (2400 and later) lose 543; junk gives None."""
    try:
        year = int(str(value).strip()[:4])
    except ValueError:
        return None
    if year >= 2400:
        year -= BE_OFFSET
    return year if 1000 <= year <= 2999 else None


def _text(value: str) -> Literal:
    """A literal tagged ``@th`` when it contains Thai script."""
    return Literal(value, lang="th") if _THAI.search(value) else Literal(value)


def http_uri(value: str) -> URIRef | None:
    """Return an http(s) URL as a URIRef (IRI characters percent-encoded), or None."""
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return URIRef(iri_to_uri(value))


def _labels(label: object) -> list[Literal]:
    """English and, when a translation exists, Thai labels of a lazy vocabulary label."""
    with translation.override("en"):
        english = str(label)
    with translation.override("th"):
        thai = str(label)
    return [Literal(english, lang="en"), *([Literal(thai, lang="th")] if thai != english else [])]


class _Builder:
    """Adds catalog objects to one graph; typed helper nodes are added once each."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.g = Graph(store="SimpleMemory", bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            self.g.bind(prefix, namespace)
        self._memo: dict[tuple[str, str], Any] = {}

    def once(self, kind: str, key: object, build: Callable[[], Any]) -> Any:
        """Build a shared node (agent, licence, theme …) the first time only; datasets share it."""
        memo_key = (kind, str(key))
        if memo_key not in self._memo:
            self._memo[memo_key] = build()
        return self._memo[memo_key]

    def add(self, s: Node, p: URIRef, o: Node | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def typed(self, uri: str | URIRef, *types: URIRef) -> URIRef:
        node = URIRef(uri)
        for kind in types:
            self.g.add((node, RDF.type, kind))
        return node

    def concept(self, uri: str, labels: Iterable[Literal], scheme: str | None = None) -> URIRef:
        node = self.typed(uri, SKOS.Concept)
        for label in labels:
            self.g.add((node, SKOS.prefLabel, label))
        if scheme:
            self.g.add((node, SKOS.inScheme, URIRef(scheme)))
        return node

    def document(self, url: str | URIRef | None) -> URIRef | None:
        return self.typed(url, FOAF.Document) if url else None

    def license(self, license_id: str) -> Node | None:
        return (
            self.once("license", license_id, lambda: self._license(license_id))
            if license_id
            else None
        )

    def _license(self, license_id: str) -> Node:
        title, url = LICENSES.get(license_id, (license_id, ""))
        node: Node = self.typed(url, DCTERMS.LicenseDocument) if url else BNode()
        if not url:
            self.g.add((node, RDF.type, DCTERMS.LicenseDocument))
        self.g.add((node, RDFS.label, Literal(title)))
        self.g.add((node, DCTERMS.identifier, Literal(license_id)))
        return node

    def agent(self, agency: Agency) -> URIRef:
        return self.once("agent", agency.pk, lambda: self._agent(agency))

    def _agent(self, agency: Agency) -> URIRef:
        node = self.typed(links.organization_url(self.base, agency), FOAF.Agent, FOAF.Organization)
        self.g.add((node, FOAF.name, Literal(agency.name_th, lang="th")))
        if agency.name_en:
            self.g.add((node, FOAF.name, Literal(agency.name_en, lang="en")))
        kind = PUBLISHER_TYPES.get(str(agency.kind), "NationalAuthority")
        self.g.add((node, DCTERMS.type, self.concept(
            f"http://purl.org/adms/publishertype/{kind}", [Literal(PUBLISHER_TYPE_LABELS[kind], lang="en")]
        )))  # fmt: skip
        return node

    def operator(self) -> URIRef:
        """The platform operator agent, publisher of the catalog itself."""
        return self.once("operator", "", self._operator)

    def _operator(self) -> URIRef:
        node = self.typed(f"{self.base}/#operator", FOAF.Agent, FOAF.Organization)
        self.g.add((node, FOAF.name, Literal(_setting("PUBLISHER_TH"), lang="th")))
        self.g.add((node, FOAF.name, Literal(_setting("PUBLISHER_EN"), lang="en")))
        return node

    def group_scheme(self) -> URIRef:
        node = self.typed(f"{self.base}/group/", SKOS.ConceptScheme)
        self.g.add((node, DCTERMS.title, Literal("กลุ่มข้อมูลตามประเด็นมุ่งเน้น", lang="th")))
        self.g.add((node, DCTERMS.title, Literal("Focus areas", lang="en")))
        return node

    def eu_theme_scheme(self) -> URIRef:
        node = self.typed(f"{EU}data-theme", SKOS.ConceptScheme)
        self.g.add((node, DCTERMS.title, Literal("Data theme", lang="en")))
        return node

    def group_themes(self, group: Group) -> list[URIRef]:
        return self.once("themes", group.pk, lambda: self._group_themes(group))

    def _group_themes(self, group: Group) -> list[URIRef]:
        labels = [Literal(group.title_th, lang="th"), Literal(group.title_en, lang="en")]
        themes = [self.concept(links.group_url(self.base, group), labels, f"{self.base}/group/")]
        code = EU_THEMES.get(group.name)
        if code:
            label = [Literal(EU_THEME_LABELS[code], lang="en")]
            themes.append(self.concept(f"{EU}data-theme/{code}", label, f"{EU}data-theme"))
        return themes

    # --- datasets ------------------------------------------------------------------------

    def dataset(self, dataset: Dataset) -> URIRef:
        g, add = self.g, self.add
        node = self.typed(links.dataset_uri(self.base, dataset), DCAT.Dataset)
        add(node, DCTERMS.title, _text(dataset.title))
        add(node, DCTERMS.description, _text(dataset.notes or dataset.title))
        title_en = str(dataset.extras.get("title_en") or "").strip()
        notes_en = str(dataset.extras.get("notes_en") or "").strip() or title_en
        if title_en:
            add(node, DCTERMS.title, Literal(title_en, lang="en"))
        if notes_en:
            add(node, DCTERMS.description, Literal(notes_en, lang="en"))
        add(node, DCTERMS.identifier, Literal(str(dataset.pk)))
        add(node, DCAT.landingPage, self.document(links.dataset_page_url(self.base, dataset)))
        add(node, FOAF.page, self.document(http_uri(dataset.url)))
        add(node, DCTERMS.issued, Literal(dataset.metadata_created))
        add(node, DCTERMS.modified, Literal(dataset.metadata_modified))
        add(node, DCTERMS.publisher, self.agent(dataset.owner_org))
        for tag in dataset.tags.all():
            add(node, DCAT.keyword, _text(tag.name))
        for group in dataset.groups.all():
            for theme in self.group_themes(group):
                add(node, DCAT.theme, theme)
        if dataset.data_type in DataType.values:
            code = dataset.data_type
            data_type = self.once("data_type", code, lambda: self.concept(
                f"{GDC_VOCAB}data-type/{code}", _labels(DataType(code).label), f"{GDC_VOCAB}data-type"
            ))  # fmt: skip
            add(node, DCTERMS.type, data_type)
        self._contact(node, dataset)
        self._frequency(node, dataset)
        self._spatial(node, dataset)
        self._temporal(node, dataset)
        for language in dataset.data_language:
            iso = language_normalise(language)
            if iso:
                add(
                    node,
                    DCTERMS.language,
                    self.typed(f"{EU}language/{LANGUAGES[iso][0]}", DCTERMS.LinguisticSystem),
                )
        rights = self.typed(
            f"{EU}access-right/{access_rights_code(dataset)}", DCTERMS.RightsStatement
        )
        add(node, DCTERMS.accessRights, rights)
        if dataset.data_source:
            provenance = BNode()
            g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
            g.add((provenance, RDFS.label, _text(dataset.data_source)))
            add(node, DCTERMS.provenance, provenance)
        add(node, DCTERMS.license, self.license(dataset.license_id))
        self._thai_gdc(node, dataset)
        for resource in export_resources(dataset):
            for distribution in self.distributions(dataset, resource):
                add(node, DCAT.distribution, distribution)
        return node

    def _contact(self, node: URIRef, dataset: Dataset) -> None:
        if not (dataset.maintainer or dataset.maintainer_email):
            return
        contact = BNode()
        self.g.add((contact, RDF.type, VCARD.Kind))
        self.g.add((contact, RDF.type, VCARD.Organization))
        self.g.add((contact, VCARD.fn, _text(dataset.maintainer or dataset.owner_org.name_th)))
        if dataset.maintainer_email:
            self.g.add(
                (
                    contact,
                    VCARD.hasEmail,
                    URIRef(iri_to_uri(f"mailto:{dataset.maintainer_email.strip()}")),
                )
            )
        self.g.add((node, DCAT.contactPoint, contact))

    def _frequency(self, node: URIRef, dataset: Dataset) -> None:
        code = frequency_code(dataset.update_frequency_unit, dataset.update_frequency_interval)
        if code:
            self.add(
                node,
                DCTERMS.accrualPeriodicity,
                self.typed(f"{EU}frequency/{code}", DCTERMS.Frequency),
            )

    def _spatial(self, node: URIRef, dataset: Dataset) -> None:
        coverage = dataset.geo_coverage
        if coverage == "world":
            self.add(node, DCTERMS.spatial, self.typed(f"{EU}continent/WORLD", DCTERMS.Location))
        elif coverage and coverage not in {"none", "other", "asean"}:
            # Every finer coverage level (region … village, coordinates) lies inside Thailand.
            self.add(node, DCTERMS.spatial, self.typed(f"{EU}country/THA", DCTERMS.Location))
        bounds = [_float(dataset.extras.get(k)) for k in ("west_bound_longitude", "south_bound_latitude",
                                                           "east_bound_longitude", "north_bound_latitude")]  # fmt: skip
        if all(b is not None for b in bounds):
            w, s, e, n = bounds
            box = BNode()
            self.g.add((box, RDF.type, DCTERMS.Location))
            wkt = f"POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"
            self.g.add((box, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
            self.add(node, DCTERMS.spatial, box)

    def _temporal(self, node: URIRef, dataset: Dataset) -> None:
        first = gregorian_year(dataset.extras.get("first_year_of_data", ""))
        last = gregorian_year(dataset.extras.get("last_year_of_data", ""))
        if first is None and last is None:
            return
        period = BNode()
        self.g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if first is not None:
            self.g.add((period, DCAT.startDate, Literal(f"{first:04d}", datatype=XSD.gYear)))
        if last is not None:
            self.g.add((period, DCAT.endDate, Literal(f"{last:04d}", datatype=XSD.gYear)))
        self.add(node, DCTERMS.temporal, period)

    def _thai_gdc(self, node: URIRef, dataset: Dataset) -> None:
        add = self.add
        for field, prop in (
            ("data_type", GDC.dataType), ("update_frequency_unit", GDC.updateFrequencyUnit),
            ("geo_coverage", GDC.geoCoverage), ("data_source", GDC.dataSource), ("data_format", GDC.dataFormat),
            ("data_category", GDC.dataCategory), ("data_classification", GDC.dataClassification),
            ("accessible_condition", GDC.accessibleCondition), ("data_support", GDC.dataSupport),
            ("data_collect", GDC.dataCollect),
        ):  # fmt: skip
            value = getattr(dataset, field)
            if value:
                add(node, prop, _text(str(value)))
        for objective in dataset.objective:
            add(node, GDC.objective, Literal(str(objective)))
        for language in dataset.data_language:
            add(node, GDC.dataLanguage, _text(str(language)))
        if dataset.update_frequency_interval is not None:
            add(node, GDC.updateFrequencyInterval, Literal(int(dataset.update_frequency_interval)))
        for field, prop in (("high_value_dataset", GDC.highValueDataset), ("official_statistics",
                            GDC.officialStatistics), ("reference_data", GDC.referenceData)):  # fmt: skip
            add(node, prop, Literal(bool(getattr(dataset, field))))
        for field, prop in (
            ("created_date", GDC.createdDate),
            ("last_updated_date", GDC.lastUpdatedDate),
        ):
            value = getattr(dataset, field)
            if value:
                add(node, prop, Literal(value, datatype=XSD.date))
        for key in EXTRA_PROPERTIES:
            value = dataset.extras.get(key)
            if value not in (None, "", []):
                for item in value if isinstance(value, list) else [value]:
                    add(node, GDC[_camel(key)], _text(str(item)))

    # --- distributions -------------------------------------------------------------------

    def distributions(self, dataset: Dataset, resource: Resource) -> list[URIRef]:
        """One distribution per served form: Parquet and CSV for a table, else the file or link."""
        version = resource.current_version
        uri = links.resource_uri(self.base, dataset, resource)
        if version is not None and version.parquet_path:
            nodes = []
            for ext, fmt in (("parquet", "PARQUET"), ("csv", "CSV")):
                url = links.resource_download_url(self.base, dataset, resource, ext)
                node = self._distribution(
                    f"{uri}#{ext}", dataset, resource, fmt, access=url, download=url
                )
                if ext == "parquet":
                    self._size(node, version.parquet_size)
                else:
                    known = version_csv_known(resource=resource, version=version)
                    if known:
                        self._size(node, known[0])
                        self._checksum(node, known[1].removeprefix("sha256:"))
                self._version_dates(node, version)
                nodes.append(node)
            return nodes
        if version is not None and version.original_path:
            url = links.resource_original_url(self.base, dataset, resource)
            fmt = (version.source_format or resource.format).upper()
            node = self._distribution(uri, dataset, resource, fmt, access=url, download=url)
            self._size(node, version.original_size)
            self._checksum(node, version.sha256)
            self._version_dates(node, version)
            return [node]
        link = http_uri(resource.url) if resource.url_type != "upload" else None
        access = link or links.resource_page_url(self.base, dataset, resource)
        return [
            self._distribution(
                uri, dataset, resource, resource.format.upper(), access=access, download=None
            )
        ]

    def _distribution(
        self,
        uri: str,
        dataset: Dataset,
        resource: Resource,
        fmt: str,
        *,
        access: str,
        download: str | None,
    ) -> URIRef:
        add = self.add
        node = self.typed(uri, DCAT.Distribution)
        add(node, DCTERMS.title, _text(resource.name))
        if resource.description:
            add(node, DCTERMS.description, _text(resource.description))
        add(node, DCAT.accessURL, self.typed(access, RDFS.Resource))
        if download:
            add(node, DCAT.downloadURL, self.typed(download, RDFS.Resource))
        self._format(node, fmt)
        add(node, DCTERMS.license, self.license(dataset.license_id))
        add(node, DCTERMS.issued, Literal(resource.created))
        add(node, DCTERMS.modified, Literal(resource.last_modified))
        return node

    def _format(self, node: URIRef, fmt: str) -> None:
        if not fmt:
            return
        file_type, media_type = FILE_TYPES.get(fmt, ("", ""))
        if file_type:
            self.add(
                node,
                DCTERMS.format,
                self.typed(f"{EU}file-type/{file_type}", DCTERMS.MediaTypeOrExtent),
            )
        else:
            other = BNode()
            self.g.add((other, RDF.type, DCTERMS.MediaTypeOrExtent))
            self.g.add((other, RDFS.label, Literal(fmt)))
            self.add(node, DCTERMS.format, other)
        if media_type:
            self.add(node, DCAT.mediaType, self.typed(f"{IANA}{media_type}", DCTERMS.MediaType))

    def _size(self, node: URIRef, size: int | None) -> None:
        if size:
            self.add(node, DCAT.byteSize, Literal(int(size), datatype=XSD.nonNegativeInteger))

    def _checksum(self, node: URIRef, hexdigest: str) -> None:
        if not re.fullmatch(r"[0-9a-f]{64}", hexdigest or ""):
            return
        checksum = BNode()
        self.g.add((checksum, RDF.type, SPDX.Checksum))
        self.g.add(
            (
                checksum,
                SPDX.algorithm,
                self.typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm),
            )
        )
        self.g.add((checksum, SPDX.checksumValue, Literal(hexdigest, datatype=XSD.hexBinary)))
        self.add(node, SPDX.checksum, checksum)

    def _version_dates(self, node: URIRef, version: ResourceVersion) -> None:
        self.g.remove((node, DCTERMS.modified, None))
        self.add(node, DCTERMS.modified, Literal(version.finished_at or version.created_at))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _float(value: object) -> float | None:
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


def _setting(key: str) -> str:
    defaults = {
        "TITLE_TH": "แคตตาล็อกข้อมูลเปิดภาครัฐ",
        "TITLE_EN": "Open government data catalog",
        "DESCRIPTION_TH": "ชุดข้อมูลเปิดของหน่วยงานภาครัฐไทย อธิบายด้วยเมทาดาตามาตรฐาน Thai GD-Catalog",
        "DESCRIPTION_EN": "Open data of Thai government agencies, described with Thai GD-Catalog metadata",
        "PUBLISHER_TH": "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)",
        "PUBLISHER_EN": "Digital Government Development Agency (Public Organization)",
    }
    return str(getattr(settings, f"DDGOV_CATALOG_{key}", "") or defaults[key])


def dataset_graph(*, dataset: Dataset, base: str) -> Graph:
    """Return the DCAT-AP graph of one dataset with its distributions and publisher."""
    builder = _Builder(base)
    builder.dataset(dataset)
    return builder.g


def catalog_graph(*, page: ExportPage, base: str, page_url: str) -> Graph:
    """Return the DCAT-AP graph of one page of the catalog (``page_url`` is that page without query).

    Large catalogs are paged like ckanext-dcat does, with a ``hydra:PagedCollection`` node that
    harvesters follow (``hydra:nextPage``); a one-page catalog has no paging node.
    """
    builder = _Builder(base)
    g = builder.g
    catalog = builder.typed(f"{base}/", DCAT.Catalog)
    g.add((catalog, DCTERMS.title, Literal(_setting("TITLE_TH"), lang="th")))
    g.add((catalog, DCTERMS.title, Literal(_setting("TITLE_EN"), lang="en")))
    g.add((catalog, DCTERMS.description, Literal(_setting("DESCRIPTION_TH"), lang="th")))
    g.add((catalog, DCTERMS.description, Literal(_setting("DESCRIPTION_EN"), lang="en")))
    g.add((catalog, DCTERMS.publisher, builder.operator()))
    g.add((catalog, FOAF.homepage, builder.typed(f"{base}/", FOAF.Document)))
    for code in ("THA", "ENG"):
        g.add(
            (
                catalog,
                DCTERMS.language,
                builder.typed(f"{EU}language/{code}", DCTERMS.LinguisticSystem),
            )
        )
    g.add((catalog, DCAT.themeTaxonomy, builder.group_scheme()))
    g.add((catalog, DCAT.themeTaxonomy, builder.eu_theme_scheme()))
    if page.modified is not None:
        g.add((catalog, DCTERMS.modified, Literal(page.modified)))
    service = builder.typed(links.api_base_url(base), DCAT.DataService)
    g.add((service, DCTERMS.title, Literal("CKAN Action API v3", lang="en")))
    g.add((service, DCTERMS.title, Literal("API ของแคตตาล็อกข้อมูล (CKAN Action API v3)", lang="th")))
    g.add((service, DCAT.endpointURL, builder.typed(links.api_base_url(base), RDFS.Resource)))
    g.add(
        (
            service,
            DCAT.endpointDescription,
            builder.typed("https://docs.ckan.org/en/latest/api/", RDFS.Resource),
        )
    )
    g.add((service, DCTERMS.publisher, builder.operator()))
    g.add((catalog, DCAT.service, service))
    for dataset in page.datasets:
        g.add((catalog, DCAT.dataset, builder.dataset(dataset)))
    if page.last_page > 1:
        paging = URIRef(f"{page_url}?page={page.page}")
        g.add((paging, RDF.type, HYDRA.PagedCollection))
        g.add((paging, HYDRA.totalItems, Literal(page.total)))
        g.add((paging, HYDRA.itemsPerPage, Literal(page.page_size)))
        g.add((paging, HYDRA.firstPage, Literal(f"{page_url}?page=1")))
        g.add((paging, HYDRA.lastPage, Literal(f"{page_url}?page={page.last_page}")))
        if page.page > 1:
            g.add((paging, HYDRA.previousPage, Literal(f"{page_url}?page={page.page - 1}")))
        if page.page < page.last_page:
            g.add((paging, HYDRA.nextPage, Literal(f"{page_url}?page={page.page + 1}")))
    return g


_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def _turtle(graph: Graph) -> str:
    """Turtle, grouped by subject with the :data:`PREFIXES`; several times faster than rdflib's.

    rdflib's pretty Turtle serialiser computes a prefixed name for every IRI against a growing
    trie of namespaces, about half a second for a catalog page of 100 datasets. Here an IRI gets
    a prefixed name only for the fixed prefixes and a plain local part; everything else is
    written as ``<IRI>``, literals as N-Triples terms, and a blank node used once (and pointing
    at no other blank node, so there are no cycles) is written inline as ``[ … ]``.
    """
    prefixes = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1]))
    used: set[str] = set()
    uses = Counter(o for o in graph.objects() if isinstance(o, BNode))
    inline = {
        b
        for b, n in uses.items()
        if n == 1 and not any(isinstance(o, BNode) for o in graph.objects(b))
    }

    def term(node: Node) -> str:
        if isinstance(node, URIRef):
            text = str(node)
            for prefix, namespace in prefixes:
                if text.startswith(namespace) and _PN_LOCAL.match(text[len(namespace) :]):
                    used.add(prefix)
                    return f"{prefix}:{text[len(namespace) :]}"
            return node.n3()
        if isinstance(node, Literal) and node.datatype is not None:
            return f"{Literal(str(node)).n3()}^^{term(node.datatype)}"
        if node in inline:
            return "[ " + " ; ".join(statements(node)) + " ]"
        return node.n3()

    def statements(subject: Node) -> list[str]:
        by_predicate: dict[Node, list[str]] = {}
        for predicate, obj in graph.predicate_objects(subject):
            by_predicate.setdefault(predicate, []).append(term(obj))
        ordered = sorted(by_predicate.items(), key=lambda kv: (kv[0] != RDF.type, str(kv[0])))
        return [
            f"{'a' if p == RDF.type else term(p)} "
            + (", " if len(objects) < 3 else ",\n        ").join(sorted(objects))
            for p, objects in ordered
        ]

    blocks = [
        f"{term(subject)} " + " ;\n    ".join(statements(subject)) + " .\n"
        for subject in sorted(set(graph.subjects()) - inline, key=str)
    ]
    header = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes) if p in used]
    return "\n".join(header) + "\n\n" + "\n".join(blocks)


def graph_serialise(graph: Graph, fmt: str) -> bytes:
    """Serialise ``graph`` as ``fmt`` (ttl, jsonld or rdf), UTF-8 encoded."""
    rdflib_format, _content_type = SERIALISATIONS[fmt]
    if rdflib_format == "turtle":
        return _turtle(graph).encode("utf-8")
    if rdflib_format == "json-ld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=2)
    else:
        text = graph.serialize(format=rdflib_format)
    return text.encode("utf-8")
