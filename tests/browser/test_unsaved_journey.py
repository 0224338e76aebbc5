"""The database stops taking writes while a participant writes a reflection: the editor says
"Not saved yet" beside the text and keeps trying, and says the draft is saved once the database
takes it again; pressing "Save reflection" meanwhile brings the not-saved page with their text,
whose "Try again" saves it once the database is back.

The database is made read-only for real: each connection the live server takes from its pool
runs SQLite's `PRAGMA query_only` while the test says so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import event, select

from learnset.db import database
from learnset.reflections.models import Reflection, ReflectionDraft
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, sign_in

WHAT_HAPPENED = "I asked the practice managers what they would stop doing <first>."


class ReadOnly:
    """Whether the live server's database takes writes."""

    def __init__(self, live_server: LiveServer) -> None:
        self.on = False
        self.engine = database(live_server.app).engine
        event.listen(self.engine, "checkout", self._checkout)

    def _checkout(self, dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.execute(f"PRAGMA query_only = {int(self.on)}")

    def remove(self) -> None:
        event.remove(self.engine, "checkout", self._checkout)


@pytest.fixture
def read_only(live_server: LiveServer) -> Iterator[ReadOnly]:
    switch = ReadOnly(live_server)
    yield switch
    switch.remove()


def test_the_editor_keeps_trying_and_try_again_saves(
    live_server: LiveServer, page: Page, read_only: ReadOnly
):
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()
    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + "/reflections/new")
    status = page.get_by_role("status")

    read_only.on = True
    page.get_by_label("Title").fill("Stopping things")
    page.get_by_label("What happened?").fill(WHAT_HAPPENED)

    expect(status).to_have_text("Not saved yet \u2013 will try again", timeout=15_000)
    read_only.on = False
    # The next try, 2 s later, goes through without the writer doing anything.
    expect(status).to_have_text(re.compile("Draft saved at"), timeout=15_000)
    with live_server.session() as session:
        draft = session.scalars(select(ReflectionDraft)).one()
        assert draft.data["part_what"] == [WHAT_HAPPENED]

    read_only.on = True
    page.get_by_label("Day").fill("5")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save reflection").click()

    expect(page.get_by_role("heading", name="Your changes have not been saved")).to_be_visible()
    expect(page.get_by_text("The database is not accepting changes at the moment.")).to_be_visible()
    expect(page.get_by_label("What happened?")).to_have_value(WHAT_HAPPENED)
    assert_accessible(page)
    read_only.on = False
    page.get_by_role("button", name="Try again").click()

    expect(page.get_by_text("Your reflection has been saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Stopping things")).to_be_visible()
    with live_server.session() as session:
        assert session.scalars(select(Reflection.title)).all() == ["Stopping things"]
