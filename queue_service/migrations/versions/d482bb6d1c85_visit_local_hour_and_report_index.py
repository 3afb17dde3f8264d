"""visit local hour and report index

Revision ID: d482bb6d1c85
Revises: f81a7dae218d
Create Date: 2026-11-29 06:39:11.996107
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "d482bb6d1c85"
down_revision: str | None = "f81a7dae218d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_hour", sa.SmallInteger(), nullable=True))
        batch_op.create_index("ix_visit_site_local_date", ["site_id", "local_date"], unique=False)
    _backfill_local_hours()
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.alter_column("local_hour", existing_type=sa.SmallInteger(), nullable=False)


def _backfill_local_hours() -> None:
    # Timezone rules live in Python (SQLite has none), so existing visits get their local hour
    # here, site by site; the application sets it at arrival from then on.
    connection = op.get_bind()
    visits = sa.table(
        "visit",
        sa.column("id", sa.Integer),
        sa.column("site_id", sa.Integer),
        sa.column("arrived_at", sa.DateTime(timezone=True)),
        sa.column("local_hour", sa.SmallInteger),
    )
    sites = sa.table("site", sa.column("id", sa.Integer), sa.column("timezone", sa.String))
    zones = {row.id: ZoneInfo(row.timezone) for row in connection.execute(sa.select(sites))}
    rows = connection.execute(sa.select(visits.c.id, visits.c.site_id, visits.c.arrived_at))
    updates = [
        {"visit_id": row.id, "hour": _aware(row.arrived_at).astimezone(zones[row.site_id]).hour}
        for row in rows
    ]
    if updates:
        connection.execute(
            visits.update()
            .where(visits.c.id == sa.bindparam("visit_id"))
            .values(local_hour=sa.bindparam("hour")),
            updates,
        )


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_site_local_date")
        batch_op.drop_column("local_hour")
