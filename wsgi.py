"""Entry point for a production server: gunicorn wsgi:app."""

from pwe import create_app

app = create_app()
