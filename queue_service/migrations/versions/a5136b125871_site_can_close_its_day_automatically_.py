"""site can close its day automatically after closing time

Revision ID: a5136b125871
Revises: ca9865f472b1
Create Date: 2026-11-29 06:41:23.338651
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a5136b125871"
down_revision: str | None = "ca9865f472b1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_close_after_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("auto_close_after_s")
