"""Ticket numbers: per site, prefix and local day, from 1, no gaps, no duplicates."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from ..models import TicketCounter

CounterKey = tuple[int, str, date]  # site id, prefix, local day


def next_seq(session: Session, site_id: int, prefix: str, day: date) -> int:
    """Bump and return the day's counter in one statement, inside the caller's transaction.

    The upsert is atomic on both databases; because it shares the visit's transaction, a
    rolled-back ticket gives its number back, so numbers have no gaps.
    """
    key = (site_id, prefix, day)
    return reserve(session, {key: 1})[key]


def reserve(session: Session, wanted: dict[CounterKey, int]) -> dict[CounterKey, int]:
    """Take the next `count` numbers of each counter at once, in one statement; returns the
    last number taken of each (the first is `last - count + 1`). Past visits written in bulk
    draw from the same counters as tickets, so their numbers never collide with live ones."""
    if not wanted:
        return {}
    upsert = _upsert(session.get_bind().dialect.name)
    rows = [
        {"site_id": site_id, "prefix": prefix, "local_date": day, "last_seq": count}
        for (site_id, prefix, day), count in wanted.items()
    ]
    # One counter (a ticket) runs the statement built once with its row as parameters, so
    # nothing is built or compiled per ticket; several (a bulk import) as one multi-row insert.
    stmt = upsert.values(rows) if len(rows) > 1 else upsert
    params = rows[0] if len(rows) == 1 else {}
    return {(r.site_id, r.prefix, r.local_date): r.last_seq for r in session.execute(stmt, params)}


@cache
def _upsert(dialect: str) -> ReturningInsert[Any]:
    """Insert counters, adding to any that exist; answers each one's last number."""
    table = TicketCounter.__table__
    assert isinstance(table, Table)
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(
        index_elements=[table.c.site_id, table.c.prefix, table.c.local_date],
        set_={"last_seq": table.c.last_seq + insert.excluded.last_seq},
    ).returning(table.c.site_id, table.c.prefix, table.c.local_date, table.c.last_seq)
