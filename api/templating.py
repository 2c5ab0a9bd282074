"""Jinja2 templates (package-relative) and the context every page shares."""

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from api.csp import page_policy
from api.state import app_state
from api.views.view_models import site_path
from sites.catalog.i18n import COMPLETE_LANGUAGES, LANG_COOKIE, interface_review_notices, language_links, strings
from sites.catalog.languages import valid_language_tag

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Pages run only the app's own scripts and load nothing from other hosts; the policy makes that a rule.
PAGE_HEADERS = {
    "Content-Security-Policy": page_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Vary": "Accept-Language, Cookie",  # the language comes from either (api/deps.py visitor_language)
}
LANG_COOKIE_SECONDS = 365 * 24 * 3600  # a visitor's choice of language is remembered for a year

MAX_LINK_CHARS = 2000  # longer addresses are not real pages of the app

templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.auto_reload = False  # templates ship with the code: no stat() of every template on every render
# Readable JSON-LD: keep Vietnamese letters as they are (tojson still escapes <, >, & and quotes).
templates.env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
templates.env.globals["site_path"] = site_path  # templates link to a site as the API does


def render(request: Request, template: str, lang: str, context: dict, status_code: int = 200,
           page_path: str | None = None, languages: list[str] | None = None,
           query: dict[str, str] | None = None) -> HTMLResponse:
    """Render `template` in `lang` with the shared context: strings, language links, base URL.

    The language picker offers `languages` (default: the languages the interface is complete in) and
    `lang`, Vietnamese first; its links lead to `page_path` (default: the requested path) with the
    current query, or only `query` (a list kept rendered, api/caches/list_cache.py, echoes only its own
    parameters). A page asked for with `?lang=` in the language it is shown in remembers that choice
    in a cookie, so the visitor's next pages (and plaque scans) come in it too.
    """
    settings = app_state(request.app).settings
    explicit_lang = valid_language_tag(request.query_params.get("lang")) == lang
    texts = strings(lang)
    shared = {
        "lang": lang,
        "t": texts,
        "og_locale": texts["og_locale"],
        "lang_query": f"?lang={lang}" if explicit_lang else "",
        "language_links": [
            (code, name, _with_lang(request, page_path or request.url.path, code, query))
            for code, name in language_links([*(languages or COMPLETE_LANGUAGES), lang])
        ],
        "base_url": settings.base_url,
        "interface_review": interface_review_notices(lang),
    }
    response = templates.TemplateResponse(request, template, {**shared, **context}, status_code=status_code)
    response.headers.update({**PAGE_HEADERS, "Content-Language": lang})
    if explicit_lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_SECONDS, path="/", samesite="lax",
                            httponly=True, secure=settings.secure_cookies)
    return response


def _with_lang(request: Request, path: str, lang: str, only: dict[str, str] | None = None) -> str:
    """`path` with the current query (or `only` these parameters, empty ones left out) and `lang` set, for the
    language switch."""
    items = request.query_params.multi_items() if only is None else [(k, v) for k, v in only.items() if v]
    query = [(key, value) for key, value in items if key != "lang"]
    link = f"{path}?{urlencode([*query, ('lang', lang)])}"
    return link if len(link) <= MAX_LINK_CHARS else f"/?lang={lang}"  # no page echoes a huge URL per language
