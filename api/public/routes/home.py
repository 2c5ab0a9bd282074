"""The home page `/`: the list of published sites, with search and filters, a page at a time."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import LanguageDep, RegistryDep, SettingsDep
from api.listing import FiltersDep, PagerDep, page_link
from api.templating import render
from api.views.view_models import site_summary_out
from sites.catalog.i18n import category_label, category_search_words
from sites.catalog.languages import valid_language_tag

router = APIRouter(include_in_schema=False)

HOME_PAGE_SIZE = 50  # a page stays small whatever the number of sites (issue 27: under 50 KB gzipped)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(
    request: Request, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep, filters: FiltersDep,
    pager: PagerDep, q: str = "",
) -> HTMLResponse:
    """The published sites, searchable (case and diacritics ignored) and filterable, HOME_PAGE_SIZE a page."""
    found = filters.search(registry, q, category_search_words())
    shown = pager.page(found, HOME_PAGE_SIZE)
    explicit_lang = valid_language_tag(request.query_params.get("lang")) == lang  # as api/templating.py
    return render(request, "index.html", lang, {
        "sites": [site_summary_out(site, lang, settings.base_url) for site in shown.rows],
        "count": len(found),
        "page": shown.number,
        "pages": shown.pages,
        "page_link": page_link("/", {"q": q, **filters.query(), "lang": lang if explicit_lang else ""}),
        "q": q,
        "category": filters.category.value if filters.category else "",
        "province": filters.province or "",
        "categories": [(c.value, category_label(c, lang)) for c in registry.categories()],
        "provinces": registry.provinces(),
        "filtered": bool(q or filters.category or filters.province),
    })
