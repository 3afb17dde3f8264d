"""retention purge: purged_at on visits and appointments, a purged booking keeps no reference

Revision ID: 24c438585a84
Revises: 24792124d227
Create Date: 2026-11-29 09:52:35.420005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import queue_service.models

revision: str = "24c438585a84"
down_revision: str | None = "24792124d227"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purged_at", queue_service.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column("reference", existing_type=sa.VARCHAR(length=16), nullable=True)

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purged_at", queue_service.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("purged_at")

    # Refused once a purge has run: purged bookings have no reference to give back.
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.alter_column("reference", existing_type=sa.VARCHAR(length=16), nullable=False)
        batch_op.drop_column("purged_at")
