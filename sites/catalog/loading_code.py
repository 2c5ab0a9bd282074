"""Which code decides how content files become sites, and a hash of it: the site cache's version (site_cache.py).

That code is `sites.catalog.loader` and every module of the project it imports, directly or not, with the data
files beside them (the former provinces' table) and the versions of the libraries they import (PyYAML parses, pydantic
validates and pickles, Pillow reads photo sizes), and Python's. An upgrade that changes anything else (the visits,
the outings, the web pages) keeps the cache: a start on 40,000 sites takes seconds instead of parsing them all again.
"""

import ast
import hashlib
import sys
from collections.abc import Iterable
from functools import cache
from importlib.metadata import packages_distributions, version
from pathlib import Path

LOADING_MODULE = "sites.catalog.loader"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_SUFFIXES = (".csv",)  # data a module of the loading code reads, kept beside it


@cache
def code_version() -> str:
    """A hash of the loading code's sources and data files, its libraries' versions and Python's."""
    modules, libraries = loading_code()
    distributions = packages_distributions()
    digest = hashlib.sha256(sys.version.encode())
    for library in sorted(libraries):  # Python's own modules belong to no distribution
        for distribution in sorted(distributions.get(library, [])):
            digest.update(f"{distribution} {version(distribution)}".encode())
    for source in sorted({*modules.values(), *data_files(modules.values())}):
        digest.update(str(source.relative_to(PROJECT_ROOT)).encode() + source.read_bytes())
    return digest.hexdigest()


def loading_code() -> tuple[dict[str, Path], set[str]]:
    """The project's modules `LOADING_MODULE` runs (name -> source file, their packages' `__init__.py` included) and
    the top-level names of the other modules they import (libraries and Python's own)."""
    modules: dict[str, Path] = {}
    libraries: set[str] = set()
    pending = [LOADING_MODULE]
    while pending:
        name = pending.pop()
        if name in modules:
            continue
        modules[name] = module_file(name)
        parent = name.rpartition(".")[0]
        pending += [parent] if parent else []
        for imported in imported_names(modules[name]):
            if module_file(imported) is not None:
                pending.append(imported)
            elif module_file(imported.rpartition(".")[0]) is None:
                libraries.add(imported.partition(".")[0])
    return modules, libraries


def imported_names(source: Path) -> list[str]:
    """The modules `source` imports; `from a.b import c` gives both `a.b` and `a.b.c` (c may be a module)."""
    names = []
    for node in ast.walk(ast.parse(source.read_bytes(), str(source))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return names


def module_file(name: str) -> Path | None:
    """The project's source file of module `name` (a package's `__init__.py`), or None if it is not the project's."""
    base = PROJECT_ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if name and candidate.is_file():
            return candidate
    return None


def data_files(sources: Iterable[Path]) -> set[Path]:
    """The data files (`DATA_SUFFIXES`) in the folders of `sources`."""
    return {path for folder in {source.parent for source in sources} for path in folder.iterdir()
            if path.suffix in DATA_SUFFIXES}

