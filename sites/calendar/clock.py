"""Today in Vietnam, the one day every calendar page and feed counts from; read as `clock.today()` so that a
test can set the day (monkeypatch `sites.calendar.clock.today`)."""

import datetime as dt

from sites.visits.visit import vietnam_day


def today() -> dt.date:
    """The date in Vietnam now."""
    return vietnam_day(dt.datetime.now(dt.UTC))
