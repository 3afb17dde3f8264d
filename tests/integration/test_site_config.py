"""Loading the sites file is a change at every site in it: screens must hear of it."""

from __future__ import annotations

from flask.testing import FlaskClient

from queue_service.events import SiteChanged
from queue_service.services import site_config
from queue_service.services.uow import UnitOfWork
from tests.conftest import RecordingPublisher, demo_document


def test_loading_sites_raises_each_sites_version_and_tells_the_screens(
    client: FlaskClient, uow: UnitOfWork, publisher: RecordingPublisher
) -> None:
    before = client.get("/api/v1/sites/bootle/board").json["version"]
    document = demo_document()
    document["site"][0]["service"][0]["name"] = "Council Tax and Benefits"
    publisher.events.clear()

    site_config.load_sites(uow, document)

    board = client.get("/api/v1/sites/bootle/board").json
    assert board["version"] == before + 1
    changed = [e for e in publisher.events if isinstance(e, SiteChanged)]
    assert [(e.site_slug, e.version) for e in changed if e.site_slug == "bootle"] == [
        ("bootle", before + 1)
    ]
    assert {e.site_slug for e in changed} == {s["slug"] for s in document["site"]}
