"""The web app: HTML pages, JSON API and the `diachido` command line."""

from api.app import create_app

__all__ = ["create_app"]
