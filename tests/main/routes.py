from tests.matrix import ROLES, Route

ROUTES = [
    Route("main.home", lambda s: "/", set(ROLES), public=True),
    Route("main.healthz", lambda s: "/healthz", set(ROLES), public=True),
    Route("main.readyz", lambda s: "/readyz", set(ROLES), public=True),
    Route("main.privacy", lambda s: "/privacy", set(ROLES), public=True),
    Route("main.accessibility", lambda s: "/accessibility", set(ROLES), public=True),
]
