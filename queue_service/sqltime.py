"""SQL over stored times that needs its own wording on each database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

# SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff'; the microseconds start
# at character 21.
_SQLITE_MICROSECONDS_AT = 21


class seconds_between(FunctionElement[float]):
    """`later - earlier` in seconds, exact to the microsecond on both databases."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    # A julianday() difference carries float error of ~0.05 ms and julianday() rounds the
    # fraction to milliseconds, enough to turn exactly 120 s into 120.00004 s and a met
    # target into a breach. So: whole seconds from the times without their fraction (rounded,
    # hence exact), plus the stored microseconds. julianday() is the cheapest date parser.
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    at = _SQLITE_MICROSECONDS_AT
    return (
        f"(round((julianday(substr({later}, 1, 19)) - julianday(substr({earlier}, 1, 19)))"
        f" * 86400.0) + (CAST(substr({later}, {at}, 6) AS INTEGER)"
        f" - CAST(substr({earlier}, {at}, 6) AS INTEGER)) / 1000000.0)"
    )
