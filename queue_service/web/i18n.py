"""Languages: one gettext catalogue per package (queue_service and each `*_ui`), merged by
Flask-Babel, and the locale of each request: an explicit `lang` (query, then the cookie it
leaves) before the browser's Accept-Language.

Add a string with `_("...")` in Python or `{{ _("...") }}` in a template, then `make
messages` (extract, update the .po files) and `make translations` (compile; `make run` and
`make test` do it too). Strings for scripts go into the page's `strings` (see `js_strings`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response, request, url_for
from flask_babel import get_locale

from ..extensions import babel

# The code, the name in its own language (for the switch) and nothing else: Babel knows each
# language's writing direction.
LANGUAGES = {"en": "English", "pl": "Polski", "ar": "العربية"}
DEFAULT = "en"
COOKIE = "onestop_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
PACKAGES = ("queue_service", "kiosk_ui", "display_ui", "reception_ui")
ROOT = Path(__file__).resolve().parents[2]


def select_locale() -> str:
    """`?lang=`, then the language cookie, then the best match for Accept-Language."""
    for chosen in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def _remember_choice(response: Response) -> Response:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax")
    return response


def language_url(code: str) -> str:
    """This page again, in another language."""
    args = {**request.args, **(request.view_args or {}), "lang": code}
    return url_for(request.endpoint or "home.index", **args)


def _template_globals() -> dict[str, Any]:
    locale = get_locale()
    return {
        "languages": LANGUAGES,
        "language": locale.language if locale else DEFAULT,
        "direction": locale.text_direction if locale else "ltr",
        "language_url": language_url,
    }


def init_app(app: Flask) -> None:
    directories = [str(ROOT / package / "translations") for package in PACKAGES]
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(directories))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(_template_globals)
    app.after_request(_remember_choice)
