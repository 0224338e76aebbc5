"""Editing a capability's words in the browser: its description and level descriptors, each
save a version, shown on the framework page, with history, comparison and restore."""

import pytest

from learnset.framework.models import Capability
from learnset.library import versions
from tests import factories
from tests.helpers import html_of, open_page, submit, text_of


@pytest.fixture
def capability(db):
    domain = factories.make_domain(db, name="Unlocking conversations")
    capability = factories.make_capability(
        db, domain, slug="listening", name="Listening across boundaries"
    )
    db.commit()
    return capability


def words(**overrides):
    values = {
        "description": "Hearing what lies behind what people say.",
        "based_on": "0",
        "action": "save",
    } | {
        f"level_{n}": f"At level {n} I can point to a conversation where I listened."
        for n in range(1, 6)
    }
    values.update(overrides)
    return values


def test_the_framework_words_page_links_to_each_capability(login, people, capability):
    html = open_page(login(people.admin), "/library/framework/words")
    assert "/library/framework/listening/edit" in html
    assert "/library/framework/listening/history" in html


def test_saving_a_capabilitys_words_shows_them_on_the_framework_page(login, people, capability, db):
    admin = login(people.admin)
    response = submit(admin, "/library/framework/listening/edit", words())
    assert response.status_code == 302
    html = open_page(admin, "/framework")
    assert "At level 3 I can point to a conversation where I listened." in html
    assert versions.latest_number(db, capability) == 2
    text = text_of(admin.get("/library/framework/listening/history"))
    assert "2 (current)" in text and "Ada Admin" in text


def test_preview_shows_the_words_and_saves_nothing(login, people, capability, db):
    html = html_of(
        submit(login(people.admin), "/library/framework/listening/edit", words(action="preview"))
    )
    assert "Preview" in html and "At level 5 I can point" in html
    assert versions.latest_number(db, capability) == 0


def test_an_empty_level_is_shown_beside_its_field(login, people, capability, db):
    html = html_of(
        submit(login(people.admin), "/library/framework/listening/edit", words(level_2="")), 422
    )
    assert 'id="level_2-error"' in html and "Enter level 2" in html
    assert versions.latest_number(db, capability) == 0
    assert db.get(Capability, capability.id).levels["2"].startswith("Level 2 of capability")


def test_a_level_too_long_is_shown_beside_its_field_and_nothing_is_saved(
    login, people, capability, db
):
    # A runaway paste of a megabyte was saved as level 3's words.
    html = html_of(
        submit(
            login(people.admin),
            "/library/framework/listening/edit",
            words(level_3="x" * 1_000_000),
        ),
        422,
    )
    assert 'id="level_3-error"' in html and "5,000 characters or fewer" in html
    assert versions.latest_number(db, capability) == 0
    assert db.get(Capability, capability.id).levels["3"].startswith("Level 3 of capability")


def test_restoring_a_capabilitys_earlier_words(login, people, capability, db):
    admin = login(people.admin)
    submit(admin, "/library/framework/listening/edit", words())
    assert "Restore version 1?" in open_page(
        admin, "/library/framework/listening/versions/1/restore"
    )
    submit(admin, "/library/framework/listening/versions/1/restore", {"based_on": "2"})
    db.expire_all()
    assert db.get(Capability, capability.id).description == "A test capability"
    html = open_page(admin, "/library/framework/listening/compare?older=2&newer=3")
    assert "Hearing what lies behind what people say." in html


@pytest.mark.parametrize("role", ["tutor", "participant", "outsider"])
def test_only_editors_edit_the_framework(login, people, capability, role):
    assert login(getattr(people, role)).get("/library/framework/listening/edit").status_code == 403


def test_an_unknown_capability_is_404(login, people, capability):
    assert login(people.admin).get("/library/framework/nothing/edit").status_code == 404


def test_the_library_points_editors_and_only_editors_to_the_framework_words(
    login, people, capability
):
    assert "/library/framework/words" in open_page(login(people.admin), "/library")
    assert "/library/framework/words" not in open_page(login(people.tutor), "/library")
