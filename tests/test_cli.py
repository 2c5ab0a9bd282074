"""The `diachido` command line: `check` validates content/, `serve` runs on broken content too."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import YOUNG_COLLECTION_THRESHOLD, main
from tests.support import TEST_CONTENT, edit_site, read_front_matter, shipped_content, write_front_matter

CONSOLE_SCRIPT = Path(sys.executable).parent / "diachido"


def test_check_passes_on_the_bundled_content():
    """The real console script, as staff run it."""
    result = subprocess.run([CONSOLE_SCRIPT, "check", TEST_CONTENT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "✓ 7 di tích hợp lệ / 7 sites valid" in result.stdout


def test_check_passes_on_the_shipped_content_folder(tmp_path):
    """content/ as committed is valid; no count, since staff add sites there. Read from the commit, not the working
    folder: a site being edited by hand in a checkout is no test failure."""
    shipped = shipped_content(tmp_path)
    result = subprocess.run([CONSOLE_SCRIPT, "check", shipped], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "sites valid" in result.stdout, result.stderr


def test_check_reads_the_content_dir_setting(monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0 and "7 sites valid" in result.output


def test_check_names_file_and_field_of_each_problem(content_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 999, "lon": 105.6})
    pothi = content_dir / "chua-pothi-somron" / "index.md"
    front, body = read_front_matter(pothi)
    front["catgory"] = front.pop("category")
    write_front_matter(pothi, front, body)
    shutil.copytree(content_dir / "dinh-phu-luong", content_dir / "dinh-phu-luong-moi")
    result = CliRunner().invoke(main, ["check", str(content_dir)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{content_dir}/dinh-thoi-an/index.md: location.lat: ") for line in lines)
    assert f"{pothi}: catgory: unknown field; did you mean 'category'?" in lines
    assert (f"{content_dir}/dinh-phu-luong-moi/index.md: slug: 'dinh-phu-luong' must equal the folder name "
            "'dinh-phu-luong-moi'") in lines
    # The Ô Môn journey names its two stops that no longer load, so it is left out too.
    assert f"{content_dir}/journeys/ve-nguon-o-mon/index.md: stops.0.site: no site 'dinh-thoi-an' (see " \
           "`diachido check` for broken sites)" in lines
    assert lines[-1] == "✗ 6 lỗi / problems; 5 di tích hợp lệ / valid sites"


def test_check_on_a_missing_folder_is_a_message_not_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "khong-co")])
    assert result.exit_code == 1
    assert "no such content folder" in result.output and "Traceback" not in result.output


def test_bad_setting_is_named(monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    monkeypatch.setenv("DIACHIDO_BASE_URL", "diachido.vn")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "DIACHIDO_BASE_URL" in result.output and "http://" in result.output


def test_misspelled_setting_is_named(monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTNET_DIR", str(TEST_CONTENT))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "DIACHIDO_CONTNET_DIR is not a setting; did you mean DIACHIDO_CONTENT_DIR?" in result.output


@pytest.mark.slow
def test_the_served_app_runs_the_collector_rarely(tmp_path):
    """`serve` freezes what the app loaded and starts a young collector pass every YOUNG_COLLECTION_THRESHOLD new
    objects: counted scans waiting for their commit no longer start passes of every object (issue 22)."""
    program = ("import gc, sys; from cli.main import _app; from sites.settings import Settings; "
               "_app(Settings(content_dir=sys.argv[1], data_dir=sys.argv[2], narrate_ahead=False, "
               "calendar_ahead=False)); print(gc.get_threshold()[0], gc.get_freeze_count() > 0)")
    shown = subprocess.run([sys.executable, "-c", program, str(TEST_CONTENT), str(tmp_path / "data")],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout.split()
    assert shown == [str(YOUNG_COLLECTION_THRESHOLD), "True"]
