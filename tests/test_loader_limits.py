"""What staff folders may hold besides good files: links, FIFOs, huge files, YAML aliases, huge photos.
Each is a named content error, never a crash or a hang; a site with a new mistake keeps its last
valid version while the server runs (issue 11, items 5 to 7)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from sites.catalog.live import Catalog
from sites.catalog.loader import load_content
from sites.catalog.markdown import render_markdown
from sites.catalog.reading import MAX_TEXT_BYTES
from tests.support import REPO, edit_site

THOI_AN = "dinh-thoi-an"
# 447 bytes of nested aliases: each level repeats the one before nine times (9^9 strings in all).
BILLION_LAUGHS = "\n".join(
    ["---", "name: Đình", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    + ["---", "body", ""]
)


def errors_within(content_dir: Path, seconds: float = 30) -> list[str]:
    """The errors of loading `content_dir`, failing (not hanging) if loading does not end in time."""
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append([str(e) for e in load_content(content_dir).errors]),
                              daemon=True)
    worker.start()
    worker.join(seconds)
    assert found, "loading content/ did not finish: something blocked or blew up"
    return found[0]


def test_a_fifo_named_like_a_translation_is_an_error_not_a_hang(content_dir):
    fifo = content_dir / THOI_AN / "index.en.md"
    fifo.unlink()
    os.mkfifo(fifo)
    assert errors_within(content_dir) == [f"{fifo}: is not a regular file (a FIFO, device or folder); remove it"]


def test_links_as_content_files_are_named_and_an_editors_lock_link_is_ignored(content_dir):
    folder = content_dir / THOI_AN
    os.symlink("root@host.1234:1700000000", folder / ".#index.md")  # what Emacs leaves while editing
    for target, link in [(folder / "index.en.md", "chua-pothi-somron"), ("/nonexistent", "dinh-phu-luong")]:
        (content_dir / link / "index.en.md").unlink(missing_ok=True)
        os.symlink(target, content_dir / link / "index.en.md")
    link_error = "is a symbolic link; site folders hold regular files only (copy the file)"
    assert errors_within(content_dir) == [
        f"{content_dir}/chua-pothi-somron/index.en.md: {link_error}",
        f"{content_dir}/dinh-phu-luong/index.en.md: {link_error}",
    ]


def test_a_content_file_over_the_size_limit_is_an_error(content_dir):
    index = content_dir / THOI_AN / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "Một đoạn rất dài. " * 5_000, encoding="utf-8")
    assert index.stat().st_size > MAX_TEXT_BYTES
    assert errors_within(content_dir) == [f"{index}: is larger than 64 KB; shorten the story"]


def test_yaml_aliases_are_refused(content_dir):
    index = content_dir / THOI_AN / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("tags: [", "other_names: &names [Đình làng]\nsumary_copy: *names\ntags: ["),
                     encoding="utf-8")
    [error] = errors_within(content_dir)
    assert error.startswith(f"{index}: front matter is not valid YAML at line ")
    assert error.endswith("aliases (*name) are not allowed; write the value out in full")


def test_a_billion_laughs_front_matter_is_refused_at_once(content_dir):
    index = content_dir / THOI_AN / "index.md"
    index.write_text(BILLION_LAUGHS, encoding="utf-8")
    [error] = errors_within(content_dir)
    assert error.endswith("aliases (*name) are not allowed; write the value out in full")


def test_the_catalog_starts_and_reloads_beside_a_dangling_link(content_dir):
    os.symlink("root@host.1234:1700000000", content_dir / THOI_AN / ".#index.md")
    catalog = Catalog(content_dir)
    assert len(catalog.registry) == 7 and catalog.errors == []
    edit_site(content_dir, "dinh-phu-luong", name="Đình Phú Lương (đã sửa)")
    assert catalog.reload_if_changed()
    assert catalog.registry.get("dinh-phu-luong").meta.name == "Đình Phú Lương (đã sửa)"


def test_a_typo_keeps_the_last_valid_version_until_it_is_fixed(content_dir):
    catalog = Catalog(content_dir)
    index = content_dir / THOI_AN / "index.md"
    good = index.read_text(encoding="utf-8")
    index.write_text(good.replace("name: Đình Thới An", 'name: "Đình Thới An'), encoding="utf-8")
    assert catalog.reload_if_changed()
    assert catalog.registry.resolve("thoian").meta.name == "Đình Thới An"  # the page and its QR code work
    [error] = catalog.errors
    assert str(error).startswith(f"{index}: front matter is not valid YAML")
    assert catalog.kept == {THOI_AN: [error]}
    index.write_text(good.replace("name: Đình Thới An", "name: Đình Thới An mới"), encoding="utf-8")
    assert catalog.reload_if_changed()
    assert catalog.registry.resolve("thoian").meta.name == "Đình Thới An mới"
    assert catalog.errors == [] and catalog.kept == {}


def test_an_alias_clash_keeps_the_last_valid_version(content_dir):
    catalog = Catalog(content_dir)
    edit_site(content_dir, "tham-sat-lang-thanh-duc-1947", aliases=["thoian"])
    catalog.reload()
    assert catalog.registry.get("tham-sat-lang-thanh-duc-1947").meta.aliases == []
    assert list(catalog.kept) == ["tham-sat-lang-thanh-duc-1947"] and len(catalog.errors) == 1


def test_a_removed_folder_removes_its_site(content_dir):
    catalog = Catalog(content_dir)
    for path in (content_dir / THOI_AN).iterdir():
        path.unlink()
    (content_dir / THOI_AN).rmdir()
    catalog.reload()
    assert len(catalog.registry) == 6 and catalog.kept == {}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_hand_placed_photo_over_the_pixel_cap_is_a_named_error(content_dir):
    folder = content_dir / THOI_AN
    Image.new("1", (13_000, 13_000)).save(folder / "lon.png")  # 169 megapixels in a few kilobytes
    edit_site(content_dir, THOI_AN, photos=[{"file": "lon.png", "caption": "Lớn", "credit": "X"}])
    assert errors_within(content_dir) == [
        f"{folder}/index.md: photos.0.file: 'lon.png' is 13000 x 13000 pixels (169 megapixels); "
        "at most 40 megapixels: make it smaller"
    ]


def peak_rss_of_loading(content_dir: Path) -> int:
    """Peak resident memory (kB) of a fresh Python that loads `content_dir`."""
    script = ("import sys; from pathlib import Path; from sites.catalog.loader import load_content; "
              "assert not load_content(Path(sys.argv[1])).errors; "
              "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])")
    result = subprocess.run([sys.executable, "-c", script, str(content_dir)], capture_output=True, text=True,
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120, check=True)
    return int(result.stdout)


@pytest.mark.slow
def test_loading_reads_photo_sizes_from_headers_without_decoding(content_dir):
    folder = content_dir / THOI_AN
    Image.new("RGB", (20, 20), "red").save(folder / "anh.png")
    edit_site(content_dir, THOI_AN, photos=[{"file": "anh.png", "caption": "Ảnh", "credit": "X"}])
    small = peak_rss_of_loading(content_dir)
    Image.new("RGB", (6_000, 6_000), "red").save(folder / "anh.png")  # 108 MB when decoded
    large = peak_rss_of_loading(content_dir)
    assert large - small < 30_000, f"loading decoded the photo: peak {small} kB -> {large} kB"


def test_a_long_story_is_rendered_by_the_reload_not_by_the_first_scan(content_dir):
    """Rendering runs on the server's event loop when a page is first asked for; a long story is
    rendered while loading instead, in the reloading thread (issue 11, item 5)."""
    body = "## Lịch sử\n\n" + "Năm 1832, dân làng dựng ngôi đình đầu tiên bằng tre lá. " * 800
    index = content_dir / THOI_AN / "index.md"
    front = index.read_text(encoding="utf-8").split("---\n")[1]
    index.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    site = Catalog(content_dir).registry.get(THOI_AN)
    hits = render_markdown.cache_info().hits
    site.body_html("vi")
    assert render_markdown.cache_info().hits == hits + 1
