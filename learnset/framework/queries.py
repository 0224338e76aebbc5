"""The framework as people rate it today."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from learnset.framework.models import Capability, CapabilityDomain


@dataclass
class DomainCapabilities:
    domain: CapabilityDomain
    capabilities: list[Capability] = field(default_factory=list)


@cache
def current_capabilities() -> Select[CapabilityDomain, Capability]:
    """Each current capability with its domain, in framework order: the query to add to (built
    once; a statement is never changed in place)."""
    return (
        select(CapabilityDomain, Capability)
        .join(Capability, Capability.domain_id == CapabilityDomain.id)
        .where(CapabilityDomain.archived_at.is_(None), Capability.archived_at.is_(None))
        .order_by(
            CapabilityDomain.position, CapabilityDomain.id, Capability.position, Capability.id
        )
    )


def current_framework(db: Session) -> list[DomainCapabilities]:
    """The domains and capabilities people rate today, in framework order (one query)."""
    domains: dict[int, DomainCapabilities] = {}
    for domain, capability in db.execute(current_capabilities()):
        domains.setdefault(domain.id, DomainCapabilities(domain)).capabilities.append(capability)
    return list(domains.values())


class CapabilityChoice(NamedTuple):
    """A current capability as a filter offers it, under its domain's name."""

    domain: str
    slug: str
    name: str


@cache
def _capability_choices() -> Select[str, str, str]:
    return current_capabilities().with_only_columns(
        CapabilityDomain.name, Capability.slug, Capability.name
    )


def capability_choices(db: Session) -> list[CapabilityChoice]:
    """The current capabilities' slugs and names with their domains' names, in framework order
    (one query of plain rows: a filter needs no framework objects)."""
    return [CapabilityChoice(*row) for row in db.execute(_capability_choices())]
