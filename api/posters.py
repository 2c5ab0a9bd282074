"""Printable PDFs for staff and print shops: `/posters/{slug}.pdf` (one site) and `/posters.pdf` (every site)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import RegistryDep, SettingsDep, SiteDep
from api.i18n import COMPLETE_LANGUAGES, category_label, recognition_label, strings
from api.json_api import MOVED, NOT_FOUND
from api.qr_codes import site_scan_url
from api.settings import Settings
from qr.posters import Branding, PosterFormat, PosterText, poster, posters
from sites.languages import SOURCE_LANGUAGE, valid_language_tag
from sites.models import Category
from sites.site import Site

router = APIRouter(tags=["posters"])

PDF = {200: {"content": {"application/pdf": {}}, "description": "A print-ready PDF, one page per site"}}
LangQuery = Annotated[str | None, Query(
    description="BCP 47 tag of the poster's language (default vi); a site without text in it prints in Vietnamese"
)]
FormatQuery = Annotated[
    PosterFormat, Query(description="a4: A4 poster; a5: A5 flyer; plaque: 20 x 15 cm plaque card (default a4)")
]


def poster_text(site: Site, settings: Settings, lang: str = SOURCE_LANGUAGE) -> PosterText:
    """What the site's poster says in `lang` (Vietnamese where the site has no text in it), with the call to
    action in `lang` and then in Vietnamese (English under a Vietnamese one). The URL is the one its QR code
    encodes, the same in every language: a phone opens the page in its own language, with a picker."""
    text = site.localized(lang)
    lang = text.content_lang
    second = SOURCE_LANGUAGE if lang != SOURCE_LANGUAGE else next(
        (tag for tag in COMPLETE_LANGUAGES if tag != SOURCE_LANGUAGE), SOURCE_LANGUAGE)
    return PosterText(
        name=text.name,
        category=category_label(site.meta.category, lang),
        recognition=recognition_label(site.meta.recognition, lang),
        summary=text.summary,
        url=site_scan_url(site, settings),
        lang=lang,
        call_to_action=(strings(lang)["call_to_action"], strings(second)["call_to_action"]),
    )


def poster_language(lang: str | None) -> str:
    """The `lang` asked for, checked: a clear 422 naming the parameter when it is not a language tag."""
    if lang is None:
        return SOURCE_LANGUAGE
    if (tag := valid_language_tag(lang)) is None:
        raise HTTPException(422, f"lang: '{lang}' is not a BCP 47 language tag (for example vi, en, km)")
    return tag


def branding(settings: Settings) -> Branding:
    """The organising unit and its logo, from the settings."""
    return Branding(settings.organisation, settings.organisation_logo)


@router.get("/posters/{slug}.pdf", response_class=Response, responses={**PDF, **NOT_FOUND, **MOVED})
async def site_poster(site: SiteDep, settings: SettingsDep, format: FormatQuery = PosterFormat.a4,
                      lang: LangQuery = None) -> Response:
    """The published site's poster, flyer or plaque card as a one-page PDF."""
    # About 30 ms of CPU: in the thread pool, so scans keep being answered meanwhile.
    texts = poster_text(site, settings, poster_language(lang))
    body = await run_in_threadpool(poster, texts, format, branding(settings))
    return _pdf(body, f"{site.slug}-{format.value}.pdf")


@router.get("/posters.pdf", response_class=Response, responses={
    **PDF, 404: {"description": "No published site matches the filters"},
})
async def all_posters(
    registry: RegistryDep, settings: SettingsDep, format: FormatQuery = PosterFormat.a4,
    province: Annotated[str | None, Query(description="Only this province (today's or the former one)")] = None,
    category: Annotated[Category | None, Query(description="Only this kind of site")] = None,
) -> Response:
    """Every published site (sorted by name, optionally filtered) in one PDF, one page per site, for a print shop."""
    sites = registry.search(category=category.value if category else None, province=province)
    if not sites:
        raise HTTPException(404, "No published site matches these filters")
    texts = [poster_text(site, settings) for site in sites]
    body = await run_in_threadpool(posters, texts, format, branding(settings))
    return _pdf(body, f"posters-{format.value}.pdf")


def _pdf(body: bytes, filename: str) -> Response:
    """`body` as a PDF that browsers show and save under `filename`."""
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(body, media_type="application/pdf", headers=headers)
