"""Every feature's models, imported once for Alembic, the shell and the tests."""

from learnset.accounts.models import SignInFailure, SignInSession, User
from learnset.assessment.models import (
    CheckInReminder,
    FigureRelease,
    LearningFocus,
    Rating,
    SelfAssessment,
    rating_reflections,
)
from learnset.audit.models import AuditEvent, AuditKind
from learnset.challenges.models import Challenge, ChallengeUpdate, Story, TrappedNote
from learnset.cohorts.models import Cohort, CohortStatus, Invitation, Membership, Role
from learnset.db import Base
from learnset.feedback.models import FeedbackMessage
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem, ContentKind, content_item_capabilities
from learnset.mail.models import OutgoingMail
from learnset.meetings.models import (
    Attendance,
    CalendarFeed,
    EmergentTopic,
    Meeting,
    MeetingItem,
    MeetingStatus,
    PresenterSlot,
    TopicStatus,
    TopicVote,
)
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
    "Attendance",
    "AuditEvent",
    "AuditKind",
    "Base",
    "CalendarFeed",
    "Capability",
    "CapabilityDomain",
    "Challenge",
    "ChallengeUpdate",
    "CheckInReminder",
    "Cohort",
    "CohortStatus",
    "ContentItem",
    "ContentKind",
    "EmergentTopic",
    "FeedbackMessage",
    "FigureRelease",
    "Invitation",
    "LearningFocus",
    "Meeting",
    "MeetingItem",
    "MeetingStatus",
    "Membership",
    "OutgoingMail",
    "PresenterSlot",
    "Rating",
    "Reflection",
    "ReflectionComment",
    "ReflectionDraft",
    "ReflectionPart",
    "ReflectionRescue",
    "ReflectionVersion",
    "Role",
    "SelfAssessment",
    "SignInFailure",
    "SignInSession",
    "Story",
    "TopicStatus",
    "TopicVote",
    "TrappedNote",
    "User",
    "Visibility",
    "content_item_capabilities",
    "rating_reflections",
    "reflection_capabilities",
]
