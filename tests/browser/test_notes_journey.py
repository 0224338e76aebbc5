"""Quick notes on a phone-sized window: written offline (with a photo, or without), kept in the
browser and said to be waiting, sent when the connection returns, then turned into a
reflection. The service worker keeps only static files and the note page's shell, whatever
private pages were visited. On a shared computer, notes kept for next time go only to their own
writer; a photo the server refuses waits until its writer sends the note without it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select

from learnset import files
from learnset.reflections.models import Note, Reflection, ReflectionAttachment
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.steps import (
    RIVERSIDE,
    assert_accessible,
    go_offline,
    jot_note,
    phone_context,
    ready_offline,
    save_reflection,
    sign_in,
)
from tests.files import samples

WAITING = re.compile(r"1 note is waiting to be sent")


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = phone_context(browser)
    yield context
    context.close()


@pytest.fixture
def whiteboard(tmp_path: Path) -> Path:
    """A photo as a phone takes it, with the camera's location in it."""
    photo = tmp_path / "whiteboard.png"
    photo.write_bytes(samples.png_with_location())
    return photo


def _pat_on_the_phone(live_server: LiveServer, phone: BrowserContext) -> Page:
    """The Riverside set made, and Pat signed in on the phone: the phone's page."""
    with live_server.session() as session:
        factories.make_set(session, "Riverside learning set", RIVERSIDE)
        session.commit()
    page = phone.new_page()
    sign_in(page, live_server.url, "pat@example.org")
    return page


def _notes(live_server: LiveServer) -> list[str]:
    with live_server.session() as session:
        return list(session.scalars(select(Note.body).order_by(Note.id)))


def _offline_on_the_note_page(live_server: LiveServer, phone: BrowserContext) -> Page:
    """Pat, signed in on the phone, opens the note page; then the connection goes."""
    page = _pat_on_the_phone(live_server, phone)
    page.goto(live_server.url + "/notes/new")
    ready_offline(page)
    _go_offline(live_server, page)
    return page


def _go_offline(live_server: LiveServer, page: Page) -> None:
    """No connection: the browser is offline, and the server cannot be reached either."""
    live_server.reachable.clear()
    go_offline(page)


def _connection_back(live_server: LiveServer, phone: BrowserContext) -> None:
    live_server.reachable.set()
    phone.set_offline(False)


def _back_online(live_server: LiveServer, page: Page) -> None:
    """The connection returns, and the page hears of it. Chromium fires "online" itself on a
    page opened while it was online, but not on one opened offline (the shell): the event is
    sent by hand as well, and the note page answers a second one without losing what it said."""
    _connection_back(live_server, page.context)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def _closed_and_opened_offline(live_server: LiveServer, page: Page) -> Page:
    """The tab is closed; opened again with no connection, the note page is the kept shell."""
    phone = page.context
    page.close()
    page = phone.new_page()
    page.goto(live_server.url + "/notes/new")
    expect(page.get_by_text("You seem to be offline")).to_be_visible()
    return page


def _photo_goes_into_the_reflection(live_server: LiveServer, page: Page, words: str) -> None:
    """From the log's inbox, the note with its photo becomes a reflection with the photo as its
    file, re-encoded without the camera's location."""
    page.goto(live_server.url + "/reflections")
    inbox = page.get_by_role("listitem").filter(has_text=words)
    expect(inbox.get_by_role("img", name="The photo kept with this note")).to_be_visible()
    assert_accessible(page)
    inbox.get_by_role("button", name="Turn into a reflection").click()
    save_reflection(page)
    expect(page.locator("img.app-files__thumbnail")).to_have_count(1)
    assert_accessible(page)
    with live_server.session() as session:
        attachment = session.scalar(select(ReflectionAttachment))
        assert attachment is not None and attachment.name == "whiteboard.png"
        kept = Image.open(io.BytesIO(files.read_all(session, attachment.blob)))
        assert not kept.getexif()


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
    page = _pat_on_the_phone(live_server, phone)
    page.goto(live_server.url + "/reflections")
    expect(page.get_by_text("No notes waiting")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="jot a note").first.click()
    expect(page.get_by_role("heading", name="Jot a note", level=1)).to_be_visible()
    assert_accessible(page)
    ready_offline(page)

    _go_offline(live_server, page)
    jot_note(page, "Ward manager asked for the data pack\nFollow up Monday")
    expect(page.get_by_role("status")).to_contain_text(WAITING)
    expect(page.get_by_role("status")).to_contain_text("Ward manager asked for the data pack")
    assert_accessible(page)
    assert _notes(live_server) == []

    # Closing the page loses nothing: offline, the shell opens with the note still waiting.
    page = _closed_and_opened_offline(live_server, page)
    expect(page.get_by_role("status")).to_contain_text(WAITING)
    assert_accessible(page)

    _back_online(live_server, page)
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
    save_reflection(page)
    assert _notes(live_server) == []
    with live_server.session() as session:
        assert session.scalar(select(func.count()).select_from(Reflection)) == 1


def test_a_photo_written_offline_waits_with_its_note_and_goes_into_the_reflection(
    live_server: LiveServer, phone: BrowserContext, whiteboard: Path
):
    page = _offline_on_the_note_page(live_server, phone)
    # Checked before it is kept, as the server would check it: a PDF named as a photo is not.
    pdf = whiteboard.with_name("letter.png")
    pdf.write_bytes(samples.PDF)
    jot_note(page, "The whiteboard after the Future Search day", pdf)
    expect(page.locator("#photo-error")).to_contain_text("The photo must be a PNG or JPEG image")
    expect(page.get_by_role("status")).to_be_empty()
    assert_accessible(page)
    jot_note(page, "The whiteboard after the Future Search day", whiteboard)
    expect(page.locator("#photo-error")).to_have_count(0)
    status = page.get_by_role("status")
    expect(status).to_contain_text("1 note is waiting to be sent, with 1 photo.")
    expect(status).to_contain_text("(with the photo whiteboard.png)")
    expect(page.locator("input[type=file][name=photo]")).to_have_value("")
    expect(page.get_by_text("No file chosen")).to_be_visible()
    assert_accessible(page)
    assert _notes(live_server) == []

    # The tab is closed; offline, the shell opens with the note and its photo still waiting.
    page = _closed_and_opened_offline(live_server, page)
    status = page.get_by_role("status")
    expect(status).to_contain_text("1 note is waiting to be sent, with 1 photo.")
    expect(status).to_contain_text("whiteboard.png")
    assert_accessible(page)

    _back_online(live_server, page)
    expect(status).to_contain_text("Your note has been sent")
    assert _notes(live_server) == ["The whiteboard after the Future Search day"]

    _photo_goes_into_the_reflection(live_server, page, "The whiteboard after")


def test_a_note_with_a_photo_sent_online_becomes_a_reflection_with_the_photo(
    live_server: LiveServer, phone: BrowserContext, whiteboard: Path
):
    page = _pat_on_the_phone(live_server, phone)
    page.goto(live_server.url + "/notes/new")
    expect(page.get_by_text("without its camera and location details")).to_be_visible()
    assert_accessible(page)
    # Online, the form itself is posted: the answer is the page with its message.
    jot_note(page, "The whiteboard after the Future Search day", whiteboard)
    expect(
        page.get_by_text("Its photo was saved without its camera and location details")
    ).to_be_visible()
    _photo_goes_into_the_reflection(live_server, page, "The whiteboard after")


def test_a_photo_the_server_refuses_waits_until_its_note_is_sent_without_it(
    live_server: LiveServer, phone: BrowserContext, whiteboard: Path
):
    live_server.app.config["FILES_QUOTA_BYTES"] = 10
    page = _offline_on_the_note_page(live_server, phone)
    jot_note(page, "Notes from the provider visit", whiteboard)
    # Kept, and said to be waiting, before the connection returns: the "online" event's send
    # could otherwise look for notes before this one is stored, and a save made during that
    # send is answered with its result (nothing sent), so the note would wait for a next page.
    status = page.get_by_role("status")
    expect(status).to_contain_text(WAITING)
    _back_online(live_server, page)
    expect(status).to_contain_text("Not sent: You have no room left for this file")
    assert live_server.answered.count("POST", "/notes/new") == 1

    # Refused once, it is not sent again at every page: it waits, and says why.
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("You have no room left for this file")
    page.goto(live_server.url + "/reflections")
    page.goto(live_server.url + "/notes/new")
    without = page.get_by_role("button", name="Send this note without its photo")
    expect(without).to_be_visible()
    assert_accessible(page)
    assert live_server.answered.count("POST", "/notes/new") == 1
    assert _notes(live_server) == []

    without.click()
    expect(page.get_by_role("status")).to_contain_text("Your note has been sent")
    with live_server.session() as session:
        note = session.scalar(select(Note))
        assert note is not None and note.body == "Notes from the provider visit"
        assert note.photo_blob_id is None


def test_notes_kept_at_sign_out_go_only_to_their_writer(
    live_server: LiveServer, phone: BrowserContext
):
    page = _offline_on_the_note_page(live_server, phone)
    jot_note(page, "Pat's thought on the train")
    expect(page.get_by_role("status")).to_contain_text(WAITING)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are offline")).to_be_focused()
    assert_accessible(page)
    # Offline, the sign-out cannot reach the server (the sign-in is ended below instead); the
    # page asks for it only once the browser has been cleared.
    with page.expect_event("requestfailed", lambda request: request.url.endswith("/sign-out")):
        page.get_by_role("button", name="Keep for next time and sign out").click()
    phone.clear_cookies()
    _connection_back(live_server, phone)
    assert _notes(live_server) == []

    # Someone else at the same computer: Pat's note is neither sent nor shown to them.
    sign_in(page, live_server.url, "fay@example.org")
    page.goto(live_server.url + "/notes/new")
    expect(page.get_by_role("heading", name="Jot a note", level=1)).to_be_visible()
    # Only once the page's own check for waiting notes is over do these say anything: before
    # then, Pat's note could still be about to be listed, or sent.
    expect(page.locator("#note-queue")).not_to_have_attribute("aria-busy", "true")
    expect(page.get_by_text("Pat's thought")).to_have_count(0)
    assert _notes(live_server) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()

    # Pat signs in again here: the first page sends the note kept for next time. A send cut
    # short would be tried again at the next page, so the note page is opened: once its own
    # check is over, the note is on the server, once, and no longer waiting in this browser.
    sign_in(page, live_server.url, "pat@example.org")
    live_server.answered.wait_for("POST", "/notes/new")
    page.goto(live_server.url + "/notes/new")
    expect(page.locator("#note-queue")).not_to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("status")).not_to_contain_text("waiting")
    assert _notes(live_server) == ["Pat's thought on the train"]


def test_notes_discarded_at_an_offline_sign_out_are_gone_from_the_browser(
    live_server: LiveServer, phone: BrowserContext, whiteboard: Path
):
    page = _offline_on_the_note_page(live_server, phone)
    jot_note(page, "Not worth keeping", whiteboard)
    expect(page.get_by_role("status")).to_contain_text(WAITING)
    page.get_by_role("button", name="Sign out").click()
    # The offer names the photo, which goes with its note either way.
    offer = page.locator(".nhsuk-warning-callout")
    expect(offer).to_contain_text("1 note has not been sent yet, with the photo whiteboard.png")
    expect(offer).to_contain_text("the photo goes with its note")
    assert_accessible(page)
    with page.expect_event("requestfailed", lambda request: request.url.endswith("/sign-out")):
        page.get_by_role("button", name="Discard and sign out").click()
    _connection_back(live_server, phone)
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
