"""The library pages: browse and search, and one item's page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from learnset import authz
from learnset.db import get_db
from learnset.forms import render_form
from learnset.framework.queries import capability_choices
from learnset.library import services
from learnset.library.forms import LibrarySearchForm
from learnset.pagination import page_number

bp = Blueprint("library", __name__, url_prefix="/library")


@bp.route("")
def index() -> str | tuple[str, int]:
    db = get_db()
    authz.require(current_user, "library:view")
    form = LibrarySearchForm(request.args)
    form.offer_capabilities(capability_choices(db))
    if not form.validate():
        return render_form("library/index.html", form, results=None, query=None)
    query = services.LibraryQuery(
        words=form.q.data or "", kind=form.kind.data, capability=form.capability.data
    )
    results = services.search(db, query, page_number(request.args.get("page")))
    return render_template("library/index.html", form=form, results=results, query=query)


@bp.route("/sources")
def sources() -> str:
    authz.require(current_user, "library:view")
    return render_template("library/sources.html", sources=services.sources_credited(get_db()))


@bp.route("/<slug>")
def item(slug: str) -> str:
    content_item = authz.checked_or_404(
        services.item_by_slug(get_db(), slug), current_user, "library:view"
    )
    return render_template("library/item.html", item=content_item)
