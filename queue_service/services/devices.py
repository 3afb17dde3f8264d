"""Paired kiosks and displays: listing them and revoking one (pairing is `accounts.add_device`).

A revoked device's token stops working at once: its next request is 401, its pages show the
pairing instructions, and its live connections are closed (`DeviceRevoked`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..errors import Conflict, NotFound
from ..events import DeviceRevoked
from ..models import Device, Site
from ..rules.permissions import Actor, Permission, can
from . import queries
from .uow import UnitOfWork
from .views import iso


def list_devices(
    uow: UnitOfWork, actor: Actor, site_slug: str | None = None
) -> list[dict[str, Any]]:
    """The devices of one site, or of every site the actor may manage, revoked ones included,
    by site and name."""
    with uow.reading() as session:
        query = select(Device).join(Site).order_by(Site.slug, Device.name, Device.id)
        if site_slug is not None:
            site = queries.site_by_slug(session, site_slug)
            queries.require(actor, Permission.MANAGE_DEVICES, site.id)
            query = query.where(Device.site_id == site.id)
        devices = session.scalars(query)
        return [
            device_view(d)
            for d in devices
            if site_slug is not None or can(actor, Permission.MANAGE_DEVICES, d.site_id)
        ]


def revoke_device(uow: UnitOfWork, actor: Actor, device_id: int) -> dict[str, Any]:
    """Revoke a device: its token is refused from now on and its connections are closed."""
    with uow.writing() as session:
        device = session.get(Device, device_id)
        if device is None:
            raise NotFound(f"no device {device_id}")
        queries.require(actor, Permission.MANAGE_DEVICES, device.site_id)
        if device.revoked_at is not None:
            raise Conflict(
                f"device {device_id} was already revoked at {iso(device.revoked_at)}",
                code="already_revoked",
            )
        revoke(uow, device)
        body = device_view(device)
        uow.commit()
    return body


def revoke(uow: UnitOfWork, device: Device) -> None:
    """Mark a device revoked inside the caller's transaction; its connections close after
    commit."""
    device.revoked_at = uow.now()
    uow.emit(DeviceRevoked(device_id=device.id))


def device_view(device: Device) -> dict[str, Any]:
    return {
        "id": device.id,
        "site": device.site.slug,
        "kind": device.kind,
        "name": device.name,
        "created_at": iso(device.created_at),
        "revoked_at": iso(device.revoked_at),
    }
