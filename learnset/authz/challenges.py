"""Live challenges and stories (issue 7).

A challenge and its discussion are the set's alone: its cohort's participants and tutors,
for as long as its owner still takes part. No admin right here: the programme lead reads
published stories like everyone else, and a challenge only as the cohort's tutor. Someone
who leaves the set keeps their challenges, read-only; the set stops seeing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, exists, or_, select

from learnset.accounts.models import User
from learnset.authz.roles import Rule, id_of, is_member, is_participant, takes_part_clause
from learnset.challenges.models import (
    Challenge,
    ChallengeUpdate,
    ChallengeUpdateAttachment,
    Story,
)
from learnset.cohorts.models import Cohort, Membership
from learnset.db import shared_alias


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


def _own_update_edit(user: User, challenge: Challenge) -> bool:
    return is_member(user, challenge.cohort_id)


def _update_edit(user: User, update: ChallengeUpdate) -> bool:
    """Only the person who wrote it: nobody changes someone else's question."""
    return update.author_id == user.id and _own_update_edit(user, update.challenge)


def _update_attach(user: User, update: ChallengeUpdate) -> bool:
    """The owner keeps files beside their own actions, experiments and gains."""
    return update.author_id == user.id and _challenge_edit(user, update.challenge)


@dataclass(frozen=True)
class OwnUpdates:
    """The rights "challenge_update:edit" and "challenge_update:attach" of one user on the
    updates of one challenge. Beyond who wrote the update, both rules turn on the user and the
    challenge alone, so a page of many updates decides them once (own_updates) rather than once
    an update (an ORM object or a plain row of its columns); an update of another challenge
    gets neither."""

    user_id: int
    challenge_id: int
    edit: bool
    attach: bool

    def _own(self, update: ChallengeUpdate | Row[Any]) -> bool:
        return update.author_id == self.user_id and update.challenge_id == self.challenge_id

    def may_edit(self, update: ChallengeUpdate | Row[Any]) -> bool:
        return self.edit and self._own(update)

    def may_attach(self, update: ChallengeUpdate | Row[Any]) -> bool:
        return self.attach and self._own(update)


def own_updates(user: User, challenge: Challenge) -> OwnUpdates:
    """What the user may do with their own updates of the challenge (an update of another
    challenge gets no right from it)."""
    return OwnUpdates(
        user.id,
        challenge.id,
        edit=_own_update_edit(user, challenge),
        attach=_challenge_edit(user, challenge),
    )


def _update_file_view(user: User, attachment: ChallengeUpdateAttachment) -> bool:
    """Whoever may read the challenge may read the files beside its updates, and nobody else."""
    return _challenge_view(user, attachment.update.challenge)


def _update_file_remove(user: User, attachment: ChallengeUpdateAttachment) -> bool:
    return _update_attach(user, attachment.update)


def _cohort_challenges(user: User, cohort: Cohort) -> bool:
    return is_member(user, cohort.id)


def _challenge_create(user: User, cohort: Cohort) -> bool:
    return is_participant(user, cohort.id)


def _story_view(_user: User, story: Story) -> bool:
    return story.is_published


RULES: dict[str, Rule] = {
    "cohort:challenges": _cohort_challenges,
    "challenge:create": _challenge_create,
    "challenge:view": _challenge_view,
    "challenge:edit": _challenge_edit,
    "challenge:delete": _challenge_delete,
    "challenge:question": _challenge_question,
    "challenge:insight": _challenge_insight,
    "challenge_update:edit": _update_edit,
    "challenge_update:attach": _update_attach,
    "challenge_file:view": _update_file_view,
    "challenge_file:remove": _update_file_remove,
    "story:view": _story_view,
}


# --- Scoped queries ---------------------------------------------------------------------------


def owner_takes_part_clause() -> ColumnElement[bool]:
    """The challenge's owner is still a participant of its set: only then does the set see it."""
    return takes_part_clause(Challenge.owner_id, Challenge.cohort_id)


# Made once: a new alias costs about half a millisecond per request on first use.
_VIEWER_MEMBERSHIP = shared_alias(Membership)


def visible_challenges(user: User | ColumnElement[int]) -> Select[Challenge]:
    """The challenges the user may read: their own, and those of the sets they belong to
    whose owners still take part. Admins get nothing more. `user` may be a parameter standing
    for their id, in a statement built once."""
    viewer_membership = _VIEWER_MEMBERSHIP
    user_id = id_of(user)
    return select(Challenge).where(
        or_(
            Challenge.owner_id == user_id,
            and_(
                exists().where(
                    viewer_membership.user_id == user_id,
                    viewer_membership.cohort_id == Challenge.cohort_id,
                ),
                owner_takes_part_clause(),
            ),
        )
    )


def published_stories() -> Select[Story]:
    """Stories every signed-in user of the programme may read."""
    return select(Story).where(Story.published_at.is_not(None))
