"""Share cards (issue 23): `/sites/{slug}/card.png` and `/journeys/{slug}/card.png`, the 1200x630 PNG that a
page's `og:image` names, drawn once per version on the QR codes' thread (api/caches/print_shop.py).

`lang` picks the text among the languages the site or journey is written in (any other gives the Vietnamese
card), and `v`, the version in the page's link, only makes a new address for link previews that keep images by
address: neither can make more cards than there are versions of the content.
"""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from api.deps import PrintShopDep, SiteDep
from api.responses import BUSY, MOVED, NOT_FOUND, NOT_MODIFIED
from api.state import StateDep
from api.views.schemas import ErrorOut
from qr.card_texts import CardJob, journey_card, site_card
from sites.catalog.journeys import JourneyNotFound
from sites.catalog.languages import SOURCE_LANGUAGE

router = APIRouter(tags=["share cards"])

CACHE_SECONDS = 24 * 3600
PNG = {200: {"content": {"image/png": {}}, "description": "The share card, 1200x630 PNG"}}
LangQuery = Annotated[str, Query(max_length=35, description="BCP 47 tag; a language the text is not in: Vietnamese")]
VersionQuery = Annotated[str | None, Query(max_length=32, description="The card's version, from the page's link; "
                                           "ignored (the current card is sent)")]


@router.get("/sites/{slug}/card.png", response_class=Response,
            responses={**PNG, **NOT_MODIFIED, **NOT_FOUND, **MOVED, **BUSY})
async def site_share_card(request: Request, site: SiteDep, state: StateDep, shop: PrintShopDep,
                          lang: LangQuery = SOURCE_LANGUAGE, v: VersionQuery = None) -> Response:
    """The site's share card: its first photo with the name, or the name, category, province and QR code."""
    return await _card(request, shop, site_card(site, state.settings, lang))


@router.get("/journeys/{slug}/card.png", response_class=Response, responses={
    **PNG, **NOT_MODIFIED, **BUSY, 404: {"model": ErrorOut, "description": "No published journey has this slug"}})
async def journey_share_card(request: Request, slug: str, state: StateDep, shop: PrintShopDep,
                             lang: LangQuery = SOURCE_LANGUAGE, v: VersionQuery = None) -> Response:
    """The journey's share card: the first photo of its stops with its name, or its name, stops and QR code."""
    try:
        journey = state.catalog.journeys.get(slug)
    except JourneyNotFound:
        raise HTTPException(404, f"Không có hành trình '{slug}' / no journey '{slug}'") from None
    return await _card(request, shop, journey_card(journey, state.settings, lang))


async def _card(request: Request, shop: PrintShopDep, job: CardJob) -> Response:
    headers = {"ETag": f'"{job.version}"', "Cache-Control": f"public, max-age={CACHE_SECONDS}"}
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(await shop.card(job), media_type="image/png", headers=headers)
