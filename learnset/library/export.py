"""`flask content export`: the library, the framework and the programmes' sessions as the app
has them, written back to files in content/'s format, so edits made in the app can be committed
and the repository and the app stay in step. A sync of what export wrote changes nothing.

A file that already says what the app says is left exactly as it is (its wrapping and layout
included), so a commit after an export shows only what was edited in the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import ScalarResult, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from learnset.content import Problem, read_source, split_front_matter
from learnset.content_text import capability_text, domain_text, mapping_text
from learnset.curriculum.models import Programme, ProgrammeSession
from learnset.curriculum.reading import session_from_source
from learnset.curriculum.texts import session_text
from learnset.framework import loading
from learnset.framework.models import Capability, CapabilityDomain
from learnset.ids import number_in
from learnset.library import sync
from learnset.library.models import ContentItem, ContentKind

Exported = TypeVar("Exported", ContentItem, CapabilityDomain, Programme)


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    in_step: int = 0

    def lines(self) -> list[str]:
        lines = [f"{len(self.written)} file{'s' if len(self.written) != 1 else ''} written."]
        lines += [f"  {path}" for path in self.written]
        lines.append(f"{self.in_step} already matched the app and were left as they were.")
        return lines


def _write_unless_same(root: Path, path: str, text: str, same: bool, report: ExportReport) -> None:
    if same:
        report.in_step += 1
        return
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    report.written.append(path)


def _current(
    db: Session, model: type[Exported], order: list[Any], loaded: QueryableAttribute[Any]
) -> ScalarResult[Exported]:
    """What is exported of a kind: the rows not archived (an archived one's file was taken
    away), in `order`, each with its `loaded` relationship read in the same go."""
    return db.scalars(
        select(model)
        .where(model.archived_at.is_(None))
        .order_by(*order)
        .options(selectinload(loaded))
    )


def _item_path(item: ContentItem) -> str:
    return item.source_path or sync.item_file_path(item)


def _file_says(root: Path, path: str, known: set[str]) -> str | None:
    """What the file at path says, as the app would write it (None: no such file, or one that
    does not read as a library item)."""
    if not (root / path).is_file():
        return None
    problems: list[Problem] = []
    source = read_source(root, root / path, problems)
    if source is None or split_front_matter(source, problems) is None:
        return None
    kind = sync.ITEM_FOLDERS.get(path.split("/", 1)[0], ContentKind.THEORY)
    spec = sync._item(source, kind, known, problems)
    return None if spec is None else sync.item_source(spec)


def export_items(db: Session, root: Path, report: ExportReport) -> None:
    """Each item in the library (not archived ones: their files were taken away)."""
    known = set(db.scalars(select(Capability.slug)))
    for item in _current(db, ContentItem, [ContentItem.slug], ContentItem.capabilities):
        path = _item_path(item)
        text = sync.item_source(item)
        _write_unless_same(root, path, text, _file_says(root, path, known) == text, report)


def _domain_fields(domain: Any) -> dict[str, Any]:
    return {name: getattr(domain, name) for name in loading.DOMAIN_FIELDS if name != "capabilities"}


def _framework_files(root: Path) -> dict[str, tuple[str, str]]:
    """Each domain's file in the folder, by slug: its path and what it says, as the app would
    write it."""
    found: dict[str, tuple[str, str]] = {}
    if (root / loading.FRAMEWORK_FOLDER).is_dir():
        for spec in loading.read_framework(root, problems=[]):
            capabilities = [loading.capability_fields(c) for c in spec.capabilities]
            found[spec.slug] = (spec.source_path, domain_text(_domain_fields(spec), capabilities))
    return found


def export_framework(db: Session, root: Path, report: ExportReport) -> None:
    """Each domain of the framework, one file each, with its current capabilities in order."""
    files = _framework_files(root)
    order = [CapabilityDomain.position, CapabilityDomain.id]
    for domain in _current(db, CapabilityDomain, order, CapabilityDomain.capabilities):
        capabilities = [
            loading.capability_fields(capability)
            for capability in domain.capabilities
            if capability.archived_at is None
        ]
        text = domain_text(_domain_fields(domain), capabilities)
        path, says = files.get(domain.slug, (f"framework/{domain.position}-{domain.slug}.yaml", ""))
        if says != text and (root / path).is_file():
            text = _spliced((root / path).read_text(encoding="utf-8"), path, domain, text)
        _write_unless_same(root, path, text, says == text, report)


def _level_or_key(key: Any) -> Any:
    level = number_in(str(key))
    return key if level is None else level


def _plain(value: Any) -> Any:
    """A value as the sync keeps it: text stripped, levels numbered."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_plain(entry) for entry in value]
    if isinstance(value, dict):
        return {_level_or_key(k): _plain(v) for k, v in value.items()}
    return value


def _spliced(existing: str, path: str, domain: CapabilityDomain, whole: str) -> str:
    """The domain's file with only what changed rewritten: the capabilities (and the domain's
    own fields) that still say what the app says keep their lines as people wrapped them, so
    the diff of an export shows the edit and nothing else. `whole` (the file written afresh)
    is used whenever the file's layout is not the usual one, or the result would read wrong."""
    lines = existing.splitlines(keepends=True)
    if "capabilities:\n" not in lines:
        return whole
    start = lines.index("capabilities:\n")
    blocks: list[list[str]] = []
    for line in lines[start + 1 :]:
        if line.startswith("  - "):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
        elif line.strip():
            return whole
    kept: dict[str, tuple[str, Any]] = {}
    for block in blocks:
        text = "".join(block).rstrip("\n") + "\n"
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError:
            return whole
        if isinstance(raw, list) and raw and isinstance(raw[0], dict):
            kept[str(raw[0].get("slug"))] = (text, _plain(raw[0]))
    header = "".join(lines[:start])
    try:
        header_says = _plain(yaml.safe_load(header) or {})
    except yaml.YAMLError:
        return whole
    fields = _domain_fields(domain)
    if header_says != _plain(fields):
        header = mapping_text(fields, fold=frozenset({"description"})) + "\n"
    entries = []
    for capability in domain.capabilities:
        if capability.archived_at is not None:
            continue
        now = loading.capability_fields(capability)
        text, says = kept.get(capability.slug, ("", None))
        entries.append(text if says == _plain(now) else capability_text(now))
    text = header + "capabilities:\n" + "\n".join(entries)
    spec = loading.domain_from_text(path, text)
    if spec is None or domain_text(_domain_fields(spec), _capabilities_of(spec)) != whole:
        return whole
    return text


def _capabilities_of(spec: loading.DomainSpec) -> list[dict[str, Any]]:
    return [loading.capability_fields(capability) for capability in spec.capabilities]


def _session_file_says(root: Path, session: ProgrammeSession) -> str | None:
    """What a session's file says, as the app would write it (None: no such file, or one that
    does not read as a session)."""
    path = root / session.source_path
    if not session.source_path or not path.is_file():
        return None
    problems: list[Problem] = []
    source = read_source(root, path, problems)
    context = {"session_minutes": session.programme.session_minutes, "aim_slugs": set()}
    spec = session_from_source(source, context, {}, set(), problems) if source else None
    return None if spec is None else session_text(spec)


def export_programmes(db: Session, root: Path, report: ExportReport) -> None:
    """Each session of each current programme, one file each; programme.yaml is not edited in
    the app, so it is left alone."""
    for programme in _current(db, Programme, [Programme.slug], Programme.sessions):
        for session in programme.sessions:
            if not session.source_path:
                continue
            text = session_text(session)
            same = _session_file_says(root, session) == text
            _write_unless_same(root, session.source_path, text, same, report)


def export_content(db: Session, root: Path) -> ExportReport:
    """Write the framework, the library and the programmes' sessions into root, in content/'s
    layout and format."""
    report = ExportReport()
    export_framework(db, root, report)
    export_items(db, root, report)
    export_programmes(db, root, report)
    return report
