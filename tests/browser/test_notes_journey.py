"""Quick notes on a phone-sized window: written offline, kept in the browser and said to be
waiting, sent when the connection returns, then turned into a reflection. The service worker
keeps only static files and the note page's shell, whatever private pages were visited. On a
shared computer, notes kept for next time go only to their own writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select

from learnset.reflections.models import Note, Reflection
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import RIVERSIDE, assert_accessible, sign_in

PHONE = {"width": 390, "height": 844}
WAITING = re.compile(r"1 note is waiting to be sent")


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def _programme(live_server: LiveServer) -> None:
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()


def _notes(live_server: LiveServer) -> list[str]:
    with live_server.session() as session:
        return list(session.scalars(select(Note.body).order_by(Note.id)))


def _ready_offline(page: Page) -> None:
    """The service worker has installed and controls the page, so the shell is kept."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")


def _cached_urls(page: Page) -> list[str]:
    return page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )


def test_a_note_written_offline_is_sent_online_and_becomes_a_reflection(
    live_server: LiveServer, phone: BrowserContext
):
    _programme(live_server)
    page = phone.new_page()
    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + "/reflections")
    expect(page.get_by_text("No notes waiting")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="jot a note").first.click()
    expect(page.get_by_role("heading", name="Jot a note", level=1)).to_be_visible()
    assert_accessible(page)
    _ready_offline(page)

    phone.set_offline(True)
    page.get_by_label("Your note").fill("Ward manager asked for the data pack\nFollow up Monday")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text(WAITING)
    expect(page.get_by_role("status")).to_contain_text("Ward manager asked for the data pack")
    assert_accessible(page)
    assert _notes(live_server) == []

    # Closing the page loses nothing: offline, the shell opens with the note still waiting.
    page.close()
    page = phone.new_page()
    page.goto(live_server.url + "/notes/new")
    expect(page.get_by_text("You seem to be offline")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(WAITING)
    assert_accessible(page)

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_role("status")).to_contain_text("Your note has been sent")
    assert _notes(live_server) == ["Ward manager asked for the data pack\nFollow up Monday"]

    page.goto(live_server.url + "/reflections")
    inbox = page.get_by_role("listitem").filter(has_text="Ward manager asked")
    expect(inbox).to_be_visible()
    assert_accessible(page)
    # Only static files and the note page's shell are kept, after these private pages.
    cached = _cached_urls(page)
    assert "/notes/offline" in cached
    assert all(url.startswith("/assets/") or url == "/notes/offline" for url in cached), cached

    inbox.get_by_role("button", name="Turn into a reflection").click()
    expect(page.get_by_label("What happened?")).to_have_value(
        "Ward manager asked for the data pack\nFollow up Monday"
    )
    expect(page.get_by_label("Title")).to_have_value("Ward manager asked for the data pack")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Your reflection has been saved.")).to_be_visible()
    assert _notes(live_server) == []
    with live_server.session() as session:
        assert session.scalar(select(func.count()).select_from(Reflection)) == 1


def test_notes_kept_at_sign_out_go_only_to_their_writer(
    live_server: LiveServer, phone: BrowserContext
):
    _programme(live_server)
    page = phone.new_page()
    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + "/notes/new")
    _ready_offline(page)
    phone.set_offline(True)
    page.get_by_label("Your note").fill("Pat's thought on the train")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text(WAITING)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are offline")).to_be_focused()
    assert_accessible(page)
    # Offline, the sign-out cannot reach the server (the sign-in is ended below instead); the
    # page asks for it only once the browser has been cleared.
    with page.expect_event("requestfailed", lambda request: request.url.endswith("/sign-out")):
        page.get_by_role("button", name="Keep for next time and sign out").click()
    phone.clear_cookies()
    phone.set_offline(False)
    assert _notes(live_server) == []

    # Someone else at the same computer: Pat's note is neither sent nor shown to them.
    sign_in(page, live_server.url, "fay@example.org")
    page.goto(live_server.url + "/notes/new")
    expect(page.get_by_role("heading", name="Jot a note", level=1)).to_be_visible()
    expect(page.get_by_text("Pat's thought")).to_have_count(0)
    assert _notes(live_server) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()

    # Pat signs in again here: the note kept for next time is sent.
    sign_in(page, live_server.url, "pat@example.org")
    live_server.answered.wait_for("POST", "/notes/new")
    # A send cut short is tried again at the next page: nothing is lost, it only waits.
    for _ in range(10):
        if _notes(live_server):
            break
        page.wait_for_timeout(500)
        page.reload()
    assert _notes(live_server) == ["Pat's thought on the train"]


def test_notes_discarded_at_an_offline_sign_out_are_gone_from_the_browser(
    live_server: LiveServer, phone: BrowserContext
):
    _programme(live_server)
    page = phone.new_page()
    sign_in(page, live_server.url, "pat@example.org")
    page.goto(live_server.url + "/notes/new")
    _ready_offline(page)
    phone.set_offline(True)
    page.get_by_label("Your note").fill("Not worth keeping")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text(WAITING)
    page.get_by_role("button", name="Sign out").click()
    with page.expect_event("requestfailed", lambda request: request.url.endswith("/sign-out")):
        page.get_by_role("button", name="Discard and sign out").click()
    phone.set_offline(False)
    page.goto(live_server.url + "/notes/offline")
    kept = page.evaluate(
        """() => new Promise((resolve) => {
            const opened = indexedDB.open("learnset", 1);
            opened.onsuccess = () => {
                const all = opened.result.transaction("notes").objectStore("notes").getAll();
                all.onsuccess = () => resolve(all.result.length);
            };
        })"""
    )
    assert kept == 0
    assert _notes(live_server) == []
