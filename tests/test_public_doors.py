"""The table of public doors (api/public/doors.py) against the app's own route table (issue 21): every route an
anonymous client can reach is declared with its bounds, and every declared bound is the one the app runs with."""

import ast
import operator

from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from api.admin.staff import require_staff
from api.public.doors import DOORS, Cache, Limit
from api.state import app_state
from api.uploads import MAX_BODY_BYTES, SMALL_FORM_BYTES
from tests.support import REPO


def _dependencies(dependant) -> set:
    """Every callable `dependant` depends on, however deep."""
    calls = {dependant.call}
    for sub in dependant.dependencies:
        calls |= _dependencies(sub)
    return calls


def _public_routes(app) -> set[tuple[str, str]]:
    """(method, path) of each route of `app` that needs no staff session; a mount counts as GET and HEAD."""
    found = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            found |= {("GET", route.path), ("HEAD", route.path)}
            continue
        dependant = getattr(route, "dependant", None)
        if dependant is not None and require_staff in _dependencies(dependant):
            continue  # staff only: an anonymous GET is sent to the login form, a write gets 401
        found |= {(method, route.path) for method in route.methods}
    return found


def _declared() -> set[tuple[str, str]]:
    return {(method, door.path) for door in DOORS for method in door.methods}


def test_every_public_route_is_in_the_table(client):
    missing = _public_routes(client.app) - _declared()
    assert missing == set(), f"declare these doors and their bounds in api/public/doors.py: {sorted(missing)}"


def test_the_table_names_only_public_routes_that_exist(client):
    stale = _declared() - _public_routes(client.app)
    assert stale == set(), f"api/public/doors.py names routes gone (or now staff only): {sorted(stale)}"


def test_a_staff_page_is_not_a_public_door(client):
    """The rule that sorts routes is the app's own: an anonymous visitor of a staff page is sent to log in."""
    routes = _public_routes(client.app)
    assert ("GET", "/admin/reports") not in routes and ("GET", "/admin/login") in routes
    assert ("GET", "/q/{code}") in routes
    response = client.get("/admin/reports", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/login")


def test_each_door_is_declared_once():
    declared = [(method, door.path) for door in DOORS for method in door.methods]
    assert len(declared) == len(set(declared))


def test_the_table_copies_no_number():
    """Every cap is imported from the code that enforces it: a number written here could drift from it (0, "none",
    is the only one allowed)."""
    tree = ast.parse((REPO / "api" / "public" / "doors.py").read_text(encoding="utf-8"))
    numbers = [node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
               and not isinstance(node.value, bool) and node.value != 0]
    assert numbers == []


def test_each_declared_bound_is_the_one_the_app_runs_with(client):
    """A limit or cache that names where the app keeps it holds the same number there (a limit that work in
    progress puts in place has no number yet, and says nothing about the app)."""
    state = app_state(client.app)
    bounds = [bound for door in DOORS for bound in (*door.limits, *door.caches)]
    assert bounds and all(type(_number(bound)) is int and _number(bound) > 0 for bound in bounds)
    live = [(bound, operator.attrgetter(bound.live)(state)) for bound in bounds if bound.live]
    assert len(live) >= 10
    assert [(bound, running) for bound, running in live if running != _number(bound)] == []


def _number(bound: Limit | Cache) -> int:
    return bound.cap if isinstance(bound, Cache) else bound.count


def test_a_door_that_reads_a_body_declares_how_much(client):
    """Every POST door reads at most the app-wide body limit, and the late-scan door far less: its 413 says so."""
    posts = [door for door in DOORS if "POST" in door.methods]
    assert posts and all(0 < door.body_bytes <= MAX_BODY_BYTES for door in posts)
    late = next(door for door in posts if door.path == "/api/late-scans")
    response = client.post("/api/late-scans", content=b"[" * (late.body_bytes + 1),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and str(late.body_bytes) in response.json()["detail"]


def test_a_small_form_is_refused_past_its_own_limit_declared_or_streamed(client):
    """Joining, answering and signing in take a few short fields: a body past SMALL_FORM_BYTES is a 413 saying the
    form is too large, whether its length says so or it only grows while it arrives (issue 21: 20 MB of fields
    were read and parsed on the event loop)."""
    small = [door for door in DOORS if door.body_bytes == SMALL_FORM_BYTES]
    assert {door.path for door in small} >= {"/class/{code}/join", "/passport/quiz/{slug}", "/admin/login"}
    padding = "x=" + "a" * SMALL_FORM_BYTES
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path in ("/class/ABC234/join", "/passport/quiz/dinh-thoi-an", "/admin/login"):
        declared = client.post(path, content=padding.encode(), headers=form)
        streamed = client.post(path, content=iter([padding.encode()]), headers=form)  # chunked: no length
        for response in (declared, streamed):
            assert response.status_code == 413, (path, response.status_code)
            assert "the form is too large" in response.text, path
    assert client.post("/admin/login", data={"name": "x", "password": "y"}).status_code in (400, 403)
