from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, RadioField, TextAreaField
from wtforms.validators import (
    EqualTo,
    InputRequired,
    Optional,
    ValidationError,
)

from learnset.accounts.forms import NewPassword, ProfileForm, email_field
from learnset.cohorts.bulk_csv import MAX_BYTES, MAX_ROWS
from learnset.cohorts.models import CohortStatus, Role
from learnset.cohorts.services import TUTORS_BY_ADMINS
from learnset.forms import DateInputField, choices, text_field
from learnset.once import OnceForm


class InviteForm(OnceForm):
    email = email_field("Enter the email address of the person to invite")
    role = RadioField(
        "Role in this learning set",
        choices=choices(Role.pairs()),
        default=Role.PARTICIPANT.value,
        validators=[InputRequired("Choose a role")],
    )

    def __init__(self, *args: Any, may_invite_tutors: bool, days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_invite_tutors = may_invite_tutors
        self.email.description = (
            f"We will email a link that works once and expires after {days} days"
        )
        if not may_invite_tutors:
            # No choice is shown: they are invited as a participant.
            self.role.validators = [Optional()]

    def validate_role(self, field: RadioField) -> None:
        if field.data == Role.TUTOR and not self.may_invite_tutors:
            raise ValidationError(TUTORS_BY_ADMINS)


class AcceptInvitationForm(ProfileForm):
    """A new account for the invited address: who they are and a password."""

    password_for: tuple[str, str] | None = None

    password = PasswordField(
        "Create a password",
        description="Use 10 characters or more. A few unrelated words together work well",
        validators=[InputRequired("Enter a password"), NewPassword()],
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            InputRequired("Enter the password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class CohortForm(OnceForm):
    name = text_field(
        "Name",
        120,
        required="Enter a name for the learning set",
        description="For example, Riverside learning set 2026",
    )
    description = text_field(
        "Description (optional)",
        2000,
        kind=TextAreaField,
        description="Who the set is for and what it will work on. Members see this",
    )
    start_month = DateInputField(
        "Start month (optional)",
        parts=("month", "year"),
        description="For example, 3 2026",
        invalid_message="Start month must be a real month, like 3 2026",
        validators=[Optional()],
    )
    status = RadioField(
        "Status",
        choices=choices(CohortStatus.pairs()),
        default=CohortStatus.PLANNED.value,
        validators=[InputRequired("Choose a status")],
    )


class TutorForm(FlaskForm):
    email = email_field(
        "Enter the email address of the tutor",
        description="If they already have a Learnset account, they become a tutor straight "
        "away. If not, we email them an invitation to join as a tutor",
    )


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        description=f"At most {MAX_ROWS:,} people and {MAX_BYTES // 1024} KB. Nothing is sent "
        "until you have checked every row",
        validators=[FileRequired("Choose a CSV file to upload")],
    )
