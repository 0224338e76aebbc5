"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from learnset import create_app

app = create_app()
