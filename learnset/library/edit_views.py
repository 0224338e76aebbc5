"""Editing the library and the framework's words in the browser: the editor with its preview,
each item's or capability's history of versions, comparing two versions, restoring one.

Programme sessions' pages are in programme_edit_views.py. Everything here is for those
`content:edit` allows (admins, and tutors when the programme lets
them); everyone else who can read the item or capability is answered 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from learnset import authz
from learnset.curriculum.models import ProgrammeSession
from learnset.db import get_db, utcnow
from learnset.errors import shown_on
from learnset.forms import done, render_form
from learnset.framework.models import Capability
from learnset.framework.queries import current_framework
from learnset.library import editing, services, versions
from learnset.library.forms import (
    LEVEL_FIELDS,
    CompareForm,
    DescriptorEditForm,
    ItemEditForm,
    VersionForm,
)
from learnset.library.models import ContentItem, VersionOrigin
from learnset.library.views import bp
from learnset.pagination import page_number

Record = TypeVar("Record", ContentItem, Capability, ProgrammeSession)


@dataclass(frozen=True)
class Editable(Generic[Record]):
    """A library item, a capability or a programme session, with the words and addresses its
    pages need."""

    record: Record

    @property
    def is_item(self) -> bool:
        return isinstance(self.record, ContentItem)

    @property
    def is_session(self) -> bool:
        return isinstance(self.record, ProgrammeSession)

    @property
    def name(self) -> str:
        if isinstance(self.record, ContentItem):
            return self.record.title
        if isinstance(self.record, ProgrammeSession):
            return f"month {self.record.number}: {self.record.title}"
        return self.record.name

    @property
    def noun(self) -> str:
        return "library item" if self.is_item else ("session" if self.is_session else "capability")

    @property
    def caption(self) -> str:
        if isinstance(self.record, ProgrammeSession):
            return self.record.programme.title
        return "Library" if self.is_item else "Capability framework"

    def url(self, page: str, **values: Any) -> str:
        if isinstance(self.record, ProgrammeSession):
            return url_for(
                f"library.session_{page}",
                slug=self.record.programme.slug,
                month=self.record.number,
                **values,
            )
        prefix = "item" if self.is_item else "capability"
        return url_for(f"library.{prefix}_{page}", slug=self.record.slug, **values)

    @property
    def page_url(self) -> str:
        if isinstance(self.record, ProgrammeSession):
            return url_for(
                "curriculum.programme",
                slug=self.record.programme.slug,
                _anchor=f"session-{self.record.number}",
            )
        if self.is_item:
            return url_for("library.item", slug=self.record.slug)
        return url_for("assessment.framework", _anchor=self.record.slug)


def _item(slug: str) -> Editable[ContentItem]:
    item = services.item_by_slug(get_db(), slug)
    return Editable(authz.checked_or_404(item, current_user, "library:view", "content:edit"))


def _capability(slug: str) -> Editable[Capability]:
    capability = get_db().scalar(select(Capability).where(Capability.slug == slug))
    return Editable(
        authz.checked_or_404(capability, current_user, "framework:view", "content:edit")
    )


def previewing() -> bool:
    """ "Preview" was pressed (no JavaScript needed): show the text as it would read."""
    return request.method == "POST" and request.form.get("action") == "preview"


def opened(
    subject: Editable[Record], words: Callable[[Record], dict[str, Any]]
) -> dict[str, Any] | None:
    """What the editor opens with: on GET, the record's `words` and the version they are from;
    on POST, nothing (the form reads what was sent)."""
    if request.method != "GET":
        return None
    latest = versions.latest_number(get_db(), subject.record)
    return words(subject.record) | {"based_on": str(latest)}


def edit_page(
    subject: Editable[Any],
    form: VersionForm,
    save: Callable[[], object | None],
    template: str,
    field: str,
    **context: Any,
) -> Response | tuple[str, int]:
    """The one flow of every editor: "Preview" draws the form again as it would read (its
    fields checked, so a problem shows beside its field); "Save" calls `save` for a new version
    and goes back to the record's page. A broken rule shows beside `field`; when someone else
    saved first, the form says so and saving again puts this text after theirs."""
    preview = form if previewing() else None
    if preview is not None:
        form.validate()
    elif form.validate_on_submit():
        with shown_on(form, field):
            version = save()
            return done(
                f"Your changes to {subject.name} have been saved as a new version."
                if version is not None
                else "Nothing had changed, so no new version was saved.",
                subject.page_url,
                "message",
            )
        latest = versions.latest_number(get_db(), subject.record)
        if latest != form.based_on_number:
            form.based_on.data = str(latest)
    return render_form(template, form, subject=subject, preview=preview, **context)


def _item_words(item: ContentItem) -> dict[str, Any]:
    words = {name: getattr(item, name) for name in ("title", "summary", "minutes", "body")}
    return words | {"capabilities": [capability.slug for capability in item.capabilities]}


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def item_edit(slug: str) -> Response | tuple[str, int]:
    db = get_db()
    subject = _item(slug)
    form = ItemEditForm(data=opened(subject, _item_words))
    form.offer_capabilities(current_framework(db))

    def save() -> object | None:
        changes = editing.ItemChanges(
            title=form.title.data or "",
            summary=form.summary.data or "",
            minutes=form.minutes.data or 0,
            capabilities=list(form.capabilities.data or []),
            body=form.body.data or "",
        )
        based_on = form.based_on_number
        return editing.save_item(db, current_user, subject.record, changes, based_on, utcnow())

    return edit_page(subject, form, save, "library/edit_item.html", "body")


def _capability_words(capability: Capability) -> dict[str, Any]:
    levels = {name: capability.level_descriptor(level) for level, name in LEVEL_FIELDS.items()}
    return levels | {"description": capability.description}


@bp.route("/framework/<slug>/edit", methods=["GET", "POST"])
def capability_edit(slug: str) -> Response | tuple[str, int]:
    subject = _capability(slug)
    form = DescriptorEditForm(data=opened(subject, _capability_words))

    def save() -> object | None:
        changes = editing.DescriptorChanges(form.description.data or "", form.levels())
        return editing.save_descriptors(
            get_db(), current_user, subject.record, changes, form.based_on_number, utcnow()
        )

    return edit_page(
        subject,
        form,
        save,
        "library/edit_capability.html",
        "description",
        level_fields=LEVEL_FIELDS,
    )


def history_page(subject: Editable[Any]) -> str:
    db = get_db()
    page = versions.history(db, subject.record, page_number(request.args.get("page")))
    latest = versions.latest_number(db, subject.record)
    return render_template(
        "library/history.html", subject=subject, page=page, latest=latest, origins=VersionOrigin
    )


@bp.route("/<slug>/history")
def item_history(slug: str) -> str:
    return history_page(_item(slug))


@bp.route("/framework/<slug>/history")
def capability_history(slug: str) -> str:
    return history_page(_capability(slug))


def compare_page(subject: Editable[Any]) -> str | tuple[str, int]:
    db = get_db()
    latest = versions.latest_number(db, subject.record)
    form = CompareForm(request.args)
    form.offer(list(range(latest, 0, -1)))
    if not request.args:
        form.older.data, form.newer.data = max(latest - 1, 1), latest
    if latest == 0 or not form.validate():
        return render_form("library/compare.html", form, subject=subject, diff=None)
    older = versions.version(db, subject.record, form.older.data)
    newer = versions.version(db, subject.record, form.newer.data)
    if older is None or newer is None:
        abort(404)
    diff = versions.compare(older.text, newer.text)
    return render_template(
        "library/compare.html", form=form, subject=subject, diff=diff, older=older, newer=newer
    )


@bp.route("/<slug>/compare")
def item_compare(slug: str) -> str | tuple[str, int]:
    return compare_page(_item(slug))


@bp.route("/framework/<slug>/compare")
def capability_compare(slug: str) -> str | tuple[str, int]:
    return compare_page(_capability(slug))


def restore_page(subject: Editable[Any], number: int) -> Response | tuple[str, int]:
    db = get_db()
    old = versions.version(db, subject.record, number)
    if old is None:
        abort(404)
    latest = versions.latest_number(db, subject.record)
    form = VersionForm(data={"based_on": str(latest)} if request.method == "GET" else None)
    if form.validate_on_submit():
        with shown_on(form):
            editing.restore(
                db, current_user, subject.record, number, form.based_on_number, utcnow()
            )
            return done(
                f"Version {number} of {subject.name} has been restored as the newest version.",
                subject.url("history"),
                "message",
            )
        form.based_on.data = str(latest)
    current = editing.source_of(subject.record)
    diff = versions.compare(current, old.text)
    return render_form("library/restore.html", form, subject=subject, version=old, diff=diff)


@bp.route("/<slug>/versions/<id:number>/restore", methods=["GET", "POST"])
def item_restore(slug: str, number: int) -> Response | tuple[str, int]:
    return restore_page(_item(slug), number)


@bp.route("/framework/<slug>/versions/<id:number>/restore", methods=["GET", "POST"])
def capability_restore(slug: str, number: int) -> Response | tuple[str, int]:
    return restore_page(_capability(slug), number)


@bp.route("/framework/words")
def framework_words() -> str:
    """The capabilities whose words can be edited, by domain, with links to edit each."""
    authz.require(current_user, "content:edit")
    return render_template("library/framework.html", domains=current_framework(get_db()))
