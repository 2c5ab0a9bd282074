"""Reading content files: YAML front matter between two '---' lines, then a Markdown body."""

from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler

from sites.catalog.reading import UnreadableFile, read_regular_file, regular_file_status
from sites.catalog.text import nfc, nfc_deep

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
STR_TAG, MAP_TAG, SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
PLAIN_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # the C parser is ~10x faster
    """The safe YAML loader, refusing a field written twice (PyYAML would silently keep the last) and
    aliases: `*name` repeats a value without its cost, so 500 bytes of nested aliases expand to
    hundreds of megabytes ("billion laughs"). Front matter never needs them.

    Dates stay text (`date: 1947-02-30` is the string "1947-02-30"): the models parse them, so an impossible
    date is an error naming its file and field, not a crash of PyYAML's date constructor (issue 24).
    Every text comes out in NFC (`nfc_deep`), as the models expect."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        """PyYAML's `BaseResolver.resolve` without its steps for path and wildcard resolvers, which the safe
        loader has none of: it is called for every node, and was a fifth of parsing."""
        if kind is yaml.ScalarNode:
            if implicit[0]:  # a plain scalar: true, 12, 1.5, ~ are not text
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return STR_TAG
        return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        self._may_alias = not isinstance(stream, str) or "*" in stream  # an alias is written *name

    def get_single_data(self) -> object:
        node = self.get_single_node()
        if node is None:
            return None
        if self._may_alias:
            _refuse_aliases(node)
        try:
            return self._plain(node)
        except (_Unusual, RecursionError):
            return nfc_deep(self.construct_document(node))

    def _plain(self, node: yaml.Node) -> object:
        """What `construct_document` makes of `node`, its text in NFC (`nfc_deep`), built directly: PyYAML's generic
        path was most of the time parsing takes. Anything but text keys, scalars, maps and lists raises
        _Unusual, and PyYAML builds the document instead, with its own checks and messages."""
        tag = node.tag
        if type(node) is yaml.ScalarNode:
            if tag == STR_TAG:
                return nfc(node.value)
            if tag not in PLAIN_SCALAR_TAGS:
                raise _Unusual
            return self.yaml_constructors[tag](self, node)
        if tag == MAP_TAG and type(node) is yaml.MappingNode:
            keys = [key.value for key, _ in node.value if type(key) is yaml.ScalarNode and key.tag == STR_TAG]
            if len(keys) != len(node.value) or len(set(keys)) != len(keys):  # other keys, or one written twice
                raise _Unusual
            return {nfc(key): self._plain(value) for key, (_, value) in zip(keys, node.value, strict=True)}
        if tag == SEQ_TAG and type(node) is yaml.SequenceNode:
            return [self._plain(item) for item in node.value]
        raise _Unusual

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"field '{key}' is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _Unusual(Exception):
    """The document holds something `_StrictLoader._plain` leaves to PyYAML's constructor."""


def _refuse_aliases(root: yaml.Node) -> None:
    """Raise when a node is reached twice: the composer gives an alias the very node it names."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed; write the value out in full", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            pending += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value


class FrontMatterError(Exception):
    """The file cannot be read as front matter plus body; `message` says why, for staff."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ParsedFiles:
    """Front matter already parsed, by file: reused while a file's size and modification time are
    unchanged, so reloading after an edit parses only the edited files (YAML parsing dominates).
    Between processes, the valid sites themselves are kept (sites/catalog/site_cache.py)."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], dict, str]] = {}
        self._used: set[Path] = set()

    def read(self, path: Path) -> tuple[dict, str]:
        """The front matter and body of `path`; raises FrontMatterError (not cached) when unreadable."""
        try:
            stat = regular_file_status(path)
        except UnreadableFile as problem:
            raise FrontMatterError(str(problem)) from problem
        stamp = (stat.st_mtime_ns, stat.st_size)
        self._used.add(path)
        entry = self._entries.get(path)
        if entry is None or entry[0] != stamp:
            entry = (stamp, *read_front_matter(path))
            self._entries[path] = entry
        return entry[1], entry[2]

    def forget(self, folder: Path) -> None:
        """Drop the entries of the files of `folder`."""
        for path in [path for path in self._entries if path.parent == folder]:
            del self._entries[path]

    def export(self) -> list[tuple[str, tuple[int, int], dict, str]]:
        """Every entry as (path, stamp, front matter, body), to send to another process."""
        return [(str(path), *entry) for path, entry in self._entries.items()]

    def adopt(self, entries: list[tuple[str, tuple[int, int], dict, str]]) -> None:
        """Take entries parsed in another process (`export`); `read` still parses a file again if its stamp changed."""
        self._entries.update((Path(path), (stamp, data, body)) for path, stamp, data, body in entries)

    def forget_unused(self) -> None:
        """Drop the entries of files not read since the last call (deleted or renamed files)."""
        kept = {path: entry for path, entry in self._entries.items() if path in self._used}
        self._entries, self._used = kept, set()


def read_front_matter(path: Path) -> tuple[dict, str]:
    """The YAML front matter (NFC-normalised) and the Markdown body of a content file.

    The file must be a regular file of at most MAX_TEXT_BYTES (sites/catalog/reading.py)."""
    try:
        text = read_regular_file(path).decode("utf-8").removeprefix("\ufeff")
    except UnreadableFile as problem:
        raise FrontMatterError(str(problem)) from problem
    except UnicodeDecodeError as exc:
        raise FrontMatterError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    handler = YAMLHandler()
    if not handler.detect(text):
        raise FrontMatterError("no front matter: the file must start with a line '---'")
    try:
        front, body = handler.split(text)
    except ValueError as exc:
        raise FrontMatterError("front matter is not closed by a line '---'") from exc
    try:
        data = handler.load(front, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""  # the front text starts on the opening --- line
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(f"front matter is not valid YAML{where}: {problem}") from exc
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a list of 'field: value' lines")
    return data, nfc(body.strip()) + "\n"
