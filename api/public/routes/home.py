"""The home page `/`: the list of published sites, with search and filters, a page at a time, under the
coming events, and the way into a class outing."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import LanguageDep, RegistryDep
from api.listing import FiltersDep, PagerDep, kept_list, page_link
from api.public.passport_cookie import holds_passport
from api.state import StateDep
from api.templating import render
from api.views.calendar_views import event_rows
from api.views.structured_data import home_data
from api.views.view_models import site_summary_out
from sites.calendar import clock
from sites.catalog.i18n import category_label, category_search_words, strings
from sites.catalog.languages import valid_language_tag

router = APIRouter(include_in_schema=False)
UPCOMING = 3  # events under "Sắp tới"

HOME_PAGE_SIZE = 50  # a page stays small whatever the number of sites (issue 27: under 50 KB gzipped)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(
    request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep, filters: FiltersDep,
    pager: PagerDep, q: str = "",
) -> Response:
    """The published sites, searchable (case and diacritics ignored) and filterable, HOME_PAGE_SIZE a page, under
    the next three events of the calendar ("Sắp tới"); kept rendered per search, filters, page, language and day
    while the content stays the same. A student's (a browser holding a passport) links its passport: never kept."""
    explicit_lang = valid_language_tag(request.query_params.get("lang")) == lang  # as api/templating.py
    query = {"q": q, **filters.query(), "lang": lang if explicit_lang else ""}
    student = holds_passport(request)
    today = clock.today()

    def page() -> HTMLResponse:
        shown = filters.page(registry, pager, HOME_PAGE_SIZE, q, category_search_words())
        return render(request, "index.html", lang, {
            "upcoming": event_rows(state.calendars.index(registry, today).upcoming(UPCOMING), lang, today),
            "sites": [site_summary_out(site, lang, state.settings.base_url) for site in shown.rows],
            "count": shown.found,
            "page": shown.number,
            "pages": shown.pages,
            "page_link": page_link("/", query),
            "q": q,
            "category": filters.category.value if filters.category else "",
            "province": filters.province or "",
            "categories": [(c.value, category_label(c, lang)) for c in registry.categories()],
            "provinces": registry.provinces(),
            "filtered": bool(q or filters.category or filters.province),
            "student": student,
            "structured_data": home_data(strings(lang)["site_title"], state.settings.base_url, lang),
        }, query=query)

    if student:  # the passport's link is this browser's own
        response = page()
        response.headers["Cache-Control"] = "private, no-store"
        return response
    return kept_list(request, state, registry, (lang, explicit_lang, q, filters, pager, today), 0, page)
