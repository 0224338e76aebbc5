"""The content sync: content/ into the database in one transaction, or not at all.

Every file is read and checked before anything is written, so one broken file stops the
whole sync with every problem listed. Records are matched by slug, so ids (and everything
that points at them: sessions, reflections, ratings) survive edits. Nothing is deleted:
a record whose file has gone is archived, and restored if the file comes back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from learnset.content import (
    ContentError,
    Fields,
    Problem,
    SourceFile,
    front_matter_fields,
    read_source,
    used_before,
)
from learnset.content_text import item_text
from learnset.curriculum import loading as programme_loading
from learnset.curriculum.models import Programme
from learnset.curriculum.reading import ProgrammeSpec, read_programmes
from learnset.curriculum.texts import session_text
from learnset.db import column_length
from learnset.framework import loading
from learnset.framework.models import Capability
from learnset.library import coverage, versions
from learnset.library.models import ContentItem, ContentKind, VersionOrigin

# Only these folders are read: anything else in content/ (its README) is for people.
ITEM_FOLDERS = {
    "theory": ContentKind.THEORY,
    "exercises": ContentKind.EXERCISE,
    "methods": ContentKind.METHOD,
    "case-studies": ContentKind.CASE_STUDY,
}
ITEM_FIELDS = ("slug", "kind", "title", "summary", "minutes", "capabilities", "sources")
# Library pages whose address an item's would hide.
RESERVED_SLUGS = {"sources"}
# One citation: author, year and title is plenty; a longer entry is a paste gone wrong.
SOURCE_LENGTH = 300
CATEGORIES = {
    "domain": "Capability domains",
    "capability": "Capabilities",
    **dict(ContentKind.plural_pairs()),
    "programme": "Programmes",
}
# "kept": edited in the app since the last sync and left as the app has it.
OUTCOMES = ("added", "updated", "restored", "archived", "kept", "unchanged")


@dataclass(frozen=True)
class ItemSpec:
    slug: str
    kind: str
    title: str
    summary: str
    minutes: int
    capabilities: list[str]
    sources: list[str]
    body: str
    source_path: str
    content_hash: str


@dataclass(frozen=True)
class Content:
    domains: list[loading.DomainSpec]
    items: list[ItemSpec]
    programmes: list[ProgrammeSpec] = field(default_factory=list)


@dataclass
class SyncReport:
    """What the sync did, counted per category and outcome."""

    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {category: Counter() for category in CATEGORIES}
    )
    # Capabilities no library item develops yet: worth knowing, not worth refusing.
    undeveloped: list[str] = field(default_factory=list)
    # Edited in the app since the last sync: left as the app has them, or (with overwrite)
    # replaced by the files' words.
    kept: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)

    def note(self, category: str, outcome: str) -> None:
        self.counts[category][outcome] += 1

    def count(self, category: str, outcome: str) -> int:
        return self.counts[category][outcome]

    @property
    def changed(self) -> bool:
        """Whether the sync changed anything (keeping an edit made in the app changes nothing)."""
        return any(
            count for counter in self.counts.values() for outcome, count in counter.items()
            if outcome not in ("unchanged", "kept")
        )  # fmt: skip

    def lines(self) -> list[str]:
        lines = []
        for category, label in CATEGORIES.items():
            counter = self.counts[category]
            if category == "programme" and not counter:
                continue  # a content folder need not hold programmes
            parts = [f"{counter[outcome]} {outcome}" for outcome in OUTCOMES if counter[outcome]]
            lines.append(f"{label}: {', '.join(parts) if parts else 'none'}.")
        if self.undeveloped:
            lines.append(
                f"No library item develops these capabilities yet: {', '.join(self.undeveloped)}."
            )
        lines += edited_in_app_lines(self)
        return lines


def _item(
    source: SourceFile, folder_kind: ContentKind, known: set[str], problems: list[Problem]
) -> ItemSpec | None:
    parts = front_matter_fields(source, ITEM_FIELDS, problems)
    if parts is None:
        return None
    fields, body = parts
    slug = fields.slug("slug", column_length(ContentItem, "slug"))
    file_slug = Path(source.path).stem
    if slug and slug != file_slug:
        fields.problem(f"the slug '{slug}' does not match the file name '{file_slug}.md'")
    if slug in known:
        fields.problem(f"the slug '{slug}' is a capability's slug; choose another for the item")
    if slug in RESERVED_SLUGS:
        fields.problem(f"the slug '{slug}' names a library page; choose another for the item")
    kind = fields.text("kind", column_length(ContentItem, "kind"))
    kinds = [k.value for k in ContentKind]
    if kind and kind not in kinds:
        fields.problem(f"'kind' must be one of {', '.join(kinds)}, not '{kind}'")
    elif kind and kind != folder_kind:
        folder = source.path.split("/", 1)[0]
        fields.problem(f"'kind' is '{kind}' but files in {folder}/ are of kind '{folder_kind}'")
    capabilities = fields.text_list("capabilities", "capability")
    for slug_named in capabilities:
        if slug_named not in known:
            fields.problem(f"unknown capability '{slug_named}' (it is not in the framework)")
    sources = item_sources(fields)
    spec = ItemSpec(
        slug=slug,
        kind=kind,
        title=fields.text("title", column_length(ContentItem, "title")),
        summary=fields.text("summary", column_length(ContentItem, "summary")),
        minutes=fields.whole_number("minutes", minimum=1) or 0,
        capabilities=capabilities,
        sources=sources,
        body=body,
        source_path=source.path,
        content_hash=source.content_hash,
    )
    if not body:
        fields.problem("there is no text after the front matter")
    return spec


def item_sources(fields: Fields) -> list[str]:
    """The works an item draws on: every item credits at least one, each a line of text."""
    if fields.data.get("sources") is None:
        fields.problem(
            "the item credits no sources: add a 'sources:' list naming the works it draws on"
        )
        return []
    sources = fields.text_list("sources", "source")
    for source in sources:
        if not source:
            fields.problem("'sources' has an empty entry")
        elif len(source) > SOURCE_LENGTH:
            fields.problem(
                f"each source must be {SOURCE_LENGTH} characters or fewer (one has {len(source)})"
            )
    return sources


def read_items(root: Path, known: set[str], problems: list[Problem]) -> list[ItemSpec]:
    """Every library item in the item folders, checked against the known capabilities."""
    items: list[ItemSpec] = []
    for folder, kind in ITEM_FOLDERS.items():
        if not (root / folder).is_dir():
            # Refuse rather than archive a whole kind because of a mistyped CONTENT_DIR.
            problems.append(Problem(f"{folder}/", f"the {folder} folder is missing"))
            continue
        for path in sorted((root / folder).glob("*.md")):
            source = read_source(root, path, problems)
            item = _item(source, kind, known, problems) if source else None
            if item is not None:
                items.append(item)
    first_use: dict[str, str] = {}
    for item in items:
        if earlier := used_before(item.slug, item.source_path, first_use):
            problems.append(
                Problem(item.source_path, f"the slug '{item.slug}' is also used by {earlier}")
            )
    return items


def read_content(root: Path) -> Content:
    """The framework and library files, checked; raises ContentError listing every problem."""
    if not root.is_dir():
        raise ContentError([Problem(str(root), "the content folder does not exist")])
    problems: list[Problem] = []
    domains = loading.read_framework(root, problems)
    known = {capability.slug for domain in domains for capability in domain.capabilities}
    items = read_items(root, known, problems)
    coverage.check_coverage(root, {item.slug for item in items}, problems)
    programmes = read_programmes_against(root, items, known, problems)
    if problems:
        raise ContentError(problems)
    return Content(domains, items, programmes)


def read_programmes_against(
    root: Path, items: list[ItemSpec], known: set[str], problems: list[Problem]
) -> list[ProgrammeSpec]:
    """The programmes in content/programme/, checked against the item files just read (so an
    item whose file has gone is missing here too) and the framework's capabilities."""
    return read_programmes(root, {item.slug: item.minutes for item in items}, known, problems)


def sync_programmes(
    db: Session,
    specs: list[ProgrammeSpec],
    now: datetime,
    report: SyncReport,
    overwrite: bool = False,
) -> None:
    """Load the programmes after the library, so their running orders can point at its items.
    A session edited in the app since the last sync keeps its words unless `overwrite`; every
    change of a session's words is a version."""
    items = {item.slug: item for item in db.scalars(select(ContentItem))}
    stored = {programme.slug: programme for programme in db.scalars(select(Programme))}
    keep: set[tuple[str, int]] = set()
    changed: dict[tuple[str, int], str] = {}
    for spec in specs:
        sessions = {s.number: s for s in stored[spec.slug].sessions} if spec.slug in stored else {}
        for session_spec in spec.sessions:
            session = sessions.get(session_spec.number)
            if session is None:
                continue
            in_app, in_file = session_text(session), session_text(session_spec)
            if in_app == in_file:
                continue
            if session.edited_in_app_at is not None:
                if not overwrite:
                    keep.add((spec.slug, session.number))
                    report.kept.append(session_spec.source_path)
                    continue
                report.overwritten.append(session_spec.source_path)
            versions.ensure_first_version(db, session, in_app, spec_time(session, now))
            changed[(spec.slug, session.number)] = in_file
        # A session edited in the app whose file has gone is kept too, unless `overwrite`.
        in_files = {session_spec.number for session_spec in spec.sessions}
        for number, session in sessions.items():
            if number not in in_files and session.edited_in_app_at is not None:
                gone = f"{session.source_path} (its file has gone)"
                if overwrite:
                    report.overwritten.append(gone)
                else:
                    keep.add((spec.slug, number))
                    report.kept.append(gone)
    current = programme_loading.load_programmes(db, specs, items, now, report.note, frozenset(keep))
    for (slug, number), text in changed.items():
        session = next(s for s in current[slug].sessions if s.number == number)
        versions.add_version(db, session, text, VersionOrigin.SYNCED, None, now)


def spec_time(session: Any, now: datetime) -> datetime:
    """When a session's words as they stand were loaded: its programme's last change."""
    updated: datetime | None = session.programme.updated_at
    return updated or now


def _fill(item: ContentItem, spec: ItemSpec, capabilities: dict[str, Capability]) -> None:
    item.kind = spec.kind
    item.title = spec.title
    item.summary = spec.summary
    item.minutes = spec.minutes
    item.body = spec.body
    item.sources = list(spec.sources)
    item.content_hash = spec.content_hash
    item.capabilities = [capabilities[slug] for slug in spec.capabilities]


def load_items(
    db: Session,
    specs: list[ItemSpec],
    capabilities: dict[str, Capability],
    now: datetime,
    report: SyncReport,
    overwrite: bool = False,
) -> None:
    """Match the library to the item files: slugs keep ids; a missing file archives its item;
    an item edited in the app keeps its words unless `overwrite` says to take the files'."""
    note = report.note
    stored = {
        item.slug: item
        for item in db.scalars(select(ContentItem).options(selectinload(ContentItem.capabilities)))
    }
    for spec in specs:
        item = stored.get(spec.slug)
        if item is None:
            item = ContentItem(slug=spec.slug, created_at=now, updated_at=now)
            _fill(item, spec, capabilities)
            db.add(item)
            db.flush()
            versions.add_version(db, item, item_source(spec), VersionOrigin.SYNCED, None, now)
            outcome = "added"
        else:
            outcome = _load_item_from_file(db, item, spec, capabilities, now, report, overwrite)
        item.source_path = spec.source_path
        note(spec.kind, outcome)
    for item in loading.archive_gone(stored, {spec.slug for spec in specs}, now):
        note(item.kind, "archived")
    db.flush()


def sync_content(db: Session, root: Path, now: datetime, overwrite: bool = False) -> SyncReport:
    """Make the framework and library match content/; any broken file means no change at all.
    What was edited in the app since the last sync is kept, and listed, unless `overwrite`."""
    content = read_content(root)
    report = SyncReport()
    capabilities = load_framework_keeping_edits(db, content.domains, now, report, overwrite)
    load_items(db, content.items, capabilities, now, report, overwrite)
    sync_programmes(db, content.programmes, now, report, overwrite)
    developed = {slug for item in content.items for slug in item.capabilities}
    report.undeveloped = [slug for slug in capabilities if slug not in developed]
    return report


# --- Edits made in the app ---------------------------------------------------------------------
# The files and the app are compared by the text an export would write, so a file exported from
# the app and synced back is unchanged, however its bytes were laid out.


def item_front_matter(item: Any) -> dict[str, Any]:
    """An item's front matter, field by field as the files name them (capabilities by slug),
    from a stored item or from one read from a file."""
    values: dict[str, Any] = {}
    for name in ITEM_FIELDS:
        value = getattr(item, name)
        if name == "capabilities":
            # The database keeps which capabilities, not the order a file gave them in.
            value = sorted(entry if isinstance(entry, str) else entry.slug for entry in value)
        values[name] = value
    return values


def item_source(item: Any) -> str:
    """An item's whole text as its file holds it: what the app versions and exports."""
    return item_text(item_front_matter(item), item.body)


def item_file_path(item: ContentItem) -> str:
    """Where in content/ the item's file belongs: its kind's folder, named by its slug."""
    folder = {kind: folder for folder, kind in ITEM_FOLDERS.items()}[ContentKind(item.kind)]
    return f"{folder}/{item.slug}.md"


def _load_item_from_file(
    db: Session,
    item: ContentItem,
    spec: ItemSpec,
    capabilities: dict[str, Capability],
    now: datetime,
    report: SyncReport,
    overwrite: bool,
) -> str:
    """Bring a stored item in line with its file, unless it was edited in the app since the
    last sync (then keep it, unless told to overwrite); every change is a version."""
    restored = item.archived_at is not None
    item.archived_at = None
    in_app, in_file = item_source(item), item_source(spec)
    if in_app == in_file:
        item.content_hash = spec.content_hash
        item.edited_in_app_at = None
        return "restored" if restored else "unchanged"
    if item.edited_in_app_at is not None:
        if not overwrite:
            report.kept.append(spec.source_path)
            return "kept"
        report.overwritten.append(spec.source_path)
    versions.ensure_first_version(db, item, in_app, item.updated_at)
    _fill(item, spec, capabilities)
    item.updated_at = now
    item.edited_in_app_at = None
    versions.add_version(db, item, in_file, VersionOrigin.SYNCED, None, now)
    return "restored" if restored else "updated"


def load_framework_keeping_edits(
    db: Session,
    domains: list[loading.DomainSpec],
    now: datetime,
    report: SyncReport,
    overwrite: bool,
) -> dict[str, Capability]:
    """The framework sync, keeping the words of capabilities edited in the app since the last
    sync (unless `overwrite`), and recording every change of words as a version."""
    stored = {capability.slug: capability for capability in db.scalars(select(Capability))}
    keep: set[str] = set()
    changed: dict[str, str] = {}
    for domain in domains:
        for spec in domain.capabilities:
            capability = stored.get(spec.slug)
            in_file = loading.capability_source(spec)
            if capability is None:
                changed[spec.slug] = in_file
                continue
            in_app = loading.capability_source(capability)
            if in_app == in_file:
                capability.edited_in_app_at = None
            elif capability.edited_in_app_at is not None and not overwrite:
                keep.add(spec.slug)
                report.kept.append(f"{domain.source_path} ({spec.slug})")
            else:
                if capability.edited_in_app_at is not None:
                    report.overwritten.append(f"{domain.source_path} ({spec.slug})")
                versions.ensure_first_version(db, capability, in_app, now)
                capability.edited_in_app_at = None
                changed[spec.slug] = in_file
    current = loading.load_framework(db, domains, now, report.note, frozenset(keep))
    for slug, text in changed.items():
        versions.add_version(db, current[slug], text, VersionOrigin.SYNCED, None, now)
    return current


def edited_in_app_lines(report: SyncReport) -> list[str]:
    lines = []
    if report.kept:
        lines.append(
            "Kept as edited in the app (not overwritten): "
            + ", ".join(report.kept)
            + ". Run flask content export to write them to the files, or sync with"
            " --overwrite to take the files' version."
        )
    if report.overwritten:
        lines.append(
            "Edited in the app, now replaced by the files' version (the app's is kept in the"
            " history): " + ", ".join(report.overwritten) + "."
        )
    return lines
