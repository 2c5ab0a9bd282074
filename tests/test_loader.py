"""The content loader: the bundled sites load, and every kind of mistake is named by file and field."""

import shutil
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from sites.catalog.loader import ContentFolderMissing, load_content
from tests.support import TEST_CONTENT, add_site, edit_site, read_front_matter, write_front_matter

SEED_SLUGS = {
    "dinh-thoi-an", "dinh-phu-luong", "linh-son-co-mieu", "chua-pothi-somron",
    "chua-cam-thien-dai-de", "bay-da-pi-nang-tac", "tham-sat-lang-thanh-duc-1947",
}


def errors_of(content_dir: Path) -> list[str]:
    return [str(error) for error in load_content(content_dir).errors]


def test_bundled_content_is_valid_and_complete():
    result = load_content(TEST_CONTENT)
    assert result.errors == []
    sites = {site.slug: site for site in result.registry.all()}
    assert set(sites) == SEED_SLUGS
    for site in sites.values():
        assert "en" in site.translations, f"{site.slug} needs an English translation"
        # Nobody has recorded a check of the bundled English yet: the pages say it awaits review.
        assert not site.translations["en"].translation_reviewed, f"{site.slug}: unchecked English marked checked"
        assert site.meta.sources, f"{site.slug} must cite its sources"
        assert "## " in site.bodies["vi"] and "## " in site.bodies["en"]
    assert sites["dinh-thoi-an"].meta.name == "Đình Thới An"
    assert sites["chua-pothi-somron"].meta.name == "Chùa Pôthi Somrôn"
    khmer = sites["chua-pothi-somron"].translations["km"]
    assert khmer.name == "វត្តពោធិសំរោង" and not khmer.translation_reviewed
    assert "## " in sites["chua-pothi-somron"].bodies["km"]
    # The seed has no coordinates for Thạnh Đức: served, but not mappable.
    assert sites["tham-sat-lang-thanh-duc-1947"].meta.location is None
    assert sites["tham-sat-lang-thanh-duc-1947"].published
    # Unknown facts are left out, not guessed.
    assert sites["linh-son-co-mieu"].meta.recognition is None
    assert sites["dinh-phu-luong"].meta.built is None


def test_lookups_by_slug_code_any_case_and_alias(content_dir):
    edit_site(content_dir, "dinh-thoi-an", aliases=["dinh-thoi-an-cu"])
    registry = load_content(content_dir).registry
    assert registry.get("dinh-thoi-an").code == "thoian"
    assert registry.resolve("THOIAN").slug == "dinh-thoi-an"
    assert registry.resolve("dinh-thoi-an-cu").slug == "dinh-thoi-an"


def test_search_ignores_case_and_diacritics():
    registry = load_content(TEST_CONTENT).registry
    for query in ("thoi an", "THỚI AN", "Thới An", "dinh thoi"):
        assert registry.search(query)[0].slug == "dinh-thoi-an", query
    assert [site.slug for site in registry.search("pothi")] == ["chua-pothi-somron"]
    assert registry.search("zzzz") == []


def test_latitude_999_names_file_and_field(content_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 999, "lon": 105.63})
    [error] = errors_of(content_dir)
    assert error.startswith(f"{content_dir}/dinh-thoi-an/index.md: location.lat: ")
    assert "90" in error and "999" in error


def test_coordinates_far_outside_vietnam_or_swapped(content_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 105.63, "lon": 10.12})
    edit_site(content_dir, "chua-pothi-somron", location={"lat": 48.85, "lon": 2.35})
    errors = errors_of(content_dir)
    assert any("chua-pothi-somron/index.md: location: " in e and "far outside Vietnam" in e for e in errors)
    assert any("dinh-thoi-an/index.md: location.lat: " in e for e in errors)


def test_misspelled_field_is_named_with_a_suggestion(content_dir):
    index = content_dir / "dinh-thoi-an" / "index.md"
    front, body = read_front_matter(index)
    front["sumary"] = front.pop("summary")
    write_front_matter(index, front, body)
    errors = errors_of(content_dir)
    assert f"{index}: sumary: unknown field; did you mean 'summary'?" in errors
    assert f"{index}: summary: required field is missing" in errors


def test_misspelled_nested_field(content_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 10.1, "lng": 105.6})
    errors = errors_of(content_dir)
    assert any(e.endswith("location.lng: unknown field; did you mean 'lon'?") for e in errors)


def test_duplicate_slug_and_code(content_dir):
    shutil.copytree(content_dir / "dinh-thoi-an", content_dir / "dinh-thoi-an-2")
    copy = content_dir / "dinh-thoi-an-2" / "index.md"
    errors = errors_of(content_dir)
    assert f"{copy}: slug: 'dinh-thoi-an' must equal the folder name 'dinh-thoi-an-2'" in errors
    edit_site(content_dir, "dinh-thoi-an-2", slug="dinh-thoi-an-2")
    errors = errors_of(content_dir)
    assert errors == [f"{copy}: code: 'thoian' is already used by {content_dir}/dinh-thoi-an/index.md"]
    # The first site keeps being served; the clashing copy is not.
    assert load_content(content_dir).registry.get("dinh-thoi-an")


def test_alias_clashing_with_another_sites_slug(content_dir):
    edit_site(content_dir, "dinh-thoi-an", aliases=["dinh-phu-luong"])
    errors = errors_of(content_dir)
    assert errors == [f"{content_dir}/dinh-thoi-an/index.md: aliases: 'dinh-phu-luong' is already used by "
                      f"{content_dir}/dinh-phu-luong/index.md"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"category": "castle"}, "category", "dinh"),
        ({"code": "thới-an"}, "code", "lower-case letters a-z and digits"),
        ({"published": "maybe"}, "published", "boolean"),
        ({"recognition": {"level": "national", "year": "about 2022"}}, "recognition.year", "integer"),
        ({"name": ""}, "name", "at least 1"),
        ({"sources": [{"url": "javascript:alert(1)"}]}, "sources.0.url", "http:// or https://"),
        ({"summary": "x" * 301}, "summary", "300"),
        ({"name": "Đình " * 41}, "name", "200"),
    ],
)
def test_wrong_values_name_their_field(content_dir, changes, field, words):
    edit_site(content_dir, "dinh-thoi-an", **changes)
    [error] = errors_of(content_dir)
    assert f"dinh-thoi-an/index.md: {field}: " in error
    assert words in error


@pytest.mark.parametrize("slug", ["con", "../etc", "Dinh", "a_b"])
def test_bad_slugs(content_dir, slug):
    edit_site(content_dir, "dinh-thoi-an", slug=slug)
    errors = errors_of(content_dir)
    assert any("dinh-thoi-an/index.md: slug: " in e for e in errors), errors


def test_broken_yaml_and_missing_front_matter(content_dir):
    (content_dir / "dinh-thoi-an" / "index.md").write_text("---\nname: [unclosed\n---\nbody\n", encoding="utf-8")
    (content_dir / "chua-pothi-somron" / "index.md").write_text("Chỉ có nội dung.\n", encoding="utf-8")
    (content_dir / "dinh-phu-luong" / "index.md").write_bytes("---\nname: Đình\n---\n".encode("utf-16"))
    (content_dir / "linh-son-co-mieu" / "index.md").unlink()
    errors = errors_of(content_dir)
    yaml_error = f"{content_dir}/dinh-thoi-an/index.md: front matter is not valid YAML at line"
    assert any(e.startswith(yaml_error) for e in errors)
    assert f"{content_dir}/chua-pothi-somron/index.md: no front matter: the file must start with a line '---'" in errors
    assert any(e.startswith(f"{content_dir}/dinh-phu-luong/index.md: not UTF-8 text") for e in errors)
    assert f"{content_dir}/linh-son-co-mieu: no index.md: every site folder needs one" in errors
    # The other sites are still loaded.
    assert len(load_content(content_dir).registry) == 3


def test_a_field_written_twice_is_an_error(content_dir):
    index = content_dir / "dinh-thoi-an" / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("code: thoian\n", "code: thoian\nname: Đình khác\n"), encoding="utf-8")
    assert errors_of(content_dir) == [
        f"{index}: front matter is not valid YAML at line 5: field 'name' is written twice"
    ]


def test_every_error_is_reported_at_once(content_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 999, "lon": 105.6})
    edit_site(content_dir, "chua-pothi-somron", categry="chua")
    edit_site(content_dir, "dinh-phu-luong", code=None)
    files = {error.file for error in load_content(content_dir).errors}
    assert len(files) == 3


def test_any_language_tag_is_a_translation(content_dir):
    (content_dir / "dinh-thoi-an" / "index.zh-Hant.md").write_text("---\nname: 順安亭\nsummary: x\n---\n",
                                                                   encoding="utf-8")
    site = load_content(content_dir).registry.get("dinh-thoi-an")
    assert site.languages == ["vi", "en", "zh-Hant"]
    assert site.localized("zh-Hant").name == "順安亭" and not site.localized("zh-Hant").reviewed


@pytest.mark.parametrize(("name", "problem"), [
    ("index.xx.md", "'xx' is not a BCP 47 language tag that CLDR knows (e.g. km, en, zh-Hant); "
                    "name the file index.<tag>.md"),
    ("index.zh-hant.md", "rename this file to index.zh-Hant.md"),
    ("index.vi.md", "rename this file to index.md"),
])
def test_unknown_or_misspelt_translation_language(content_dir, name, problem):
    (content_dir / "dinh-thoi-an" / name).write_text("---\nsummary: x\n---\n", encoding="utf-8")
    assert errors_of(content_dir) == [f"{content_dir}/dinh-thoi-an/{name}: {problem}"]


def test_translation_is_strict_too(content_dir):
    path = content_dir / "dinh-thoi-an" / "index.en.md"
    front, body = read_front_matter(path)
    write_front_matter(path, {**front, "category": "dinh"}, body)
    assert errors_of(content_dir) == [
        f"{path}: category: unknown field (allowed: name, summary, built, quiz, events, translation_reviewed)"]


def test_text_is_normalised_to_nfc(content_dir):
    decomposed = unicodedata.normalize("NFD", "Đình Thới An")
    edit_site(content_dir, "dinh-thoi-an", name=decomposed)
    site = load_content(content_dir).registry.get("dinh-thoi-an")
    assert site.meta.name == "Đình Thới An" and unicodedata.is_normalized("NFC", site.meta.name)


def test_draft_without_coordinates_is_accepted(content_dir):
    add_site(content_dir, "nhap-thu", published=False)
    result = load_content(content_dir)
    assert result.errors == []
    assert result.registry.get("nhap-thu", include_drafts=True).meta.location is None
    assert "nhap-thu" not in {site.slug for site in result.registry.all()}


def test_photos_must_exist_and_be_images(content_dir):
    folder = content_dir / "dinh-thoi-an"
    Image.new("RGB", (800, 600), "red").save(folder / "good.jpg")
    (folder / "fake.jpg").write_text("not an image")
    edit_site(content_dir, "dinh-thoi-an", photos=[
        {"file": "good.jpg", "caption": "Cổng đình", "credit": "Đoàn phường"},
        {"file": "fake.jpg", "caption": "Giả", "credit": "X"},
        {"file": "missing.png", "caption": "Thiếu", "credit": "X"},
    ])
    index = folder / "index.md"
    assert errors_of(content_dir) == [
        f"{index}: photos.1.file: 'fake.jpg' is not a readable JPEG, PNG or WebP image",
        f"{index}: photos.2.file: no file 'missing.png' in {folder}",
    ]


def test_photo_paths_cannot_leave_the_site_folder(content_dir):
    edit_site(content_dir, "dinh-thoi-an", photos=[{"file": "../secret.jpg", "caption": "Thoát", "credit": "X"}])
    [error] = errors_of(content_dir)
    assert error.startswith(f"{content_dir}/dinh-thoi-an/index.md: photos.0.file: a file name in the site folder")


def test_rotated_photo_reports_upright_size(content_dir):
    folder = content_dir / "dinh-thoi-an"
    image = Image.new("RGB", (800, 600), "blue")
    exif = image.getexif()
    exif[0x0112] = 6  # rotated 90 degrees: shown 600 wide, 800 high
    image.save(folder / "doc.jpg", exif=exif)
    edit_site(content_dir, "dinh-thoi-an", photos=[{"file": "doc.jpg", "caption": "Dọc", "credit": "X"}])
    [photo] = load_content(content_dir).registry.get("dinh-thoi-an").photos
    assert (photo.width, photo.height) == (600, 800)


def test_missing_content_folder(tmp_path):
    with pytest.raises(ContentFolderMissing, match="no such content folder"):
        load_content(tmp_path / "nowhere")
