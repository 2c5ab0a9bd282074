"""What a share card (qr/share_cards.py) of a site or a journey says, from the loaded content, and its version.

A card is drawn once per version: a digest of everything on it, the lead photo's file by its modification time
and size. The photo's resized variant is made (or found) in the worker that draws the card, never here.
"""

import dataclasses
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path

from qr.codes import scan_url
from qr.share_cards import CardText, share_card
from sites.catalog.i18n import category_label, strings, travel_mode_label
from sites.catalog.journeys import Journey
from sites.catalog.photos import variant_file, variant_widths
from sites.catalog.site import PhotoFile, Site
from sites.settings import Settings


@dataclass(frozen=True)
class CardJob:
    """A card to draw: its texts, and the photo whose largest variant fills it (None: the clean card)."""

    text: CardText
    photo: PhotoFile | None
    photo_cache: Path  # where the photo's variants are kept (data/photo-cache/<slug>)

    @property
    def version(self) -> str:
        """A digest of everything on the card; changes when a text, the QR payload or the photo file changes."""
        stamp = None
        if self.photo is not None:
            stat = self.photo.path.stat()
            stamp = (str(self.photo.path), stat.st_mtime_ns, stat.st_size)
        return hashlib.blake2b(pickle.dumps(("card", self.text, stamp)), digest_size=16).hexdigest()


def site_card(site: Site, settings: Settings, lang: str) -> CardJob:
    """The card of `site` in the language its text is shown in for `lang`; QR: what its plaque encodes."""
    content_lang = site.content_language(lang)
    facts = [category_label(site.card.category, content_lang), site.card.province]
    text = CardText(strings(content_lang)["site_title"], site.localized(content_lang).name, " · ".join(facts),
                    scan_url(settings.base_url, site.code, settings.qr_uppercase))
    return CardJob(text, site.photos[0] if site.photos else None, _photo_cache(settings, site.slug))


def journey_card(journey: Journey, settings: Settings, lang: str) -> CardJob:
    """The card of `journey`: its name, travel mode, stops and province, the first photo of its stops, and its own
    QR code."""
    localized = journey.localized(lang)
    words = strings(localized.content_lang)
    facts = [travel_mode_label(journey.meta.travel_mode, localized.content_lang),
             words["journey_stop_count"].format(n=len(journey.stops)), journey.meta.province]
    text = CardText(words["site_title"], localized.name, " · ".join(facts),
                    scan_url(settings.base_url, journey.code, settings.qr_uppercase, prefix="j"))
    lead = next((stop.site for stop in journey.stops if stop.site.photos), None)
    return CardJob(text, lead.photos[0] if lead else None, _photo_cache(settings, lead.slug if lead else journey.slug))


def drawn_card(job: CardJob) -> bytes:
    """The card's PNG (blocking: makes the photo's variant if needed, then draws; run it in a worker)."""
    photo = None
    if job.photo is not None:
        photo = variant_file(job.photo, variant_widths(job.photo)[-1], job.photo_cache)
    return share_card(dataclasses.replace(job.text, photo=photo))


def _photo_cache(settings: Settings, slug: str) -> Path:
    return settings.data_dir / "photo-cache" / slug
