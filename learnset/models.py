"""Every feature's tables, imported once for Alembic, the shell and the tests."""

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
from learnset.certificates.models import Certificate
from learnset.challenges.models import (
    Challenge,
    ChallengeUpdate,
    ChallengeUpdateAttachment,
    Story,
    TrappedNote,
)
from learnset.cohorts.models import Cohort, Invitation, InvitationImport, Membership
from learnset.colleague_feedback.models import FeedbackRater, FeedbackResponse, FeedbackRound
from learnset.curriculum.models import Programme, ProgrammeSession, ProgrammeStep, ProgrammeUse
from learnset.db import Base
from learnset.feedback.models import FeedbackMessage
from learnset.files.models import FileBlob, FileChunk, FileThumbnail
from learnset.framework.models import Capability, CapabilityDomain
from learnset.library.models import ContentItem, content_item_capabilities
from learnset.mail.models import OutgoingMail
from learnset.meetings.models import (
    Attendance,
    CalendarFeed,
    EmergentTopic,
    Meeting,
    MeetingItem,
    PresenterSlot,
    TopicVote,
)
from learnset.notifications.models import Notification, NotificationPreference
from learnset.reflections.models import (
    Note,
    Reflection,
    ReflectionAttachment,
    ReflectionComment,
    ReflectionDraft,
    ReflectionPart,
    ReflectionRescue,
    ReflectionVersion,
    reflection_capabilities,
)
from learnset.session_feedback.models import SessionFeedback

__all__ = [
    "Attendance",
    "AuditEvent",
    "AuditKind",
    "Base",
    "CalendarFeed",
    "Capability",
    "CapabilityDomain",
    "Certificate",
    "Challenge",
    "ChallengeUpdate",
    "ChallengeUpdateAttachment",
    "CheckInReminder",
    "Cohort",
    "ContentItem",
    "EmergentTopic",
    "FeedbackMessage",
    "FeedbackRater",
    "FeedbackResponse",
    "FeedbackRound",
    "FigureRelease",
    "FileBlob",
    "FileChunk",
    "FileThumbnail",
    "Invitation",
    "InvitationImport",
    "LearningFocus",
    "Meeting",
    "MeetingItem",
    "Membership",
    "Note",
    "Notification",
    "NotificationPreference",
    "OutgoingMail",
    "PresenterSlot",
    "Programme",
    "ProgrammeSession",
    "ProgrammeStep",
    "ProgrammeUse",
    "Rating",
    "Reflection",
    "ReflectionAttachment",
    "ReflectionComment",
    "ReflectionDraft",
    "ReflectionPart",
    "ReflectionRescue",
    "ReflectionVersion",
    "SelfAssessment",
    "SessionFeedback",
    "SignInFailure",
    "SignInSession",
    "Story",
    "TopicVote",
    "TrappedNote",
    "User",
    "content_item_capabilities",
    "rating_reflections",
    "reflection_capabilities",
]
