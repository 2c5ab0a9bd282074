"""The in-memory registry of loaded sites: lookups by slug, code and alias, search and filters."""

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from sites.catalog.languages import source_first
from sites.catalog.models import KNOWN_PRECISIONS, Category
from sites.catalog.place_index import PlaceIndex
from sites.catalog.provinces import province_names
from sites.catalog.search_index import Query, SearchIndex
from sites.catalog.site import Site
from sites.catalog.text import fold


class SiteNotFound(LookupError):
    """No published site answers to this slug, code or alias."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


MAX_PROVINCE_CHARS = 100  # far above any province's name, even decomposed: a longer one is refused unread
SAME_AREA_KM = 0.1  # closer than this (or the same district centre): "same area", not a distance


@dataclass(frozen=True)
class Nearby:
    """A site near another one: the straight-line distance between their points in kilometres (the order), and
    whether it is a distance between the sites themselves (both points exact or approximate, not a district centre).
    """

    site: Site
    km: float
    known: bool

    @property
    def shown_km(self) -> float | None:
        """The distance to tell visitors: None when unknown or in the same area."""
        return self.km if self.known and not self.same_area else None

    @property
    def same_area(self) -> bool:
        """At the same point or very close: two sites at one district centre are in one district."""
        return self.km < SAME_AREA_KM


@dataclass(frozen=True)
class Found:
    """One page of a search: its sites, in order, and how many sites the whole search found."""

    sites: list[Site]
    total: int


class Registry:
    """Every valid site of content/, drafts included; visitor lookups see published sites only."""

    def __init__(self, sites: list[Site]):
        self._sites = sorted(sites, key=lambda site: (site.folded_name, site.slug))
        self._by_slug = {site.slug: site for site in self._sites}
        self._by_key: dict[str, Site] = {}
        for site in self._sites:
            for key in site.keys():
                self._by_key.setdefault(key, site)
        self._published = [site for site in self._sites if site.published]  # a Site never changes: sorted once
        self._languages = source_first(lang for site in self._published for lang in site.languages)
        self._index: SearchIndex | None = None  # built on the first search or filtered list
        self._index_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sites)

    def all(self, include_drafts: bool = False) -> list[Site]:
        """Sites sorted by name (ignoring diacritics): a new list, the caller's to change."""
        return list(self._sites if include_drafts else self._published)

    def published_count(self) -> int:
        """How many sites visitors see (what /healthz reports), without listing them."""
        return len(self._published)

    def get(self, slug: str, include_drafts: bool = False) -> Site:
        """The site whose slug is exactly `slug`, or SiteNotFound."""
        site = self._by_slug.get(slug)
        if site is None or not (include_drafts or site.published):
            raise SiteNotFound(slug)
        return site

    def resolve(self, key: str, include_drafts: bool = False) -> Site:
        """The published site (or any site, with `include_drafts`) whose slug, code or alias is `key`
        (any case), or SiteNotFound."""
        site = self._by_key.get(key.lower())
        if site is None or not (include_drafts or site.published):
            raise SiteNotFound(key)
        return site

    def search(self, query: str = "", category: str | None = None, province: str | None = None,
               category_words: Mapping[str, str] | None = None) -> list[Site]:
        """Every published site `search_page` finds, in its order (the map, posters and reports: lists whole)."""
        return self.search_page(query, category, province, category_words).sites

    def search_page(self, query: str = "", category: str | None = None, province: str | None = None,
                    category_words: Mapping[str, str] | None = None, offset: int = 0, limit: int | None = None,
                    published: bool | None = True, in_text: bool = True) -> Found:
        """The sites where each word of `query` begins a word of the site's texts (case and diacritics ignored),
        and which pass the filters, from `offset` (`limit` of them; None: all), with how many there are in all;
        sites whose name matches come first, each part in name order. Counted and cut in SQL by the index
        (issue 27): no request reads every site.

        `category_words` (category value -> folded words such as " chua pagoda") also count as texts of a
        site of that category: the labels are interface strings, which sites/ does not hold. `published`: only
        published sites (True), only drafts (False) or both (None); `in_text` False: the words are looked for in
        the name and today's provinces only (the admin list).
        """
        words = fold(query).split()
        if not words and not category and not province and published:  # the whole list: no index needed
            end = None if limit is None else offset + limit
            return Found(self._published[offset:end], len(self._published))
        labels = {value: text.split() for value, text in (category_words or {}).items()}
        search = Query(tuple((word, tuple(value for value, texts in labels.items()
                                          if any(text.startswith(word) for text in texts))) for word in words),
                       category, fold(province) if province else None, published, in_text)
        numbers, total = self.search_index().search(search, offset, limit)
        return Found([self._sites[number] for number in numbers], total)

    def search_index(self) -> SearchIndex:
        """The index of every site's words and filters, built on first use (sites/catalog/search_index.py)."""
        with self._index_lock:
            if self._index is None:
                self._index = SearchIndex(self._sites)
            return self._index

    def languages(self) -> list[str]:
        """Every language some published site's text exists in, Vietnamese first."""
        return self._languages

    def provinces(self, include_drafts: bool = False) -> list[str]:
        """Today's provinces that have at least one published site (or any site), sorted; found once, not on
        every page that offers them (issue 27)."""
        return self._provinces[include_drafts]

    @cached_property
    def _provinces(self) -> dict[bool, list[str]]:
        return {drafts: sorted({name for site in self.all(drafts) for name in site.card.provinces}, key=fold)
                for drafts in (False, True)}

    def province_named(self, name: str) -> str | None:
        """The province `name` stands for (case and diacritics aside), as the filters know it: one of today's,
        a former one or one a site's address names; None for anything else, so a filter value is one of a
        bounded set."""
        return self._province_names.get(fold(name)) if len(name) <= MAX_PROVINCE_CHARS else None

    @cached_property
    def _province_names(self) -> dict[str, str]:
        named = list(province_names())
        for site in self.all():
            named += [*site.card.provinces, *site.card.former_provinces]
        return {fold(name): name for name in reversed(named)}  # the first spelling wins

    def categories(self) -> list[Category]:
        """Categories that have at least one published site, in the order of the Category enum."""
        return self._categories

    @cached_property
    def _categories(self) -> list[Category]:
        used = {site.card.category for site in self.all()}
        return [category for category in Category if category in used]

    def nearby(self, site: Site, limit: int = 4, max_km: float = 50.0) -> list[Nearby]:
        """The published sites closest to `site` (both need coordinates), nearest first, then in name order.

        Measured to the points near it only (sites/catalog/place_index.py; issue 27: a site page measured the
        distance to every placed site)."""
        if site.card.location is None:
            return []
        placed, places = self._places
        here = site.card.location
        itself = self._place_numbers.get(site.slug)
        skip = itself if itself is not None and placed[itself] is site else None
        return [Nearby(placed[number], km, {here.precision, placed[number].card.location.precision} <= KNOWN_PRECISIONS)
                for number, km in places.nearest(here.lat, here.lon, limit, max_km, skip)]

    @cached_property
    def _places(self) -> tuple[list[Site], PlaceIndex]:
        """The published sites with coordinates, in name order, and the index of their points."""
        placed = [site for site in self._published if site.card.location is not None]
        return placed, PlaceIndex([(site.card.location.lat, site.card.location.lon) for site in placed])

    @cached_property
    def _place_numbers(self) -> dict[str, int]:
        return {site.slug: number for number, site in enumerate(self._places[0])}


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
