from tests.matrix import EVERYONE, ROLES, Route

ANYONE = set(ROLES)

ROUTES = [
    Route("accounts.sign_in", lambda s: "/sign-in", ANYONE, public=True),
    Route("accounts.sign_in", lambda s: "/sign-in", ANYONE, method="POST", public=True),
    Route("accounts.sign_out", lambda s: "/sign-out", ANYONE, method="POST", public=True),
    Route("accounts.forgot_password", lambda s: "/forgot-password", ANYONE, public=True),
    Route(
        "accounts.forgot_password",
        lambda s: "/forgot-password",
        ANYONE,
        method="POST",
        public=True,
        data={"email": "nobody@example.org"},
    ),
    # A token that does not verify is a 410 for everyone; real links: test_password_reset.
    Route("accounts.reset_password", lambda s: "/reset-password/x", ANYONE, public=True),
    Route(
        "accounts.reset_password",
        lambda s: "/reset-password/x",
        ANYONE,
        method="POST",
        public=True,
    ),
    Route("accounts.account", lambda s: "/account", EVERYONE),
    Route("accounts.account", lambda s: "/account", EVERYONE, method="POST"),
    Route("accounts.change_password", lambda s: "/account/password", EVERYONE),
    Route("accounts.change_password", lambda s: "/account/password", EVERYONE, method="POST"),
    Route("accounts.download_data", lambda s: "/account/your-data.json", EVERYONE),
    Route("accounts.delete_account", lambda s: "/account/delete", EVERYONE),
    # A wrong password: the form comes back with a message and nobody is deleted.
    Route(
        "accounts.delete_account",
        lambda s: "/account/delete",
        EVERYONE,
        method="POST",
        data={"password": "not the password"},
    ),
]
