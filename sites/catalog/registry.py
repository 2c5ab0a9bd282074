"""The in-memory registry of loaded sites: lookups by slug, code and alias, search and filters."""

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy

from sites.catalog.languages import source_first
from sites.catalog.models import KNOWN_PRECISIONS, Category
from sites.catalog.provinces import province_names
from sites.catalog.search_index import SearchIndex
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
        self._index: SearchIndex | None = None  # built on the first search with words
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
        """Published sites where each word of `query` begins a word of the site's texts (case and
        diacritics ignored), and which pass the filters; sites whose name matches come first.

        `category_words` (category value -> folded words such as " chua pagoda") also count as texts of a
        site of that category: the labels are interface strings, which sites/ does not hold.
        """
        words = fold(query).split()
        province_key = fold(province) if province else None
        numbered = list(enumerate(self._published)) if not words else self._matching(words, category_words or {})
        results = [(number, site) for number, site in numbered
                   if (not category or site.card.category.value == category)
                   and (not province_key or province_key in site.province_keys)]
        if words:
            in_name = set(self.search_index().matching(words, "names"))
            results.sort(key=lambda found: found[0] not in in_name)  # stable: name matches first
        return [site for _, site in results]

    def _matching(self, words: list[str], category_words: Mapping[str, str]) -> list[tuple[int, Site]]:
        """The published sites (with their numbers, in order) where each word begins a word of their texts or of
        their category's `category_words`."""
        index = self.search_index()
        categories = [[value for value, text in category_words.items() if any(w.startswith(word) for w in text.split())]
                      for word in words]
        if not any(categories):
            numbers = index.matching(words)
        else:
            numbers = sorted(set.intersection(*(
                index.matching_any(word, (number for value in labelled for number in self._numbers_by_category[value]))
                for word, labelled in zip(words, categories, strict=True))))
        return [(number, self._published[number]) for number in numbers]

    @cached_property
    def _numbers_by_category(self) -> dict[str, list[int]]:
        """The numbers of the published sites of each category."""
        numbers: dict[str, list[int]] = {category.value: [] for category in Category}
        for number, site in enumerate(self._published):
            numbers[site.card.category.value].append(number)
        return numbers

    def search_index(self) -> SearchIndex:
        """The index of the published sites' words, built on first use (sites/catalog/search_index.py)."""
        with self._index_lock:
            if self._index is None:
                self._index = SearchIndex(self._published)
            return self._index

    def languages(self) -> list[str]:
        """Every language some published site's text exists in, Vietnamese first."""
        return self._languages

    def provinces(self) -> list[str]:
        """Today's provinces that have at least one published site, sorted."""
        return sorted({name for site in self.all() for name in site.card.provinces}, key=fold)

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
        used = {site.card.category for site in self.all()}
        return [category for category in Category if category in used]

    def nearby(self, site: Site, limit: int = 4, max_km: float = 50.0) -> list[Nearby]:
        """The published sites closest to `site` (both need coordinates), nearest first, then in name order.

        The distances to every placed site are computed at once in numpy (issue 27: one site page read every
        site in Python, 0.2 s at 1,000 sites with the same place)."""
        if site.card.location is None:
            return []
        placed, lat, lon = self._places
        here = site.card.location
        km = distances_km(math.radians(here.lat), math.radians(here.lon), lat, lon)
        near = numpy.flatnonzero(km <= max_km)
        itself = self._place_numbers.get(site.slug)
        if itself is not None and placed[itself] is site:
            near = near[near != itself]
        if len(near) > limit:  # the `limit` nearest, ties included, then in name (registry) order
            cut = numpy.partition(km[near], limit - 1)[limit - 1]
            near = near[km[near] <= cut]
        ordered = near[numpy.lexsort((near, km[near]))][:limit]
        return [Nearby(placed[number], float(km[number]),
                       {here.precision, placed[number].card.location.precision} <= KNOWN_PRECISIONS)
                for number in ordered]

    @cached_property
    def _places(self) -> tuple[list[Site], numpy.ndarray, numpy.ndarray]:
        """The published sites with coordinates, in name order, and their latitudes and longitudes in radians."""
        placed = [site for site in self._published if site.card.location is not None]
        return (placed, numpy.radians([site.card.location.lat for site in placed]),
                numpy.radians([site.card.location.lon for site in placed]))

    @cached_property
    def _place_numbers(self) -> dict[str, int]:
        return {site.slug: number for number, site in enumerate(self._places[0])}


def distances_km(lat: float, lon: float, lats: numpy.ndarray, lons: numpy.ndarray) -> numpy.ndarray:
    """Great-circle distances in kilometres from one point to many (haversine; radians in), as `distance_km`."""
    a = numpy.sin((lats - lat) / 2) ** 2 + math.cos(lat) * numpy.cos(lats) * numpy.sin((lons - lon) / 2) ** 2
    return 6371.0 * 2 * numpy.arcsin(numpy.sqrt(a))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
