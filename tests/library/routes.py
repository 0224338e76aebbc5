from types import SimpleNamespace

from learnset.db import utcnow
from learnset.library import editing
from tests import factories
from tests.matrix import EVERYONE, Route, page_and_form


def _item(db, people):
    return SimpleNamespace(item=factories.make_content_item(db, slug="matrix-item"))


def _archived_item(db, people):
    item = factories.make_content_item(db, slug="archived-item", archived_at=utcnow())
    return SimpleNamespace(item=item)


def _edited_item(db, people):
    """An item with two versions: as loaded, and as an admin edited it."""
    item = factories.make_content_item(db, slug="edited-item")
    capability = item.capabilities[0]
    changes = editing.ItemChanges(item.title, item.summary, 25, [capability.slug], "New words.")
    editing.save_item(db, people.admin, item, changes, 0, utcnow())
    return SimpleNamespace(item=item, capability=capability)


def _edited_capability(db, people):
    capability = factories.make_capability(db, slug="matrix-capability")
    words = editing.DescriptorChanges("New words.", {n: f"Level {n} words." for n in range(1, 6)})
    editing.save_descriptors(db, people.admin, capability, words, 0, utcnow())
    return SimpleNamespace(capability=capability)


# Editing is the admins' (tutors' too when TUTORS_EDIT_CONTENT is on: tests/library/
# test_editing.py); everyone else reads the item or capability, so is refused with 403.
EDITORS = {"admin"}
READERS = EVERYONE - EDITORS
ITEM_FORM = {"title": "T", "summary": "S", "minutes": "5", "body": "B", "based_on": "2"}
WORDS_FORM = {"description": "D", "based_on": "2"} | {f"level_{n}": "L" for n in range(1, 6)}

ROUTES = [
    Route("library.index", "/library", EVERYONE),
    Route("library.sources", "/library/sources", EVERYONE, setup=_item),
    Route("library.item", "/library/{item.slug}", EVERYONE, setup=_item),
    # Sessions keep linking to archived items, so everyone who reads the library reads them.
    Route("library.item", "/library/{item.slug}", EVERYONE, setup=_archived_item),
    *page_and_form(
        "library.item_edit",
        "/library/{item.slug}/edit",
        EDITORS,
        data=ITEM_FORM,
        forbidden=READERS,
        setup=_edited_item,
    ),
    Route(
        "library.item_history",
        "/library/{item.slug}/history",
        EDITORS,
        forbidden=READERS,
        setup=_edited_item,
    ),
    Route(
        "library.item_compare",
        "/library/{item.slug}/compare?older=1&newer=2",
        EDITORS,
        forbidden=READERS,
        setup=_edited_item,
    ),
    *page_and_form(
        "library.item_restore",
        "/library/{item.slug}/versions/1/restore",
        EDITORS,
        data={"based_on": "2"},
        forbidden=READERS,
        setup=_edited_item,
    ),
    Route("library.framework_words", "/library/framework/words", EDITORS, forbidden=READERS),
    *page_and_form(
        "library.capability_edit",
        "/library/framework/{capability.slug}/edit",
        EDITORS,
        data=WORDS_FORM,
        forbidden=READERS,
        setup=_edited_capability,
    ),
    Route(
        "library.capability_history",
        "/library/framework/{capability.slug}/history",
        EDITORS,
        forbidden=READERS,
        setup=_edited_capability,
    ),
    Route(
        "library.capability_compare",
        "/library/framework/{capability.slug}/compare",
        EDITORS,
        forbidden=READERS,
        setup=_edited_capability,
    ),
    *page_and_form(
        "library.capability_restore",
        "/library/framework/{capability.slug}/versions/1/restore",
        EDITORS,
        data={"based_on": "2"},
        forbidden=READERS,
        setup=_edited_capability,
    ),
]
