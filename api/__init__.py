"""The web app: HTML pages and the JSON API, built by `api.app.create_app` (the command line is cli/)."""
