"""visit keeps its measured times

Revision ID: 2331518c8ad4
Revises: 71aa4f4c9d1f
Create Date: 2026-11-29 09:58:57.224854
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2331518c8ad4"
down_revision: str | None = "71aa4f4c9d1f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAIT_STARTS_AT = (
    "CASE WHEN (kind = 'appointment' AND scheduled_at > arrived_at) THEN scheduled_at"
    " ELSE arrived_at END"
)
# column -> (later, earlier): the measures of DESIGN §8 in seconds.
MEASURES = {
    "time_to_greet_s": ("greeted_at", "arrived_at"),
    "wait_s": ("service_started_at", WAIT_STARTS_AT),
    "service_time_s": ("completed_at", "service_started_at"),
}


def _seconds(dialect: str, later: str, earlier: str) -> str:
    # queue_service.sqltime.seconds_between as it compiled when this revision was written
    # (a migration must not change when that module does).
    if dialect == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"
    return (
        f"(round((julianday(substr({later}, 1, 19)) - julianday(substr({earlier}, 1, 19)))"
        f" * 86400.0) + (CAST(substr({later}, 21, 6) AS INTEGER)"
        f" - CAST(substr({earlier}, 21, 6) AS INTEGER)) / 1000000.0)"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # SQLite cannot add a stored generated column to a table: batch mode rebuilds `visit`
    # (env.py turns foreign keys off meanwhile, so its events survive the rebuild).
    with op.batch_alter_table("visit", recreate="always" if dialect == "sqlite" else "never") as b:
        for name, (later, earlier) in MEASURES.items():
            sql = _seconds(dialect, later, earlier)
            b.add_column(sa.Column(name, sa.Float(), sa.Computed(sql, persisted=True)))


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        for name in reversed(MEASURES):
            batch_op.drop_column(name)
