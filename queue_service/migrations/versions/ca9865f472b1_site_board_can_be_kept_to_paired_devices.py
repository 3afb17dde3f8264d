"""site board can be kept to paired devices

Revision ID: ca9865f472b1
Revises: aca6e1baa0cf
Create Date: 2026-11-28 17:41:25.723237
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ca9865f472b1"
down_revision: str | None = "aca6e1baa0cf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public_board", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("public_board")
