"""Rules of editing a site through the admin or an import, beyond what the models check.

A slug and a code are proposed when staff leave them empty. Once a site is published its QR code may
be printed and its address shared, so its code never changes, and a new slug keeps the old one (and
every older alias) in `aliases`, where the old address keeps working as a redirect.
"""

import re
from collections.abc import Container, Mapping

from sites.fields import FieldError, InvalidFields, SiteInput
from sites.models import RESERVED_SLUGS
from sites.registry import Registry
from sites.site import Site
from sites.text import fold


def propose_slug(name: str) -> str:
    """A slug from a name: "Đình Thới An" -> "dinh-thoi-an" (ASCII, lower case, hyphens)."""
    slug = ""
    for word in re.sub(r"[^a-z0-9]+", " ", fold(name)).split():
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug if len(slug) >= 2 and slug not in RESERVED_SLUGS else f"di-tich-{slug}".rstrip("-")


def propose_code(slug: str) -> str:
    """A QR code id from a slug: its letters and digits, at most 16 ("dinh-thoi-an" -> "dinhthoian")."""
    return slug.replace("-", "")[:16]


def with_proposed_ids(flat: Mapping[str, object], taken: Container[str]) -> dict[str, object]:
    """`flat` with a slug proposed from the name and a code from the slug where they are empty,
    each made unique against `taken` (the slugs, codes and aliases already in use)."""
    flat = dict(flat)
    name = str(flat.get("name") or "").strip()
    if not str(flat.get("slug") or "").strip() and name:
        flat["slug"] = _unique(propose_slug(name), taken, "-", 80)
    slug = str(flat.get("slug") or "").strip()
    if not str(flat.get("code") or "").strip() and slug:
        flat["code"] = _unique(propose_code(slug), taken, "", 16)
    return flat


def used_keys(registry: Registry) -> set[str]:
    """Every slug, code and alias in use, drafts included."""
    return {key for site in registry.all(include_drafts=True) for key in site.keys()}


def apply_editing_rules(entry: SiteInput, previous: Site | None, publish: bool = False) -> SiteInput:
    """`entry` as it may be saved over `previous` (None for a new site).

    A new site is a draft; `publish` makes an existing one public, and a published site stays so.
    Once published, the code is fixed and a new slug keeps the old ones as aliases."""
    published = previous is not None and (previous.published or publish)
    aliases = entry.meta.aliases
    if previous is not None and previous.published:
        if entry.meta.code != previous.code:
            message = f"the code of a published site cannot change (it is '{previous.code}')"
            raise InvalidFields([FieldError("code", message)])
        renamed = [previous.slug] if entry.meta.slug != previous.slug else []
        kept = dict.fromkeys([*aliases, *previous.meta.aliases, *renamed])
        aliases = [alias for alias in kept if alias != entry.meta.slug]
    meta = entry.meta.model_copy(update={"aliases": aliases, "published": published})
    return SiteInput(meta, entry.translations, entry.bodies)


def _unique(base: str, taken: Container[str], separator: str, limit: int) -> str:
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"{separator}{number}"
        candidate, number = base[: limit - len(suffix)] + suffix, number + 1
    return candidate
