"""The API's rate limits: sign-in lockout per account and per client address, anonymous
requests per address, and tickets and check-ins per kiosk. Counted in windows of the injected
clock, in Redis when `REDIS_URL` is set (shared by every process), else in this process.

A refusal is 429 in the error shape with `Retry-After` (seconds until the window ends).
Each limit is a setting `COUNT/SECONDS`, or 0 for none (`RATE_LIMIT_<NAME>` in the
environment, `RATE_LIMITS` in a test's config); the defaults are `ratelimit.DEFAULT_LIMITS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from flask import Flask, current_app, request

from ..errors import NotAuthenticated
from ..ratelimit import DEFAULT_LIMITS, Limit, MemoryCounters, RateLimiter, RedisCounters
from ..rules.permissions import ANONYMOUS, Actor
from .context import actor, staff_session

# Failed sign-ins before an account, or an address, is locked out until the window ends. An
# office's staff share an address, so that limit is the looser one.
LOGIN_ACCOUNT = "login_account"
LOGIN_ADDRESS = "login_address"
# Requests by people neither signed in nor paired (phones, signage, scripts), per address. A
# lobby's phones may share the council's Wi-Fi address, hence a generous default.
PUBLIC = "public"
# Tickets and check-ins per kiosk: a person at the screen needs several seconds for one.
KIOSK = "kiosk"


def init_app(app: Flask, blueprints: Set[str]) -> None:
    """Bind the limiter (Redis or memory) and count anonymous requests to the blueprints."""
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        import redis

        prefix = app.config.get("REDIS_CHANNEL", "onestop-queue") + ":limits"
        counters: RedisCounters | MemoryCounters = RedisCounters(
            redis.Redis.from_url(redis_url, socket_timeout=1), prefix
        )
    else:
        counters = MemoryCounters()
    configured: Mapping[str, str] = {**DEFAULT_LIMITS, **app.config.get("RATE_LIMITS", {})}
    app.extensions["queue_limits"] = {
        name: Limit.parse(name, text) for name, text in configured.items()
    }
    app.extensions["queue_limiter"] = RateLimiter(counters, app.extensions["queue_clock"])

    def count_public() -> None:
        if request.blueprint in blueprints and _anonymous():
            _hit(PUBLIC, address(), "too many requests from this address; try again later")

    app.before_request(count_public)


def address() -> str:
    """The client's address (behind a proxy, as `TRUSTED_PROXIES` lets ProxyFix see it)."""
    return request.remote_addr or "unknown"


def check_sign_in(username: str) -> None:
    """Refuse a sign-in while the account or the address is locked out."""
    message = "too many failed sign-ins; try again later"
    for name, who in _sign_in_keys(username):
        _limiter().check(_limit(name), who, message, code="locked_out")


def sign_in_failed(username: str) -> None:
    """Count a failed sign-in against the account and the address."""
    for name, who in _sign_in_keys(username):
        _limiter().count(_limit(name), who)


def signed_in(username: str) -> None:
    """A good sign-in clears the account's failures (not the address's)."""
    _limiter().reset(_limit(LOGIN_ACCOUNT), _account(username))


def kiosk_request(who: Actor) -> None:
    """Count a kiosk's ticket or check-in; staff are not limited."""
    if who.kind == "device":
        _hit(KIOSK, f"device:{who.id}", "this kiosk is issuing too fast; try again shortly")


def _anonymous() -> bool:
    if "Authorization" not in request.headers and staff_session() is None:
        return True
    try:
        return actor() == ANONYMOUS
    except NotAuthenticated:
        return True


def _sign_in_keys(username: str) -> list[tuple[str, str]]:
    return [(LOGIN_ACCOUNT, _account(username)), (LOGIN_ADDRESS, address())]


def _account(username: str) -> str:
    return username.casefold()


def _hit(name: str, who: str, message: str) -> None:
    _limiter().hit(_limit(name), who, message)


def _limit(name: str) -> Limit:
    limit: Limit = current_app.extensions["queue_limits"][name]
    return limit


def _limiter() -> RateLimiter:
    limiter: RateLimiter = current_app.extensions["queue_limiter"]
    return limiter
