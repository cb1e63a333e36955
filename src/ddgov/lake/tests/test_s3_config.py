"""The DDGOV_LAKE_* settings: parsing, key mapping and the start-up refusal of bad values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.apps import apps

from ddgov.lake.backends import LakeConfigError, RemoteLake, remote_lake_parse
from ddgov.lake.storage import absolute, atomic_target, lake_root, persist, table_path


def test_an_empty_url_means_the_local_folder_only():
    assert remote_lake_parse(url="") is None
    assert remote_lake_parse(url="   ") is None


def test_a_bucket_and_prefix_are_parsed():
    remote = remote_lake_parse(
        url="s3://ddgov-lake/prod/lake/",
        endpoint_url="https://minio.example.go.th:9000/",
        region="ap-southeast-1",
        access_key="AK",
        secret_key="SK",
    )
    assert remote == RemoteLake(
        bucket="ddgov-lake",
        prefix="prod/lake",
        endpoint_url="https://minio.example.go.th:9000",
        region="ap-southeast-1",
        addressing="path",
        access_key="AK",
        secret_key="SK",
    )
    assert remote.url == "s3://ddgov-lake/prod/lake"
    assert "SK" not in repr(remote)


def test_addressing_defaults_to_path_for_an_endpoint_and_auto_for_aws():
    assert remote_lake_parse(url="s3://bkt", endpoint_url="http://127.0.0.1:9000").addressing == (
        "path"
    )
    assert remote_lake_parse(url="s3://bkt").addressing == "auto"
    assert remote_lake_parse(url="s3://bkt", addressing="Virtual").addressing == "virtual"


def test_keys_mirror_the_relative_paths_stored_in_the_database():
    with_prefix = remote_lake_parse(url="s3://bkt/a/b")
    bare = remote_lake_parse(url="s3://bkt")
    rel = "tables/3f2c/9a1b/v2.parquet"
    assert with_prefix.key(rel) == "a/b/tables/3f2c/9a1b/v2.parquet"
    assert with_prefix.location(rel) == "bkt/a/b/tables/3f2c/9a1b/v2.parquet"
    assert bare.key("raw/d/r/v1/ผู้สูงอายุ.csv") == "raw/d/r/v1/ผู้สูงอายุ.csv"


@pytest.mark.parametrize("rel", ["", "/etc/passwd", "../x", "tables/../../x", "raw//x", "./raw"])
def test_keys_refuse_paths_that_are_not_plain_lake_paths(rel):
    with pytest.raises(ValueError, match="lake-relative"):
        remote_lake_parse(url="s3://bkt/p").key(rel)


@pytest.mark.parametrize(
    ("values", "setting", "english"),
    [
        ({"url": "https://bkt/p"}, "DDGOV_LAKE_URL", "s3://bucket/prefix"),
        ({"url": "/srv/lake"}, "DDGOV_LAKE_URL", "s3://bucket/prefix"),
        ({"url": "s3://Bad_Bucket/p"}, "DDGOV_LAKE_URL", "not a valid bucket name"),
        ({"url": "s3:///p"}, "DDGOV_LAKE_URL", "not a valid bucket name"),
        ({"url": "s3://bkt/p/../q"}, "DDGOV_LAKE_URL", "'.' or '..'"),
        ({"url": "s3://bkt:9000/p"}, "DDGOV_LAKE_URL", "must not carry"),
        ({"url": "s3://bkt/p?versioning=1"}, "DDGOV_LAKE_URL", "must not carry"),
        (
            {"url": "s3://bkt", "endpoint_url": "minio:9000"},
            "DDGOV_LAKE_S3_ENDPOINT_URL",
            "http(s) URL",
        ),
        (
            {"url": "s3://bkt", "endpoint_url": "ftp://minio"},
            "DDGOV_LAKE_S3_ENDPOINT_URL",
            "http(s) URL",
        ),
        ({"url": "s3://bkt", "addressing": "sideways"}, "DDGOV_LAKE_S3_ADDRESSING", "one of"),
        ({"url": "s3://bkt", "access_key": "AK"}, "DDGOV_LAKE_S3_ACCESS_KEY_ID", "both"),
        ({"url": "s3://bkt", "secret_key": "SK"}, "DDGOV_LAKE_S3_SECRET_ACCESS_KEY", "both"),
    ],
)
def test_bad_values_are_refused_naming_the_setting_in_english_and_thai(values, setting, english):
    with pytest.raises(LakeConfigError) as caught:
        remote_lake_parse(**values)
    message = str(caught.value)
    assert setting in message
    assert english in message
    assert " / " in message
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in message)  # Thai text


def test_credentials_in_the_url_are_refused_without_echoing_them():
    with pytest.raises(LakeConfigError) as caught:
        remote_lake_parse(url="s3://AKIAX:topsecret@bkt/p")
    assert "topsecret" not in str(caught.value)
    assert "AKIAX" not in str(caught.value)


def test_the_lake_app_refuses_a_bad_setting_when_ready(settings):
    settings.DDGOV_LAKE_URL = "gs://bucket/lake"
    with pytest.raises(LakeConfigError, match="DDGOV_LAKE_URL"):
        apps.get_app_config("lake").ready()
    settings.DDGOV_LAKE_URL = "s3://bucket/lake"
    apps.get_app_config("lake").ready()


def test_ddgov_does_not_start_with_a_bad_lake_url(tmp_path):
    env = {
        **os.environ,
        "DDGOV_LAKE_URL": "s3://Not A Bucket",
        "DDGOV_VAR_DIR": str(tmp_path),
        "DDGOV_ENV_FILE": str(tmp_path / "none.env"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "ddgov", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "DDGOV_LAKE_URL" in done.stderr
    assert "bucket" in done.stderr


def test_without_a_store_persist_is_a_no_op_and_absolute_does_not_fetch():
    final = table_path(dataset_id="d", resource_id="r", version=1)
    with atomic_target(final, durable=True) as work:
        work.write_bytes(b"PAR1")
    persist(final)
    assert final.read_bytes() == b"PAR1"
    missing = absolute("tables/d/r/v2.parquet")
    assert missing == (lake_root() / "tables/d/r/v2.parquet").resolve()
    assert not missing.exists()
