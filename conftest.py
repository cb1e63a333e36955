"""Test-wide settings: real databases (SQLite or PostgreSQL from DATABASE_URL), fast hashing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--no-spark`` lets a developer skip the Apache Spark tests locally (never under CI)."""
    parser.addoption(
        "--no-spark",
        action="store_true",
        default=False,
        help="skip tests marked spark (also DDGOV_SKIP_SPARK=1); refused when CI=true",
    )


def _skip_spark(config: pytest.Config) -> bool:
    wanted = bool(config.getoption("--no-spark")) or os.environ.get("DDGOV_SKIP_SPARK") == "1"
    if wanted and os.environ.get("CI") == "true":
        msg = "Spark tests may not be skipped under CI (unset DDGOV_SKIP_SPARK / drop --no-spark)"
        raise pytest.UsageError(msg)
    return wanted


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the ``spark`` tests when the developer asked for it."""
    if not _skip_spark(config):
        return
    skip = pytest.mark.skip(reason="Spark tests skipped by --no-spark / DDGOV_SKIP_SPARK=1")
    for item in items:
        if "spark" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """PBKDF2's deliberate slowness costs minutes across a suite; security is tested elsewhere."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def shared_data() -> Path:
    """The real public data in ../shared/data; skip without it, except under CI where it must exist."""
    from django.conf import settings  # noqa: PLC0415

    path = Path(settings.SHARED_DATA_DIR)
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared data folder {path} is missing under CI")
        pytest.skip(f"shared data folder {path} is not present (set DDGOV_SHARED_DATA)")
    return path


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: pytest.FixtureRequest) -> None:
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _isolated_lake(
    settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each test writes to its own lake folder and runs background jobs in-process."""
    settings.LAKE_DIR = tmp_path_factory.mktemp("lake")  # type: ignore[attr-defined]
    settings.DDGOV_JOBS_EAGER = True  # type: ignore[attr-defined]
