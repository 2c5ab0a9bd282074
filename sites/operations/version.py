"""The running release's version: one source of truth, the `version` of pyproject.toml, read from the installed
package's metadata (so `diachido --version`, /metrics and /openapi.json never disagree with it)."""

from importlib.metadata import version

VERSION = version("diachido")
