"""Device pairing, once for every device page (kiosk, lobby display).

A device is paired by opening its page once with its token: `/<kind>/<site>?pair=TOKEN`. The
token is checked (a live device of that kind and site), kept in an HttpOnly, SameSite=Lax
cookie scoped to the page's path `/<kind>/<site>`, and the browser is sent to the clean URL
(303), so the token leaves the address bar and the history. On every later visit the cookie is
checked again (a revoked device is unpaired at once) and the page gets the token rendered into
`<body data-device-token>`, from which `api.js` sends `Authorization: Bearer` and `live.js`
the Socket.IO `auth.token`. The API never accepts the cookie itself, so no ambient credential
reaches it and device requests need no CSRF defence (docs/ARCHITECTURE.md, "Front ends").

    @bp.get("/<site>")
    @device_page("kiosk")
    def kiosk(pairing: Pairing) -> str: ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..api.context import uow
from ..errors import NotFound
from ..services import accounts
from ..services.accounts import Pairing

COOKIE = "onestop_device"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie
PAIR_PARAMETER = "pair"

View = Callable[..., ResponseReturnValue]


def device_page(kind: str, *, public_board: bool = False) -> Callable[[View], View]:
    """Make a view at `/<kind>/<site>` run only on a paired device of that kind and site; it
    is called with `pairing` (its `token` is what the page hands to its scripts). With
    `public_board`, a site that shows its board to anyone may also run the page unpaired
    (`pairing.token` is then None). Any other visitor gets the page that says how to pair."""

    def decorate(view: View) -> View:
        @wraps(view)
        def page(site: str, **kwargs: Any) -> ResponseReturnValue:
            offered = request.args.get(PAIR_PARAMETER)
            kept = request.cookies.get(COOKIE)
            try:
                pairing = accounts.check_pairing(uow(), site, kind, offered or kept)
            except NotFound:
                return render_template("not_found.html"), 404
            if offered and pairing.problem is None:
                return _pair(kind, pairing)
            if offered is None and pairing.problem is None:
                response = make_response(view(pairing=pairing, **kwargs))
            elif offered is None and public_board and pairing.public_board:
                unpaired = Pairing(pairing.site_slug, pairing.site_name, True, None, "unpaired")
                response = make_response(view(pairing=unpaired, **kwargs))
            else:
                template = render_template("unpaired.html", refused=pairing)
                response = make_response(template, 401)
            if kept and offered is None and pairing.problem is not None:
                response.delete_cookie(COOKIE, path=_cookie_path(kind, pairing))
            # The page carries the device's token: never keep it in a cache.
            response.headers["Cache-Control"] = "no-store"
            return response

        return page

    return decorate


def _pair(kind: str, pairing: Pairing) -> ResponseReturnValue:
    values: dict[str, Any] = {k: v for k, v in request.args.items() if k != PAIR_PARAMETER}
    values.update(request.view_args or {})
    target = url_for(request.endpoint or "home.index", **values)
    response = redirect(target, 303)
    response.set_cookie(
        COOKIE,
        pairing.token or "",
        max_age=COOKIE_MAX_AGE,
        path=_cookie_path(kind, pairing),
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _cookie_path(kind: str, pairing: Pairing) -> str:
    # Device pages live under /<kind>/<site>; the path keeps a kiosk's and a display's
    # pairing apart in one browser, and away from every other page of the origin.
    return f"/{kind}/{pairing.site_slug}"
