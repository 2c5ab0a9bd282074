"""The editing service itself (sites.editing.site_editor.SiteEditor) on a real temporary content folder: the one
path by which the admin, the import and later writers prepare and save a site."""

from pathlib import Path

import pytest

from sites.catalog.loader import load_content
from sites.catalog.photos import MAX_UPLOAD_BYTES
from sites.editing.fields import site_fields
from sites.editing.site_editor import UPLOAD_FIELD, PhotoUpload, SiteEditor
from sites.editing.writer import ContentWriter, site_version
from sites.staff.accounts import User
from tests.support import NEW_SITE, photo_bytes, snapshot

ADMIN = User("hoa", "admin", None)
KHANH_HOA = User("minh", "editor", "Khánh Hòa")


def editor(content_dir: Path, data_dir: Path, user: User | None = None) -> SiteEditor:
    result = load_content(content_dir)
    assert result.errors == []
    return SiteEditor(ContentWriter(content_dir, data_dir), result.registry, user)


def types(edit) -> list[tuple[str, str]]:
    return [(error.field, error.type) for error in edit.errors]


def test_a_new_site_gets_ids_is_a_draft_and_loads_back(content_dir, data_dir):
    edit = editor(content_dir, data_dir, ADMIN).save(NEW_SITE)
    assert edit.errors == [] and (edit.fields["slug"], edit.fields["code"]) == ("dinh-my-khanh", "dinhmykhanh")
    site = load_content(content_dir).registry.get("dinh-my-khanh", include_drafts=True)
    assert not site.published and site.code == "dinhmykhanh" and site.meta.address.province == "Cần Thơ"


def test_one_editor_checks_a_batch_against_itself_before_writing(content_dir, data_dir):
    service = editor(content_dir, data_dir)
    first, second = service.prepare(NEW_SITE), service.prepare(NEW_SITE)
    assert first.ok and second.ok and second.fields["slug"] == "dinh-my-khanh-2", "the first one's keys are reserved"
    clash = service.prepare({**NEW_SITE, "name": "Khác", "code": "dinhmykhanh"})
    assert types(clash) == [("code", "key_taken")] and "'dinhmykhanh' is already used by" in clash.errors[0].message
    assert not (content_dir / "dinh-my-khanh").exists(), "prepare writes nothing"
    assert service.write(first) and service.write(second) and not service.write(clash)
    assert sorted(site.slug for site in load_content(content_dir).registry.all(include_drafts=True)
                  if not site.published) == ["dinh-my-khanh", "dinh-my-khanh-2"]


def test_the_code_of_a_published_site_is_fixed_and_a_new_slug_keeps_the_old(content_dir, data_dir):
    service = editor(content_dir, data_dir)
    site = service.registry.get("dinh-thoi-an")
    version = site_version(site.folder)
    before = snapshot(content_dir)
    refused = service.save({**site_fields(site), "code": "moi"}, site, version)
    assert types(refused) == [("code", "code_fixed")] and refused.errors[0].ctx == {"code": "thoian"}
    assert snapshot(content_dir) == before
    renamed = service.save({**site_fields(site), "slug": "dinh-thoi-an-o-mon"}, site, version)
    assert renamed.errors == [] and renamed.entry.meta.aliases[-1] == "dinh-thoi-an"
    assert not (content_dir / "dinh-thoi-an").exists() and (content_dir / "dinh-thoi-an-o-mon").is_dir()


def test_publish_makes_a_draft_public(content_dir, data_dir):
    editor(content_dir, data_dir).save(NEW_SITE)
    service = editor(content_dir, data_dir)
    draft = service.registry.get("dinh-my-khanh", include_drafts=True)
    edit = service.save(site_fields(draft), draft, site_version(draft.folder), publish=True)
    assert edit.errors == [] and load_content(content_dir).registry.get("dinh-my-khanh").published


def test_an_editor_may_change_only_their_province(content_dir, data_dir):
    before = snapshot(content_dir)
    service = editor(content_dir, data_dir, KHANH_HOA)
    assert types(service.save(NEW_SITE)) == [("address.province", "province_denied")]
    site = service.registry.get("dinh-thoi-an")  # Cần Thơ: moving it to Khánh Hòa is no way in either
    moved = service.save({**site_fields(site), "address.province": "Khánh Hòa"}, site, site_version(site.folder))
    assert types(moved) == [("address.province", "province_denied")]
    assert moved.errors[0].message == "you may only add or change sites of Khánh Hòa"
    assert snapshot(content_dir) == before


def test_a_stale_version_is_a_conflict_and_nothing_is_written(content_dir, data_dir):
    service = editor(content_dir, data_dir)
    site = service.registry.get("dinh-thoi-an")
    before = snapshot(content_dir)
    edit = service.save({**site_fields(site), "built": "Năm 1832"}, site, "stale")
    assert types(edit) == [("", "version_conflict")] and snapshot(content_dir) == before


def test_an_uploaded_photo_gets_the_next_row_and_a_free_name(content_dir, data_dir):
    service = editor(content_dir, data_dir)
    site = service.registry.get("dinh-thoi-an")
    (site.folder / "cong-dinh.jpg").write_bytes(photo_bytes())  # a file of that name is already in the folder
    upload = PhotoUpload("Cổng đình.JPG", photo_bytes(size=(60, 30), image_format="PNG"), "Cổng", "Gate", "Đoàn xã")
    fields = site_fields(site)
    rows = len({key.split(".")[1] for key in fields if key.startswith("photos.")})
    edit = service.save(fields, site, site_version(site.folder), uploads=[upload])
    assert edit.errors == [] and edit.photo_rows == (rows,)
    assert edit.fields[f"photos.{rows}.file"] == "cong-dinh-2.png" and edit.fields[f"photos.{rows}.credit"] == "Đoàn xã"
    saved = load_content(content_dir).registry.get("dinh-thoi-an")
    assert saved.photos[-1].path.name == "cong-dinh-2.png" and saved.photos[-1].caption_en == "Gate"


@pytest.mark.parametrize(("data", "kind"), [(b"<html>not a photo</html>", "photo_unreadable"),
                                            (bytes(MAX_UPLOAD_BYTES + 1), "photo_too_large")])
def test_a_bad_upload_is_a_typed_problem_of_the_upload(content_dir, data_dir, data, kind):
    before = snapshot(content_dir)
    edit = editor(content_dir, data_dir).save(NEW_SITE, uploads=[PhotoUpload("a.jpg", data, "A", credit="B")])
    assert types(edit) == [(UPLOAD_FIELD, kind)] and edit.photo_rows == ()
    assert snapshot(content_dir) == before


def test_a_folder_in_the_way_is_named(content_dir, data_dir):
    (content_dir / "dinh-my-khanh").mkdir()  # not a site (no index.md), but the name is taken on disk
    (content_dir / "dinh-my-khanh" / "notes.txt").write_text("x", encoding="utf-8")
    service = SiteEditor(ContentWriter(content_dir, data_dir), load_content(content_dir).registry)
    edit = service.save({**NEW_SITE, "slug": "dinh-my-khanh"})
    assert types(edit) == [("slug", "folder_exists")]


def test_parse_proposes_ids_without_rules_or_checks(content_dir, data_dir):
    """What an unsaved preview shows: parsed fields, even for a province the user may not change."""
    edit = editor(content_dir, data_dir, KHANH_HOA).parse(NEW_SITE)
    assert edit.errors == [] and edit.entry.meta.slug == "dinh-my-khanh" and edit.entry.meta.published
    bad = editor(content_dir, data_dir).parse({**NEW_SITE, "name": ""})
    assert bad.entry is None and ("name", "missing") in types(bad)
