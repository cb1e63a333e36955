"""The gateway's pure parts: OpenAPI path matching, token buckets, provider URLs (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from ddgov.exchange.gateway.authorize import (
    provider_url_allowed,
    subjects_read,
    verified_client,
)
from ddgov.exchange.gateway.forward import provider_url
from ddgov.exchange.gateway.paths import (
    CompiledPaths,
    compiled_paths_cached,
    compiled_paths_store,
    split_path,
)
from ddgov.exchange.gateway.ratelimit import TokenBuckets, retry_after_header
from ddgov.identity.thaiid import thai_id_complete

DOC: dict[str, Any] = {
    "openapi": "3.0.3",
    "paths": {
        "/persons/{citizen_id}": {"get": {}, "parameters": []},
        "/persons/me": {"get": {}},
        "/persons/{citizen_id}/addresses/{n}": {"get": {}, "delete": {}},
        "/{kind}/{id}": {"put": {}},
        "/echo": {"post": {}},
        "/broken/{x": {"get": {}},
        "relative": {"get": {}},
    },
}


def test_templates_match_with_literal_paths_first() -> None:
    paths = CompiledPaths(DOC)
    found = paths.match(method="GET", path="/persons/1100200000011")
    assert found is not None
    assert (found.template, dict(found.params), found.method_allowed) == (
        "/persons/{citizen_id}",
        {"citizen_id": "1100200000011"},
        True,
    )
    me = paths.match(method="get", path="/persons/me")
    assert me is not None
    assert (me.template, me.method_allowed) == ("/persons/me", True)
    nested = paths.match(method="DELETE", path="/persons/1/addresses/2")
    assert nested is not None
    assert dict(nested.params) == {"citizen_id": "1", "n": "2"}
    # The more literal template wins; a less literal one still serves other methods.
    put = paths.match(method="PUT", path="/persons/1")
    assert put is not None
    assert (put.template, put.method_allowed) == ("/{kind}/{id}", True)


def test_unknown_paths_and_methods() -> None:
    paths = CompiledPaths(DOC)
    assert paths.match(method="GET", path="/nothing/here/at/all") is None
    assert paths.match(method="GET", path="/persons/1/extra") is None
    wrong = paths.match(method="GET", path="/echo")
    assert wrong is not None
    assert wrong.method_allowed is False
    assert paths.match(method="GET", path="/persons/") is None  # an empty segment is no value
    assert ("GET", "/persons/me") in paths.operations()
    assert all("broken" not in t and "relative" not in t for _m, t in paths.operations())


def test_documents_without_paths() -> None:
    assert CompiledPaths({}).match(method="GET", path="/") is None
    assert CompiledPaths(None).match(method="GET", path="/") is None
    assert CompiledPaths({"paths": ["nope"]}).match(method="GET", path="/") is None


def test_compiled_paths_are_cached_per_revision() -> None:
    first = compiled_paths_store(service_pk=999_001, revision="r1", openapi=DOC)
    assert compiled_paths_cached(service_pk=999_001, revision="r1") is first
    assert compiled_paths_cached(service_pk=999_001, revision="r2") is None
    second = compiled_paths_store(service_pk=999_001, revision="r2", openapi={"paths": {}})
    assert compiled_paths_cached(service_pk=999_001, revision="r2") is second
    assert compiled_paths_cached(service_pk=999_001, revision="r1") is None  # stale dropped


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        ("/persons/1100200000011", "/persons/1100200000011"),
        ("/search/%E0%B8%81%E0%B8%82", "/search/กข"),
        ("/a%20b", "/a b"),
    ],
)
def test_split_path_decodes_segments(raw: str, expected: str) -> None:
    decoded = split_path(raw)
    assert decoded is not None
    assert decoded[0] == expected


@pytest.mark.parametrize("raw", ["/persons/..", "/./x", "/a%2Fb", "/a%2fb", "/%FF", "/a%00", "x/y"])
def test_split_path_refuses_escaping_segments(raw: str) -> None:
    assert split_path(raw) is None


def test_token_bucket_allows_a_minute_then_refills() -> None:
    now = [1000.0]
    buckets = TokenBuckets(clock=lambda: now[0])
    assert [buckets.take(consumer=1, service=2, rate_per_minute=3) for _ in range(3)] == [0, 0, 0]
    wait = buckets.take(consumer=1, service=2, rate_per_minute=3)
    assert wait == pytest.approx(20.0)  # one token every 20 s
    assert retry_after_header(wait) == "20"
    # Another consumer, or another service, has its own bucket.
    assert buckets.take(consumer=9, service=2, rate_per_minute=3) == 0
    assert buckets.take(consumer=1, service=3, rate_per_minute=3) == 0
    now[0] += 20.0
    assert buckets.take(consumer=1, service=2, rate_per_minute=3) == 0
    assert buckets.take(consumer=1, service=2, rate_per_minute=3) > 0
    # A raised limit rescales the bucket at once.
    now[0] += 1.0
    assert buckets.take(consumer=1, service=2, rate_per_minute=600) == 0
    assert retry_after_header(0.01) == "1"


def test_token_bucket_refill_never_exceeds_capacity() -> None:
    now = [0.0]
    buckets = TokenBuckets(clock=lambda: now[0])
    buckets.take(consumer=1, service=1, rate_per_minute=2)
    now[0] += 3600
    assert [buckets.take(consumer=1, service=1, rate_per_minute=2) for _ in range(3)][2] > 0


def test_provider_urls(settings: Any) -> None:
    settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = True
    assert provider_url_allowed("https://registry.dopa.go.th/api")
    assert provider_url_allowed("http://127.0.0.1:8080/api")
    assert provider_url_allowed("http://localhost:8080")
    assert provider_url_allowed("http://[::1]:8080")
    assert not provider_url_allowed("http://registry.dopa.go.th/api")
    assert not provider_url_allowed("http://10.0.0.5/api")
    assert not provider_url_allowed("ftp://127.0.0.1/")
    assert not provider_url_allowed("")
    assert not provider_url_allowed("https://")
    settings.DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = False
    assert not provider_url_allowed("http://127.0.0.1:8080/api")
    assert provider_url_allowed("https://127.0.0.1:8443/api")


def test_provider_url_keeps_the_callers_encoding() -> None:
    url = provider_url("https://p.example/api/", "/search/%E0%B8%81", "q=a%20b&x=1")
    assert str(url) == "https://p.example/api/search/%E0%B8%81?q=a%20b&x=1"
    assert str(provider_url("https://p.example", "", "")) == "https://p.example/"


def test_verified_client_for_the_log() -> None:
    assert verified_client((7, "DOPA", "registry")) == "TH/GOV/DOPA/registry"
    assert verified_client(None) == ""


def test_subjects_are_read_everywhere_and_normalised() -> None:
    cid = "3620705179914"
    other = thai_id_complete("110020000001")
    read = subjects_read(subject_param="cid", path_params={}, query=f"%63id={cid}")
    assert (read.ids, read.malformed) == ((cid,), False)
    read = subjects_read(subject_param="cid", path_params={}, query="cid=3-6207-05179-91-4")
    assert read.ids == (cid,)
    read = subjects_read(subject_param="cid", path_params={"cid": "๓620705179914"}, query="")
    assert (read.ids, read.path_id) == ((cid,), cid)
    read = subjects_read(
        subject_param="cid", path_params={"cid": cid}, query=f"cid={other}&cid={cid}"
    )
    assert read.ids == (cid, other)
    # Raw UTF-8 in the query (handed over as Latin-1 text), and a ';' separator.
    raw = f"cid=\u0e53{cid[1:]}".encode().decode("latin-1")
    assert subjects_read(subject_param="cid", path_params={}, query=raw).ids == (cid,)
    read = subjects_read(subject_param="cid", path_params={}, query=f"x=1;cid={cid}")
    assert (read.ids, read.malformed) == ((cid,), False)
    # Malformed: not an ID, a wrong check digit, too many; blank values name nobody.
    for query in ("cid=12345", f"cid={cid[:-1]}5", f"cid={cid};5", "cid=abc"):
        assert subjects_read(subject_param="cid", path_params={}, query=query).malformed, query
    many = "&".join(f"cid={i}" for i in range(101))
    assert subjects_read(subject_param="cid", path_params={}, query=many).malformed
    read = subjects_read(subject_param="cid", path_params={}, query="cid=&cid=%20")
    assert (read.ids, read.malformed) == ((), False)
    assert subjects_read(subject_param="", path_params={"cid": "x"}, query="cid=x").ids == ()
