"""Past visits as the import file holds them, for the report and import tests."""

from __future__ import annotations

import io

from flask import Flask

from queue_service.services import visit_import
from queue_service.services.uow import UnitOfWork

HEADER = (
    "site,service,kind,arrived_at,greeted_at,called_at,service_started_at,completed_at,"
    "scheduled_at,outcome"
)


def import_rows(app: Flask, *rows: str) -> int:
    """Import the rows (without the header) through the import use case."""
    text = "\n".join([HEADER, *rows]) + "\n"
    return visit_import.import_visits(UnitOfWork.for_app(app), io.StringIO(text))
