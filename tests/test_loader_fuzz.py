"""Property tests: whatever staff type into a field or a story, loading gives either a site or errors
that name that field, and what is served is safe (no crash, no script)."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from api.views.view_models import site_out
from sites.catalog.i18n import INTERFACE_LANGUAGES
from sites.catalog.loader import load_content
from sites.catalog.models import SiteFrontMatter
from tests.support import BASE_URL, add_site

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
FIELDS = st.sampled_from([*SiteFrontMatter.model_fields, "unknown_field"])


@given(field=FIELDS, value=VALUES)
@settings(max_examples=300, deadline=None)
@pytest.mark.slow
def test_any_value_in_any_field_gives_a_site_or_errors_naming_the_field(field, value):
    with tempfile.TemporaryDirectory() as temporary:
        content = Path(temporary)
        add_site(content, "di-tich-thu", **{field: value})
        result = load_content(content)
        if result.errors:
            assert result.registry.all(include_drafts=True) == []
            for error in result.errors:
                assert error.file == str(content / "di-tich-thu" / "index.md")
                assert error.field is not None and error.field.split(".")[0] == field, str(error)
        else:
            site = result.registry.get("di-tich-thu", include_drafts=True)
            for lang in INTERFACE_LANGUAGES:
                site_out(site, lang, BASE_URL, result.registry).model_dump_json()


@given(body=st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300))
@settings(max_examples=300, deadline=None)
@pytest.mark.slow
def test_any_story_renders_without_script(body):
    with tempfile.TemporaryDirectory() as temporary:
        content = Path(temporary)
        add_site(content, "di-tich-thu", body=body + "\n<script>alert(1)</script>\n")
        result = load_content(content)
        assert result.errors == []
        html = result.registry.get("di-tich-thu").body_html("vi")
        assert "<script" not in html.lower() and "javascript:" not in html.lower()
