"""The installable web app (issue 16): `/manifest.webmanifest` (in the visitor's language, `?lang=`) and its
icons `/icons/{192,512}.png` and `/icons/maskable-{192,512}.png`, drawn from the favicon (api/static/favicon.svg).

A visitor who never installs the app sees nothing of this but a `<link rel="manifest">` in the page head.
"""

import functools
import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from api.deps import visitor_language
from api.templating import STATIC_DIR
from sites.catalog.i18n import strings

router = APIRouter(include_in_schema=False)

THEME_COLOUR = "#a4161a"  # the header's red (--red in _style.css)
BACKGROUND_COLOUR = "#fffdf9"  # the page's paper (--paper)
ICON_SIZES = (192, 512)
FAVICON = STATIC_DIR / "favicon.svg"
# A maskable icon is cropped to a circle of 80 % of its width: the pin is shrunk into that safe zone on a paper square.
MASKABLE_SCALE = 0.6
ICON_CACHE = "public, max-age=86400"


@router.get("/manifest.webmanifest")
def manifest(request: Request) -> Response:
    """The web app manifest: names in the visitor's language (Vietnamese unless asked otherwise), the icons,
    the theme colour, and the home page as start URL in a standalone window."""
    lang = visitor_language(request)
    t = strings(lang)
    icons = [{"src": f"/icons/{prefix}{size}.png", "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
             for prefix, purpose in (("", "any"), ("maskable-", "maskable")) for size in ICON_SIZES]
    body = {
        "name": t["app_name"],
        "short_name": t["app_short_name"],
        "description": t["app_description"],
        "lang": lang,
        "dir": "ltr",
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/manifest+json",
                    headers={"Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"})


@router.get("/icons/{name}.png")
def icon(name: str) -> Response:
    """An app icon: `192`, `512`, `maskable-192` or `maskable-512`."""
    maskable, _, size = name.rpartition("-") if name.startswith("maskable-") else (False, "", name)
    if not size.isdigit() or int(size) not in ICON_SIZES:
        raise HTTPException(404, f"No icon '{name}': sizes are {', '.join(map(str, ICON_SIZES))}")
    return Response(_icon_png(int(size), bool(maskable)), media_type="image/png", headers={"Cache-Control": ICON_CACHE})


@functools.cache
def _icon_png(size: int, maskable: bool) -> bytes:
    """The favicon drawn at `size` px; a maskable icon puts it smaller on a full square of paper colour."""
    import resvg_py  # on the first icon asked for: most visitors never install the app (issue 27)

    svg = FAVICON.read_text(encoding="utf-8")
    if maskable:
        inner = svg.split(">", 1)[1].rsplit("</svg>", 1)[0]
        offset = 16 * (1 - MASKABLE_SCALE)
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" '
               f'fill="{BACKGROUND_COLOUR}"/><g transform="translate({offset} {offset}) scale({MASKABLE_SCALE})">'
               f'{inner}</g></svg>')
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=size, height=size))
