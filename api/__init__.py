"""The web app: HTML pages, JSON API and the `diachido` command line."""


def __getattr__(name: str):
    """`from api import create_app`, without loading the web framework for `import cli.main` (`diachido check`)."""
    if name == "create_app":
        from api.app import create_app

        return create_app
    raise AttributeError(name)


__all__ = ["create_app"]
