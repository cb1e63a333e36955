"""A real S3 API on loopback (moto's server) and a fresh bucket per test for the lake."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ddgov.lake import backends

ACCESS_KEY = "ddgov-test-key"
SECRET_KEY = "ddgov-test-secret"
REGION = "ap-southeast-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """Start moto's S3 server on 127.0.0.1 (a free port) once for the session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    """The test's bucket, read with boto3 (a different client from the one ddgov uses)."""

    client: Any
    name: str
    prefix: str

    def keys(self, under: str = "") -> list[str]:
        """Return the lake-relative keys stored under ``under`` (e.g. ``tables/``)."""
        start = f"{self.prefix}/{under}"
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=start
        )
        return sorted(
            obj["Key"][len(self.prefix) + 1 :] for page in pages for obj in page.get("Contents", [])
        )

    def read(self, relative: str) -> bytes:
        """Return the bytes of the object stored for ``relative``."""
        answer = self.client.get_object(Bucket=self.name, Key=f"{self.prefix}/{relative}")
        return bytes(answer["Body"].read())

    def put(self, relative: str, data: bytes) -> None:
        """Store ``data`` for ``relative`` behind ddgov's back."""
        self.client.put_object(Bucket=self.name, Key=f"{self.prefix}/{relative}", Body=data)


@pytest.fixture
def s3_lake(settings: Any, s3_endpoint: str) -> Iterator[Bucket]:
    """Point the lake at a new, empty bucket (prefix ``ddgov/``) on the loopback S3 server."""
    import boto3

    name = f"lake-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.DDGOV_LAKE_URL = f"s3://{name}/ddgov"
    settings.DDGOV_LAKE_S3_ENDPOINT_URL = s3_endpoint
    settings.DDGOV_LAKE_S3_REGION = REGION
    settings.DDGOV_LAKE_S3_ACCESS_KEY_ID = ACCESS_KEY
    settings.DDGOV_LAKE_S3_SECRET_ACCESS_KEY = SECRET_KEY
    yield Bucket(client=client, name=name, prefix="ddgov")
    backends._stores.clear()
