"""Engraving files as a laser or CNC shop gets them (issue 25): the SVG rasterised by an outside renderer (resvg) and
the DXF read back by ezdxf, each code decoded by zxing-cpp to the plaque's exact URL; no text or image elements; units,
layers, audit and extents of the DXF; Khmer shaped without dotted circles; sizes under the minimums refused."""

import io
import re

import ezdxf
import fontpkg
import pytest
import resvg_py
import zxingcpp
from click.testing import CliRunner
from ezdxf import bbox
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from cli.main import main
from qr.engraving import files
from qr.engraving.files import FileFormat, plaque_file
from qr.engraving.glyphs import face, shape
from qr.engraving.layout import PlaqueText, drawing
from qr.engraving.plates import PlateRefused, plate
from qr.engraving.print_check import PrintCheckFailed, decode
from qr.engraving.svg_file import path_data
from qr.printing import SHAPED_FONT_FAMILY
from tests.support import BASE_URL, TEST_CONTENT

THOI_AN_URL = f"{BASE_URL}/q/thoian"
POTHI_URL = f"{BASE_URL}/q/pothi"
DOTTED_CIRCLE = 0x25CC


def rasterised(svg: bytes, width: int = 1200) -> Image.Image:
    """The SVG drawn by resvg on white, `width` px wide (its mm size read at 96 dpi)."""
    png = resvg_py.svg_to_bytes(svg_string=svg.decode(), width=width, background="#ffffff", dpi=96)
    return Image.open(io.BytesIO(bytes(png))).convert("L")


def decoded(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_the_svg_rasterised_by_resvg_decodes_to_the_plaques_url(client):
    response = client.get("/plaques/dinh-thoi-an.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert 'filename="dinh-thoi-an-150x200-steel.svg"' in response.headers["content-disposition"]
    svg = response.content
    assert decoded(rasterised(svg)) == [THOI_AN_URL]
    head = svg.decode()[:400]
    assert 'width="150mm" height="200mm" viewBox="0 0 150 200"' in head
    assert not re.search(rb"<(text|image|tspan|font|use)\b", svg)
    assert [name for name in re.findall(rb'<g id="(\w+)"', svg)] == [b"cut", b"holes", b"engrave", b"guides"]
    assert svg.count(b'inkscape:label="') == 4
    again = client.get("/plaques/dinh-thoi-an.svg", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_an_inverted_material_engraves_the_background_and_its_plate_still_reads(client):
    """Anodised aluminium turns light where engraved: the file engraves the quiet zone and light modules, so the
    finished plate (engraving light on the dark plate) is a dark-on-light code."""
    svg = client.get("/plaques/dinh-thoi-an.svg", params={"material": "aluminium", "size": "200x300"}).content
    image = rasterised(svg)  # black where engraved: the negative of the finished plate
    assert decoded(Image.eval(image, lambda value: 255 - value)) == [THOI_AN_URL]


def dxf_document(content: bytes) -> ezdxf.document.Drawing:
    return ezdxf.read(io.StringIO(content.decode()))


@pytest.mark.parametrize(("size", "holes", "width", "height"), [("150x200", "4", 150, 200), ("300x200", "2", 300, 200),
                                                                 ("100x150", "0", 100, 150)])
def test_the_dxf_opens_in_ezdxf_in_mm_with_a_clean_audit_its_layers_and_the_drawing_inside_the_plate(
        client, size, holes, width, height):
    response = client.get("/plaques/dinh-thoi-an.dxf", params={"size": size, "holes": holes})
    assert response.status_code == 200
    document = dxf_document(response.content)
    assert document.dxfversion >= "AC1024"  # R2010
    assert document.header["$INSUNITS"] == 4
    auditor = document.audit()
    assert not auditor.has_errors and not auditor.has_fixes
    space = document.modelspace()
    assert {entity.dxf.layer for entity in space} == {"CUT", "ENGRAVE", *(("HOLES",) if holes != "0" else ())}
    assert {"CUT", "HOLES", "ENGRAVE"} <= {layer.dxf.name for layer in document.layers}
    polylines = space.query("LWPOLYLINE")
    assert all(line.closed for line in polylines)
    assert len(space.query("LWPOLYLINE[layer=='HOLES']")) == int(holes)
    assert not space.query("TEXT MTEXT INSERT IMAGE")
    assert space.query("HATCH[layer=='ENGRAVE']")
    extents = bbox.extents(space)
    assert extents.extmin.x >= -1e-6 and extents.extmin.y >= -1e-6
    assert extents.extmax.x <= width + 1e-6 and extents.extmax.y <= height + 1e-6
    cut = bbox.extents(space.query("*[layer=='CUT']"))
    assert (round(cut.size.x, 3), round(cut.size.y, 3)) == (width, height)


def test_the_dxf_codes_hatch_decodes_to_the_plaques_url(client):
    """The DXF's own geometry, not the SVG's: the hatch with the most boundaries is the code; drawn as read back."""
    space = dxf_document(client.get("/plaques/dinh-thoi-an.dxf").content).modelspace()
    code = max(space.query("HATCH"), key=lambda hatch: len(hatch.paths))
    loops = [[(vertex[0], -vertex[1]) for vertex in path.vertices] for path in code.paths]
    xs = [x for loop in loops for x, _ in loop]
    ys = [y for loop in loops for _, y in loop]
    side = max(xs) - min(xs)
    margin = side * 0.2
    view = f"{min(xs) - margin} {min(ys) - margin} {side + 2 * margin} {side + 2 * margin}"
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view}">'
           f'<path fill-rule="evenodd" d="{path_data(loops)}"/></svg>')
    assert decoded(rasterised(svg.encode(), 600)) == [THOI_AN_URL]


def test_the_dxf_hatches_fill_what_the_svg_fills(client):
    """Khmer and Vietnamese glyphs have overlapping contours (an accent on its letter, a loop drawn twice): the SVG
    fills by the nonzero rule, a DXF hatch by parity; drawn from each file, the engraved areas are the same."""
    params = {"lang": "km", "size": "300x200", "holes": "0"}
    svg = client.get("/plaques/chua-pothi-somron.svg", params=params).text
    engraved = "".join(re.findall(r'<path id="\w+" fill="#000" d="([^"]*)"', svg))
    space = dxf_document(client.get("/plaques/chua-pothi-somron.dxf", params=params).content).modelspace()
    loops = ([[(v[0], 200 - v[1]) for v in path.vertices] for path in hatch.paths] for hatch in space.query("HATCH"))
    hatches = "".join(f'<path fill-rule="evenodd" d="{path_data(hatch)}"/>' for hatch in loops)

    def drawn(body: str) -> Image.Image:
        page = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200">{body}</svg>'
        return rasterised(page.encode(), 1500)

    nonzero, parity = drawn(f'<path d="{engraved}"/>'), drawn(hatches)
    assert ImageChops.difference(nonzero, parity).point(lambda value: 255 if value > 128 else 0).getbbox() is None


def test_a_khmer_plaque_is_shaped_without_dotted_circles(client):
    khmer = client.get("/plaques/chua-pothi-somron.svg", params={"lang": "km"})
    assert khmer.status_code == 200 and decoded(rasterised(khmer.content)) == [POTHI_URL]
    assert khmer.content != client.get("/plaques/chua-pothi-somron.svg").content
    khmer_page = (TEST_CONTENT / "chua-pothi-somron" / "index.km.md").read_text(encoding="utf-8")
    name = re.search(r"^name: (.+)$", khmer_page, re.M)[1]
    cmap = TTFont(fontpkg.path(SHAPED_FONT_FAMILY, 400)).getBestCmap()
    dotted = face(True, True).names.index(cmap[DOTTED_CIRCLE])
    # a vowel sign alone is drawn on a dotted circle: the check below can fail
    assert dotted in {gid for _, gid, _, _ in shape("\u17b6", True).glyphs}
    for bold in (True, False):
        glyphs = shape(name, bold).glyphs
        assert glyphs and dotted not in {gid for _, gid, _, _ in glyphs}
        assert all(font is face(True, bold) for font, *_ in glyphs)


@pytest.mark.parametrize(("params", "named"), [
    ({"size": "80x100"}, "tối thiểu 1.5 mm"),
    ({"size": "100x150", "material": "stone"}, "tối thiểu 2 mm"),
    ({"size": "60x60", "holes": "0"}, "minimum is 1.5 mm"),
    ({"size": "20x300"}, "size: mỗi cạnh từ 50 đến 1200 mm"),
    ({"size": "big"}, "size: 'big'"),
    ({"holes": "3"}, "holes: 3"),
])
def test_sizes_under_the_minimums_are_refused_naming_the_minimum(client, params, named):
    for extension in ("svg", "dxf"):
        response = client.get(f"/plaques/dinh-thoi-an.{extension}", params=params)
        assert response.status_code == 422, response.text
        assert named in response.json()["detail"]


def test_every_preset_and_material_makes_a_file_that_reads():
    text = PlaqueText("Đoàn TNCS Hồ Chí Minh thành phố Cần Thơ", "Đình Thới An", "Đình · Di tích cấp thành phố, 2004",
                      THOI_AN_URL)
    for size in ("100x150", "150x200", "200x300", "300x400", "400x300"):
        for material in ("steel", "aluminium", "stone", "wood"):
            if size == "100x150" and material in ("stone", "wood"):  # their 2 mm modules need a larger plate
                with pytest.raises(PlateRefused, match="tối thiểu 2 mm"):
                    drawing(text, plate(size, material))
                continue
            made = drawing(text, plate(size, material))
            assert made.module_mm >= made.plate.preset.min_module_mm >= 1.5
            assert decode(made.code, made.code_box, made.module_mm, made.plate.preset.inverted) == THOI_AN_URL


def test_a_code_that_does_not_decode_is_never_given(monkeypatch):
    """A drawing whose code lost its three largest regions (the finder patterns) is refused before any file."""
    def broken(*arguments):
        made = drawing(*arguments)
        made.code = sorted(made.code, key=len)[:-3]
        return made

    monkeypatch.setattr(files, "drawing", broken)
    text = PlaqueText("Đoàn", "Đình Thới An", "Đình", THOI_AN_URL)
    for fmt in FileFormat:
        with pytest.raises(PrintCheckFailed, match="không đọc được"):
            plaque_file(text, plate(), fmt)


def test_a_name_too_long_for_the_plate_is_refused_naming_the_field():
    with pytest.raises(PlateRefused, match="^name: "):
        drawing(PlaqueText("Đoàn", "Đình " * 80, "Đình", THOI_AN_URL), plate("100x150", "stone", 0))


def test_the_plaques_command_writes_files_that_open(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    monkeypatch.setenv("DIACHIDO_BASE_URL", BASE_URL)
    runner = CliRunner()
    result = runner.invoke(main, ["plaques", "dinh-thoi-an", "thoian", "--format", "dxf", "--size", "200x300",
                                  "--material", "wood", "--holes", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = tmp_path / "dinh-thoi-an-200x300-wood.dxf"
    assert dxf_document(written.read_bytes()).header["$INSUNITS"] == 4
    svg = runner.invoke(main, ["plaques", "chua-pothi-somron", "--lang", "km", "--out", str(tmp_path)])
    assert svg.exit_code == 0, svg.output
    assert decoded(rasterised((tmp_path / "chua-pothi-somron-150x200-steel.svg").read_bytes())) == [POTHI_URL]
    refused = runner.invoke(main, ["plaques", "dinh-thoi-an", "--size", "70x90", "--out", str(tmp_path)])
    assert refused.exit_code != 0 and "1.5 mm" in refused.output
