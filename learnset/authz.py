"""Who may see and do what: every rule in one place.

Load, then check: an object the user may not see answers 404; a visible object the
user may not change answers 403. Lists are scoped in SQL with the query helpers here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, event, exists, false, or_, select, true
from sqlalchemy.orm import Session, aliased

from learnset.accounts.models import SignInSession, User
from learnset.assessment.models import AssessmentStatus, SelfAssessment
from learnset.challenges.models import Challenge, ChallengeUpdate, Story
from learnset.cohorts.models import Cohort, Invitation, Membership, Role
from learnset.meetings.models import EmergentTopic, Meeting, MeetingStatus
from learnset.reflections.models import Reflection, ReflectionComment, Visibility

T = TypeVar("T")
Rule = Callable[[User, Any], bool]


def cohort_roles(user: User) -> dict[int, str]:
    """The user's role in each cohort they belong to, by cohort id."""
    return {membership.cohort_id: membership.role for membership in user.memberships}


def is_member(user: User, cohort_id: int) -> bool:
    return cohort_id in cohort_roles(user)


def is_tutor(user: User, cohort_id: int) -> bool:
    return cohort_roles(user).get(cohort_id) == Role.TUTOR


def is_participant(user: User, cohort_id: int) -> bool:
    return cohort_roles(user).get(cohort_id) == Role.PARTICIPANT


def tutors_anything(user: User) -> bool:
    return Role.TUTOR in cohort_roles(user).values()


def _admin(user: User, _obj: Any = None) -> bool:
    return user.is_admin


def _cohort_view(user: User, cohort: Cohort) -> bool:
    return user.is_admin or is_member(user, cohort.id)


def _cohort_manage(user: User, cohort: Cohort) -> bool:
    return user.is_admin or is_tutor(user, cohort.id)


def _invitation_view(user: User, invitation: Invitation) -> bool:
    return user.is_admin or is_tutor(user, invitation.cohort_id)


def _invitation_manage(user: User, invitation: Invitation) -> bool:
    """Admins resend or withdraw any invitation; tutors those of participants, since only
    admins grant the tutor role (resending a tutor's invitation would grant it again)."""
    if user.is_admin:
        return True
    return is_tutor(user, invitation.cohort_id) and invitation.role == Role.PARTICIPANT


# --- Cohorts, sessions, emergent topics and attendance (issue 3) ---------------------------


def _membership_view(user: User, membership: Membership) -> bool:
    return user.is_admin or is_member(user, membership.cohort_id)


def _membership_remove(user: User, membership: Membership) -> bool:
    """Admins remove anyone; tutors remove participants (only admins assign tutors)."""
    if user.is_admin:
        return True
    return is_tutor(user, membership.cohort_id) and membership.role == Role.PARTICIPANT


def _topic_propose(user: User, cohort: Cohort) -> bool:
    return is_member(user, cohort.id)


def _meeting_view(user: User, meeting: Meeting) -> bool:
    if user.is_admin or is_tutor(user, meeting.cohort_id):
        return True
    return is_participant(user, meeting.cohort_id) and meeting.status == MeetingStatus.PUBLISHED


def _meeting_manage(user: User, meeting: Meeting) -> bool:
    return user.is_admin or is_tutor(user, meeting.cohort_id)


def _topic_view(user: User, topic: EmergentTopic) -> bool:
    return user.is_admin or is_member(user, topic.cohort_id)


def _topic_vote(user: User, topic: EmergentTopic) -> bool:
    # Participants set the set's priorities; the tutor decides on them, so does not vote.
    return is_participant(user, topic.cohort_id)


def _topic_decide(user: User, topic: EmergentTopic) -> bool:
    return user.is_admin or is_tutor(user, topic.cohort_id)


def _topic_edit(user: User, topic: EmergentTopic) -> bool:
    """Only whoever proposed it, while still a member: tutors decide on topics, never reword
    them. Whether it is still open is a rule of the topic (meetings/topics.py), with a message."""
    return topic.proposed_by_id == user.id and is_member(user, topic.cohort_id)


# --- Reflections -------------------------------------------------------------------------
# A private reflection is its author's alone: no tutor, admin or fellow participant reads it.
# A shared one reaches its cohort's tutors ("tutors") or every member ("set") for as long as
# its author is still a participant of that cohort: someone who leaves keeps their log, but
# the set and its tutors stop seeing what they had shared. Admins have no special right here.


def is_shared_now(reflection: Reflection) -> bool:
    """Shared, not in the bin, and its author still takes part in its cohort."""
    return (
        reflection.visibility != Visibility.PRIVATE
        and reflection.deleted_at is None
        and reflection.cohort_id is not None
        and is_participant(reflection.author, reflection.cohort_id)
    )


def _reaches(user: User, reflection: Reflection) -> bool:
    """The user is in the audience the reflection is shared with (not counting its author)."""
    if not is_shared_now(reflection):
        return False
    assert reflection.cohort_id is not None
    if reflection.visibility == Visibility.SET:
        return is_member(user, reflection.cohort_id)
    return is_tutor(user, reflection.cohort_id)


def _reflection_view(user: User, reflection: Reflection) -> bool:
    return reflection.author_id == user.id or _reaches(user, reflection)


def _reflection_edit(user: User, reflection: Reflection) -> bool:
    return reflection.author_id == user.id and reflection.deleted_at is None


def _reflection_comment(user: User, reflection: Reflection) -> bool:
    return is_shared_now(reflection) and _reflection_view(user, reflection)


def _reflection_in_bin(user: User, reflection: Reflection) -> bool:
    return reflection.author_id == user.id and reflection.deleted_at is not None


RULES: dict[str, Rule] = {
    "admin:access": _admin,
    "cohort:view": _cohort_view,
    "cohort:invite": _cohort_manage,
    "invitation:view": _invitation_view,
    "invitation:manage": _invitation_manage,
    # Issue 3: cohorts, sessions, topics, attendance.
    "cohort:create": _admin,
    "cohort:edit": _cohort_manage,
    "cohort:members": _cohort_manage,
    # Granting the tutor role, by assignment or by invitation: admins only.
    "cohort:tutors": _admin,
    "cohort:schedule": _cohort_manage,
    "membership:view": _membership_view,
    "membership:remove": _membership_remove,
    "meeting:view": _meeting_view,
    "meeting:edit": _meeting_manage,
    "meeting:publish": _meeting_manage,
    "attendance:record": _meeting_manage,
    "topic:propose": _topic_propose,
    "topic:view": _topic_view,
    "topic:vote": _topic_vote,
    "topic:decide": _topic_decide,
    "topic:edit": _topic_edit,
    "topic:withdraw": _topic_edit,
    "reflection:view": _reflection_view,
    "reflection:edit": _reflection_edit,
    "reflection:comment": _reflection_comment,
    "reflection:restore": _reflection_in_bin,
    "reflection:destroy": _reflection_in_bin,
}


# --- The library and the capability framework -------------------------------------------------
# Every signed-in person reads them. Archived library items stay readable by their address,
# because sessions and reflections keep pointing at them.


def _signed_in(_user: User, _obj: Any = None) -> bool:
    return True


RULES.update({"library:view": _signed_in, "framework:view": _signed_in})

# Accounts across the programme are the admins' to look after: who someone is and which sets
# they are in, never what they wrote. Everyone else is answered 404 for a person's page.
RULES.update({"people:view": _admin, "person:view": _admin, "person:manage": _admin})


def _sign_in_end(user: User, sign_in: SignInSession) -> bool:
    """Only its owner sees or ends a sign-in session; admins sign people out everywhere at once,
    from their person page, and never see anyone's devices."""
    return sign_in.user_id == user.id


RULES.update({"sign-in:end": _sign_in_end})


# --- Self-assessment ----------------------------------------------------------------------------
# Ratings are a participant's own view. A submitted assessment reaches their cohort's tutors only
# while it is shared with them and its author still takes part in the cohort. Drafts are the
# participant's alone. Admins have no right here unless they tutor the cohort, and other
# participants never see anyone's ratings.


def _assessment_view(user: User, assessment: SelfAssessment) -> bool:
    if assessment.participant_id == user.id:
        return True
    return (
        not assessment.is_draft
        and assessment.shared_with_tutors
        and is_tutor(user, assessment.cohort_id)
        and is_participant(assessment.participant, assessment.cohort_id)
    )


def _assessment_edit(user: User, assessment: SelfAssessment) -> bool:
    return assessment.participant_id == user.id and assessment.is_draft


def _assessment_share(user: User, assessment: SelfAssessment) -> bool:
    return assessment.participant_id == user.id and not assessment.is_draft


def _own_capabilities(user: User, cohort: Cohort) -> bool:
    """Rate yourself, see your gaps and pin a focus: participants of the cohort."""
    return is_participant(user, cohort.id)


def _review_capabilities(user: User, membership: Membership) -> bool:
    """What a participant shared with tutors: their tutors, and the participant themselves."""
    return membership.role == Role.PARTICIPANT and (
        membership.user_id == user.id or is_tutor(user, membership.cohort_id)
    )


def _cohort_self_assessments(user: User, cohort: Cohort) -> bool:
    return is_tutor(user, cohort.id)


# --- Live challenges and stories (issue 7) ---------------------------------------------------
# A challenge and its discussion are the set's alone: its cohort's participants and tutors,
# for as long as its owner still takes part. No admin right here: the programme lead reads
# published stories like everyone else, and a challenge only as the cohort's tutor. Someone
# who leaves the set keeps their challenges, read-only; the set stops seeing them.


def _owner_takes_part(challenge: Challenge) -> bool:
    return is_participant(challenge.owner, challenge.cohort_id)


def _challenge_view(user: User, challenge: Challenge) -> bool:
    if challenge.owner_id == user.id:
        return True
    return is_member(user, challenge.cohort_id) and _owner_takes_part(challenge)


def _challenge_edit(user: User, challenge: Challenge) -> bool:
    return challenge.owner_id == user.id and is_participant(user, challenge.cohort_id)


def _challenge_delete(user: User, challenge: Challenge) -> bool:
    return challenge.owner_id == user.id


def _challenge_question(user: User, challenge: Challenge) -> bool:
    """The set asks; the owner answers by what they do next."""
    return challenge.owner_id != user.id and _challenge_view(user, challenge)


def _challenge_insight(user: User, challenge: Challenge) -> bool:
    return is_member(user, challenge.cohort_id) and _owner_takes_part(challenge)


def _update_edit(user: User, update: ChallengeUpdate) -> bool:
    """Only the person who wrote it: nobody changes someone else's question."""
    return update.author_id == user.id and is_member(user, update.challenge.cohort_id)


def _cohort_challenges(user: User, cohort: Cohort) -> bool:
    return is_member(user, cohort.id)


def _challenge_create(user: User, cohort: Cohort) -> bool:
    return is_participant(user, cohort.id)


def _story_view(_user: User, story: Story) -> bool:
    return story.is_published


RULES.update(
    {
        "assessment:view": _assessment_view,
        "assessment:edit": _assessment_edit,
        "assessment:share": _assessment_share,
        "capabilities:own": _own_capabilities,
        "capabilities:review": _review_capabilities,
        "cohort:self-assessments": _cohort_self_assessments,
        "cohort:challenges": _cohort_challenges,
        "challenge:create": _challenge_create,
        "challenge:view": _challenge_view,
        "challenge:edit": _challenge_edit,
        "challenge:delete": _challenge_delete,
        "challenge:question": _challenge_question,
        "challenge:insight": _challenge_insight,
        "challenge_update:edit": _update_edit,
        "story:view": _story_view,
    }
)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when the signed-in user may perform the action on the object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return RULES[action](user, obj)


def require(user: Any, action: str, obj: Any = None) -> None:
    """Refuse with 403 unless the user may perform the action."""
    if not can(user, action, obj):
        abort(403)


def get_or_404(
    db: Session, model: type[T], object_id: int, user: Any, view: str, action: str | None = None
) -> T:
    """Load an object the user may see (else 404), then check the action (else 403). The id
    comes from an <id:...> route segment, so it is one the database can hold (learnset/ids.py)."""
    obj = db.get(model, object_id)
    if obj is None or not can(user, view, obj):
        abort(404)
    if action is not None:
        require(user, action, obj)
    return obj


def visible_cohorts(user: User) -> Select[Cohort]:
    """The cohorts the user may see: all for an admin, else those they belong to."""
    query = select(Cohort).order_by(Cohort.start_month.desc(), Cohort.name)
    if user.is_admin:
        return query
    return query.join(Membership).where(Membership.user_id == user.id)


def tutored_cohorts(user: User) -> Select[Cohort]:
    """The cohorts whose invitations and members the user manages."""
    query = select(Cohort).order_by(Cohort.start_month.desc(), Cohort.name)
    if user.is_admin:
        return query
    return query.join(Membership).where(
        Membership.user_id == user.id, Membership.role == Role.TUTOR
    )


def visible_meetings(user: User) -> Select[Meeting]:
    """Sessions the user may see: published ones of their cohorts as a participant, every
    session of the cohorts they tutor, and all sessions for an admin."""
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.id)
    if user.is_admin:
        return query
    return query.join(
        Membership,
        (Membership.cohort_id == Meeting.cohort_id) & (Membership.user_id == user.id),
    ).where((Membership.role == Role.TUTOR) | (Meeting.status == MeetingStatus.PUBLISHED))


def calendar_meetings(user: User) -> Select[Meeting]:
    """Sessions for the user's calendar feed: as visible_meetings, but only of cohorts the
    user belongs to (an admin's feed is their own sets, not the whole programme)."""
    return (
        select(Meeting)
        .join(
            Membership,
            (Membership.cohort_id == Meeting.cohort_id) & (Membership.user_id == user.id),
        )
        .where((Membership.role == Role.TUTOR) | (Meeting.status == MeetingStatus.PUBLISHED))
        .order_by(Meeting.starts_at, Meeting.id)
    )


# --- Reflections: scoped queries ------------------------------------------------------------


def shared_now_clause() -> ColumnElement[bool]:
    """SQL for "shared, not binned, author still a participant of its cohort"."""
    author_membership = aliased(Membership)
    return and_(
        Reflection.visibility != Visibility.PRIVATE,
        Reflection.deleted_at.is_(None),
        exists().where(
            author_membership.user_id == Reflection.author_id,
            author_membership.cohort_id == Reflection.cohort_id,
            author_membership.role == Role.PARTICIPANT,
        ),
    )


def _reaches_clause(user: User) -> ColumnElement[bool]:
    viewer_membership = aliased(Membership)
    return and_(
        shared_now_clause(),
        Reflection.author_id != user.id,
        # Implied by the EXISTS below, but lets the database start from the user's own sets
        # (an index) rather than from every shared reflection in the programme.
        Reflection.cohort_id.in_(select(Membership.cohort_id).where(Membership.user_id == user.id)),
        exists().where(
            viewer_membership.user_id == user.id,
            viewer_membership.cohort_id == Reflection.cohort_id,
            or_(
                Reflection.visibility == Visibility.SET,
                viewer_membership.role == Role.TUTOR,
            ),
        ),
    )


def visible_reflections(user: User) -> Select[Reflection]:
    """Every reflection the user may read: their own (not binned) and those shared with them."""
    return select(Reflection).where(
        or_(
            and_(Reflection.author_id == user.id, Reflection.deleted_at.is_(None)),
            _reaches_clause(user),
        )
    )


def own_reflections(user: User) -> Select[Reflection]:
    """The user's own log, without the bin."""
    return select(Reflection).where(
        Reflection.author_id == user.id, Reflection.deleted_at.is_(None)
    )


def binned_reflections(user: User) -> Select[Reflection]:
    """The user's own reflections in the bin."""
    return select(Reflection).where(
        Reflection.author_id == user.id, Reflection.deleted_at.is_not(None)
    )


def reflections_shared_with(user: User) -> Select[Reflection]:
    """Other people's reflections shared with the user as a tutor or set member."""
    return select(Reflection).where(_reaches_clause(user))


def visible_comments(user: User, reflection: Reflection) -> Select[ReflectionComment]:
    """The conversation on a reflection as this user may see it, oldest first.

    None while the reflection is not shared (withdrawn comments are kept, not shown). A
    comment written when only the tutors could read the reflection stays between the author
    and the tutors.
    """
    query = select(ReflectionComment).where(ReflectionComment.reflection_id == reflection.id)
    if not _reflection_comment(user, reflection):
        return query.where(false())
    assert reflection.cohort_id is not None
    private_to_tutors = (
        true()
        if reflection.author_id == user.id or is_tutor(user, reflection.cohort_id)
        else ReflectionComment.audience == Visibility.SET
    )
    return query.where(private_to_tutors).order_by(
        ReflectionComment.created_at, ReflectionComment.id
    )


# --- Self-assessment: scoped queries ------------------------------------------------------------


def cohorts_as(db: Session, user: User, role: Role) -> list[Cohort]:
    """The cohorts the user belongs to in `role`, latest start first. Several parts of a page
    ask (the home page's panels, a form's choices), so it is asked once a transaction, for
    every role at once."""
    known: dict[int, list[tuple[Cohort, str]]] = db.info.setdefault(_COHORTS_AS, {})
    if user.id not in known:
        known[user.id] = [
            (cohort, member_role)
            for cohort, member_role in db.execute(
                select(Cohort, Membership.role)
                .join(Membership, Membership.cohort_id == Cohort.id)
                .where(Membership.user_id == user.id)
                .order_by(Cohort.start_month.desc(), Cohort.name)
            )
        ]
    return [cohort for cohort, member_role in known[user.id] if member_role == role]


_COHORTS_AS = "learnset.cohorts_as"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_cohorts(db: Session, *_args: object) -> None:
    # Anything written may have changed who belongs where.
    db.info.pop(_COHORTS_AS, None)


def shared_with_tutors_clause() -> ColumnElement[bool]:
    """SQL for the submitted self-assessments their cohort's tutors may read (rule above)."""
    author = aliased(Membership)
    return and_(
        SelfAssessment.status == AssessmentStatus.SUBMITTED,
        SelfAssessment.shared_with_tutors.is_(True),
        exists().where(
            author.user_id == SelfAssessment.participant_id,
            author.cohort_id == SelfAssessment.cohort_id,
            author.role == Role.PARTICIPANT,
        ),
    )


# --- Live challenges: scoped queries (issue 7) ----------------------------------------------


def owner_takes_part_clause() -> ColumnElement[bool]:
    """The challenge's owner is still a participant of its set: only then does the set see it."""
    owner_membership = aliased(Membership)
    return exists().where(
        owner_membership.user_id == Challenge.owner_id,
        owner_membership.cohort_id == Challenge.cohort_id,
        owner_membership.role == Role.PARTICIPANT,
    )


def visible_challenges(user: User) -> Select[Challenge]:
    """The challenges the user may read: their own, and those of the sets they belong to
    whose owners still take part. Admins get nothing more."""
    viewer_membership = aliased(Membership)
    return select(Challenge).where(
        or_(
            Challenge.owner_id == user.id,
            and_(
                exists().where(
                    viewer_membership.user_id == user.id,
                    viewer_membership.cohort_id == Challenge.cohort_id,
                ),
                owner_takes_part_clause(),
            ),
        )
    )


def published_stories() -> Select[Story]:
    """Stories every signed-in user of the programme may read."""
    return select(Story).where(Story.published_at.is_not(None))


# --- Dashboards ---------------------------------------------------------------------------------
# A cohort's dashboard (aggregates, engagement, planning from the gaps) is for its tutors and the
# programme's admins; the set's own growth view for its members. Who may see the gap heat map and
# each participant's ratings stays "cohort:self-assessments" (the cohort's tutors only): an admin
# reads the aggregates, never a person's ratings. Every aggregate is suppressed below 3 responses
# in learnset/dashboards/figures.py, whoever reads it, and is released rather than live
# (learnset/dashboards/releases.py): the same people may release a cohort's figures early.


def _cohort_growth(user: User, cohort: Cohort) -> bool:
    return user.is_admin or is_member(user, cohort.id)


RULES.update(
    {
        "cohort:dashboard": _cohort_manage,
        "cohort:release-figures": _cohort_manage,
        "cohort:what-tutors-see": _own_capabilities,
        "cohort:growth": _cohort_growth,
        "programme:view": _admin,
    }
)
