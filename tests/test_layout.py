"""The shape of the code (issues 12 and 22): rooms by feature inside sites/ and api/, no import circle
(type-only imports included), routes by resource with no router importing another, no layer importing one
above it, typed state only, one way per shared concern, and a command line that loads no web framework."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import BASE_URL, REPO, TEST_CONTENT, visit

API = REPO / "api"
ROUTERS = sorted(API.glob("*/routes/*.py"))  # api/public/routes/, api/admin/routes/


def api_imports(path: Path) -> set[str]:
    """The api.* modules `path` imports (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("api"):
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("api")}
    return found


def test_no_router_imports_another_router():
    for path in ROUTERS:
        routers = {name for name in api_imports(path) if ".routes" in name}
        assert routers == set(), f"{path.relative_to(REPO)} imports {routers}"


def test_the_command_line_imports_only_the_app_factory_of_the_web_layer():
    """`serve` alone builds the app, inside the command; every other verb uses sites/, qr/ and map/."""
    assert {name for name in api_imports(REPO / "cli" / "main.py")} == {"api.app", "api.app.create_app"}


def test_tests_never_import_the_benches():
    """The harness lives in tests/ (live.py, postgres.py, synthetic.py, attacks.py); bench/ imports it, not the
    reverse."""
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            assert not [name for name in names
                        if name.split(".")[0] == "bench"], f"{path.relative_to(REPO)} imports bench"


PACKAGES = ("speech", "sites", "qr", "map", "api", "cli")  # in layer order: each imports only those before it
LAYER = {"speech": 0, "sites": 1, "qr": 2, "map": 2, "api": 3, "cli": 4}


def project_imports() -> dict[str, set[str]]:
    """Every project module (dotted name) and the project modules it imports, wherever the import is
    written: at the top, in a function, or under `if TYPE_CHECKING`."""
    paths = {".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): p
             for package in PACKAGES for p in (REPO / package).rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found |= {f"{node.module}.{a.name}" for a in node.names} & paths.keys() or {node.module} & paths.keys()
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names} & paths.keys()
        graph[name] = found - {name}
    return graph


def test_no_module_imports_itself_back_through_others():
    graph = project_imports()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and not seen.add(nxt) and reaches(nxt, goal, seen))
                   for nxt in graph[start])

    assert [name for name in graph if reaches(name, name, set())] == []


def test_no_layer_imports_a_layer_above_it():
    upwards = [f"{a} -> {b}" for a, imported in project_imports().items() for b in imported
               if LAYER[b.split(".")[0]] > LAYER[a.split(".")[0]] and (a, b) != ("cli.main", "api.app")]
    assert upwards == []


@pytest.mark.parametrize("package", ["sites", "api"])
def test_the_roots_of_sites_and_api_are_rooms_not_halls(package):
    """Past a dozen modules a folder is a hall: a new module goes into the room of its feature."""
    root = sorted(p.name for p in (REPO / package).glob("*.py") if p.name != "__init__.py")
    rooms = sorted(p.name for p in (REPO / package).iterdir() if (p / "__init__.py").is_file())
    assert len(root) <= 14, root
    assert rooms and all((REPO / package / r / "__init__.py").read_text(encoding="utf-8").startswith('"""')
                         for r in rooms)  # each room says what it holds


def test_nothing_reads_the_app_state_by_hand():
    """Routes, helpers and templates get the typed AppState (api/state.py), never `app.state.<name>`."""
    files = [*API.rglob("*.py"), *(API / "templates").rglob("*.html")]
    by_hand = [f"{path.relative_to(REPO)}: {line.strip()}" for path in files if path.name != "state.py"
               for line in path.read_text(encoding="utf-8").splitlines() if re.search(r"app\.state\.\w", line)]
    assert by_hand == []


def test_templates_link_to_sites_with_the_helper():
    hand_made = [path.name for path in (API / "templates").rglob("*.html")
                 if re.search(r'href="/sites/\{\{', path.read_text(encoding="utf-8"))]
    assert hand_made == []


def test_check_loads_no_web_framework_nor_pdf_or_map_library():
    script = ("import sys; from click.testing import CliRunner; from cli.main import main; "
              f"result = CliRunner().invoke(main, ['check', {str(TEST_CONTENT)!r}]); "
              "assert result.exit_code == 0, result.output; "
              "print(sorted({m.split('.')[0] for m in sys.modules} & "
              "{'fastapi', 'starlette', 'folium', 'fpdf', 'uvicorn'}))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr


def test_a_page_past_the_end_is_a_422_on_every_table(client):
    for path in ("/map?page=2", "/stats?page=2"):
        response = client.get(path)
        assert response.status_code == 422 and "page" in response.text, path
    assert client.get("/stats?page=1").status_code == 200


def test_an_unknown_category_is_refused_everywhere_and_an_empty_one_means_all(client):
    for path in ("/", "/map", "/api/sites", "/api/sites.geojson", "/posters.pdf"):
        assert client.get(f"{path}?category=castle").status_code == 422, path
    everything = client.get("/").text.count("<h2>")
    assert client.get("/?category=&province=").text.count("<h2>") == everything > 1


def test_the_map_and_the_geojson_count_visits_alike(client):
    visit(client, "/q/pinangtac", 2)
    visit(client, "/sites/bay-da-pi-nang-tac")
    feature = next(f for f in client.get("/api/sites.geojson").json()["features"] if f["id"] == "bay-da-pi-nang-tac")
    assert feature["properties"]["visits_30_days"] == 3
    assert f'{BASE_URL}/sites/bay-da-pi-nang-tac' == feature["properties"]["url"]
