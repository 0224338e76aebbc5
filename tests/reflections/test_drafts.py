"""Never lost, part one: drafts kept by autosave and by the "Save draft" button."""

import pytest
from sqlalchemy import func, select

from learnset.reflections.forms import saved_fields
from learnset.reflections.models import Reflection, ReflectionDraft, ReflectionRescue
from tests import factories
from tests.helpers import (
    autosave,
    count_rows,
    csrf_from,
    editor_fields,
    html_of,
    new_editor,
    submit,
)


def _autosave(browser, path, fields):
    """What autosave.js does: the form's fields, the token in the X-CSRFToken header."""
    token = csrf_from(browser, "/account")
    fields = {key: value for key, value in fields.items() if key != "action"}
    editor = path if "/new/" in path else path.removesuffix("/edit")
    return autosave(browser, editor, fields, {"csrf_token": token})


def test_autosave_keeps_a_new_reflection_and_the_page_brings_it_back(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    response = _autosave(browser, path, editor_fields(people.cohort, title="Half way"))
    assert response.status_code == 200
    assert response.json["status"] == "saved"
    assert response.json["message"].startswith("Draft saved at ")
    assert response.json["csrfToken"]
    assert db.scalar(select(func.count()).select_from(Reflection)) == 0
    # A reload finds the text again, and the log lists the unfinished draft.
    page = html_of(browser.get(path))
    assert 'value="Half way"' in page
    assert "Data opened the conversation" in page
    assert "This draft was last kept" in page
    log = html_of(browser.get("/reflections"))
    assert "Drafts you have not finished" in log and "Half way" in log


@pytest.mark.parametrize("editing", ["a new reflection", "a saved reflection"])
def test_autosave_without_this_browsers_token_keeps_nothing(login, db, people, editing):
    browser = login(people.participant)
    if editing == "a new reflection":
        editor = page = new_editor(browser)
    else:
        reflection = factories.make_reflection(db, people.participant)
        db.commit()
        editor, page = f"/reflections/{reflection.id}", f"/reflections/{reflection.id}/edit"
    response = autosave(browser, editor, {"title": "No token"})
    assert response.status_code == 400
    assert response.json["status"] == "expired"
    assert "Copy your text" in response.json["message"]
    # A post without this browser's token writes nothing anywhere (it may be a forged one)...
    assert "Set-Cookie" not in response.headers
    assert count_rows(db, ReflectionDraft) == 0
    assert count_rows(db, ReflectionRescue) == 0
    # ...and nothing of it comes back into the editor.
    assert "No token" not in html_of(browser.get(page))


def test_autosave_of_nothing_keeps_nothing(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    response = _autosave(browser, path, {"structure": "driscoll", "title": " "})
    assert response.json["status"] == "unchanged"
    assert count_rows(db, ReflectionDraft) == 0


def test_repeated_autosaves_update_one_draft(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    for title in ("One", "Two", "Three"):
        _autosave(browser, path, editor_fields(people.cohort, title=title))
    assert count_rows(db, ReflectionDraft) == 1
    assert db.scalar(select(ReflectionDraft)).data["title"] == ["Three"]


def test_save_draft_button_works_without_javascript(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    response = submit(browser, path, editor_fields(people.cohort, action="draft"))
    assert response.status_code == 302 and response.location == path
    page = html_of(browser.get(path))
    assert "Draft saved at" in page
    assert count_rows(db, ReflectionDraft) == 1


def test_saving_removes_the_draft_and_a_late_autosave_does_not_bring_it_back(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    _autosave(browser, path, editor_fields(people.cohort))
    assert submit(browser, path, editor_fields(people.cohort)).status_code == 302
    assert count_rows(db, ReflectionDraft) == 0
    late = _autosave(browser, path, editor_fields(people.cohort, title="Late"))
    assert late.status_code == 409
    assert count_rows(db, ReflectionDraft) == 0
    # The back button to the new-reflection page leads to the saved reflection instead.
    reflection = db.scalar(select(Reflection))
    assert browser.get(path).location == f"/reflections/{reflection.id}/edit"
    assert (
        submit(
            browser, f"/reflections/{reflection.id}/edit", editor_fields(people.cohort)
        ).status_code
        == 302
    )
    assert db.scalar(select(func.count()).select_from(Reflection)) == 1


def test_autosave_of_a_saved_reflection_keeps_changes_apart(login, db, people):
    reflection = factories.make_reflection(db, people.participant, title="Saved title")
    db.commit()
    browser = login(people.participant)
    path = f"/reflections/{reflection.id}/edit"
    response = _autosave(browser, path, editor_fields(people.cohort, title="Changed title"))
    assert response.json["status"] == "saved"
    db.expire_all()
    assert reflection.title == "Saved title"
    page = html_of(browser.get(f"/reflections/{reflection.id}"))
    assert "changes to this reflection that are not saved yet" in page
    editor = html_of(browser.get(path))
    assert 'value="Changed title"' in editor
    assert "You have changes that are not saved yet" in editor
    # Throwing them away needs a confirmation.
    confirm = html_of(browser.get(f"/reflections/{reflection.id}/discard"))
    assert "Throw away your unsaved changes?" in confirm
    submit(browser, f"/reflections/{reflection.id}/discard", {})
    assert count_rows(db, ReflectionDraft) == 0
    assert 'value="Saved title"' in html_of(browser.get(path))


def test_autosave_that_matches_the_saved_reflection_is_no_draft(login, db, people):
    reflection = factories.make_reflection(db, people.participant)
    db.commit()
    browser = login(people.participant)
    response = _autosave(browser, f"/reflections/{reflection.id}/edit", saved_fields(reflection))
    assert response.json["status"] == "unchanged"
    assert count_rows(db, ReflectionDraft) == 0


def test_someone_elses_draft_key_opens_an_empty_editor(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    _autosave(browser, path, editor_fields(people.cohort, title="Pat's secret draft"))
    other = login(people.fellow)
    page = html_of(other.get(path))
    assert "Pat&#39;s secret draft" not in page and "Pat's secret draft" not in page
    assert other.get(path + "/discard").status_code == 404


def test_deleting_an_unfinished_draft_asks_first(login, db, people):
    browser = login(people.participant)
    path = new_editor(browser)
    _autosave(browser, path, editor_fields(people.cohort, title="Not worth keeping"))
    page = html_of(browser.get(path + "/discard"))
    assert "Delete the draft" in page and "Not worth keeping" in page
    assert submit(browser, path + "/discard", {}).status_code == 302
    assert count_rows(db, ReflectionDraft) == 0


def test_a_malformed_key_is_404(login, people):
    browser = login(people.participant)
    assert browser.get("/reflections/new/short").status_code == 404
    assert browser.get("/reflections/new/" + "x" * 65).status_code == 404
