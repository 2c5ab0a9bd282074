"""Every test here is a conformance test: it takes `stores`, the deployment's stores opened by the one factory
(sites/stores.py) on each back end in turn, and must pass unchanged on both."""

import asyncio
from collections.abc import Iterator

import pytest

from sites.stores import Stores, open_stores

CEILING = 3  # counted visits per address and period, small enough to reach in a test


@pytest.fixture
def stores(backend, data_dir) -> Iterator[Stores]:
    """The stores of a new deployment: SQLite files in a new data folder, or a new PostgreSQL database."""
    data_dir.mkdir()
    opened = open_stores(data_dir, backend, CEILING)
    yield opened
    asyncio.run(opened.close())
