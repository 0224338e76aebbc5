"""The framework page: each capability with the library items that develop it, and the
capabilities grouped by Healthcare Leadership Model dimension."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_
from sqlalchemy.orm import Session, load_only

from learnset.framework.models import LEADERSHIP_DIMENSIONS, Capability, CapabilityDomain
from learnset.framework.queries import current_capabilities
from learnset.library.models import ContentItem, content_item_capabilities, library_order


@dataclass
class CapabilityOverview:
    capability: Capability
    items: list[ContentItem] = field(default_factory=list)


@dataclass
class DomainOverview:
    domain: CapabilityDomain
    capabilities: list[CapabilityOverview] = field(default_factory=list)


def framework_overview(db: Session) -> list[DomainOverview]:
    """The current framework, each capability with the library items that develop it (one query)."""
    rows = db.execute(
        current_capabilities()
        .add_columns(ContentItem)
        .outerjoin(
            content_item_capabilities,
            content_item_capabilities.c.capability_id == Capability.id,
        )
        .outerjoin(
            ContentItem,
            and_(
                ContentItem.id == content_item_capabilities.c.content_item_id,
                ContentItem.archived_at.is_(None),
            ),
        )
        .order_by(*library_order())
        .options(load_only(ContentItem.slug, ContentItem.kind, ContentItem.title))
    )
    domains: dict[int, DomainOverview] = {}
    capabilities: dict[int, CapabilityOverview] = {}
    for domain, capability, item in rows:
        if domain.id not in domains:
            domains[domain.id] = DomainOverview(domain)
        if capability.id not in capabilities:
            capabilities[capability.id] = CapabilityOverview(capability)
            domains[domain.id].capabilities.append(capabilities[capability.id])
        if item is not None:
            capabilities[capability.id].items.append(item)
    return list(domains.values())


def capabilities_by_dimension(
    overview: list[DomainOverview],
) -> list[tuple[str, list[Capability]]]:
    """Each Healthcare Leadership Model dimension with the capabilities that relate to it."""
    return [
        (
            dimension,
            [
                entry.capability
                for domain in overview
                for entry in domain.capabilities
                if dimension in entry.capability.leadership_dimensions
            ],
        )
        for dimension in LEADERSHIP_DIMENSIONS
    ]
