from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import (
    Email,
    EqualTo,
    InputRequired,
    Length,
    ValidationError,
)

from learnset.accounts.services import password_problem
from learnset.forms import max_length, text_field

EMAIL_REQUIRED = "Enter your email address"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.nhs.uk"


def email_field(
    required: str = EMAIL_REQUIRED, description: str = "", label: str = "Email address"
) -> EmailField:
    """An email address field: required (with this message), at most 254 characters, well formed."""
    return EmailField(
        label,
        description=description,
        validators=[
            InputRequired(required),
            Length(max=254, message=EMAIL_FORMAT),
            Email(EMAIL_FORMAT),
        ],
    )


class NewPassword:
    """The rules for a new password (services.password_problem), with the message beside the
    field; the person's address and name, where the form knows them, count as easy guesses.
    A form for someone not signed in (a reset link, an invitation) names them in its
    `password_for`: their address and name."""

    def __init__(self, email_field: str | None = None) -> None:
        self.email_field = email_field

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        email, name = "", ""
        password_for: tuple[str, str] | None = getattr(form, "password_for", None)
        if self.email_field:
            email = form[self.email_field].data or ""
        elif password_for is not None:
            email, name = password_for
        elif current_user.is_authenticated:
            email, name = current_user.email, current_user.name
        if "name" in form._fields:
            name = form["name"].data or name
        problem = password_problem(field.data or "", email, name)
        if problem:
            raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])


class ForgotPasswordForm(FlaskForm):
    email = email_field()


def _new_password() -> PasswordField:
    return PasswordField(
        "New password", validators=[InputRequired("Enter a new password"), NewPassword()]
    )


def _confirm_password() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class ResetPasswordForm(FlaskForm):
    password_for: tuple[str, str] | None = None
    password = _new_password()
    confirm = _confirm_password()


class ChangePasswordForm(FlaskForm):
    # Fields are made here, after `current`, so the error summary lists them in page order.
    current = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password")]
    )
    password = _new_password()
    confirm = _confirm_password()


class ProfileForm(FlaskForm):
    name = text_field("Full name", 120, required="Enter your full name")
    job_title = text_field(
        "Job title",
        120,
        description="For example, GP partner and clinical lead for urgent care",
    )
    organisation = text_field(
        "Organisation",
        160,
        description="Shown to the other members of your learning sets",
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Enter your password to confirm",
        validators=[
            InputRequired("Enter your password to confirm you want to delete your account")
        ],
    )


class DeleteSsoAccountForm(FlaskForm):
    """For an account that signs in only by single sign-on, which has no password to type."""

    email = StringField(
        "Type your email address to confirm",
        validators=[
            InputRequired("Type your email address to confirm you want to delete your account"),
            Length(max=254, message="Type your email address as it is shown above"),
        ],
    )


def _code_field(label: str, description: str) -> StringField:
    return StringField(
        label,
        description=description,
        validators=[InputRequired("Enter a code"), Length(max=40, message="Enter a shorter code")],
    )


class CodeForm(FlaskForm):
    code = _code_field(
        "Security code",
        "The 6-digit code your authenticator app shows for Learnset, or one of your recovery codes",
    )


class SetUpTwoFactorForm(FlaskForm):
    code = _code_field("Security code", "The 6-digit code your app now shows for Learnset")


class TurnOffTwoFactorForm(FlaskForm):
    proof = PasswordField(
        "Your password, or a code from your authenticator app",
        validators=[InputRequired("Enter your password or a code from your authenticator app")],
    )


class AddPasskeyForm(FlaskForm):
    name = StringField(
        "Name this passkey",
        description="So you can tell your passkeys apart, for example Work laptop or My phone",
        validators=[InputRequired("Enter a name for the passkey"), max_length("The name", 60)],
    )
    # Filled in by passkeys.js with what the browser made.
    credential = HiddenField()


class PasskeySignInForm(FlaskForm):
    # Filled in by passkeys.js with what the browser signed.
    credential = HiddenField()


class ChangeEmailForm(FlaskForm):
    email = email_field(
        "Enter your new email address",
        description="We will email it a link. Your address changes only when you open it",
        label="New email address",
    )
    current = PasswordField("Your password", validators=[InputRequired("Enter your password")])
