"""Autogenerate a migration: the difference between the models and a database at head.

Usage: python scripts/new_migration.py "what changed"   (or `make migration MESSAGE=...`)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from queue_service import db


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        db.upgrade(engine)
        command.revision(db.alembic_config(engine), message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
