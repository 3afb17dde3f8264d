"""A manager's view of the site's paired kiosks and displays, and revoking one."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ..services import devices
from .context import actor, uow
from .inputs import Empty
from .outputs import Device
from .spec import MANAGER, STAFF, operation

bp = Blueprint("devices", __name__)


@bp.get("/sites/<site>/devices")
@operation({200: list[Device]}, errors=MANAGER)
def list_devices(site: str) -> ResponseReturnValue:
    """The site's paired kiosks and displays, revoked ones too (manager)."""
    return jsonify(devices.list_devices(uow(), actor(), site))


@bp.post("/devices/<int(max=2147483647):device_id>/revoke")
@operation({200: Device}, body=Empty, body_optional=True, errors=STAFF)
def revoke_device(device_id: int) -> ResponseReturnValue:
    """Revoke a device (manager): its token is refused from now on and its live connections
    are closed; 409 already_revoked."""
    return devices.revoke_device(uow(), actor(), device_id)
