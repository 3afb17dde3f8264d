"""A real server process per test, on SQLite or on the PostgreSQL test database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PG_SKIP_REASON
from tests.support.liveserver import LiveServer, reset_database


def database_for(param: str, tmp_path: Path) -> str:
    """An emptied, migrated database: a SQLite file, or the PostgreSQL test database."""
    if param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        pg_url = os.environ.get("TEST_DATABASE_URL")
        if not pg_url:
            pytest.skip(PG_SKIP_REASON)
        url = pg_url
    reset_database(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A seeded demo server on an emptied, migrated database."""
    url = database_for(request.param, tmp_path)
    instance = tmp_path / "instance"
    instance.mkdir()
    with LiveServer(url, instance) as server:
        yield server
