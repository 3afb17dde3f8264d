"""The unit of work's transactions on both databases."""

from __future__ import annotations

from datetime import date

from queue_service.services import numbering, queries
from queue_service.services.uow import UnitOfWork

DAY = date(2026, 11, 24)


def test_a_write_after_a_one_statement_read_is_still_one_transaction(uow: UnitOfWork) -> None:
    """The one-statement read runs outside a transaction on PostgreSQL; the connection it
    used must go back to the pool transactional, or a later write would commit statement by
    statement and a failed one would leave half its work behind."""
    with uow.reading_one() as session:
        site_id = queries.site_by_slug(session, "bootle").id
    with uow.writing() as session:
        assert numbering.next_seq(session, site_id, "Z", DAY) == 1
        # Not committed: the number is given back.
    with uow.writing() as session:
        assert numbering.next_seq(session, site_id, "Z", DAY) == 1
