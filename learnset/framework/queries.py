"""The framework as people rate it today."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, load_only

from learnset.db import plain_rows
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


@cache
def _named_capabilities() -> Select[CapabilityDomain, Capability]:
    """Built once: `current_capabilities` with what names and orders them only, not their words
    and level descriptors (three JSON columns a capability)."""
    return current_capabilities().options(
        load_only(CapabilityDomain.slug, CapabilityDomain.name, CapabilityDomain.position),
        load_only(Capability.slug, Capability.name, Capability.domain_id, Capability.position),
    )


def current_framework(db: Session, names_only: bool = False) -> list[DomainCapabilities]:
    """The domains and capabilities people rate today, in framework order (one query). With
    `names_only`, for a page that shows no more of them than their names: their other columns
    are left unloaded, and reading one would cost a statement."""
    domains: dict[int, DomainCapabilities] = {}
    query = _named_capabilities() if names_only else current_capabilities()
    for domain, capability in db.execute(query):
        domains.setdefault(domain.id, DomainCapabilities(domain)).capabilities.append(capability)
    return list(domains.values())


class NamedDomain(NamedTuple):
    """A current domain as a page that shows only its name sees it."""

    id: int
    slug: str
    name: str


class NamedCapability(NamedTuple):
    """A current capability as a page that shows only its name sees it."""

    id: int
    slug: str
    name: str


class DomainNames(NamedTuple):
    """A domain and its capabilities, in framework order."""

    domain: NamedDomain
    capabilities: tuple[NamedCapability, ...]


@cache
def _names() -> Select[int, str, str, int, str, str]:
    return current_capabilities().with_only_columns(
        CapabilityDomain.id,
        CapabilityDomain.slug,
        CapabilityDomain.name,
        Capability.id,
        Capability.slug,
        Capability.name,
    )


def framework_names(db: Session) -> tuple[DomainNames, ...]:
    """The current domains and capabilities with their ids, slugs and names, in framework order
    (one statement of plain rows, not ORM objects: a page that shows only names needs no
    more)."""
    domains: dict[int, tuple[NamedDomain, list[NamedCapability]]] = {}
    for domain_id, domain_slug, domain_name, capability_id, slug, name in plain_rows(db, _names()):
        entry = domains.setdefault(
            domain_id, (NamedDomain(domain_id, domain_slug, domain_name), [])
        )
        entry[1].append(NamedCapability(capability_id, slug, name))
    return tuple(
        DomainNames(domain, tuple(capabilities)) for domain, capabilities in domains.values()
    )


# The framework as a page that shows only names reads it: `framework_names`' plain rows, or
# `current_framework`'s objects (which have the same ids, slugs and names).
NamedFramework = Sequence[DomainNames] | Sequence[DomainCapabilities]


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
