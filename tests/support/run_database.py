"""One PostgreSQL database per test run, made beside TEST_DATABASE_URL's and dropped at the
end, so that two runs on one machine (CI and a developer, say) never empty each other's tables."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_run_url: str | None = None


def create() -> None:
    """Make this run's database when TEST_DATABASE_URL is set (called once, at start-up)."""
    global _run_url
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return
    parsed = make_url(base)
    name = f"{parsed.database or 'test'}_run_{os.getpid()}_{secrets.token_hex(3)}"
    _admin(base, f'CREATE DATABASE "{name}"')
    _run_url = parsed.set(database=name).render_as_string(hide_password=False)


def drop() -> None:
    """Drop this run's database, closing any connection a stray server process still holds."""
    global _run_url
    base = os.environ.get("TEST_DATABASE_URL")
    if base and _run_url:
        _admin(base, f'DROP DATABASE IF EXISTS "{make_url(_run_url).database}" WITH (FORCE)')
    _run_url = None


def url() -> str | None:
    """This run's PostgreSQL database, or None when TEST_DATABASE_URL is not set."""
    return _run_url


def _admin(base: str, statement: str) -> None:
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
