"""Which code decides how content files become sites, and a hash of it: the site cache's version (site_cache.py).

That code is `sites.catalog.loader` and every module of the project it imports, directly or not, with the data
files beside them (the former provinces' table), the libraries installed (PyYAML parses, pydantic validates and
pickles, Pillow reads photo sizes) and Python. An upgrade of this project that changes nothing else (the visits, the
outings, the web pages) keeps the cache: a start on 40,000 sites takes seconds instead of parsing them all again.
"""

import ast
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

LOADING_MODULE = "sites.catalog.loader"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROJECT_DISTRIBUTION = "diachido"  # pyproject.toml's name: a release of this project is judged by its code, above
DATA_SUFFIXES = (".csv",)  # data a module of the loading code reads, kept beside it
_METADATA_FOLDER = re.compile(r"(?P<name>[^-]+)-.*\.(dist|egg)-info")


@cache
def code_version() -> str:
    """A hash of the loading code's sources and data files, the installed libraries and Python's version."""
    digest = hashlib.sha256(sys.version.encode())
    for name in installed_libraries():
        digest.update(name.encode())
    modules = loading_code().values()
    for source in sorted({*modules, *data_files(modules)}):
        digest.update(str(source.relative_to(PROJECT_ROOT)).encode() + source.read_bytes())
    return digest.hexdigest()


def installed_libraries() -> list[str]:
    """The metadata folders of the installed distributions but this project's (`PyYAML-6.0.2.dist-info`), sorted: an
    upgrade renames a library's. Any library counts, not just those the loading code imports: mapping modules to
    their distributions reads every distribution's file list, 0.1 s at each start, and libraries change seldom."""
    found = []
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:  # a zip file, or a folder that does not exist
            continue
        found += [entry for entry in entries if (metadata := _METADATA_FOLDER.fullmatch(entry))
                  and metadata["name"].lower() != PROJECT_DISTRIBUTION]
    return sorted(found)


def loading_code() -> dict[str, Path]:
    """The project's modules `LOADING_MODULE` runs, by name, with their source files (their packages' `__init__.py`
    included)."""
    modules: dict[str, Path] = {}
    pending = [LOADING_MODULE]
    while pending:
        name = pending.pop()
        if name in modules or (source := module_file(name)) is None:
            continue
        modules[name] = source
        pending += [name.rpartition(".")[0], *imported_names(source)]
    return modules


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
