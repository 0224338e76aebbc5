from tests.matrix import ROLES, SIGNED_IN, Route

NOT_ADMIN = {"participant", "fellow", "tutor", "other_tutor", "outsider"}

ROUTES = [
    Route("feedback.give", "/feedback", set(ROLES), public=True),
    Route(
        "feedback.give",
        "/feedback",
        set(ROLES),
        "POST",
        public=True,
        data={"message": "The calendar page was hard to find."},
    ),
    Route("feedback.messages", "/feedback/messages", {"admin"}, forbidden=NOT_ADMIN),
]
assert SIGNED_IN
