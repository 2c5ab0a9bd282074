"""Search through the index (issue 27, sites/catalog/search_index.py): the same sites in the same order as the
scan of every site's text it replaced, for the bundled sites and every word they hold."""

from collections.abc import Mapping

from sites.catalog.i18n import category_search_words
from sites.catalog.loader import load_content
from sites.catalog.models import KNOWN_PRECISIONS
from sites.catalog.registry import Registry, distance_km
from sites.catalog.site import Site
from sites.catalog.text import fold
from tests.support import TEST_CONTENT, edit_site


def scanned(registry: Registry, query: str = "", category: str | None = None, province: str | None = None,
            category_words: Mapping[str, str] | None = None) -> list[Site]:
    """The search as it was before the index: every published site's text read for each request."""
    category_words = category_words or {}
    words = [" " + word for word in fold(query).split()]
    province_key = fold(province) if province else None
    results = []
    for site in registry.all():
        if category and site.meta.category.value != category:
            continue
        if province_key and province_key not in site.province_keys:
            continue
        text = site.search_text + category_words.get(site.meta.category.value, "")
        if all(word in text for word in words):
            results.append(site)
    if words:
        in_name = {site.slug for site in results if all(word in site.folded_name for word in words)}
        results.sort(key=lambda site: site.slug not in in_name)
    return results


def queries(registry: Registry) -> list[str]:
    """Every word of the bundled sites and of the category labels, whole and cut to 1-3 letters, alone and in
    pairs with the next word; and some words that are no one's."""
    words = sorted({word for site in registry.all() for word in site.search_text.split()}
                   | {word for text in category_search_words().values() for word in text.split()})
    cut = sorted({word[:length] for word in words for length in (1, 2, 3, len(word))})
    pairs = [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]
    return [*cut, *pairs, "Đình Thới An", "THOI an", "chùa pagoda", "khongcodau", "an khongcodau", "", "  "]


def test_the_index_finds_what_the_scan_found_in_the_same_order():
    registry = load_content(TEST_CONTENT).registry
    labels = category_search_words()
    provinces = [None, *registry.provinces(), "Cần Thơ"]
    for query in queries(registry):
        for words in (None, labels):
            expected = [site.slug for site in scanned(registry, query, category_words=words)]
            assert [site.slug for site in registry.search(query, category_words=words)] == expected, query
    for query in ("thoi", "chua", "di tich", "an", ""):
        for province in provinces:
            for category in (None, "dinh", "chua", "di-tich-lich-su"):
                expected = [site.slug for site in scanned(registry, query, category, province, labels)]
                assert [site.slug for site in registry.search(query, category, province, labels)] == expected


def test_each_page_is_that_part_of_the_whole_list_and_counts_it_all():
    """A page is counted and cut in SQL (Registry.search_page): the same sites as the slice of the whole list,
    across the border between the names that match and the other matches, with the number of every match."""
    registry = load_content(TEST_CONTENT).registry
    labels = category_search_words()
    for query in ("an", "thoi an", "chua", "di tich", "can tho", "", "khongcodau"):
        for category, province in ((None, None), ("chua", None), (None, "Cần Thơ"), ("dinh", "Cần Thơ")):
            whole = [site.slug for site in scanned(registry, query, category, province, labels)]
            for limit in (1, 2, 3):
                for offset in range(0, len(whole) + 2):
                    found = registry.search_page(query, category, province, labels, offset, limit)
                    assert [site.slug for site in found.sites] == whole[offset:offset + limit], (query, offset)
                    assert found.total == len(whole), query


def test_staff_search_names_and_provinces_with_drafts(content_dir):
    """The admin list's search (in_text False): words begin words of the name or of today's provinces, drafts
    included or alone."""
    edit_site(content_dir, "dinh-phu-luong", published=False)
    registry = load_content(content_dir).registry
    slugs = lambda **asked: [site.slug for site in registry.search_page(in_text=False, **asked).sites]  # noqa: E731
    assert "dinh-phu-luong" not in slugs() and "dinh-phu-luong" in slugs(published=None)
    assert slugs(published=False) == ["dinh-phu-luong"]
    assert slugs(query="dinh", published=None) == ["dinh-phu-luong", "dinh-thoi-an"]
    assert slugs(query="can tho", published=None) == [site.slug for site in registry.all(include_drafts=True)
                                                       if "Cần Thơ" in site.meta.address.provinces]
    assert registry.search("communal") and slugs(query="communal") == [], "an English name is not the name"
    assert registry.search_page("dinh", published=None, in_text=False, limit=1).total == 2


def test_the_home_page_orders_results_as_before(client):
    """Names first, then the other matches, each in the order of names."""
    registry = load_content(TEST_CONTENT).registry
    page = client.get("/", params={"q": "an"}).text
    expected = [site.meta.name for site in scanned(registry, "an", category_words=category_search_words())]
    shown = [name for name in expected if f">{name}</a></h2>" in page]
    assert shown == expected and page.index(expected[0]) < page.index(expected[-1])


def test_nearby_sites_are_those_of_the_distance_loop_it_replaced():
    """Nearest first, then in name order; the site itself never (numpy computes the distances, issue 27)."""
    registry = load_content(TEST_CONTENT).registry
    for site in registry.all():
        expected = []
        if site.meta.location:
            here = site.meta.location
            for other in registry.all():
                if other is not site and other.meta.location is not None:
                    km = distance_km(here.lat, here.lon, other.meta.location.lat, other.meta.location.lon)
                    if km <= 50:
                        expected.append((km, fold(other.meta.name), other.slug,
                                         {here.precision, other.meta.location.precision} <= KNOWN_PRECISIONS))
            expected = [(slug, round(km, 6), known) for km, _, slug, known in sorted(expected)[:4]]
        got = [(near.site.slug, round(near.km, 6), near.known) for near in registry.nearby(site)]
        assert got == expected, site.slug
