"""A client generated from /openapi.json, as a new API user would make one (issue 28): openapi-python-client
(test extra) against a live server. The file routes (QR PNG and SVG, posters, leaflets) declare their bodies as
binary, so the generated client has them and returns their bytes: here a poster whose QR code scans."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.support import page_image

pytestmark = [pytest.mark.live, pytest.mark.slow]

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
# The generator reads JSON, text and application/octet-stream bodies; it is told that these media types are
# files too (its documented `content_type_overrides`); a file typed binary then comes back as `File`.
CONFIG = """\
content_type_overrides:
  application/pdf: application/octet-stream
  image/png: application/octet-stream
  image/svg+xml: application/octet-stream
post_hooks: []
"""


@pytest.fixture(scope="module")
def generated(server, tmp_path_factory):
    """The client package generated from the live server's /openapi.json, imported as `diachido_client`."""
    root = tmp_path_factory.mktemp("client")
    (root / "config.yml").write_text(CONFIG)
    result = subprocess.run([str(GENERATOR), "generate", "--url", f"{server}/openapi.json", "--config", "config.yml",
                             "--meta", "none", "--output-path", "diachido_client"],
                            cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr, "a route or response was left out of the client"
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("diachido_client")
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == "diachido_client"]:
            del sys.modules[name]


def operation(package, module: str):
    return importlib.import_module(f"{package.__name__}.api.{module}")


def test_a_generated_client_fetches_a_poster_whose_qr_code_scans(generated, server):
    client = generated.Client(base_url=server)
    poster = operation(generated, "posters.site_poster_posters_slug_pdf_get").sync_detailed(
        slug="dinh-thoi-an", client=client)
    assert poster.status_code == 200 and isinstance(poster.parsed, generated.types.File)
    data = poster.parsed.payload.read()
    assert data.startswith(b"%PDF")
    (code,) = zxingcpp.read_barcodes(page_image(data))
    assert code.text == f"{server}/q/thoian"


def test_the_same_client_has_the_qr_codes_and_typed_json(generated, server):
    client = generated.Client(base_url=server)
    png = operation(generated, "qr.qr_png_qr_slug_png_get").sync(slug="dinh-thoi-an", client=client, size=300)
    (code,) = zxingcpp.read_barcodes(Image.open(png.payload))
    assert code.text == f"{server}/q/thoian"
    svg = operation(generated, "qr.qr_svg_qr_slug_svg_get").sync(slug="dinh-thoi-an", client=client)
    assert svg.payload.read().lstrip().startswith(b"<?xml")
    site = operation(generated, "sites.get_site_api_sites_slug_get").sync(slug="dinh-thoi-an", client=client)
    assert type(site).__name__ == "SiteOut" and site.name == "Đình Thới An"
