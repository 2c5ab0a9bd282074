"""Synthetic content for tests and benchmarks that need many sites: copies of one real site from tests/content/,
each with its own slug, code and name. bench/ scripts import it from here."""

from collections.abc import Callable
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "content" / "dinh-thoi-an"


def make_synthetic_content(root: Path, count: int, vary: Callable[[int, str], str] | None = None,
                           template: Path = TEMPLATE) -> Path:
    """`count` copies of a real site (`template`, Đình Thới An of tests/content/), each with its own slug, code
    and name; `vary(number, text)` may change more of each copy's front matter."""
    content = root / f"content-{count}"
    index = (template / "index.md").read_text(encoding="utf-8")
    english = (template / "index.en.md").read_text(encoding="utf-8")
    for number in range(count):
        slug = f"di-tich-{number:05d}"
        folder = content / slug
        folder.mkdir(parents=True)
        text = (index.replace("slug: dinh-thoi-an", f"slug: {slug}")
                .replace("code: thoian", f"code: dt{number:05d}")
                .replace("name: Đình Thới An", f"name: Đình Thới An số {number}"))
        if vary:
            text = vary(number, text)
        (folder / "index.md").write_text(text, encoding="utf-8")
        (folder / "index.en.md").write_text(english, encoding="utf-8")
    return content
