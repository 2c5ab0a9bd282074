"""Print the import graph between the rooms of the project (sites/catalog, api/public, qr, cli, ...: one
`importer -> imported` edge a line, with how many module imports make it) and fail on what the layout
forbids: a circle between modules (type-only imports included), a router importing a router, a layer
importing one above it, or more than ROOT_LIMIT modules at the root of sites/ or api/.
Run: python bench/api_graph.py"""

import ast
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("sites", "qr", "map", "speech", "api", "cli")
# Each layer may import only the layers before it (speech -> sites -> qr, map -> api -> cli; speech is pure).
LAYERS = {"speech": 0, "sites": 1, "qr": 2, "map": 2, "api": 3, "cli": 4}
ROOT_LIMIT = 14  # modules at the root of sites/ or api/ (a dozen or so); more is a hall, not a room


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    return {module_name(path): path for package in PACKAGES for path in (REPO / package).rglob("*.py")}


def edges(known: dict[str, Path]) -> set[tuple[str, str]]:
    """(importer, imported) for every import between project modules, in functions and `if TYPE_CHECKING`
    blocks too."""
    found = set()
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [t for t in targets if t in known] or [node.module]  # a module, else names from it
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            found |= {(name, target) for target in targets if target in known and target != name}
    return found


def room(module: str) -> str:
    """The room of a module: its package and first sub-package (`sites.visits`, `api.public`, `qr`)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


def circles(graph: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    following: dict[str, list[str]] = {}
    for a, b in graph:
        following.setdefault(a, []).append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in following.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                groups.append(sorted([node, *group]))

    for node in sorted(following):
        if node not in index:
            visit(node)
    return groups


def problems(known: dict[str, Path], graph: set[tuple[str, str]]) -> list[str]:
    """Everything the layout forbids, one sentence each."""
    found = [f"circle: {' <-> '.join(group)}" for group in circles(graph)]
    found += [f"router imports router: {a} -> {b}" for a, b in sorted(graph) if ".routes." in a and ".routes." in b]
    found += [f"layer upwards: {a} -> {b}" for a, b in sorted(graph)
              if LAYERS[b.split(".")[0]] > LAYERS[a.split(".")[0]] and not (a == "cli.main" and b == "api.app")]
    for package in ("sites", "api"):
        root = [p.name for p in (REPO / package).glob("*.py") if p.name != "__init__.py"]
        if len(root) > ROOT_LIMIT:
            found.append(f"{package}/ has {len(root)} modules at its root (at most {ROOT_LIMIT}): {sorted(root)}")
    return found


def main() -> int:
    known = modules()
    graph = edges(known)
    between = Counter((room(a), room(b)) for a, b in graph if room(a) != room(b))
    for (importer, imported), count in sorted(between.items()):
        print(f"{importer} -> {imported} ({count})")
    found = problems(known, graph)
    print(f"\n{len(known)} modules, {len(graph)} imports, {len(between)} edges between rooms")
    print("\n".join(found) if found else "no circle, no router -> router, no layer upwards, rooms not halls")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
