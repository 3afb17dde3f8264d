"""Every translation in the gettext catalogues keeps its English placeholders (`%(site)s`,
`{number}`): a lost or renamed one shows the raw placeholder, or fails the page, only in that
language. Each catalogue also declares its language's plural forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for package in ("queue_service", "kiosk_ui", "display_ui", "reception_ui")
    for path in (ROOT / package / "translations").glob("*/LC_MESSAGES/messages.po")
)
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
PLURALS = {"pl": 3, "ar": 6}  # forms of the plural in each language


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_there_are_catalogues_to_check() -> None:
    assert {path.parts[-3] for path in CATALOGUES} == set(PLURALS)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_translations_keep_the_placeholders(path: Path) -> None:
    with path.open("rb") as file:
        catalogue = read_po(file)
    assert catalogue.num_plurals == PLURALS[path.parts[-3]]
    wrong = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            # A plural form may leave the count out ("one ticket"), never add a placeholder.
            expected = set(placeholders(message.id[1]))
            wrong += [
                (message.id, s) for s in message.string if not set(placeholders(s)) <= expected
            ]
        elif message.string and placeholders(message.string) != placeholders(message.id):
            wrong.append((message.id, message.string))
    assert wrong == []
