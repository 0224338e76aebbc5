"""The framework's tables: domains and the capabilities people rate, with each level's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnset.db import Model

# The NHS Healthcare Leadership Model's nine dimensions, the language appraisers already know.
LEADERSHIP_DIMENSIONS = (
    "Inspiring shared purpose",
    "Leading with care",
    "Evaluating information",
    "Connecting our service",
    "Sharing the vision",
    "Engaging the team",
    "Holding to account",
    "Developing capability",
    "Influencing for results",
)
LEVELS = (1, 2, 3, 4, 5)

# The ladder every capability shares; each capability words its own descriptor for each step.
LEVEL_NAMES = {
    1: "New to this",
    2: "Beginning to, with support",
    3: "Does this reliably in familiar settings",
    4: "Does this in unfamiliar or contested settings",
    5: "Does this under pressure and helps others to",
}


@dataclass(frozen=True)
class Levels:
    """Where someone rates themselves on a capability now, and where they aim to be."""

    current: int
    target: int

    @property
    def gap(self) -> int:
        """How far the target is from now: negative when they are beyond it."""
        return self.target - self.current


class CapabilityDomain(Model):
    """A domain of the capability framework, loaded from content/framework/."""

    __tablename__ = "capability_domains"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Set when its file disappears; never deleted, since ratings point at its capabilities.
    archived_at: Mapped[datetime | None]

    capabilities: Mapped[list[Capability]] = relationship(
        back_populates="domain", order_by="Capability.position"
    )


class Capability(Model):
    """One capability a participant rates from 1 to 5; its slug stays stable once released."""

    __tablename__ = "capabilities"

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("capability_domains.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    # Set when its words are saved in the app, cleared when a sync finds the files agree or
    # takes the files' words; while set, a sync keeps the app's words unless told otherwise.
    edited_in_app_at: Mapped[datetime | None]
    position: Mapped[int] = mapped_column(Integer, default=0)
    leadership_dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Descriptors for levels 1 to 5, keyed by the level as a string ("1" to "5").
    levels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # One or two examples of evidence a person could point to at each level, keyed as levels.
    level_evidence: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    archived_at: Mapped[datetime | None]

    domain: Mapped[CapabilityDomain] = relationship(back_populates="capabilities")

    def level_descriptor(self, level: int) -> str:
        return self.levels.get(str(level), "")

    def evidence_examples(self, level: int) -> list[str]:
        return list(self.level_evidence.get(str(level), []))
