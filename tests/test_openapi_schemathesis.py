"""Schemathesis generates requests from /openapi.json and checks, in-process, that no answer is a 5xx
and that every answer matches the documented status codes, content types and response schemas."""

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from sites.settings import Settings
from tests.support import BASE_URL, TEST_CONTENT

# Built at collection time because schemathesis' lazy `from_fixture` does not work with pytest 9.2
# (it reads the removed `Function._nodeid`); the folder is removed when the module's tests end.
_ROOT = Path(tempfile.mkdtemp(prefix="diachido-schemathesis-"))
shutil.copytree(TEST_CONTENT, _ROOT / "content")
_SETTINGS = Settings(content_dir=_ROOT / "content", data_dir=_ROOT / "data", base_url=BASE_URL, reload_interval=0)
_APP = create_app(_SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)
# A body over a route's size limit is refused with 413 before it is read, whatever else is wrong with it (documented
# for every route that takes a body: api/responses.py); schemathesis' list of refusals of invalid data lacks it.
_REFUSALS = schema.config.checks.negative_data_rejection
_REFUSALS.expected_statuses = [*_REFUSALS.expected_statuses, "413"]


@pytest.fixture(scope="module", autouse=True)
def _remove_temporary_folder():
    yield
    shutil.rmtree(_ROOT, ignore_errors=True)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    # A whole poster batch on a busy 2-core machine takes longer than schemathesis' default 10 s read timeout:
    # this test checks statuses and shapes, not speed (bench/ measures that).
    case.call_and_validate(timeout=120)
