from types import SimpleNamespace

from learnset.db import utcnow
from tests import factories
from tests.matrix import EVERYONE, Route


def _item(db, people):
    return SimpleNamespace(item=factories.make_content_item(db, slug="matrix-item"))


def _archived_item(db, people):
    item = factories.make_content_item(db, slug="archived-item", archived_at=utcnow())
    return SimpleNamespace(item=item)


ROUTES = [
    Route("library.index", "/library", EVERYONE),
    Route("library.sources", "/library/sources", EVERYONE, setup=_item),
    Route("library.item", "/library/{item.slug}", EVERYONE, setup=_item),
    # Sessions keep linking to archived items, so everyone who reads the library reads them.
    Route("library.item", "/library/{item.slug}", EVERYONE, setup=_archived_item),
]
