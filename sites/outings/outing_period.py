"""An outing's period as students read it (issue 28): a one-day outing is "6/12/2026", not "6/12/2026 0:00 –
7/12/2026 0:00"; whole days are the days; an outing closed mid-day keeps its times."""

from datetime import time, timedelta

from sites.catalog.i18n import format_day, format_moment
from sites.outings.outing import Outing
from sites.visits.visit import VIETNAM_TIME


def period_label(outing: Outing, lang: str) -> str:
    """The days of `outing` (Vietnam time) in `lang`: "6/12/2026" or "6/12/2026 – 8/12/2026" when it runs from
    midnight to midnight (as the teacher's form makes it), else its first and last moments."""
    start, end = (moment.astimezone(VIETNAM_TIME) for moment in (outing.valid_from, outing.ends_at))
    if start.time() == end.time() == time():
        first, last = start.date(), (end - timedelta(days=1)).date()
        return format_day(first, lang) if first == last else f"{format_day(first, lang)} – {format_day(last, lang)}"
    return f"{format_moment(start, lang)} – {format_moment(end, lang)}"
