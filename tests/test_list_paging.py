"""Every list is paged (issue 27): a page holds the same number of rows whatever the number of sites, the pager
links to the next and previous pages with the search and filters kept, and a page past the end is a 422."""

import gzip
import re

import pytest

from tests.support import PHONE_BROWSER
from tests.synthetic import make_synthetic_content

SITES = 120


@pytest.fixture
def many(tmp_path, make_client):
    """A client on SITES synthetic sites (copies of Đình Thới An)."""
    return make_client(content_dir=make_synthetic_content(tmp_path, SITES))


def card_names(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/sites/[^"]+">([^<]+)</a></h2>', html)


def test_home_page_shows_fifty_sites_and_a_pager(many):
    first = many.get("/")
    assert first.status_code == 200
    assert len(card_names(first.text)) == 50
    assert f"{SITES} di tích" in first.text  # the count is of every site found, not of the page
    assert 'href="/?page=2"' in first.text and "Trang 1/3" in first.text
    last = many.get("/?page=3")
    assert len(card_names(last.text)) == SITES - 100 and 'href="/?page=2"' in last.text
    shown = card_names(first.text) + card_names(many.get("/?page=2").text) + card_names(last.text)
    assert len(set(shown)) == SITES  # every site once, in the order of the whole list
    past = many.get("/?page=4")
    assert past.status_code == 422 and "page" in past.text


def test_home_pager_keeps_the_search_and_language(many):
    page = many.get("/", params={"q": "thoi an", "lang": "en"}).text
    assert 'href="/?q=thoi+an&amp;lang=en&amp;page=2"' in page


@pytest.mark.slow
def test_home_page_does_not_grow_with_the_number_of_sites(tmp_path, make_client):
    sizes = []
    for count in (60, 240):
        client = make_client(content_dir=make_synthetic_content(tmp_path / str(count), count))
        sizes.append(len(gzip.compress(client.get("/").content)))
    assert abs(sizes[1] - sizes[0]) < 200, sizes


def test_admin_list_shows_a_hundred_sites_a_page(tmp_path, staff_client):
    client = staff_client("hoa", content_dir=make_synthetic_content(tmp_path, 150))
    first = client.get("/admin", params={"q": "thoi an"}).text
    assert first.count('<br><code>di-tich-') == 100 and "150 / 150 di tích" in first
    assert 'href="/admin?q=thoi+an&amp;page=2"' in first
    second = client.get("/admin?q=thoi+an&page=2").text
    assert second.count('<br><code>di-tich-') == 50 and "Trang 2/2" in second
    assert client.get("/admin?page=3").status_code == 422


def test_api_sites_are_paged_and_empty_past_the_last_page(tmp_path, make_client, monkeypatch):
    monkeypatch.setattr("api.public.routes.sites.API_PAGE_SIZE", 50)
    client = make_client(content_dir=make_synthetic_content(tmp_path, SITES))
    first, last = client.get("/api/sites").json(), client.get("/api/sites?page=3").json()
    assert (first["count"], first["page"], first["pages"], len(first["sites"])) == (SITES, 1, 3, 50)
    assert (last["page"], len(last["sites"])) == (3, SITES - 100)
    past = client.get("/api/sites?page=4")
    assert past.status_code == 200 and past.json()["sites"] == [] and past.json()["count"] == SITES


def test_a_page_number_too_large_for_the_database_is_refused_naming_the_parameter(client):
    """A number past SQLite's integers made the search's OFFSET overflow: a 500 on an anonymous door."""
    for path in ("/api/sites?page=18446744073709553&q=0", "/?page=18446744073709553&q=dinh"):
        response = client.get(path, headers=PHONE_BROWSER)
        assert response.status_code == 422, (path, response.status_code)
        assert "page" in response.text
