"""The map process's job (api/caches/base_maps.py): a light module the server imports to name it, so Folium is
imported in that process only, never in the server (issue 27)."""

from map.base_map import BaseMap


def draw(*args, **kwargs) -> BaseMap:
    """`map.build.build_base_map(*args, **kwargs)`, importing Folium here, in the map process."""
    from map.build import build_base_map

    return build_base_map(*args, **kwargs)
