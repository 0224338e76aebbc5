from tests.matrix import EVERYONE, Route

ROUTES = [
    Route("assessment.framework", lambda s: "/framework", EVERYONE),
]
