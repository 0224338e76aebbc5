"""The demo's notifications (issue 19, item 2): sharing through the reflection services has
already told the demo's tutors. Added here, once: the comment the demo wrote straight into the
table, and each set's next session, one of them already read. The at-once emails the demo's
history queued are dropped: nobody is waiting for news of a made-up past."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Role
from learnset.mail.models import OutgoingMail
from learnset.meetings.models import Meeting, MeetingStatus
from learnset.notifications.models import Notification, NotificationKind
from learnset.notifications.services import AT_ONCE_EMAIL
from learnset.reflections.models import Reflection, ReflectionComment


def load(db: Session, now: datetime) -> None:
    """A few notifications for the demo's people, made once; no emails about the past."""
    demo_people = select(User.email).where(User.email.like("%@example.org"))
    db.execute(
        delete(OutgoingMail).where(
            OutgoingMail.kind == AT_ONCE_EMAIL,
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.recipient.in_(demo_people),
        )
    )
    made = select(func.count()).where(Notification.kind == NotificationKind.SESSION.value)
    if db.scalar(made):
        return
    for comment in list(
        db.scalars(select(ReflectionComment).where(ReflectionComment.author_id.is_not(None)))
    ):
        about = db.get(Reflection, comment.reflection_id)
        if about is None or comment.author is None or comment.author_id == about.author_id:
            continue
        db.add(
            Notification(
                recipient_id=about.author_id,
                actor_id=comment.author_id,
                kind=NotificationKind.COMMENT.value,
                link=f"/reflections/{about.id}",
                description=f"{comment.author.name} commented on a reflection you shared",
                created_at=comment.created_at,
            )
        )
    for cohort in db.scalars(select(Cohort).order_by(Cohort.id)):
        coming = db.scalar(
            select(Meeting)
            .where(Meeting.cohort_id == cohort.id, Meeting.status == MeetingStatus.PUBLISHED)
            .where(Meeting.ends_at > now)
            .order_by(Meeting.starts_at)
        )
        if coming is None:
            continue
        for number, membership in enumerate(
            m for m in cohort.memberships if m.role == Role.PARTICIPANT
        ):
            db.add(
                Notification(
                    recipient_id=membership.user_id,
                    kind=NotificationKind.SESSION.value,
                    link=f"/sessions/{coming.id}",
                    description=f"{coming.display_title} of {cohort.name} has been published",
                    created_at=coming.published_at or now,
                    read_at=now if number % 2 else None,
                )
            )
    db.flush()
