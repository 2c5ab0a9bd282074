"""How lists of sites are narrowed and paged, the same way on every page and in the API: one filter
dependency (category, province) and one pager (a page past the end is a 422 naming `page`).

A filter value is one of a known, bounded set (a category, a province of Vietnam or of the content), else a
422 naming the parameter before any page or cache sees it: caches keyed by filters stay bounded (issue 21).
"""

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Response
from pydantic import AfterValidator

from api.deps import RegistryDep
from api.errors import invalid_parameter, shorten
from api.state import AppState
from sites.catalog.models import Category
from sites.catalog.provinces import province_names
from sites.catalog.registry import Registry
from sites.catalog.site import Site

T = TypeVar("T")


@dataclass(frozen=True)
class SiteFilters:
    """The category and province asked for (None: any)."""

    category: Category | None = None
    province: str | None = None

    def search(self, registry: Registry, q: str = "", category_words: Mapping[str, str] | None = None) -> list[Site]:
        """The published sites that match; `q` and `category_words` as in `Registry.search`."""
        return registry.search(q, self.category.value if self.category else None, self.province, category_words)

    def page(self, registry: Registry, pager: "Pager", size: int, q: str = "",
             category_words: Mapping[str, str] | None = None, empty_past_end: bool = False) -> "Page[Site]":
        """The pager's page of the published sites that match, counted and cut by the search index
        (`Registry.search_page`): no list of every match is built (issue 27)."""
        found = registry.search_page(q, self.category.value if self.category else None, self.province,
                                     category_words, pager.start(size), size)
        return pager.counted(found.sites, found.total, size, empty_past_end)

    def query(self) -> dict[str, str]:
        """The filters in use, as query parameters (province first)."""
        return {key: value for key, value in (("province", self.province or ""),
                                              ("category", self.category.value if self.category else "")) if value}


def _category(value: str | None) -> Category | None:
    """The category asked for; a form's "all" choice sends `category=`, the same as none."""
    if not value:
        return None
    try:
        return Category(value)
    except ValueError:
        raise ValueError(f"unknown category {value!r}; one of: {', '.join(c.value for c in Category)}") from None


async def known_province(
    registry: RegistryDep,
    province: Annotated[str | None, Query(
        description="Only this province (today's or the former one; case and diacritics ignored)",
        json_schema_extra={"enum": ["", *province_names()]})] = None,
) -> str | None:
    """The province asked for, in the spelling of the province list; None for any (empty or absent)."""
    if not province:
        return None
    named = registry.province_named(province)
    if named is None:
        raise invalid_parameter("province", f"không có tỉnh/thành phố '{shorten(province)}' / "
                                            f"no province '{shorten(province)}'")
    return named


ProvinceDep = Annotated[str | None, Depends(known_province)]


async def site_filters(
    province: ProvinceDep,
    category: Annotated[str | None, AfterValidator(_category), Query(
        description="Only this kind of site; empty or absent: every kind",
        json_schema_extra={"enum": ["", *(c.value for c in Category)]})] = None,
) -> SiteFilters:
    """The filters of a request: the same rule on every page, the API, the posters and the reports."""
    return SiteFilters(category, province)


FiltersDep = Annotated[SiteFilters, Depends(site_filters)]


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page, its number, the number of pages (at least 1) and of rows in all of them."""

    rows: list[T]
    number: int
    pages: int
    found: int


@dataclass(frozen=True)
class Pager:
    """The page asked for, from 1."""

    number: int = 1

    def page(self, rows: list[T], size: int, empty_past_end: bool = False) -> Page[T]:
        """The `size` rows of this page; a 422 naming `page` past the last page (an empty list has one), or no rows
        with `empty_past_end` (the JSON API: any page its schema allows is a 200)."""
        start = self.start(size)
        return self.counted(rows[start:start + size], len(rows), size, empty_past_end)

    def start(self, size: int) -> int:
        """How many rows come before this page."""
        return (self.number - 1) * size

    def counted(self, rows: list[T], found: int, size: int, empty_past_end: bool = False) -> Page[T]:
        """This page of a list of `found` rows, its `rows` already cut out (as `page` cuts them)."""
        pages = max(1, math.ceil(found / size))
        if self.number > pages and not empty_past_end:
            raise invalid_parameter("page", f"there are {pages} pages")
        return Page(rows, self.number, pages, found)


MAX_PAGE = 1_000_000  # far past the last page of any list; a larger number would overflow SQLite's OFFSET (a 500)


async def get_pager(page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page of the table, from 1")] = 1
                    ) -> Pager:
    return Pager(page)


PagerDep = Annotated[Pager, Depends(get_pager)]


def page_link(path: str, query: Mapping[str, str]) -> str:
    """The address of `path` with `query` (empty values left out) up to "page=", for the pager's links."""
    kept = urlencode({key: value for key, value in query.items() if value})
    return f"{path}?{kept}&" if kept else f"{path}?"


def counts_version(state: AppState) -> tuple[int, int]:
    """What changes when this process counts a visit or writes an outing: a list of counts kept with it is current
    while it stays the same (api/caches/list_cache.py)."""
    return state.visits.changes, state.outings.changes


def kept_list(request: Request, state: AppState, registry: Registry, key: tuple, version: Hashable,
              render: Callable[[], Response]) -> Response:
    """The list page or JSON list at this path for `key` (every parameter it shows, language included), kept
    rendered while `version` stays the same (api/caches/list_cache.py). While the visit store is damaged nothing
    kept is served: lists of counts answer 503 as the store does, never its last counts as if current."""
    if state.visits.problem:
        return render()
    return state.lists.response(registry, (request.url.path, *key), version, render,
                                "gzip" in request.headers.get("accept-encoding", ""))
