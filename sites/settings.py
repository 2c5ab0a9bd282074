"""Settings, read from `DIACHIDO_*` environment variables (pydantic-settings)."""

import difflib
import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from PIL import Image
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "DIACHIDO_"
# Licences whose text the open data can name without DIACHIDO_OPEN_DATA_LICENCE_URL, by SPDX id.
KNOWN_LICENCES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}


class Settings(BaseSettings):
    """Every setting of the app; each is documented in the README (a test checks)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    content_dir: Path = Field(Path("content"), description="Folder of site folders, the source of truth")
    data_dir: Path = Field(
        Path("data"), description="Folder for what the app writes (photo variants, visits); created on first run"
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public address of the site, used in links shared on social networks and in QR codes",
    )
    qr_uppercase: bool = Field(
        False,
        description="Upper-case the QR payload (HTTP://HOST/Q/CODE) so it uses QR alphanumeric mode: "
        "fewer, larger modules that scan from further away. BASE_URL must then have no path",
    )
    reload_interval: float = Field(
        2.0, ge=0, description="Seconds between checks of content_dir for changed files; 0 turns reloading off"
    )

    secret_key: SecretStr | None = Field(
        None,
        description="Key behind the admin's CSRF tokens and the login throttle's hashed keys; when unset, one "
        "is generated and kept in data_dir",
    )
    tile_url: str = Field(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        description="Map tile server ({z}/{x}/{y} template) for the admin's location picker and the map",
    )
    tile_attribution: str = Field(
        "© OpenStreetMap contributors", min_length=1,
        description="Credit shown on maps drawn with tile_url's tiles (tile licences require one)",
    )
    map_assets_from_cdn: bool = Field(
        False,
        description="Load Leaflet and Leaflet.markercluster for /map from jsDelivr (same versions) instead of "
        "this app; by default map pages load nothing from another host except the tiles",
    )
    organisation: str = Field(
        "Đoàn TNCS Hồ Chí Minh",
        min_length=1,
        description="The organising unit printed at the top of every poster and plaque, and the PDF's author",
    )
    organisation_logo: Path | None = Field(
        None, description="A PNG or JPEG file printed beside the organisation's name on posters; none when unset"
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        [],
        description="Addresses or networks (CIDR) of reverse proxies, comma-separated: only requests from "
        "them may name the visitor's address and scheme in X-Forwarded-For / X-Forwarded-Proto",
    )
    counted_per_address: int = Field(
        600, ge=1,
        description="Counted visits (scans and views) per client address per hour; more from one address are "
        "served but not counted. Generous, since a class or a mobile carrier puts many phones behind one address",
    )
    late_scans_per_day: int = Field(
        300, ge=1,
        description="Late scans (made offline, sent later: POST /api/late-scans) counted per phone and per client "
        "address per day; more are refused. A class saving a journey scans a few dozen plaques; a school's Wi-Fi "
        "puts a few classes behind one address",
    )
    late_scans_per_site: int = Field(
        60, ge=1,
        description="Late scans of one site counted per client address per day (issue 21): a class of 40 that "
        "scanned offline sends theirs from one school router; more from one network are forged, not visitors",
    )
    listen_host: str | None = Field(
        None,
        description="The address the server listens on; `diachido serve --host` sets it. With a loopback base_url, "
        "QR codes and posters are refused unless this is a loopback address too (unset: refused)",
    )
    database_url: SecretStr | None = Field(
        None,
        description="postgresql://user:password@host/dbname: keep visits, the visit window, the daily visitor key, "
        "sessions and login throttling in PostgreSQL, shared by several processes and servers; unset: SQLite "
        "files in data_dir (one process)",
    )
    map_attribution_prefix: str = Field(
        "Leaflet",
        description="Text before the tile credit in the corner of every map (Leaflet's own prefix, with its flag, "
        "is replaced); empty: the tile credit alone",
    )
    calendar_ahead: bool = Field(
        True,
        description="Write the calendar feed (/calendar.ics) in the background at startup, after each content change "
        "and at each new month, in its low-priority worker process; off: the first request after a change waits "
        "for it",
    )
    narrate_ahead: bool = Field(
        True,
        description="Make every published site's automatic narration in the background at startup and after each "
        "content reload (one low-priority thread); off: each is made when a page first asks for it",
    )
    outing_retention_days: int = Field(
        90, ge=1,
        description="Days a class outing's data (nicknames, stamps, answers) is kept after the outing closes or its "
        "period ends; then it is deleted (checked at startup and daily)",
    )
    open_data_licence: str = Field(
        "CC-BY-4.0", pattern=r"^[A-Za-z0-9.+-]{2,64}$",
        description="SPDX id of the licence of the sites' texts in the open data (docs/open-data.md); photos keep "
        "their own",
    )
    open_data_licence_url: str | None = Field(
        None, description="Address of that licence's text; needed for a licence other than CC-BY-4.0, CC-BY-SA-4.0, "
        "CC0-1.0 and ODbL-1.0",
    )

    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token for /metrics: when set, whoever sends it may read the metrics; unset, only this "
        "machine and the trusted proxies' own addresses may (a forwarded request gets 404)",
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="The server log's format: one line per request and event, as text or as JSON objects",
    )

    @property
    def secure_cookies(self) -> bool:
        """Session cookies are marked Secure when the site is served over HTTPS."""
        return self.base_url.startswith("https://")

    @property
    def base_url_is_loopback(self) -> bool:
        """The base URL names this machine (127.0.0.1, localhost): no phone can open the QR codes."""
        return is_loopback(urlsplit(self.base_url).hostname)

    def base_url_unreachable(self, request_host: str | None = "localhost") -> bool:
        """QR codes would send phones to this machine's loopback address, though others may reach the server:
        it listens on a public address, or `request_host` (the Host a request came with) is not loopback,
        as behind a reverse proxy on the same machine."""
        return self.base_url_is_loopback and not (is_loopback(self.listen_host) and is_loopback(request_host))

    @property
    def tile_origin(self) -> str:
        """The scheme and host the map tiles come from, for Content-Security-Policy (`*.` for `{s}.`)."""
        tiles = urlsplit(self.tile_url.replace("{s}.", "*."))
        return f"{tiles.scheme}://{tiles.netloc}" if tiles.netloc else ""

    @field_validator("tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        if not value.startswith(("http://", "https://", "/")) or not all(p in value for p in ("{z}", "{x}", "{y}")):
            raise ValueError("must be an http(s) address (or a path) containing {z}, {x} and {y}")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgresql_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql:// (unset it to keep the SQLite files in data_dir)")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        # uvicorn would take a mistyped entry as a host name that never matches: refuse it instead.
        try:
            return [str(ipaddress.ip_network(entry, strict=False)) for entry in value]
        except ValueError as exc:
            raise ValueError(f"{exc}; give IP addresses or networks such as 10.0.0.0/8") from None

    @field_validator("organisation_logo")
    @classmethod
    def _png_or_jpeg(cls, value: Path | None) -> Path | None:
        # Checked at startup: a wrong path would otherwise first show as a failed print job.
        if value is None:
            return None
        try:
            with Image.open(value) as image:
                kind = image.format
        except FileNotFoundError:
            raise ValueError(f"{value} does not exist") from None
        except (OSError, Image.UnidentifiedImageError):
            raise ValueError(f"{value} is not an image") from None
        if kind not in ("PNG", "JPEG"):
            raise ValueError(f"{value} is {kind}; use a PNG or JPEG file")
        return value

    @model_validator(mode="after")
    def _licence_has_a_text(self) -> "Settings":
        if self.open_data_licence_url is None and self.open_data_licence not in KNOWN_LICENCES:
            raise ValueError(f"open_data_licence {self.open_data_licence} needs open_data_licence_url, the address of "
                             f"its text (known without one: {', '.join(KNOWN_LICENCES)})")
        if self.open_data_licence_url is not None and not self.open_data_licence_url.startswith(("http://", "https://")):
            raise ValueError("open_data_licence_url must start with http:// or https://")
        return self

    @property
    def open_data_licence_text(self) -> str:
        """The address of the open data licence's text."""
        return self.open_data_licence_url or KNOWN_LICENCES[self.open_data_licence]

    @model_validator(mode="after")
    def _uppercase_needs_bare_host(self) -> "Settings":
        # Host names ignore case, paths do not: /DIACHIDO/Q/CODE would not reach /diachido/q/code.
        if self.qr_uppercase and urlsplit(self.base_url).path not in ("", "/"):
            raise ValueError("qr_uppercase needs a base_url without a path, e.g. https://diachido.vn")
        return self


def is_loopback(host: str | None) -> bool:
    """Whether `host` (a name or an address) is this machine's loopback: 127.0.0.0/8, ::1 or localhost."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unknown_environment_settings(environ: Mapping[str, str]) -> list[str]:
    """One message per DIACHIDO_* variable that names no setting (a typo would otherwise be ignored)."""
    known = [ENV_PREFIX + name.upper() for name in Settings.model_fields]
    problems = []
    for variable in sorted(environ):
        name = variable.upper()
        if name.startswith(ENV_PREFIX) and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            problems.append(f"{variable} is not a setting" + (f"; did you mean {close[0]}?" if close else ""))
    return problems
