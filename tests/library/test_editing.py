"""Editing a library item in the browser: the editor and its preview, versions, conflicts,
history, comparing and restoring, and who may do it."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from learnset.audit import AuditEvent
from learnset.framework.models import Capability
from learnset.library import editing, versions
from learnset.library.models import ContentItem, ContentVersion
from tests import factories
from tests.helpers import count_rows, csrf_from, html_of, open_page, submit, text_of

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def item(db):
    domain = factories.make_domain(db, name="Unlocking conversations")
    listening = factories.make_capability(db, domain, slug="listening", name="Listening")
    factories.make_capability(db, domain, slug="convening", name="Convening the system")
    item = factories.make_content_item(
        db,
        [listening],
        slug="lenses",
        title="The crisis lens and the unlocking lens",
        summary="Two ways of seeing a struggling service.",
        minutes=20,
        body="## Two lenses\n\nMost people reach for blame first.",
    )
    db.commit()
    return item


def changes(**overrides):
    values = {
        "title": "The crisis lens and the unlocking lens",
        "summary": "Two ways of seeing a struggling service.",
        "minutes": 20,
        "capabilities": ["listening"],
        "body": "## Two lenses\n\nMost people reach for curiosity first.",
    }
    values.update(overrides)
    return editing.ItemChanges(**values)


def form(**overrides):
    values = {
        "title": "The crisis lens and the unlocking lens",
        "summary": "Two ways of seeing a struggling service.",
        "minutes": "20",
        "capabilities": ["listening"],
        "body": "## Two lenses\n\nMost people reach for curiosity first.",
        "based_on": "0",
        "action": "save",
    }
    values.update(overrides)
    return values


# --- The rules ---------------------------------------------------------------------------------


def test_the_first_save_keeps_the_loaded_words_as_version_1_and_the_edit_as_version_2(
    db, people, item
):
    version = editing.save_item(db, people.admin, item, changes(), based_on=0, now=NOW)
    assert version is not None and version.number == 2
    first, second = db.scalars(
        select(ContentVersion).where(ContentVersion.content_item_id == item.id)
        .order_by(ContentVersion.number)
    )  # fmt: skip
    assert "blame first" in first.text and first.author is None and first.origin == "synced"
    assert "curiosity first" in second.text and second.author == people.admin
    assert second.origin == "edited" and second.created_at == NOW
    assert item.body.endswith("curiosity first.") and item.edited_in_app_at == NOW
    # A version is the whole file: front matter and Markdown.
    assert second.text.startswith("---\nslug: lenses\nkind: theory\ntitle: The crisis lens")


def test_a_save_is_audited(db, people, item):
    editing.save_item(db, people.admin, item, changes(), based_on=0, now=NOW)
    event = db.scalar(select(AuditEvent).where(AuditEvent.kind == "content-edited"))
    assert event.actor_id == people.admin.id and "lenses" in event.detail


def test_a_save_made_after_someone_elses_is_refused_and_changes_nothing(db, people, item):
    editing.save_item(db, people.admin, item, changes(), based_on=0, now=NOW)
    with pytest.raises(editing.ContentEditError, match="Ada Admin saved a new version"):
        editing.save_item(db, people.tutor, item, changes(title="Mine"), based_on=0, now=LATER)
    assert versions.latest_number(db, item) == 2


def test_saving_the_same_words_makes_no_version(db, people, item):
    same = changes(body="## Two lenses\n\nMost people reach for blame first.")
    assert editing.save_item(db, people.admin, item, same, based_on=0, now=NOW) is None
    assert versions.latest_number(db, item) == 0


def test_restoring_makes_a_new_version_with_the_old_words(db, people, item):
    editing.save_item(db, people.admin, item, changes(), based_on=0, now=NOW)
    restored = editing.restore(db, people.admin, item, 1, based_on=2, now=LATER)
    assert restored.number == 3 and restored.restored_from == 1 and restored.origin == "restored"
    assert item.body.endswith("blame first.")
    assert db.scalar(select(AuditEvent).where(AuditEvent.kind == "content-restored")) is not None


def test_restoring_the_current_words_is_refused(db, people, item):
    editing.save_item(db, people.admin, item, changes(), based_on=0, now=NOW)
    with pytest.raises(editing.ContentEditError, match="already the current wording"):
        editing.restore(db, people.admin, item, 2, based_on=2, now=LATER)


def test_a_version_naming_a_capability_no_longer_in_the_framework_cannot_be_restored(
    db, people, item
):
    editing.save_item(db, people.admin, item, changes(capabilities=["convening"]), 0, NOW)
    capability = db.scalar(select(Capability).where(Capability.slug == "listening"))
    capability.archived_at = NOW
    with pytest.raises(editing.ContentEditError, match="unknown capability 'listening'"):
        editing.restore(db, people.admin, item, 1, based_on=2, now=LATER)


def test_the_comparison_shows_removed_and_added_lines():
    groups = versions.compare("a\nb\nc\n", "a\nB\nc\n")
    assert [(line.kind, line.text) for line in groups[0]] == [
        ("same", "a"),
        ("removed", "b"),
        ("added", "B"),
        ("same", "c"),
    ]
    assert versions.compare("same\n", "same\n") == []


# --- The pages ---------------------------------------------------------------------------------


def test_the_editor_opens_with_the_items_words(login, people, item):
    html = open_page(login(people.admin), "/library/lenses/edit")
    assert "Most people reach for blame first." in html
    assert 'value="The crisis lens and the unlocking lens"' in html
    assert re.search(r'value="listening"[^>]*checked', html)


def test_preview_shows_the_sanitised_rendering_and_saves_nothing(login, people, item, db):
    admin = login(people.admin)
    body = "## A heading\n\n**Bold words** <script>alert(1)</script>"
    html = html_of(submit(admin, "/library/lenses/edit", form(body=body, action="preview")))
    assert "<h2>A heading</h2>" in html and "<strong>Bold words</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Nothing is saved until you press" in html
    assert count_rows(db, ContentVersion) == 0


def test_saving_shows_the_new_words_on_the_items_page(login, people, item):
    admin = login(people.admin)
    response = submit(admin, "/library/lenses/edit", form())
    assert response.status_code == 302 and response.location == "/library/lenses"
    html = open_page(admin, "/library/lenses")
    assert "curiosity first" in html and "saved as a new version" in html


def test_a_missing_title_is_shown_beside_its_field_and_nothing_is_saved(login, people, item, db):
    html = html_of(submit(login(people.admin), "/library/lenses/edit", form(title="")), 422)
    assert 'id="title-error"' in html and "Enter a title" in html
    assert count_rows(db, ContentVersion) == 0


def test_a_capability_not_in_the_framework_is_refused(login, people, item):
    html = html_of(
        submit(login(people.admin), "/library/lenses/edit", form(capabilities=["made-up"])), 422
    )
    assert "Not a valid choice" in html or "not a valid choice" in html.lower()


def test_a_save_without_the_form_token_is_refused(login, people, item, db):
    response = login(people.admin).post("/library/lenses/edit", data=form())
    assert response.status_code == 400
    assert count_rows(db, ContentVersion) == 0


def test_a_save_over_someone_elses_says_so_keeps_the_text_and_overwrites_nothing(
    login, people, item, db
):
    admin, other = login(people.admin), login(factories.make_user(db, is_admin=True, name="Bo"))
    db.commit()
    token = csrf_from(admin, "/library/lenses/edit")
    assert submit(other, "/library/lenses/edit", form(title="Bo's title")).status_code == 302
    response = admin.post(
        "/library/lenses/edit", data={**form(title="Ada's title"), "csrf_token": token}
    )
    html = html_of(response, 422)
    assert "Bo saved a new version (version 2) after you opened this page" in html
    assert "Ada&#39;s title" in html
    assert db.scalar(select(ContentItem.title).where(ContentItem.slug == "lenses")) == "Bo's title"
    # Having looked, saving again puts this text after Bo's.
    assert 'name="based_on" type="hidden" value="2"' in html


def test_the_history_lists_versions_with_who_and_how(login, people, item):
    admin = login(people.admin)
    submit(admin, "/library/lenses/edit", form())
    text = text_of(admin.get("/library/lenses/history"))
    assert "2 (current)" in text and "Ada Admin" in text and "Edited in the app" in text
    assert "Content sync" in text and "Loaded from the content files" in text


def test_the_history_is_paged_at_a_fixed_number_of_queries(login, people, item, db, count_queries):
    admin = login(people.admin)

    def queries() -> int:
        admin.get("/library/lenses/history")  # warm up: the sign-in's own writes
        with count_queries() as statements:
            assert admin.get("/library/lenses/history").status_code == 200
        return len(statements)

    editing.save_item(db, people.admin, item, changes(), 0, NOW)
    db.commit()
    few = queries()
    for number in range(3, 25):
        editing.save_item(db, people.tutor, item, changes(title=f"Title {number}"), number - 1, NOW)
    db.commit()
    assert queries() == few


def test_comparing_two_versions_shows_the_change_escaped(login, people, item):
    admin = login(people.admin)
    submit(admin, "/library/lenses/edit", form(body="Text with <b>markup</b> in it."))
    html = open_page(admin, "/library/lenses/compare?older=1&newer=2")
    assert "Removed: </span>" in html and "Most people reach for blame first." in html
    assert "Text with &lt;b&gt;markup&lt;/b&gt; in it." in html


def test_comparing_with_a_version_that_does_not_exist_is_shown_beside_the_field(
    login, people, item
):
    admin = login(people.admin)
    submit(admin, "/library/lenses/edit", form())
    assert "Choose a version" in html_of(admin.get("/library/lenses/compare?older=9&newer=2"), 422)


def test_restoring_asks_first_then_makes_a_new_version(login, people, item, db):
    admin = login(people.admin)
    submit(admin, "/library/lenses/edit", form())
    html = open_page(admin, "/library/lenses/versions/1/restore")
    assert "Restore version 1?" in html and "curiosity first" in html
    response = submit(admin, "/library/lenses/versions/1/restore", {"based_on": "2"})
    assert response.status_code == 302
    assert db.scalar(select(ContentItem.body).where(ContentItem.slug == "lenses")).endswith(
        "blame first."
    )
    assert versions.latest_number(db, item) == 3


def test_restoring_a_version_that_does_not_exist_is_404(login, people, item):
    admin = login(people.admin)
    submit(admin, "/library/lenses/edit", form())
    assert admin.get("/library/lenses/versions/7/restore").status_code == 404


def test_an_unknown_item_is_404(login, people, item):
    assert login(people.admin).get("/library/no-such-item/edit").status_code == 404


# --- Who may edit ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["tutor", "participant", "fellow", "outsider"])
def test_only_admins_edit_unless_tutors_are_allowed(login, people, item, role):
    client = login(getattr(people, role))
    assert client.get("/library/lenses/edit").status_code == 403
    assert "Edit this item" not in open_page(client, "/library/lenses")


def test_tutors_edit_when_the_programme_allows_it(app, login, people, item):
    app.config["TUTORS_EDIT_CONTENT"] = True
    tutor = login(people.tutor)
    assert "Edit this item" in open_page(tutor, "/library/lenses")
    assert submit(tutor, "/library/lenses/edit", form()).status_code == 302
    # Participants still may not.
    assert login(people.participant).get("/library/lenses/edit").status_code == 403


def test_a_session_shows_the_items_current_wording(login, people, item, db):
    meeting = factories.make_meeting(db, people.cohort, status="published")
    factories.add_item_to(db, meeting, item)
    db.commit()
    submit(login(people.admin), "/library/lenses/edit", form(title="Two lenses on a service"))
    html = open_page(login(people.participant), f"/sessions/{meeting.id}")
    assert "Two lenses on a service" in html
    assert "The crisis lens and the unlocking lens" not in html


def test_a_restore_after_someone_elses_save_is_refused(db, people, item):
    editing.save_item(db, people.admin, item, changes(), based_on=0, now=NOW)
    editing.save_item(db, people.tutor, item, changes(title="Newer"), based_on=2, now=NOW)
    with pytest.raises(editing.ContentEditError, match="Tess Tutor saved a new version"):
        editing.restore(db, people.admin, item, 1, based_on=2, now=LATER)
    assert item.title == "Newer" and versions.latest_number(db, item) == 3


def test_a_restore_page_opened_before_someone_elses_save_says_so(login, people, item, db):
    admin = login(people.admin)
    submit(admin, "/library/lenses/edit", form())
    token = csrf_from(admin, "/library/lenses/versions/1/restore")
    submit(login(people.admin), "/library/lenses/edit", form(title="Newer", based_on="2"))
    response = admin.post(
        "/library/lenses/versions/1/restore", data={"based_on": "2", "csrf_token": token}
    )
    assert "saved a new version (version 3)" in html_of(response, 422)
    assert db.scalar(select(ContentItem.title).where(ContentItem.slug == "lenses")) == "Newer"
