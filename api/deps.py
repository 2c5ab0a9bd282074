"""Request dependencies: settings, the registry, the visitor's language and the site being asked for."""

from typing import Annotated

from fastapi import Depends, Request

from api.i18n import INTERFACE_LANGUAGES, LANG_COOKIE, choose_language
from api.settings import Settings
from sites.registry import Registry, SiteNotFound
from sites.site import Site


class SiteMoved(Exception):
    """`key`, the slug asked for, is an alias or a differently-cased slug of `site`: redirect to its slug."""

    def __init__(self, key: str, site: Site):
        super().__init__(key)
        self.key, self.site = key, site


class LoginRequired(Exception):
    """A staff page was asked for without a session: redirect to the login form, then back to `path`."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


# The dependencies are `async def` although they never wait: FastAPI runs a plain `def` dependency in its
# thread pool, and three thread hops per request cost more than the page itself (bench/scan.py).


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_registry(request: Request) -> Registry:
    return request.app.state.catalog.registry


def visitor_language(request: Request) -> str:
    """`?lang=` if valid, else the language the visitor picked before (cookie), else Accept-Language, else
    Vietnamese; among the interface languages and the languages of the sites' texts."""
    return choose_language(request.query_params.get("lang"), request.headers.get("accept-language"),
                           request.cookies.get(LANG_COOKIE), available_languages(request))


def available_languages(request: Request) -> list[str]:
    """Languages a visitor may choose: those of the interface catalogues and those of the content."""
    content = request.app.state.catalog.registry.languages()
    return INTERFACE_LANGUAGES + [lang for lang in content if lang not in INTERFACE_LANGUAGES]


async def get_language(request: Request) -> str:
    return visitor_language(request)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
LanguageDep = Annotated[str, Depends(get_language)]


async def get_site(slug: str, registry: RegistryDep) -> Site:
    """The published site `slug`; raises SiteMoved for an alias, SiteNotFound for anything else."""
    try:
        return registry.get(slug)
    except SiteNotFound:
        raise SiteMoved(slug, registry.resolve(slug)) from None


SiteDep = Annotated[Site, Depends(get_site)]
