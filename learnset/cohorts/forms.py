from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from learnset.accounts.forms import EMAIL_FORMAT, NewPassword, ProfileForm
from learnset.cohorts.models import Role
from learnset.forms import choices

ROLE_CHOICES = choices([(Role.PARTICIPANT.value, "Participant"), (Role.TUTOR.value, "Tutor")])
ROLE_HINTS = {
    Role.PARTICIPANT.value: "A commissioner taking part in the learning set",
    Role.TUTOR.value: "A set adviser who runs the sessions and can see what participants share",
}


class InviteForm(FlaskForm):
    email = EmailField(
        "Email address",
        description="We will email a link that works once and expires after 14 days",
        validators=[
            InputRequired("Enter the email address of the person to invite"),
            Length(max=254, message=EMAIL_FORMAT),
            Email(EMAIL_FORMAT),
        ],
    )
    role = RadioField(
        "Role in this learning set",
        choices=ROLE_CHOICES,
        default=Role.PARTICIPANT.value,
        validators=[InputRequired("Choose a role")],
    )


class AcceptInvitationForm(ProfileForm):
    """A new account for the invited address: who they are and a password."""

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
