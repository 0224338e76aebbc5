from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from learnset.db import Base


class EngagementStamp(Base):
    """A set's engagement stamp: a random number that the database itself changes, by trigger
    (migration 56a521c43f6b), whenever a row the engagement counts read is added, deleted or
    changed in a column they read. Never written by the app; read before the counts, so counts
    kept under a stamp are never older than it (engagement.py)."""

    __tablename__ = "engagement_stamps"

    # No foreign key: a set's row outlives it, so its stamp never comes round again.
    cohort_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)
