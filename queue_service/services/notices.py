"""Delay notices: the explanation and estimated wait the screens show when delays are long."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Notice
from ..rules.permissions import Actor, Permission
from . import queries, views
from .uow import UnitOfWork


def current_notice(session: Session, site_id: int) -> Notice | None:
    """The notice the site's screens show now, if any."""
    return session.scalars(
        select(Notice)
        .where(Notice.site_id == site_id, Notice.cleared_at.is_(None))
        .order_by(Notice.posted_at.desc(), Notice.id.desc())
    ).first()


def post(
    uow: UnitOfWork, actor: Actor, site_slug: str, message: str, estimated_wait_min: int | None
) -> dict[str, Any]:
    """Show a notice on the site's screens, replacing the one before."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.POST_NOTICE, site.id)
        site = uow.lock_site(site.id)
        now = uow.now()
        _clear(session, site.id, now)
        notice = Notice(
            site_id=site.id,
            message=message,
            estimated_wait_min=estimated_wait_min,
            posted_at=now,
            posted_by=actor.label,
        )
        session.add(notice)
        uow.touch(site)
        body = views.notice_view(notice)
        uow.commit()
    assert body is not None
    return body


def clear(uow: UnitOfWork, actor: Actor, site_slug: str) -> None:
    """Take the current notice off the screens."""
    with uow.writing() as session:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.POST_NOTICE, site.id)
        site = uow.lock_site(site.id)
        if _clear(session, site.id, uow.now()):
            uow.touch(site)
        uow.commit()


def _clear(session: Session, site_id: int, now: Any) -> bool:
    notice = current_notice(session, site_id)
    if notice is None:
        return False
    notice.cleared_at = now
    return True
