"""Real Chromium plays a site's narration (issue 15): the native player, no download before the visitor
asks (preload="none"), a finite duration once the metadata is loaded from the live server, and no
accessibility problem (axe-core) on the page with the player."""

import math
import time

from tests.support import PHONE, PHONE_BROWSER, axe_failures

PAGE = "/sites/dinh-thoi-an?lang=vi"
LOAD_METADATA = """async () => {
  const audio = document.querySelector('audio');
  audio.preload = 'metadata';
  const loaded = new Promise((ok, fail) => {
    audio.addEventListener('loadedmetadata', ok, {once: true});
    audio.addEventListener('error', () => fail(new Error('media error ' + (audio.error && audio.error.code))),
                           {once: true});
  });
  audio.load();
  await loaded;
  return audio.duration;
}"""


def test_chromium_loads_the_player_and_reports_a_finite_duration(browser, server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, user_agent=PHONE_BROWSER["User-Agent"])
    page = context.new_page()
    audio_requests = []
    page.on("request", lambda request: "/audio/" in request.url and audio_requests.append(request.url))
    page.goto(server + PAGE)
    assert "Đang chuẩn bị" in page.locator(".listen").inner_text()  # the first visit asks for it to be made
    deadline = time.monotonic() + 180
    while page.locator(".listen audio").count() == 0 and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    player = page.locator(".listen audio")
    assert player.count() == 1 and player.get_attribute("controls") is not None
    assert "Giọng đọc tự động" in page.locator(".listen").inner_text()
    assert audio_requests == []  # preload="none": nothing downloaded before the visitor asks
    duration = page.evaluate(LOAD_METADATA)
    assert math.isfinite(duration) and duration > 10
    assert audio_requests and all(url.startswith(server) for url in audio_requests)
    assert axe_failures(page, server, [PAGE]) == {}  # the page with its player stays accessible
    context.close()
