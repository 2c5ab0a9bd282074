"""Loading many sites without the garbage collector's passes over them.

Python's cyclic collector runs every few hundred new objects and, every so often, scans every object
alive. Loading content makes hundreds of thousands of objects that stay (parsed YAML, pydantic models),
so during a load those passes find nothing to free and only grow with the heap: at 10,000 sites they were
two thirds of a start with an empty site cache.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off; it is on again afterwards if it was before.
    Memory freed by reference counting (almost all of it) is freed as usual meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
