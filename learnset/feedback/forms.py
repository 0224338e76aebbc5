from __future__ import annotations

from wtforms import EmailField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from learnset.feedback.services import MAX_MESSAGE
from learnset.once import OnceForm


class FeedbackForm(OnceForm):
    message = TextAreaField(
        "What would you like to tell us?",
        description="What worked, what did not, or what you would change. Do not include "
        "anything about patients, or anything you would not want the programme team to read.",
        validators=[
            InputRequired(message="Enter your feedback"),
            Length(
                max=MAX_MESSAGE, message=f"Your feedback must be {MAX_MESSAGE} characters or fewer"
            ),
        ],
    )
    reply_to = EmailField(
        "Email address (optional)",
        description="Only if you would like a reply.",
        validators=[
            Optional(),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
        ],
    )
