"""Front matter is built from the YAML tree by a direct path (issue 27: PyYAML's generic constructor was most of
parsing); for every document, valid or not, the data or the error is exactly what PyYAML's constructor gives."""

import pytest
import yaml

from sites.catalog.frontmatter import _refuse_aliases, _StrictLoader
from sites.catalog.text import nfc_deep
from tests.support import TEST_CONTENT


class GenericLoader(_StrictLoader):
    """The strict loader as it was: PyYAML's resolver, every document through `construct_document`, then in NFC."""

    resolve = yaml.resolver.BaseResolver.resolve

    def get_single_data(self) -> object:
        node = self.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return nfc_deep(self.construct_document(node))


DOCUMENTS = [
    "name: Đình\ncode: thoian\nyear: 1832\nlat: 10.12\npublished: yes\nnote: ~\nempty:\n",
    "tags: [đình, ô môn]\nquiz:\n  - id: a\n    choices: [1, 2.5, true, null, '3']\n",
    "date: 2004-11-15\nwhen: 2004-11-15 10:00:00\nodd: 0x1F\nsexagesimal: 1:30\n",
    "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",  # an alias: refused
    "1: one\n2.5: two\n? [a, b]\n: three\n",  # keys that are not text
    "outer:\n  inner: 1\n  inner: 2\nname: x\nname: y\n",  # written twice, at two depths
    "- a\n- b\n",
    "plain text",
    "data: !!binary aGVsbG8=\nset: !!set {a, b}\nomap: !!omap [{a: 1}]\ntext: !!str 12\n",
    "weird: !custom value\n",
    "key: !!str {a: 1}\n",
    "nested: " + "[" * 3000 + "]" * 3000 + "\n",
    "*star: not an alias\n'a*b': c\n",
    "a: ''\nb: 0o17\nc: .inf\nd: -.5\ne: No\nf: null\ng: '12'\nh: =\n? !!null ''\n: k\n",
    "te\u0302n: \"D\u0301i\u0300nh\"\nt\u00ean: precomposed\nlist: [o\u031b\u0300]\n",  # one key once in NFC
]


def built(loader: type, text: str) -> object:
    try:
        return yaml.load(text, Loader=loader)
    except Exception as exc:  # noqa: BLE001 - the same error is what is compared
        return type(exc), str(exc)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_each_document_builds_as_pyyaml_builds_it(text):
    expected = built(GenericLoader, text)
    assert built(_StrictLoader, text) == expected
    assert repr(built(_StrictLoader, text)) == repr(expected)  # True stays True, 1 stays 1, key order kept


def test_the_bundled_content_builds_as_pyyaml_builds_it():
    for path in sorted(TEST_CONTENT.rglob("index*.md")):
        front = path.read_text(encoding="utf-8").split("---\n", 2)[1]
        assert repr(built(_StrictLoader, front)) == repr(built(GenericLoader, front)), path


def test_the_safe_loader_has_no_resolver_the_short_resolve_leaves_out():
    assert None not in _StrictLoader.yaml_implicit_resolvers and not _StrictLoader.yaml_path_resolvers
