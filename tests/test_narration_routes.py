"""Narration on the web (issue 15): the audio route (Range, ETag, caching, drafts), the "Listen" block
on the site page, and a journey's playlist; real speech made by eSpeak NG, served by the real app."""

import io
import re

import numpy as np
import pytest
import soundfile

from api.state import app_state
from api.views import site_page
from sites.catalog.narration import NarrationLibrary
from speech.audio import MAX_RECORDING_BYTES
from speech.espeak import synthesize
from tests.support import (
    OFFLINE_SCRIPT_ONLY,
    PHONE_BROWSER,
    edit_site,
    form_of,
    post_form,
    scripts,
    silent_mp3,
    snapshot,
    speech_mp3,
)

SLUG = "dinh-thoi-an"
render_page = site_page.site_page_response


def _ready(client, slug: str = SLUG, lang: str = "vi"):
    """Make the narration now (as the background worker would) and return it."""
    state = app_state(client.app)
    return state.narrations.generate(state.catalog.registry.get(slug, include_drafts=True), lang)


def _audio_url(html: str) -> str:
    return re.search(r'<audio controls preload="none" src="([^"]+)"', html).group(1)


def test_the_page_says_the_narration_is_being_prepared_then_shows_the_player(client):
    """The provisional page is cached until the background worker finishes a job, then rendered again."""
    page = client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER)
    assert "Đang chuẩn bị" in page.text and "<audio" not in page.text
    assert page.headers["cache-control"] == "no-cache"
    assert client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER).content == page.content  # kept while being made
    state = app_state(client.app)
    audio = state.narrations.ensure(state.catalog.registry.get(SLUG), "vi").result(timeout=120)  # the worker's job
    page = client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER)
    assert "Nghe thuyết minh" in page.text and "Giọng đọc tự động" in page.text
    minutes = round(audio.seconds / 60)
    megabytes = f"{audio.size / 1e6:.1f}".replace(".", ",")
    assert f"{minutes} phút · {megabytes} MB" in page.text
    assert "Lời thuyết minh là nội dung của trang này" in page.text
    assert _audio_url(page.text) == f"/audio/{SLUG}/vi-{audio.version}.mp3"


def test_a_page_still_being_prepared_is_kept_past_its_half_minute_and_shows_a_narration_another_process_made(
        client, data_dir, monkeypatch):
    """Issue 22: when the half minute of a "being prepared" page is over and its narration is still not made, the
    kept page is served again, not rendered again (2.5 ms with its gzip); once the narration exists (here made by
    another process's library in the same data folder), the page is rendered with its player."""
    renders = []
    monkeypatch.setattr(site_page, "site_page_response", lambda *args, **kwargs: renders.append(args[1].slug) or
                        render_page(*args, **kwargs))
    monkeypatch.setattr(site_page, "PROVISIONAL_SECONDS", 1e-9)  # every request is in a new half minute
    page = client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER)
    assert "Đang chuẩn bị" in page.text and renders == [SLUG]
    state = app_state(client.app)
    state.narrations.close()  # this process's worker stops: the narration is not made here
    again = client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER)
    assert again.content == page.content and renders == [SLUG]  # kept, though its stamp changed
    NarrationLibrary(data_dir).generate(state.catalog.registry.get(SLUG), "vi")  # as another worker process would
    page = client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER)
    assert "Nghe thuyết minh" in page.text and "Đang chuẩn bị" not in page.text and renders == [SLUG, SLUG]
    assert page.headers.get("cache-control") != "no-cache"  # final: kept by the cache and browsers


@pytest.mark.slow
def test_the_english_page_plays_the_english_narration_with_english_labels(client):
    audio = _ready(client, lang="en")
    page = client.get(f"/sites/{SLUG}?lang=en", headers=PHONE_BROWSER)
    megabytes = f"{audio.size / 1e6:.1f}"
    assert "Listen" in page.text and "Automatic voice" in page.text and f" min · {megabytes} MB" in page.text
    assert _audio_url(page.text) == f"/audio/{SLUG}/en-{audio.version}.mp3"


def test_a_full_get_is_the_file_with_a_strong_etag_and_a_year_of_caching(client, tmp_path):
    audio = _ready(client)
    response = client.get(f"/audio/{SLUG}/vi-{audio.version}.mp3")
    assert response.status_code == 200 and response.content == audio.path.read_bytes()
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.headers["etag"] == f'"{audio.version}"'
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-encoding" not in response.headers  # never gzipped: Range counts the file's bytes
    (tmp_path / "a.mp3").write_bytes(response.content)
    assert soundfile.info(tmp_path / "a.mp3").duration > 1
    again = client.get(f"/audio/{SLUG}/vi-{audio.version}.mp3", headers={"If-None-Match": f'"{audio.version}"'})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == f'"{audio.version}"'


@pytest.mark.parametrize(("asked", "start", "end"), [("bytes=100-1099", 100, 1099), ("bytes=0-0", 0, 0),
                                                     ("bytes=-500", None, None), ("bytes=2000-", 2000, None)])
def test_a_range_request_returns_exactly_the_asked_bytes(client, asked, start, end):
    audio = _ready(client)
    data = audio.path.read_bytes()
    if start is None:
        start = len(data) - 500
    end = len(data) - 1 if end is None else end
    response = client.get(f"/audio/{SLUG}/vi-{audio.version}.mp3", headers={"Range": asked})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(data)}"
    assert response.content == data[start:end + 1]
    assert response.headers["etag"] == f'"{audio.version}"'


def test_a_range_beyond_the_file_is_416(client):
    audio = _ready(client)
    response = client.get(f"/audio/{SLUG}/vi-{audio.version}.mp3", headers={"Range": f"bytes={audio.size + 10}-"})
    assert response.status_code == 416 and response.headers["content-range"] == f"bytes */{audio.size}"


def test_an_old_version_an_unknown_language_and_a_draft_are_not_found(client, content_dir):
    audio = _ready(client)
    assert client.get(f"/audio/{SLUG}/vi-0123456789abcdef.mp3").status_code == 404
    assert client.get(f"/audio/{SLUG}/km-{audio.version}.mp3").status_code == 404
    assert client.get(f"/audio/{SLUG}/vi-{audio.version}.ogg").status_code == 404
    assert client.get(f"/audio/no-such-site/vi-{audio.version}.mp3").status_code == 404
    edit_site(content_dir, SLUG, published=False)
    app_state(client.app).catalog.reload()
    draft = _ready(client)
    assert client.get(f"/audio/{SLUG}/vi-{draft.version}.mp3").status_code == 404


@pytest.mark.slow
def test_a_journey_plays_as_one_playlist_of_its_stops_in_order(client, tmp_path):
    state = app_state(client.app)
    journey = state.catalog.journeys.all()[0]
    expected = []
    for stop in journey.stops:
        audio = _ready(client, stop.site.slug, "en")
        expected.append(f"http://testserver.example/audio/{stop.site.slug}/en-{audio.version}.mp3")
    response = client.get(f"/journeys/{journey.slug}.m3u?lang=en")
    assert response.status_code == 200 and response.headers["content-type"].startswith("audio/x-mpegurl")
    lines = response.text.splitlines()
    assert lines[0] == "#EXTM3U"
    urls = [line for line in lines if not line.startswith("#")]
    assert urls == expected and len(urls) == len(journey.stops)
    titles = [line.split(",", 1)[1] for line in lines if line.startswith("#EXTINF:")]
    assert titles == [f"{stop.number}. {stop.site.localized('en').name}" for stop in journey.stops]
    first = client.get(urls[0].removeprefix("http://testserver.example"))
    (tmp_path / "first.mp3").write_bytes(first.content)
    assert first.status_code == 200 and soundfile.info(tmp_path / "first.mp3").duration > 1
    assert client.get("/journeys/no-such-journey.m3u").status_code == 404
    page = client.get(f"/journeys/{journey.slug}?lang=en", headers=PHONE_BROWSER).text
    players = re.findall(r'<audio controls preload="none" src="([^"]+)"', page)
    assert ["http://testserver.example" + url for url in players] == expected, "each stop's narration, in order"
    assert f'href="/journeys/{journey.slug}.m3u?lang=en"' in page and "Listen to the whole journey" in page


def test_the_page_with_its_player_stays_light_and_may_play_its_own_audio(client):
    _ready(client)
    page = client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER)
    assert "<audio" in page.text and len(page.content) < 50_000  # test_pages.py's budget
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy.get("media-src", policy["default-src"]) == "'self'"
    assert scripts(page.text) == OFFLINE_SCRIPT_ONLY  # the player is the browser's own: no script of its own


def _upload(client, lang: str, name: str, data: bytes, narrator: str = "Nguyễn Thị Lan, Đoàn phường Thới An"):
    fields = {**form_of(client, SLUG), f"narration.{lang}.narrator": narrator}
    return post_form(client, f"/admin/sites/{SLUG}", fields,
                     files={f"narration_upload.{lang}": (name, data, "audio/mpeg")})


@pytest.mark.slow
def test_an_uploaded_recording_replaces_the_automatic_voice_and_the_page_names_the_narrator(staff_client, content_dir):
    client = staff_client("hoa")
    automatic = _ready(client)
    listed = client.get("/admin").text
    assert "chưa ghi âm" in listed
    wav = io.BytesIO()
    soundfile.write(wav, *synthesize("Đình Thới An, thuyết minh của Đoàn phường. " * 3, "vi"), format="WAV")
    response = _upload(client, "vi", "thuyet minh.wav", wav.getvalue())
    assert response.status_code == 303, response.text
    stored = content_dir / SLUG / "narration-vi.mp3"
    assert soundfile.info(stored).duration > 3
    assert "narration-vi.mp3" in (content_dir / SLUG / "index.md").read_text()
    page = client.get(f"/sites/{SLUG}", headers=PHONE_BROWSER).text
    assert "Người đọc: Nguyễn Thị Lan, Đoàn phường Thới An" in page and "Giọng đọc tự động" not in page
    url = _audio_url(page)
    assert url != f"/audio/{SLUG}/vi-{automatic.version}.mp3"
    assert client.get(url).content == stored.read_bytes()
    assert client.get(f"/audio/{SLUG}/vi-{automatic.version}.mp3").status_code == 404
    english = client.get(f"/sites/{SLUG}?lang=en", headers=PHONE_BROWSER).text
    assert "Read by" not in english  # the English text has no recording: its automatic voice stays
    form = client.get(f"/admin/sites/{SLUG}").text
    assert "narration-vi.mp3" in form
    again = post_form(client, f"/admin/sites/{SLUG}", form_of(client, SLUG))  # saving the form keeps it
    assert again.status_code == 303 and stored.exists()
    assert "Nguyễn Thị Lan" in client.get(f"/sites/{SLUG}?lang=vi", headers=PHONE_BROWSER).text


@pytest.mark.parametrize(("name", "make", "status", "message"), [
    ("bai-doc.mp3", lambda: "Đây là văn bản, không phải âm thanh.\n".encode() * 100, 422, "Không phải tệp âm thanh"),
    ("lon.mp3", lambda: speech_mp3() + bytes(21 * 1024 * 1024), 413, "ghi âm tối đa 20 MB"),  # cut off while sent
    ("vua-qua.mp3", lambda: speech_mp3() + bytes(MAX_RECORDING_BYTES), 413, "Tệp ghi âm quá lớn (tối đa 20 MB)"),
    ("hai-gio.mp3", lambda: silent_mp3(2 * 3600), 422, "Bản ghi âm quá dài (tối đa 15 phút)"),
    ("hong.mp3", lambda: (lambda d: d[:2000] + bytes(np.random.default_rng(7).integers(0, 256, len(d) - 2000,
                                                                                      dtype=np.uint8)))(speech_mp3()),
     422, "Tệp âm thanh bị hỏng"),
])
def test_each_bad_upload_is_refused_and_content_is_unchanged(staff_client, content_dir, name, make, status, message):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    response = _upload(client, "vi", name, make())
    assert response.status_code == status
    assert message in response.text
    assert snapshot(content_dir) == before
