"""Request dependencies: settings, the registry, the visitor's language, the site being asked for, and the
check that a printed code can be opened by a phone."""

import functools
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from api.caches.print_shop import PrintShop
from api.state import StateDep, app_state
from qr.print_texts import loopback_warning
from sites.catalog.i18n import INTERFACE_LANGUAGES, LANG_COOKIE, choose_language
from sites.catalog.languages import SOURCE_LANGUAGE, valid_language_tag
from sites.catalog.registry import Registry, SiteNotFound
from sites.catalog.site import Site
from sites.settings import Settings


class SiteMoved(Exception):
    """`key`, the slug asked for, is an alias or a differently-cased slug of `site`: redirect to its slug."""

    def __init__(self, key: str, site: Site):
        super().__init__(key)
        self.key, self.site = key, site


class BaseUrlUnreachable(HTTPException):
    """A 409: a QR code or poster would encode `base_url`, a loopback address no phone can open."""

    def __init__(self, settings: Settings):
        super().__init__(409, loopback_warning(settings))
        self.base_url = settings.base_url


class LoginRequired(Exception):
    """A staff page was asked for without a session: redirect to the login form, then back to `path`."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


# The dependencies are `async def` although they never wait: FastAPI runs a plain `def` dependency in its
# thread pool, and three thread hops per request cost more than the page itself (bench/scan.py).


async def get_settings(state: StateDep) -> Settings:
    return state.settings


async def get_registry(state: StateDep) -> Registry:
    return state.catalog.registry


async def get_print_shop(state: StateDep) -> PrintShop:
    return state.print_shop


def visitor_language(request: Request) -> str:
    """`?lang=` if valid, else the language the visitor picked before (cookie), else Accept-Language, else
    Vietnamese; among the interface languages and the languages of the sites' texts."""
    lang = request.query_params.get("lang") if request.scope["query_string"] else None  # a plaque's URL has no query
    return choose_language(lang, request.headers.get("accept-language"), request.cookies.get(LANG_COOKIE),
                           available_languages(request))


def available_languages(request: Request) -> tuple[str, ...]:
    """Languages a visitor may choose: those of the interface catalogues and those of the content."""
    return _available_languages(app_state(request.app).catalog.registry)


@functools.lru_cache(maxsize=1)  # the registry being served; a reload makes a new one
def _available_languages(registry: Registry) -> tuple[str, ...]:
    return (*INTERFACE_LANGUAGES, *(lang for lang in registry.languages() if lang not in INTERFACE_LANGUAGES))


async def get_language(request: Request) -> str:
    return visitor_language(request)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
LanguageDep = Annotated[str, Depends(get_language)]
PrintShopDep = Annotated[PrintShop, Depends(get_print_shop)]


async def get_site(slug: str, registry: RegistryDep) -> Site:
    """The published site `slug`; raises SiteMoved for an alias, SiteNotFound for anything else."""
    try:
        return registry.get(slug)
    except SiteNotFound:
        raise SiteMoved(slug, registry.resolve(slug)) from None


SiteDep = Annotated[Site, Depends(get_site)]


def print_language(lang: str | None) -> str:
    """The `lang` of a printed file, checked: a clear 422 naming the parameter when it is not a language tag."""
    if lang is None:
        return SOURCE_LANGUAGE
    if (tag := valid_language_tag(lang)) is None:
        raise HTTPException(422, f"lang: '{lang}' is not a BCP 47 language tag (for example vi, en, km)")
    return tag


async def reachable_base_url(request: Request, settings: SettingsDep) -> None:
    """Refuse (409) a QR code or poster that would encode a loopback address nobody else can open.

    Allowed when the server itself listens on loopback only (DIACHIDO_LISTEN_HOST, set by `diachido serve`)
    and the request came to a loopback address (not through a reverse proxy): then whoever downloads the file
    is on this machine, testing.
    """
    if settings.base_url_unreachable(request.url.hostname):
        raise BaseUrlUnreachable(settings)
