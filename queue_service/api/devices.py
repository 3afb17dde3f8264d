"""A manager's view of the site's paired kiosks and displays, and revoking one."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ..services import devices
from .context import actor, uow
from .validation import Form

bp = Blueprint("devices", __name__)


@bp.get("/sites/<site>/devices")
def list_devices(site: str) -> ResponseReturnValue:
    return jsonify(devices.list_devices(uow(), actor(), site))


@bp.post("/devices/<int(max=2147483647):device_id>/revoke")
def revoke_device(device_id: int) -> ResponseReturnValue:
    Form.from_request(optional=True).done()
    return devices.revoke_device(uow(), actor(), device_id)
