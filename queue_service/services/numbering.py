"""Ticket numbers: per site, prefix and local day, from 1, no gaps, no duplicates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import TicketCounter


def next_seq(session: Session, site_id: int, prefix: str, day: date) -> int:
    """Bump and return the day's counter in one statement, inside the caller's transaction.

    The upsert is atomic on both databases; because it shares the visit's transaction, a
    rolled-back ticket gives its number back, so numbers have no gaps.
    """
    return reserve(session, site_id, prefix, day, 1)


def reserve(session: Session, site_id: int, prefix: str, day: date, count: int) -> int:
    """Take the next `count` numbers of the day's counter at once; returns the last of them
    (the first is `last - count + 1`). Past visits loaded in bulk draw from the same counter
    as tickets, so their numbers can never collide with live ones."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = TicketCounter.__table__
    assert isinstance(table, Table)
    stmt = (
        insert(table)
        .values(site_id=site_id, prefix=prefix, local_date=day, last_seq=count)
        .on_conflict_do_update(
            index_elements=[table.c.site_id, table.c.prefix, table.c.local_date],
            set_={"last_seq": table.c.last_seq + count},
        )
        .returning(table.c.last_seq)
    )
    return int(session.execute(stmt).scalar_one())
