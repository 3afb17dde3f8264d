"""Which sites a report covers, and who may see it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Forbidden, NotAuthenticated
from ...models import Site
from ...rules.permissions import Actor, Permission, can
from .. import queries

COMBINED = "all"


def sites_in_scope(session: Session, actor: Actor, site_slug: str | None) -> list[Site]:
    """The one site asked for, or every site the actor may report on (managers see their own
    sites, admins all); 401 for the anonymous, 403 when there is nothing they may see."""
    if site_slug is not None:
        site = queries.site_by_slug(session, site_slug)
        queries.require(actor, Permission.VIEW_REPORTS, site.id)
        return [site]
    if actor.role is None:
        raise NotAuthenticated("sign in first")
    sites = [
        s
        for s in session.scalars(select(Site).order_by(Site.slug))
        if can(actor, Permission.VIEW_REPORTS, s.id)
    ]
    if not sites:
        raise Forbidden("not allowed to view reports")
    return sites
