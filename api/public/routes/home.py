"""The home page `/`: the list of published sites, with search and filters, and the way into a class outing."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import LanguageDep, RegistryDep, SettingsDep
from api.listing import FiltersDep
from api.public.passport_cookie import holds_passport
from api.state import StateDep
from api.templating import render
from api.views.calendar_views import event_rows
from api.views.structured_data import home_data
from api.views.view_models import site_summary_out
from sites.calendar import clock
from sites.catalog.i18n import category_label, category_search_words, strings

router = APIRouter(include_in_schema=False)
UPCOMING = 3  # events under "Sắp tới"


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(
    request: Request, state: StateDep, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep,
    filters: FiltersDep, q: str = "",
) -> HTMLResponse:
    """The list of published sites, searchable (case and diacritics ignored) and filterable, under the next
    three events of the calendar ("Sắp tới")."""
    found = filters.search(registry, q, category_search_words())
    student = holds_passport(request)
    today = clock.today()
    response = render(request, "index.html", lang, {
        "upcoming": event_rows(state.calendars.index(registry, today).upcoming(UPCOMING), lang, today),
        "sites": [site_summary_out(site, lang, settings.base_url) for site in found],
        "q": q,
        "category": filters.category.value if filters.category else "",
        "province": filters.province or "",
        "categories": [(c.value, category_label(c, lang)) for c in registry.categories()],
        "provinces": registry.provinces(),
        "filtered": bool(q or filters.category or filters.province),
        "student": student,
        "structured_data": home_data(strings(lang)["site_title"], settings.base_url, lang),
    })
    if student:  # the passport's link is this browser's own
        response.headers["Cache-Control"] = "private, no-store"
    return response
