"""Every template of every front end is free of inline scripts and styles, so that the
strict Content-Security-Policy (queue_service/web/headers.py) never blocks our own pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for package in ("queue_service", "kiosk_ui", "display_ui", "reception_ui")
    for path in (ROOT / package / "templates").rglob("*.html")
)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# Data, not code: the browser never runs a script element of this type.
DATA_SCRIPT = re.compile(r'\btype="application/json"')
INLINE = {
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_there_are_templates_to_check() -> None:
    assert len(TEMPLATES) >= 5


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_has_no_inline_script_or_style(template: Path) -> None:
    text = template.read_text()
    for attributes in SCRIPT.findall(text):
        assert "src=" in attributes or DATA_SCRIPT.search(attributes), (
            f"inline <script{attributes}>"
        )
    for what, pattern in INLINE.items():
        assert not pattern.search(text), f"{what} in {template.name}"
