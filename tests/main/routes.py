from tests.matrix import ROLES, Route

ROUTES = [
    Route("main.home", "/", set(ROLES), public=True),
    Route("main.healthz", "/healthz", set(ROLES), public=True),
    Route("main.readyz", "/readyz", set(ROLES), public=True),
    Route("main.privacy", "/privacy", set(ROLES), public=True),
    Route("main.accessibility", "/accessibility", set(ROLES), public=True),
    Route("main.cookies", "/cookies", set(ROLES), public=True),
]
