"""The capability framework as files: content/framework/*.yaml, read, checked and loaded.

Each file is one domain and its capabilities (content/README.md gives the format). Slugs are
the identity: a capability keeps its id, and so its ratings, however its words change.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnset.content import Fields, Problem, SourceFile, parse_yaml, read_source, used_before
from learnset.content_text import capability_text
from learnset.db import column_length
from learnset.framework.models import LEADERSHIP_DIMENSIONS, LEVELS, Capability, CapabilityDomain

FRAMEWORK_FOLDER = "framework"
DOMAIN_FIELDS = ("slug", "name", "position", "description", "capabilities")
CAPABILITY_FIELDS = (
    "slug",
    "name",
    "description",
    "leadership_dimensions",
    "levels",
    "evidence",
)
# Evidence examples: one or two a level, each a sentence someone could point to.
EVIDENCE_PER_LEVEL = (1, 2)
EVIDENCE_LENGTH = 300
# Descriptions are Text columns; a limit still catches a runaway paste or a broken indent.
LONG_TEXT = 5000

# Called with a category ("domain", "capability") and an outcome ("added", "updated", ...).
Note = Callable[[str, str], None]
Loaded = TypeVar("Loaded", CapabilityDomain, Capability)
# Anything loaded from the content folder by slug, and archived when its file has gone.
Archived = TypeVar("Archived", bound="Archivable")


class Archivable(Protocol):
    archived_at: datetime | None


@dataclass(frozen=True)
class CapabilitySpec:
    slug: str
    name: str
    description: str
    position: int
    leadership_dimensions: list[str]
    levels: dict[str, str]
    level_evidence: dict[str, list[str]]


@dataclass(frozen=True)
class DomainSpec:
    slug: str
    name: str
    description: str
    position: int
    capabilities: list[CapabilitySpec]
    source_path: str


# Where a field of the files is kept under another name on the spec and the model.
STORED_AS = {"evidence": "level_evidence"}


def stored_name(field: str) -> str:
    """The attribute holding a capability's field, on a CapabilitySpec and on a Capability."""
    return STORED_AS.get(field, field)


def capability_fields(capability: Any) -> dict[str, Any]:
    """A capability's entry in its domain's file, field by field as the files name them, from
    a stored capability or from one read from a file: what the app versions and exports.
    Mappings keyed by level ("1" to "5" when stored) are keyed 1 to 5, as the files write them."""
    values: dict[str, Any] = {}
    for name in CAPABILITY_FIELDS:
        value = getattr(capability, stored_name(name))
        if isinstance(value, dict):
            value = dict(sorted((int(level), entry) for level, entry in value.items()))
        values[name] = value
    return values


def capability_source(capability: Any) -> str:
    """A capability's entry as its domain's file would hold it."""
    return capability_text(capability_fields(capability))


def domain_from_text(path: str, text: str) -> DomainSpec | None:
    """A domain file's text read as the sync reads it, or None if it has any problem."""
    problems: list[Problem] = []
    domain = _domain(SourceFile(path, text, ""), 1, problems)
    return None if problems else domain


def _levels(fields: Fields) -> dict[str, str]:
    raw = fields.data.get("levels")
    if not isinstance(raw, dict):
        fields.problem("'levels' must give a descriptor for each level from 1 to 5")
        return {}
    given = {str(key): value for key, value in raw.items()}
    levels: dict[str, str] = {}
    for level in (str(level) for level in LEVELS):
        value = given.pop(level, None)
        if not isinstance(value, str) or not value.strip():
            fields.problem(f"'levels' has no descriptor for level {level}")
        elif len(value.strip()) > LONG_TEXT:
            fields.problem(f"'levels' for level {level} must be {LONG_TEXT} characters or fewer")
        else:
            levels[level] = value.strip()
    for extra in sorted(given):
        fields.problem(f"'levels' has a level '{extra}'; the levels are 1 to 5")
    return levels


def level_evidence(fields: Fields) -> dict[str, list[str]]:
    """For each level 1 to 5, one or two examples of evidence a person could point to."""
    raw = fields.data.get("evidence")
    if not isinstance(raw, dict):
        fields.problem(
            "'evidence' must give one or two examples of evidence for each level from 1 to 5"
        )
        return {}
    given = {str(key): value for key, value in raw.items()}
    evidence: dict[str, list[str]] = {}
    low, high = EVIDENCE_PER_LEVEL
    for level in (str(level) for level in LEVELS):
        value = given.pop(level, None)
        if isinstance(value, str):
            value = [value]
        examples = (
            [entry.strip() for entry in value if isinstance(entry, str) and entry.strip()]
            if isinstance(value, list)
            else []
        )
        if not isinstance(value, list) or len(examples) != len(value) or not examples:
            fields.problem(f"'evidence' has no examples for level {level}")
        elif not low <= len(examples) <= high:
            fields.problem(
                f"'evidence' for level {level} gives {len(examples)} examples; give one or two"
            )
        elif any(len(example) > EVIDENCE_LENGTH for example in examples):
            fields.problem(
                f"'evidence' for level {level}: each example must be {EVIDENCE_LENGTH} "
                "characters or fewer"
            )
        else:
            evidence[level] = examples
    for extra in sorted(given):
        fields.problem(f"'evidence' has a level '{extra}'; the levels are 1 to 5")
    return evidence


def _dimensions(fields: Fields) -> list[str]:
    dimensions = fields.text_list("leadership_dimensions", "Healthcare Leadership Model dimension")
    for dimension in dimensions:
        if dimension not in LEADERSHIP_DIMENSIONS:
            fields.problem(
                f"unknown leadership dimension '{dimension}' "
                f"(the nine are: {', '.join(LEADERSHIP_DIMENSIONS)})"
            )
    return dimensions


def _capability(raw: Any, index: int, path: str, problems: list[Problem]) -> CapabilitySpec | None:
    if not isinstance(raw, dict):
        problems.append(Problem(path, f"capability {index} must be a set of 'field: value' lines"))
        return None
    label = (
        f"capability '{raw['slug']}'" if isinstance(raw.get("slug"), str) else f"capability {index}"
    )
    fields = Fields(raw, path, problems, where=label)
    fields.only(CAPABILITY_FIELDS)
    return CapabilitySpec(
        slug=fields.slug("slug", column_length(Capability, "slug")),
        name=fields.text("name", column_length(Capability, "name")),
        description=fields.text("description", LONG_TEXT),
        position=index,
        leadership_dimensions=_dimensions(fields),
        levels=_levels(fields),
        level_evidence=level_evidence(fields),
    )


def _domain(source: SourceFile, file_index: int, problems: list[Problem]) -> DomainSpec | None:
    data = parse_yaml(source.text, source.path, problems)
    if data is None:
        return None
    fields = Fields(data, source.path, problems)
    fields.only(DOMAIN_FIELDS)
    slug = fields.slug("slug", column_length(CapabilityDomain, "slug"))
    name = fields.text("name", column_length(CapabilityDomain, "name"))
    description = fields.text("description", LONG_TEXT)
    position = fields.whole_number("position", minimum=0, required=False)
    raw_capabilities = data.get("capabilities")
    capabilities: list[CapabilitySpec] = []
    if not isinstance(raw_capabilities, list) or not raw_capabilities:
        fields.problem("'capabilities' must list the domain's capabilities")
    else:
        for index, raw in enumerate(raw_capabilities, start=1):
            capability = _capability(raw, index, source.path, problems)
            if capability is not None:
                capabilities.append(capability)
    return DomainSpec(
        slug=slug,
        name=name,
        description=description,
        position=file_index if position is None else position,
        capabilities=capabilities,
        source_path=source.path,
    )


def read_framework(root: Path, problems: list[Problem]) -> list[DomainSpec]:
    """Every domain in content/framework/, checked; problems are added to the list given."""
    folder = root / FRAMEWORK_FOLDER
    if not folder.is_dir():
        problems.append(Problem(f"{FRAMEWORK_FOLDER}/", "the framework folder is missing"))
        return []
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not paths:
        problems.append(Problem(f"{FRAMEWORK_FOLDER}/", "there are no framework files (*.yaml)"))
    domains = []
    for file_index, path in enumerate(paths, start=1):
        source = read_source(root, path, problems)
        domain = _domain(source, file_index, problems) if source else None
        if domain is not None:
            domains.append(domain)
    _check_unique(domains, problems)
    return domains


def _check_unique(domains: list[DomainSpec], problems: list[Problem]) -> None:
    domain_paths: dict[str, str] = {}
    capability_paths: dict[str, str] = {}
    for domain in domains:
        if earlier := used_before(domain.slug, domain.source_path, domain_paths):
            problems.append(
                Problem(
                    domain.source_path,
                    f"the domain slug '{domain.slug}' is also used by {earlier}",
                )
            )
        for capability in domain.capabilities:
            if earlier := used_before(capability.slug, domain.source_path, capability_paths):
                problems.append(
                    Problem(
                        domain.source_path,
                        f"the capability slug '{capability.slug}' is used twice "
                        f"(also in {earlier})",
                    )
                )


def reconcile(record: Any, values: dict[str, Any]) -> str:
    """Bring a loaded record in line with its file; say whether it was restored, updated or not."""
    changed = any(getattr(record, key) != value for key, value in values.items())
    for key, value in values.items():
        setattr(record, key, value)
    restored = record.archived_at is not None
    record.archived_at = None
    if restored:
        return "restored"
    return "updated" if changed else "unchanged"


def archive_gone(
    stored: Mapping[str, Archived], present: Container[str], now: datetime
) -> list[Archived]:
    """Archive the stored records whose slug no file names any longer (their ids, and all that
    points at them, are kept); those newly archived, to be counted."""
    gone = [
        record
        for slug, record in stored.items()
        if record.archived_at is None and slug not in present
    ]
    for record in gone:
        record.archived_at = now
    return gone


def load_framework(
    db: Session,
    domains: list[DomainSpec],
    now: datetime,
    note: Note,
    keep: frozenset[str] = frozenset(),
) -> dict[str, Capability]:
    """Match the database to the framework files: slugs keep ids; what disappeared is archived.
    Capabilities named in `keep` (edited in the app) keep their words; only their place in the
    framework follows the files."""
    stored_domains = {domain.slug: domain for domain in db.scalars(select(CapabilityDomain))}
    stored_capabilities = {cap.slug: cap for cap in db.scalars(select(Capability))}
    current: dict[str, Capability] = {}
    for spec in domains:
        values = {"name": spec.name, "description": spec.description, "position": spec.position}
        domain = _add_or_update(
            db, "domain", CapabilityDomain, stored_domains, spec.slug, values, note
        )
        for capability_spec in spec.capabilities:
            current[capability_spec.slug] = _load_capability(
                db, capability_spec, domain, stored_capabilities, note, capability_spec.slug in keep
            )
    for _domain in archive_gone(stored_domains, {spec.slug for spec in domains}, now):
        note("domain", "archived")
    for _capability in archive_gone(stored_capabilities, current, now):
        note("capability", "archived")
    db.flush()
    return current


def _load_capability(
    db: Session,
    spec: CapabilitySpec,
    domain: CapabilityDomain,
    stored: dict[str, Capability],
    note: Note,
    keep_words: bool = False,
) -> Capability:
    values = {
        "name": spec.name,
        "description": spec.description,
        "position": spec.position,
        "leadership_dimensions": spec.leadership_dimensions,
        "levels": spec.levels,
        "level_evidence": spec.level_evidence,
        "domain": domain,
    }
    if keep_words:
        words = {stored_name(name) for name in CAPABILITY_FIELDS}
        values = {key: value for key, value in values.items() if key not in words}
        return _add_or_update(
            db, "capability", Capability, stored, spec.slug, values, lambda k, _o: note(k, "kept")
        )
    return _add_or_update(db, "capability", Capability, stored, spec.slug, values, note)


def _add_or_update(
    db: Session,
    kind: str,
    model: type[Loaded],
    stored: dict[str, Loaded],
    slug: str,
    values: dict[str, Any],
    note: Note,
) -> Loaded:
    """The stored domain or capability with this slug brought in line with its file, or a new
    one; the note says which kind it is and what happened to it."""
    record = stored.get(slug)
    if record is None:
        record = model(slug=slug, **values)
        db.add(record)
        note(kind, "added")
    else:
        note(kind, reconcile(record, values))
    return record
