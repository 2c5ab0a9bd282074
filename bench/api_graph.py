"""Print the import graph between api/ modules (one `importer -> imported` edge a line) and fail if a
router (api/public/routes/...) imports another router. Run: python bench/api_graph.py"""

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def edges() -> set[tuple[str, str]]:
    modules = {module_name(path): path for path in (REPO / "api").rglob("*.py")}
    found = set()
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("api"):
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [t for t in targets if t in modules] or [node.module]  # a module, else names from it
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                if target in modules and target != name:
                    found.add((name, target))
    return found


def main() -> int:
    graph = sorted(edges())
    for importer, imported in graph:
        print(f"{importer} -> {imported}")
    router_edges = [(a, b) for a, b in graph if ".routes." in a and ".routes." in b]
    print(f"\n{len(graph)} edges; router -> router: {router_edges or 'none'}")
    return 1 if router_edges else 0


if __name__ == "__main__":
    sys.exit(main())
