"""Engine and session factory, configured per database and bound to the app in init_app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

# Connection execution option that marks a transaction that will write.
WRITE = "queue_write"
SQLITE_BUSY_TIMEOUT_MS = 15_000
UNAVAILABLE = "the database does not answer; try again shortly"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings this project relies on for its database."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling would start transactions lazily as DEFERRED; a deferred
    # writer that upgrades to a write lock can fail with SQLITE_BUSY without waiting. Writers
    # therefore start with BEGIN IMMEDIATE, which takes the write lock up front and queues on
    # the busy timeout; readers start a plain BEGIN and, with WAL, never block a writer.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached or used for now (connection refused
    or dropped, locked past the busy timeout), as opposed to a fault in our own code."""
    return isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


def fault(exc: BaseException) -> str:
    """The driver's own first line about a database fault, for a one-line log entry."""
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    return str(cause).strip().split("\n", 1)[0]


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values readable after commit (results are built before it)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def init_app(app: Flask) -> None:
    """Create the engine for the app's DATABASE_URL and keep it on the app."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["queue_engine"] = engine
    app.extensions["queue_sessions"] = make_session_factory(engine)


def alembic_config(engine: Engine) -> Config:
    """Alembic's configuration, running this package's migrations on `engine`."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision` with the Alembic migrations."""
    command.upgrade(alembic_config(engine), revision)
