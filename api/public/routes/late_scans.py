"""`POST /api/late-scans`: scans made with no signal, kept on the phone and sent once it is online again.

Each scan is answered `counted`, `duplicate` (its id was counted before: a retry) or `refused` with why
(sites/visits/late_scans.py has the rules); the phone forgets every scan that got an answer. A body that is not what
the phone's script sends (not JSON, another shape, more than 100 scans, over 32 KB) is refused whole with a
4xx naming the field, and counts nothing; the phone keeps its scans and sends them again later.

Bots and HTTP tools get 200 with every scan refused, not 403: a phone whose browser is taken for a tool then
learns that its scans will never count and stops sending them, instead of retrying forever.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field

from api.deps import RegistryDep, SettingsDep
from api.json_body import MAX_JSON_BYTES, JsonBody
from api.public.counting import automated_client
from api.state import StateDep
from api.views.schemas import ErrorOut
from sites.catalog.registry import SiteNotFound
from sites.visits.late_scans import LateBatch, LateScan, Outcome, check, corrected
from sites.visits.visit import vietnam_day
from sites.visits.visit_gate import WINDOW_SECONDS

MAX_SCANS = 100
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
AUTOMATED = "not counted: automated client"
LATE_SCAN = "late_scan"  # the kind /metrics counts them under: scans too, sent later (they add to a site's scans)
_REFUSALS = {
    Outcome.REPEAT: f"not counted: this phone's scan of this site less than {WINDOW_SECONDS // 60} minutes before or"
                    " after it counted already",
    Outcome.PHONE_CAP: "not counted: this phone sent more than {cap} late scans today",
    Outcome.ADDRESS_CAP: "not counted: more than {cap} late scans came from this network today",
    Outcome.SITE_CAP: "not counted: more than {site_cap} late scans of this site came from this network today",
}


router = APIRouter(route_class=JsonBody)
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")  # what starts an ISO 8601 date and time


def _text(value: object) -> object:
    """Times come as ISO 8601 text only: pydantic would also take a number of seconds, even written as text ("3"),
    which no phone sends and the API's schema (format date-time) does not allow."""
    if not isinstance(value, str) or not _ISO_DATE_TIME.match(value):
        raise ValueError("an ISO 8601 time with its offset, as text")
    return value


IsoTime = Annotated[AwareDatetime, BeforeValidator(_text)]


class LateScanIn(BaseModel):
    id: str = Field(pattern=UUID_PATTERN, description="A UUID the phone made for this scan; it counts once ever")
    code: str = Field(min_length=1, max_length=200, description="What followed /q/ or /Q/ in the scanned URL")
    at: IsoTime = Field(description="The phone's clock at the scan, ISO 8601 with its offset")


class LateScansIn(BaseModel):
    device: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$",
                        description="A random id the phone keeps, for the daily cap per phone; never stored as it is")
    sent_at: IsoTime = Field(description="The phone's clock now, ISO 8601 with its offset: corrects its skew")
    scans: list[LateScanIn] = Field(max_length=MAX_SCANS)


class LateScanResultOut(BaseModel):
    id: str
    status: Literal["counted", "duplicate", "refused"]
    error: str | None = Field(None, description="Why it was refused (English); only for `refused`")


class LateScansOut(BaseModel):
    results: list[LateScanResultOut] = Field(description="One per scan sent, in the same order")


@router.post("/api/late-scans", response_model=LateScansOut, response_model_exclude_none=True, tags=["stats"],
             responses={400: {"model": ErrorOut, "description": "The body is not JSON, or not sent as JSON"},
                        413: {"model": ErrorOut, "description": f"The body is over {MAX_JSON_BYTES} bytes"},
                        503: {"model": ErrorOut, "description": "The visit store is unavailable: send them later"}})
async def late_scans(request: Request, sent: LateScansIn, state: StateDep, registry: RegistryDep,
                     settings: SettingsDep) -> LateScansOut:
    """Count scans made offline, each once, as scans of the day they happened (Vietnam time), marked as sent
    late. A scan counts if its code is a published site's, its time (corrected by the phone clock's skew, at
    most 26 hours) is within the past 14 days and not in the future, its id was never counted, no scan of the
    site by this phone within 30 minutes of it (by the phone's times) counted, its phone and address have had
    fewer than `DIACHIDO_LATE_SCANS_PER_DAY` late scans counted today, and its address fewer than
    `DIACHIDO_LATE_SCANS_PER_SITE` of this site. Answered once the counted scans are committed."""
    if automated_client(request):
        return LateScansOut(results=[LateScanResultOut(id=scan.id, status="refused", error=AUTOMATED)
                                     for scan in sent.scans])
    now = datetime.now(UTC)
    results: list[LateScanResultOut | None] = []
    accepted: list[LateScan] = []
    for scan in sent.scans:
        problem = check(scan.at, sent.sent_at, now)
        if problem is None:
            try:
                slug = registry.resolve(scan.code).slug
            except SiteNotFound:
                problem = f"not counted: no published site has the code '{scan.code[:80]}'"
        if problem:
            results.append(LateScanResultOut(id=scan.id, status="refused", error=problem))
            continue
        moment = corrected(scan.at, sent.sent_at, now)
        accepted.append(LateScan(UUID(scan.id).bytes, slug, moment, vietnam_day(moment)))
        results.append(None)  # the store decides
    if accepted:
        today = vietnam_day(now)
        address = request.client.host if request.client else ""
        hasher = state.visitor_hasher
        cap, site_cap = settings.late_scans_per_day, settings.late_scans_per_site
        decided = await state.visits.record_late(LateBatch(
            accepted, hasher.phone(sent.device, today), hasher.address(address, today), today, cap, site_cap))
        state.metrics.counted(LATE_SCAN, decided.count(Outcome.COUNTED))
        outcomes = iter(decided)
        for index, scan in enumerate(sent.scans):
            if results[index] is None:
                outcome = next(outcomes)
                results[index] = LateScanResultOut(
                    id=scan.id, status="refused", error=_REFUSALS[outcome].format(cap=cap, site_cap=site_cap),
                ) if outcome in _REFUSALS else LateScanResultOut(id=scan.id, status=outcome.value)
    return LateScansOut(results=results)
