"""Every feature's models, imported once for Alembic, the shell and the tests."""

from learnset.accounts.models import User
from learnset.assessment.models import Capability, CapabilityDomain
from learnset.cohorts.models import Cohort, CohortStatus, Invitation, Membership, Role
from learnset.db import Base
from learnset.library.models import ContentItem, ContentKind, content_item_capabilities
from learnset.meetings.models import Meeting, MeetingItem, MeetingStatus
from learnset.reflections.models import (
    Reflection,
    ReflectionComment,
    ReflectionDraft,
    ReflectionPart,
    ReflectionRescue,
    ReflectionVersion,
    Visibility,
    reflection_capabilities,
)

__all__ = [
    "Base",
    "Capability",
    "CapabilityDomain",
    "Cohort",
    "CohortStatus",
    "ContentItem",
    "ContentKind",
    "Invitation",
    "Meeting",
    "MeetingItem",
    "MeetingStatus",
    "Membership",
    "Reflection",
    "ReflectionComment",
    "ReflectionDraft",
    "ReflectionPart",
    "ReflectionRescue",
    "ReflectionVersion",
    "Role",
    "User",
    "Visibility",
    "content_item_capabilities",
    "reflection_capabilities",
]
