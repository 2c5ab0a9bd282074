"""The home page `/`: the list of published sites, with search and filters, a page at a time."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import LanguageDep, RegistryDep
from api.listing import FiltersDep, PagerDep, kept_list, page_link
from api.state import StateDep
from api.templating import render
from api.views.view_models import site_summary_out
from sites.catalog.i18n import category_label, category_search_words
from sites.catalog.languages import valid_language_tag

router = APIRouter(include_in_schema=False)

HOME_PAGE_SIZE = 50  # a page stays small whatever the number of sites (issue 27: under 50 KB gzipped)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(
    request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep, filters: FiltersDep,
    pager: PagerDep, q: str = "",
) -> Response:
    """The published sites, searchable (case and diacritics ignored) and filterable, HOME_PAGE_SIZE a page; kept
    rendered per search, filters, page and language while the content stays the same."""
    explicit_lang = valid_language_tag(request.query_params.get("lang")) == lang  # as api/templating.py
    query = {"q": q, **filters.query(), "lang": lang if explicit_lang else ""}

    def page() -> HTMLResponse:
        found = filters.search(registry, q, category_search_words())
        shown = pager.page(found, HOME_PAGE_SIZE)
        return render(request, "index.html", lang, {
            "sites": [site_summary_out(site, lang, state.settings.base_url) for site in shown.rows],
            "count": len(found),
            "page": shown.number,
            "pages": shown.pages,
            "page_link": page_link("/", query),
            "q": q,
            "category": filters.category.value if filters.category else "",
            "province": filters.province or "",
            "categories": [(c.value, category_label(c, lang)) for c in registry.categories()],
            "provinces": registry.provinces(),
            "filtered": bool(q or filters.category or filters.province),
        }, query=query)

    return kept_list(request, state, registry, (lang, explicit_lang, q, filters, pager), 0, page)
