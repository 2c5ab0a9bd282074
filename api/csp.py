"""Every Content-Security-Policy of the app, composed from one base policy.

Pages run only the app's own scripts, load nothing from other hosts and may not be framed; a kind of page that needs
more (the map's scripts and tiles, the admin's scripts, the API docs' inline script) says only what it
adds or replaces.
"""

BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "style-src": ("'self'", "'unsafe-inline'"),
    "script-src": ("'none'",),
    "connect-src": (),  # falls back to default-src unless a page lists it
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


def policy(**changes: tuple[str, ...]) -> str:
    """The base policy with `changes` (directive names with `_` for `-`) replacing its sources; an empty
    source (an origin that is not set) is left out, and so is a directive without sources."""
    directives = {**BASE_POLICY, **{name.replace("_", "-"): sources for name, sources in changes.items()}}
    written = [" ".join([name, *filter(None, sources)]) for name, sources in directives.items() if any(sources)]
    return "; ".join(written)


def page_policy() -> str:
    """Visitors' pages and error pages: the app's own scripts only (/static/offline.js, which registers the
    service worker /sw.js, and the location check of a class outing's stamp, api/public/stamping.py)."""
    return policy(script_src=("'self'",))


def preview_policy() -> str:
    """A staff preview of a site page: no script at all."""
    return policy()


def map_policy(tile_origin: str, script_hash: str, cdn: tuple[str, ...] | list[str], framed_by: str) -> str:
    """A map page: its own scripts, the inline map script by hash, the tiles, Leaflet from a CDN if configured."""
    return policy(img_src=("'self'", "data:", tile_origin), style_src=("'self'", "'unsafe-inline'", *cdn),
                  script_src=("'self'", script_hash, *cdn), connect_src=("'self'",), frame_ancestors=(framed_by,))


def admin_policy(tile_origin: str) -> str:
    """Staff pages: the app's own scripts (the location picker), images also from the tile server."""
    return policy(img_src=("'self'", "data:", tile_origin), script_src=("'self'",))


def docs_policy(inline_script_hashes: list[str]) -> str:
    """The API documentation: Swagger UI's files from this app and its inline script by hash."""
    return policy(script_src=("'self'", *inline_script_hashes))
