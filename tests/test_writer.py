"""Saving sites as files: the hand-written style, validation by the loader, history, version checks."""

import io
from pathlib import Path

import pytest
from PIL import Image

from sites.catalog.frontmatter import read_front_matter
from sites.catalog.loader import load_content
from sites.catalog.photos import PhotoError, clean_upload
from sites.editing.fields import InvalidFields, parse_fields, site_fields
from sites.editing.serialize import content_file
from sites.editing.site_editor import apply_editing_rules, propose_slug, used_keys, with_proposed_ids
from sites.editing.writer import ContentWriter, NewPhoto, VersionConflict, site_version
from tests.support import NEW_SITE as SITE_FIELDS, TEST_CONTENT, photo_bytes, snapshot

NEW_SITE = {
    **SITE_FIELDS,
    "tags": "đình, phong điền",
    "body": "## Lịch sử\r\n\r\nĐình được dựng năm 1850.",
    "en.summary": "A village communal house from the 19th century.",
    "en.body": "## History\n\nBuilt in 1850.",
}


@pytest.fixture
def writer(content_dir, data_dir) -> ContentWriter:
    return ContentWriter(content_dir, data_dir)


def registry(content_dir: Path):
    result = load_content(content_dir)
    assert result.errors == []
    return result.registry


def new_entry(content_dir: Path, **changes):
    flat = with_proposed_ids({**NEW_SITE, **changes}, used_keys(registry(content_dir)))
    return apply_editing_rules(parse_fields(flat), None, publish=True)


@pytest.mark.parametrize("slug", sorted(path.parent.name for path in TEST_CONTENT.glob("*/index.md")))
def test_every_bundled_site_survives_a_round_trip(slug, tmp_path):
    """What the writer writes loads back into the same models and bodies as the hand-written files."""
    site = registry(TEST_CONTENT).get(slug)
    for lang, model in [("vi", site.meta), *site.translations.items()]:
        path = tmp_path / f"{lang}.md"
        path.write_text(content_file(model, site.bodies[lang]), encoding="utf-8")
        data, body = read_front_matter(path)
        assert type(model).model_validate(data) == model and body == site.bodies[lang]
    assert parse_fields(site_fields(site)).meta == site.meta


def test_written_file_looks_hand_written():
    site = registry(TEST_CONTENT).get("dinh-thoi-an")
    text = content_file(site.meta, site.bodies["vi"])
    assert text.startswith("---\nname: Đình Thới An\nslug: dinh-thoi-an\ncode: thoian\ncategory: dinh\n")
    assert "\nsources:\n  - url: https://bantongiao.cantho.gov.vn/common/baiviet/idbv/55\n    title: " in text
    assert "\ntags: [đình, ô môn, kháng chiến, lễ hội]\nquiz:\n  - id: dinh-dau-tien\n    question: Năm 1832, " in text
    assert "\n    choices:\n      - Gạch và ngói\n      - Tre lá\n" in text, "a question's choices go one a line"
    assert "\npublished: true\n---\n## Lịch sử\n" in text


def test_a_new_site_is_a_folder_of_ordinary_files(writer, content_dir):
    (content_dir / ".staging-killed" / "x").mkdir(parents=True)  # left by a save that was killed
    photo, ext = clean_upload(photo_bytes())
    entry = new_entry(content_dir, **{"photos.0.file": f"cong.{ext}", "photos.0.caption": "Cổng",
                                      "photos.0.credit": "Đoàn xã"})
    writer.save(entry, registry(content_dir), photos=(NewPhoto(f"cong.{ext}", photo),))
    folder = content_dir / "dinh-my-khanh"
    assert sorted(path.name for path in folder.iterdir()) == ["cong.jpg", "index.en.md", "index.md"]
    text = (folder / "index.md").read_text(encoding="utf-8")
    assert text.startswith("---\nname: Đình Mỹ Khánh\nslug: dinh-my-khanh\ncode: dinhmykhanh\n")
    assert "published: false\n---\n## Lịch sử\n\nĐình được dựng năm 1850.\n" in text and "\r" not in text
    site = registry(content_dir).get("dinh-my-khanh", include_drafts=True)
    assert not site.published and site.photos[0].caption == "Cổng"
    assert [path.name for path in content_dir.iterdir() if path.name.startswith(".")] == []


def test_an_edit_replaces_files_and_keeps_the_previous_version(writer, content_dir, data_dir):
    site = registry(content_dir).get("dinh-thoi-an")
    before = (site.folder / "index.md").read_bytes()
    version = site_version(site.folder)
    writer.save(parse_fields({**site_fields(site), "name": "Đình Thới An (sửa)"}), registry(content_dir),
                previous=site, version=version)
    assert registry(content_dir).get("dinh-thoi-an").meta.name == "Đình Thới An (sửa)"
    kept = list((data_dir / "history" / "dinh-thoi-an").glob("*/index.md"))
    assert [path.read_bytes() for path in kept] == [before]
    assert site_version(site.folder) != version
    assert (content_dir / "dinh-thoi-an" / "index.en.md").read_bytes() == \
        (TEST_CONTENT / "dinh-thoi-an" / "index.en.md").read_bytes(), "an unchanged file is left alone"


def test_a_stale_version_is_refused_and_nothing_changes(writer, content_dir):
    site = registry(content_dir).get("dinh-thoi-an")
    stale = site_version(site.folder)
    writer.save(parse_fields({**site_fields(site), "built": "1832"}), registry(content_dir), site, stale)
    before = snapshot(content_dir)
    with pytest.raises(VersionConflict):
        writer.save(parse_fields({**site_fields(site), "built": "1852"}), registry(content_dir), site, stale)
    assert snapshot(content_dir) == before


def test_a_code_used_by_another_site_is_refused_by_field(writer, content_dir):
    before = snapshot(content_dir)
    with pytest.raises(InvalidFields) as refused:
        writer.save(new_entry(content_dir, code="thoian"), registry(content_dir))
    assert [error.field for error in refused.value.errors] == ["code"]
    assert "'thoian' is already used by" in refused.value.errors[0].message
    assert snapshot(content_dir) == before


def test_photo_the_loader_refuses_is_refused_by_field(writer, content_dir):
    entry = new_entry(content_dir, **{"photos.0.file": "a.jpg", "photos.0.caption": "A", "photos.0.credit": "B"})
    before = snapshot(content_dir)
    with pytest.raises(InvalidFields) as refused:
        writer.save(entry, registry(content_dir), photos=(NewPhoto("a.jpg", b"not an image"),))
    assert [error.field for error in refused.value.errors] == ["photos.0.file"]
    assert snapshot(content_dir) == before


def test_fields_name_every_problem():
    with pytest.raises(InvalidFields) as refused:
        parse_fields({**NEW_SITE, "name": " ", "slug": "../etc", "code": "x", "location.lat": "999",
                      "en.summary": "", "en.name": "Name"})
    fields = {error.field: error.message for error in refused.value.errors}
    assert sorted(fields) == ["code", "en.summary", "location.lat", "name", "slug"]
    assert fields["location.lat"] == "Input should be less than or equal to 90 (got '999')"
    assert fields["name"] == "required field is missing"
    with pytest.raises(InvalidFields) as refused:
        parse_fields({**NEW_SITE, "slug": "con", "code": "con"})
    assert [str(error) for error in refused.value.errors] == \
        ["slug: 'con' is a reserved device name on Windows; choose another slug (got 'con')"]


def test_a_precision_alone_makes_no_location():
    entry = parse_fields({**NEW_SITE, "slug": "a-b", "code": "ab", "location.lat": "", "location.lon": "",
                          "location.precision": "exact"})
    assert entry.meta.location is None


def test_slug_and_code_are_proposed_and_unique():
    assert propose_slug("Đình Thới An") == "dinh-thoi-an"
    assert propose_slug("Chùa Ông (灵山古庙)") == "chua-ong"
    assert propose_slug("Con") == "di-tich-con" and propose_slug("灵山") == "di-tich"
    flat = with_proposed_ids({"name": "Đình Thới An"}, {"dinh-thoi-an", "dinhthoian", "dinhthoian-2"})
    assert (flat["slug"], flat["code"]) == ("dinh-thoi-an-2", "dinhthoian2")


def test_a_published_site_keeps_its_code_and_old_slug(writer, content_dir):
    site = registry(content_dir).get("dinh-thoi-an")
    with pytest.raises(InvalidFields):
        apply_editing_rules(parse_fields({**site_fields(site), "code": "moi"}), site)
    renamed = apply_editing_rules(parse_fields({**site_fields(site), "slug": "dinh-thoi-an-o-mon"}), site)
    assert renamed.meta.aliases == ["dinh-thoi-an"]
    writer.save(renamed, registry(content_dir), site, site_version(site.folder))
    assert not (content_dir / "dinh-thoi-an").exists()
    assert registry(content_dir).resolve("dinh-thoi-an").slug == "dinh-thoi-an-o-mon"


def test_uploaded_photo_is_upright_and_without_location():
    data, ext = clean_upload(photo_bytes(size=(40, 20), orientation=6, gps=True))
    image = Image.open(io.BytesIO(data))
    assert (ext, image.format, image.size) == ("jpg", "JPEG", (20, 40))
    assert dict(image.getexif()) == {} and b"Exif" not in data


@pytest.mark.parametrize("data", [b"<html>not a photo</html>", photo_bytes(image_format="GIF"), b""])
def test_only_real_jpeg_png_webp_photos_are_accepted(data):
    with pytest.raises(PhotoError):
        clean_upload(data)
