"""Idempotency-Key support: a retried request gets the first answer and changes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..errors import Invalid
from ..models import IdempotencyRecord

# A retry comes within seconds or minutes; a day covers a kiosk that was offline overnight.
# After that the record only holds an old answer (with its ticket's token), so it goes.
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key, the scope it is unique in, and a fingerprint of what it asked."""

    scope: str
    key: str
    fingerprint: str

    @classmethod
    def for_request(cls, scope: str, key: str, request: dict[str, Any]) -> IdempotencyKey:
        blob = json.dumps(request, sort_keys=True).encode()
        return cls(scope=scope, key=key, fingerprint=hashlib.sha256(blob).hexdigest())


@dataclass(frozen=True)
class Replay:
    """The stored first answer."""

    body: dict[str, Any] | None


def replay(session: Session, key: IdempotencyKey | None) -> Replay | None:
    """The first answer for this key, if there was one. Call after taking the site lock."""
    if key is None:
        return None
    record = session.get(IdempotencyRecord, (key.scope, key.key))
    if record is None:
        return None
    if record.fingerprint != key.fingerprint:
        # 422, as the IETF Idempotency-Key draft asks. Its 409 (a request with this key still
        # in progress) never arises: the record is looked up after the site lock, so a retry
        # waits for its original and then gets the first answer.
        raise Invalid(
            "this Idempotency-Key was already used for a different request",
            code="idempotency_key_reused",
            fields={"Idempotency-Key": "already used for a different request"},
        )
    return Replay(body=record.response)


def remember(
    session: Session, key: IdempotencyKey | None, body: dict[str, Any] | None, now: datetime
) -> None:
    """Store the answer in the same transaction as the change it describes."""
    if key is None:
        return
    session.add(
        IdempotencyRecord(
            scope=key.scope,
            key=key.key,
            fingerprint=key.fingerprint,
            response=body,
            created_at=now,
        )
    )


def forget_old(session: Session, now: datetime) -> int:
    """Remove the records older than `KEEP` (the daily housekeeping); returns how many."""
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - KEEP)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
