"""Narration made ahead (issue 21, item 10): every published site gets its MP3, however many there are. The
queue of 64 jobs refused the rest and never asked again: with 150 sites, 27 never got one."""

import re
import time

import pytest

from sites.catalog.narration import QUEUE_LIMIT
from tests.support import add_site, phone

SITES = 200


@pytest.mark.slow
def test_every_one_of_200_sites_gets_its_narration_and_healthz_counts_down(make_client, tmp_path):
    """Short texts (a sentence each): the synthesis is real, 200 of them take seconds, not minutes."""
    content = tmp_path / "many"
    content.mkdir()
    slugs = [f"di-tich-{n:03}" for n in range(SITES)]
    for slug in slugs:
        add_site(content, slug, body="Một đoạn.\n")
    client = make_client(content_dir=content, narrate_ahead=True)
    health = client.get("/healthz").json()
    assert health["sites"] == SITES and QUEUE_LIMIT < health["narrations_pending"] <= SITES
    deadline = time.monotonic() + 600
    while (pending := client.get("/healthz").json()["narrations_pending"]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert pending == 0
    made = sorted(path.parent.name for path in (tmp_path / "data" / "narration").glob("*/vi-*.mp3"))
    assert made == slugs
    for number, slug in enumerate(slugs):  # each page offers its narration, which plays
        page = client.get(f"/sites/{slug}", headers=phone(number))
        audio = re.search(rf'/audio/{slug}/vi-[0-9a-f]+\.mp3', page.text)
        assert page.status_code == 200 and audio, slug
    answer = client.get(audio.group(), headers=phone(SITES))
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/mpeg"
