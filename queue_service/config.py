"""All configuration read from the environment lives here, and only here."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from .passwords import DEFAULT_METHOD, Passwords
from .ratelimit import DEFAULT_LIMITS, Limit

# How long names, notes and other personal fields are kept (docs/PRIVACY.md).
DEFAULT_RETENTION_DAYS = 90


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def _instance_dir() -> Path:
    path = Path(os.environ.get("QUEUE_INSTANCE_DIR", Path.cwd() / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(environment: str, instance: Path) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if environment == "production":
        raise ConfigError("SECRET_KEY must be set when QUEUE_ENV=production")
    # Development keeps one generated key so that sign-ins survive restarts.
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment() -> dict[str, Any]:
    """Build the app configuration from environment variables."""
    environment = os.environ.get("QUEUE_ENV", "development")
    instance = _instance_dir()
    return {
        "QUEUE_ENV": environment,
        "SECRET_KEY": _secret_key(environment, instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'queue.db'}"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "REDIS_CHANNEL": os.environ.get("REDIS_CHANNEL", "onestop-queue"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SESSION_COOKIE_SECURE": environment == "production",
        "LIVE_TICK_S": _whole_number("LIVE_TICK_S", 30, "seconds"),
        "PASSWORD_HASH_METHOD": _password_hash_method(environment),
        # seed-demo leaves the demo devices' tokens here so that the home page can link to
        # paired demo pages; never in production, where seed-demo refuses to run.
        "DEMO_DEVICES_FILE": (
            None if environment == "production" else str(instance / "demo_devices.json")
        ),
        "DAY_END_CHECK_S": _whole_number("DAY_END_CHECK_S", 300, "seconds"),
        "STAFF_IDLE_MIN": _whole_number("STAFF_IDLE_MIN", 30, "minutes"),
        "RETENTION_DAYS": _retention_days(),
        "RATE_LIMITS": _rate_limits(),
        # How many proxies (nginx: 1) stand in front and set X-Forwarded-For and -Proto: the
        # client's address for rate limits, and https for HSTS. 0 trusts no such header.
        "TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", 0, "proxies"),
        "CORS_ORIGINS": _origins(),
        "STAFFING_PLAN_TIMEOUT_S": _whole_number("STAFFING_PLAN_TIMEOUT_S", 300, "seconds"),
        "STAFF_CLOCK_OFFSETS": (
            os.environ.get("STAFF_CLOCK_OFFSETS") == "1" and environment != "production"
        ),
    }


def _whole_number(name: str, default: int, unit: str) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number of {unit}, not {raw!r}")
    return int(raw)


def _retention_days() -> int:
    """Days after which visits' personal fields are erased (docs/PRIVACY.md). At least one:
    today's queue, names and notes included, is what the staff are working with."""
    days = _whole_number("RETENTION_DAYS", DEFAULT_RETENTION_DAYS, "days")
    if days < 1:
        raise ConfigError("RETENTION_DAYS must be at least 1")
    return days


def _rate_limits() -> dict[str, str]:
    """RATE_LIMIT_<NAME> overrides, each COUNT/SECONDS or 0 (see ratelimit.DEFAULT_LIMITS)."""
    limits = {}
    for name in DEFAULT_LIMITS:
        variable = f"RATE_LIMIT_{name.upper()}"
        raw = os.environ.get(variable)
        if raw is None:
            continue
        try:
            Limit.parse(variable, raw)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        limits[name] = raw
    return limits


def _origins() -> list[str]:
    """CORS_ORIGINS: space- or comma-separated origins (https://signage.example.gov.uk) whose
    pages may read the API; none by default."""
    raw = os.environ.get("CORS_ORIGINS", "").replace(",", " ").split()
    for origin in raw:
        scheme, _, rest = origin.partition("://")
        if scheme not in ("http", "https") or not rest or "/" in rest:
            raise ConfigError(f"CORS_ORIGINS holds {origin!r}, not an origin like https://host")
    return raw


def _password_hash_method(environment: str) -> str:
    """scrypt, unless a test run asks for a cheap hash; production never takes one."""
    method = os.environ.get("PASSWORD_HASH_METHOD")
    if method is None:
        return DEFAULT_METHOD
    if environment == "production":
        raise ConfigError("PASSWORD_HASH_METHOD is for test runs only; unset it in production")
    try:
        Passwords(method).hash("a password to try the method")
    except ValueError as exc:
        raise ConfigError(
            f"PASSWORD_HASH_METHOD {method!r} is not a method werkzeug knows"
        ) from exc
    return method
