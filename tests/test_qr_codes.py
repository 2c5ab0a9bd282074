"""QR codes are read back by a real decoder (zxing-cpp); SVGs are rasterised by Chromium first."""

import base64
import io

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from cli.main import main
from qr.codes import ErrorCorrection, module_count, png, print_pixels, scan_url, svg
from tests.support import BASE_URL, PHONE_BROWSER, TEST_CONTENT, edit_site

SEED_CODES = ["thoian", "phuluong", "linhson", "pothi", "camthien", "pinangtac", "thanhduc"]


def decode_png(data: bytes) -> str:
    """The text of the one QR code in a PNG."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert len(found) == 1, f"expected one QR code, found {len(found)}"
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def rasterise_svg(browser, data: bytes, pixels: int = 400) -> bytes:
    """A PNG screenshot of the SVG drawn by Chromium at `pixels` x `pixels`."""
    page = browser.new_page(viewport={"width": pixels, "height": pixels})
    source = "data:image/svg+xml;base64," + base64.b64encode(data).decode()
    page.set_content(f'<body style="margin:0"><img src="{source}" width="{pixels}" height="{pixels}"></body>')
    page.wait_for_function("document.images[0].complete")
    screenshot = page.screenshot()
    page.close()
    return screenshot


def test_scan_url_is_short_and_optionally_upper_case():
    assert scan_url("https://diachido.vn/", "thoian") == "https://diachido.vn/q/thoian"
    assert scan_url("https://diachido.vn", "thoian", uppercase=True) == "HTTPS://DIACHIDO.VN/Q/THOIAN"


@pytest.mark.parametrize("code", SEED_CODES)
@pytest.mark.parametrize("ec", list(ErrorCorrection))
def test_every_png_decodes_to_its_exact_payload(code, ec):
    payload = scan_url(BASE_URL, code)
    assert decode_png(png(payload, 300, ec)) == payload


def test_upper_case_payload_needs_fewer_modules_and_decodes():
    payload = scan_url("https://diachido.vn", "pinangtac")  # 31 characters
    upper = scan_url("https://diachido.vn", "pinangtac", uppercase=True)
    assert (module_count(payload), module_count(upper)) == (29 + 8, 25 + 8)  # version 3 -> version 2
    assert decode_png(png(upper, 200)) == "HTTPS://DIACHIDO.VN/Q/PINANGTAC"


def test_higher_error_correction_means_more_modules():
    payload = scan_url(BASE_URL, "thoian")
    assert module_count(payload, ErrorCorrection.L) < module_count(payload, ErrorCorrection.H)


def test_png_has_the_asked_size_sharp_modules_and_a_quiet_zone():
    payload = scan_url(BASE_URL, "thoian")
    image = Image.open(io.BytesIO(png(payload, 500)))
    assert image.size == (500, 500) and image.mode == "1"
    modules = module_count(payload)
    module_px = 500 // modules
    margin = (500 - (modules - 8) * module_px) // 2
    assert margin >= 4 * module_px  # at least four white modules all around
    assert image.crop((0, 0, 500, margin)).getextrema() == (255, 255)
    assert image.getpixel((margin, margin)) == 0  # the finder pattern starts right after the quiet zone


def test_print_size_png_records_its_resolution():
    payload = scan_url(BASE_URL, "pothi")
    pixels = print_pixels(5, 300)
    image = Image.open(io.BytesIO(png(payload, pixels, dpi=300)))
    assert image.size == (591, 591)
    assert round(image.info["dpi"][0]) == 300
    assert decode_png(png(payload, pixels, dpi=300)) == payload


def test_a_png_too_small_for_its_modules_is_refused():
    with pytest.raises(ValueError, match="too small"):
        png(scan_url(BASE_URL, "thoian"), 20)


@pytest.mark.parametrize("code", ["thoian", "pinangtac"])
def test_svg_rasterised_by_chromium_decodes_to_its_payload(browser, code):
    payload = scan_url(BASE_URL, code)
    assert decode_png(rasterise_svg(browser, svg(payload, title="Đình Thới An"))) == payload
    upper = scan_url(BASE_URL, code, uppercase=True)
    assert decode_png(rasterise_svg(browser, svg(upper, ErrorCorrection.H))) == upper


def test_svg_has_its_printed_width_and_an_accessible_title():
    data = svg(scan_url(BASE_URL, "thoian"), cm=4.5, title="Đình <Thới> An").decode()
    assert 'width="45mm" height="45mm"' in data
    assert "<title>Đình &lt;Thới&gt; An</title>" in data
    default = svg(scan_url(BASE_URL, "thoian")).decode()
    modules = module_count(scan_url(BASE_URL, "thoian"))
    assert f'width="{modules}mm"' in default and f'viewBox="0 0 {modules} {modules}"' in default


def test_qr_png_endpoint_encodes_the_scan_url_with_caching(client):
    response = client.get("/qr/dinh-thoi-an.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert decode_png(response.content) == f"{BASE_URL}/q/thoian"
    assert Image.open(io.BytesIO(response.content)).size == (600, 600)
    assert response.headers["cache-control"].startswith("public")
    again = client.get("/qr/dinh-thoi-an.png", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/qr/dinh-thoi-an.png?ec=H")
    assert other.headers["etag"] != response.headers["etag"]
    assert decode_png(other.content) == f"{BASE_URL}/q/thoian"


def test_qr_png_endpoint_sizes(client):
    assert Image.open(io.BytesIO(client.get("/qr/chua-pothi-somron.png?size=256").content)).size == (256, 256)
    printed = Image.open(io.BytesIO(client.get("/qr/chua-pothi-somron.png?cm=3&dpi=600").content))
    assert printed.size == (709, 709) and round(printed.info["dpi"][0]) == 600


@pytest.mark.parametrize(("query", "named"), [
    ("size=10", "size"), ("size=300&cm=3", "size"), ("dpi=300", "dpi"), ("cm=150&dpi=2400", "cm"), ("ec=X", "ec"),
])
def test_qr_png_endpoint_names_the_bad_parameter(client, query, named):
    response = client.get(f"/qr/dinh-thoi-an.png?{query}")
    assert response.status_code == 422
    assert named in str(response.json()["detail"])


def test_qr_svg_endpoint(client, browser):
    response = client.get("/qr/bay-da-pi-nang-tac.svg?cm=5")
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    assert 'width="50mm"' in response.text and "Bẫy đá Pi Năng Tắc" in response.text
    assert decode_png(rasterise_svg(browser, response.content)) == f"{BASE_URL}/q/pinangtac"
    cached = {"If-None-Match": response.headers["etag"]}
    assert client.get("/qr/bay-da-pi-nang-tac.svg?cm=5", headers=cached).status_code == 304
    assert client.get("/qr/bay-da-pi-nang-tac.svg", headers=cached).status_code == 200  # another size


def test_qr_of_an_unknown_site_is_404_and_an_alias_redirects(client):
    assert client.get("/qr/khong-co.png").status_code == 404
    moved = client.get("/qr/THOIAN.svg", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/qr/dinh-thoi-an.svg"


def test_upper_case_option_decodes_and_still_opens_the_right_page(make_client):
    client = make_client(qr_uppercase=True)
    payload = decode_png(client.get("/qr/chua-pothi-somron.png").content)
    assert payload == "HTTP://TESTSERVER.EXAMPLE/Q/POTHI"
    page = client.get(payload.replace("HTTP://TESTSERVER.EXAMPLE", ""), headers=PHONE_BROWSER)
    assert page.status_code == 200 and "<h1>Chùa Pôthi Somrôn</h1>" in page.text
    assert client.get("/api/stats").json()["sites"][0] | {"slug": "chua-pothi-somron", "scans": 1} == \
        client.get("/api/stats").json()["sites"][0]


def test_upper_case_option_needs_a_base_url_without_path(make_client):
    with pytest.raises(ValueError, match="qr_uppercase needs a base_url without a path"):
        make_client(qr_uppercase=True, base_url="https://example.org/diachido")


def test_cli_writes_png_and_svg_for_every_published_site(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    monkeypatch.setenv("DIACHIDO_BASE_URL", "https://diachido.example.vn")
    result = CliRunner().invoke(main, ["qr", "--out", str(tmp_path / "codes")])
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in (tmp_path / "codes").iterdir())
    assert len(written) == 14 and "dinh-thoi-an.png" in written and "dinh-thoi-an.svg" in written
    assert decode_png((tmp_path / "codes" / "dinh-thoi-an.png").read_bytes()) == "https://diachido.example.vn/q/thoian"


def test_cli_print_size_and_named_sites(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    result = CliRunner().invoke(main, ["qr", "--out", str(tmp_path), "--cm", "4", "--dpi", "600", "POTHI"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["chua-pothi-somron.png", "chua-pothi-somron.svg"]
    image = Image.open(tmp_path / "chua-pothi-somron.png")
    assert image.size == (945, 945) and round(image.info["dpi"][0]) == 600
    assert 'width="40mm"' in (tmp_path / "chua-pothi-somron.svg").read_text()


def test_cli_names_unknown_sites_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    result = CliRunner().invoke(main, ["qr", "--out", str(tmp_path / "codes"), "thoian", "khong-co", "nua"])
    assert result.exit_code == 2
    assert "khong-co, nua" in result.output
    assert not (tmp_path / "codes").exists()


def test_cli_can_print_a_draft_when_named(content_dir, tmp_path, monkeypatch):
    edit_site(content_dir, "dinh-phu-luong", published=False)
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(content_dir))
    everything = CliRunner().invoke(main, ["qr", "--out", str(tmp_path / "all")])
    assert "dinh-phu-luong" not in everything.output
    named = CliRunner().invoke(main, ["qr", "--out", str(tmp_path / "one"), "dinh-phu-luong"])
    assert named.exit_code == 0 and (tmp_path / "one" / "dinh-phu-luong.png").exists()
