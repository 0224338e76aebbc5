"""The accounts' command: flask create-admin."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from learnset.accounts import services as accounts
from learnset.db import database


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a programme admin account, or make an existing account an admin."""
    problem = accounts.password_problem(password, email)
    with database().writer_sessions.begin() as session:
        user = accounts.find_user_by_email(session, email)
        if user is None:
            if problem:
                raise click.ClickException(problem)
            user = accounts.create_user(
                session,
                email=email,
                name=name,
                password=password,
                method=current_app.config["PASSWORD_HASH_METHOD"],
                is_admin=True,
            )
            click.echo(f"Created admin {user.email}.")
        else:
            user.is_admin = True
            click.echo(f"{user.email} already had an account and is now an admin.")
