"""Narration audio: `/audio/{slug}/{lang}-{version}.mp3` (a published site's recording or automatic speech,
with HTTP Range for seeking and resuming) and `/journeys/{slug}.m3u` (a journey's stops as one playlist).

An audio URL names its version, so the file is cached for a year; an old or unknown version is a 404
(the page, which is never cached for long, names the current one).
"""

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse

from api.deps import LanguageDep
from api.state import StateDep
from api.views.narration_view import AUDIO_SUFFIX, audio_url, spoken_language
from sites.catalog.journeys import JourneyNotFound

router = APIRouter()

AUDIO_CACHE = "public, max-age=31536000, immutable"
PLAYLIST_TYPE = "audio/x-mpegurl"


@router.api_route("/audio/{slug}/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def narration_audio(request: Request, state: StateDep, slug: str, name: str) -> Response:
    """One version of a published site's narration; a plain `def`: finding the version normalises the text,
    which stays off the event loop."""
    lang, _, version = name.removesuffix(AUDIO_SUFFIX).rpartition("-")
    site = state.catalog.registry.get(slug)  # SiteNotFound (a 404) for a draft or an unknown slug
    if not name.endswith(AUDIO_SUFFIX) or lang not in state.narrations.languages(site):
        raise HTTPException(404, "no narration in this language")
    audio = state.narrations.status(site, lang).audio
    if audio is None or audio.version != version:
        raise HTTPException(404, "this version of the narration does not exist (any more)")
    headers = {"ETag": f'"{version}"', "Cache-Control": AUDIO_CACHE, "Accept-Ranges": "bytes"}
    if request.headers.get("if-none-match") in (headers["ETag"], "*"):
        return Response(status_code=304, headers=headers)
    return FileResponse(audio.path, media_type="audio/mpeg", headers=headers)


@router.get("/journeys/{slug}.m3u", include_in_schema=False)
def journey_playlist(state: StateDep, slug: str, lang: LanguageDep) -> Response:
    """The narration of each stop of a published journey, in order, as an extended M3U playlist in the
    visitor's language (`?lang=`); a stop whose narration is not ready yet is left out for now."""
    try:
        journey = state.catalog.journeys.resolve(slug)
    except JourneyNotFound:
        raise HTTPException(404, "no published journey has this name") from None
    base_url = state.settings.base_url
    lines = ["#EXTM3U", f"#PLAYLIST:{journey.localized(lang).name}"]
    for stop in journey.stops:
        spoken = spoken_language(state.narrations, stop.site, lang) if stop.site.published else None
        audio = state.narrations.status(stop.site, spoken).audio if spoken else None
        if audio is not None:
            lines += [f"#EXTINF:{round(audio.seconds)},{stop.number}. {stop.site.localized(lang).name}",
                      base_url + audio_url(stop.site.slug, spoken, audio)]
    return Response("\n".join(lines) + "\n", media_type=PLAYLIST_TYPE,
                    headers={"Cache-Control": "no-cache",
                             "Content-Disposition": f'inline; filename="{journey.slug}.m3u"'})
