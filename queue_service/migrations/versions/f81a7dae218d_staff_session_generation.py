"""staff sessions end on sign-out: a session generation per user

Revision ID: f81a7dae218d
Revises: a5136b125871
Create Date: 2026-11-29 06:46:19.844720
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f81a7dae218d"
down_revision: str | None = "a5136b125871"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
