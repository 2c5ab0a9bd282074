"""Conformance of the certificate signing key (sites/outings/certificate_key.py) on both back ends."""

import asyncio

from sites.stores import open_stores
from tests.stores.conftest import CEILING


def test_one_key_per_deployment_made_by_whoever_asks_first(stores, backend, data_dir):
    key = stores.certificate_key.get()
    another_process = open_stores(data_dir, backend, CEILING)  # a second worker, or the server restarted
    try:
        assert len(key) == 32 and another_process.certificate_key.get() == key == stores.certificate_key.get()
    finally:
        asyncio.run(another_process.close())
