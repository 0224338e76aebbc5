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

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from learnset.content import (
    ContentError,
    Fields,
    Problem,
    SourceFile,
    read_source,
    split_front_matter,
    used_before,
)
from learnset.curriculum import loading as programme_loading
from learnset.curriculum.reading import ProgrammeSpec, read_programmes
from learnset.db import column_length
from learnset.framework import loading
from learnset.framework.models import Capability
from learnset.library import coverage
from learnset.library.models import ContentItem, ContentKind

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
OUTCOMES = ("added", "updated", "restored", "archived", "unchanged")


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

    def note(self, category: str, outcome: str) -> None:
        self.counts[category][outcome] += 1

    def count(self, category: str, outcome: str) -> int:
        return self.counts[category][outcome]

    @property
    def changed(self) -> bool:
        return any(
            count for counter in self.counts.values() for outcome, count in counter.items()
            if outcome != "unchanged"
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
        return lines


def _item(
    source: SourceFile, folder_kind: ContentKind, known: set[str], problems: list[Problem]
) -> ItemSpec | None:
    parts = split_front_matter(source, problems)
    if parts is None:
        return None
    data, body = parts
    fields = Fields(data, source.path, problems)
    fields.only(ITEM_FIELDS)
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
    db: Session, specs: list[ProgrammeSpec], now: datetime, note: loading.Note
) -> None:
    """Load the programmes after the library, so their running orders can point at its items."""
    items = {item.slug: item for item in db.scalars(select(ContentItem))}
    programme_loading.load_programmes(db, specs, items, now, note)


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
    note: loading.Note,
) -> None:
    """Match the library to the item files: slugs keep ids; a missing file archives its item."""
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
            outcome = "added"
        else:
            changed = item.content_hash != spec.content_hash
            if changed:
                _fill(item, spec, capabilities)
                item.updated_at = now
            outcome = "restored" if item.archived_at else ("updated" if changed else "unchanged")
            item.archived_at = None
        item.source_path = spec.source_path
        note(spec.kind, outcome)
    present = {spec.slug for spec in specs}
    for slug, item in stored.items():
        if item.archived_at is None and slug not in present:
            item.archived_at = now
            note(item.kind, "archived")
    db.flush()


def sync_content(db: Session, root: Path, now: datetime) -> SyncReport:
    """Make the framework and library match content/; any broken file means no change at all."""
    content = read_content(root)
    report = SyncReport()
    capabilities = loading.load_framework(db, content.domains, now, report.note)
    load_items(db, content.items, capabilities, now, report.note)
    sync_programmes(db, content.programmes, now, report.note)
    developed = {slug for item in content.items for slug in item.capabilities}
    report.undeveloped = [slug for slug in capabilities if slug not in developed]
    return report
