"""Every feature's models, imported once for Alembic, the shell and the tests."""

from learnset.accounts.models import User
from learnset.assessment.models import (
    Capability,
    CapabilityDomain,
    CheckInReminder,
    LearningFocus,
    Rating,
    SelfAssessment,
)
from learnset.cohorts.models import Cohort, CohortStatus, Invitation, Membership, Role
from learnset.db import Base
from learnset.library.models import ContentItem, ContentKind, content_item_capabilities
from learnset.meetings.models import Meeting, MeetingItem, MeetingStatus

__all__ = [
    "Base",
    "Capability",
    "CapabilityDomain",
    "CheckInReminder",
    "Cohort",
    "CohortStatus",
    "ContentItem",
    "ContentKind",
    "Invitation",
    "LearningFocus",
    "Meeting",
    "MeetingItem",
    "MeetingStatus",
    "Membership",
    "Rating",
    "Role",
    "SelfAssessment",
    "User",
    "content_item_capabilities",
]
