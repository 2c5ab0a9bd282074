"""Stamping a student's passport from a plaque scan (issue 14).

Only a scan (`/q/{code}`, api/routes/scan.py) stamps, never a page view: by a countable visitor (a person's
browser, api/counting.py), carrying a passport cookie, at a stop of the outing's journey, while the outing is
active and within its daily window if the teacher set one. A scan without the cookie costs one dictionary
lookup here. The stamp is committed before the page is answered.
"""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request

from api.counting import countable_user_agent
from api.passports import PASSPORT_COOKIE
from api.state import AppState
from sites.journeys import JourneyNotFound
from sites.outings import Refusal
from sites.site import Site


@dataclass(frozen=True)
class StampNote:
    """What the scanned page tells the student: the site `slug` was stamped (`refused` None; it may have been
    stamped before), or why not (`refused`)."""

    slug: str
    refused: Refusal | None = None


async def stamp_scan(request: Request, state: AppState, site: Site) -> StampNote | None:
    """Stamp the passport of the request's cookie for `site` if this scan may; None when the scan has nothing
    to do with a passport (no cookie, not a person, not a stop of the student's outing)."""
    token = request.cookies.get(PASSPORT_COOKIE)
    if not token or countable_user_agent(request) is None:
        return None
    if state.outings.inline:  # SQLite: less than handing it to a thread and back (bench/outing.py)
        return _stamp(state, token, site, datetime.now(UTC))
    return await asyncio.to_thread(_stamp, state, token, site, datetime.now(UTC))


def _stamp(state: AppState, token: str, site: Site, now: datetime) -> StampNote | None:
    """The store's part, in one thread: find the passport and its outing, check, stamp."""
    passport = state.outings.passport(token)
    outing = state.outings.get(passport.outing) if passport else None
    if outing is None:
        return None
    try:
        journey = state.catalog.journeys.get(outing.journey, include_drafts=True)
    except JourneyNotFound:
        return None
    if journey.stop_of(site) is None:
        return None
    if not outing.active(now):
        return StampNote(site.slug, Refusal.NOT_ACTIVE)
    if not outing.in_window(now):
        return StampNote(site.slug, Refusal.OUTSIDE_WINDOW)
    state.outings.stamp(passport.id, site.slug, now)
    return StampNote(site.slug)
