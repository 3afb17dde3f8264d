"""Alembic's environment: runs migrations on the engine handed over by `db.upgrade`."""

from __future__ import annotations

from alembic import context

from queue_service.models import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    # Batch mode changes a SQLite table by rebuilding it: copy, drop the old one, rename. With
    # foreign keys on, dropping `visit` would cascade to its events. The pragma is ignored
    # inside a transaction, so it goes straight to the driver before the migrations begin.
    driver = connection.connection.driver_connection
    if sqlite:
        driver.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            context.run_migrations()
    finally:
        if sqlite:
            driver.execute("PRAGMA foreign_keys=ON")
