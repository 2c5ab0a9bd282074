"""The example site that `diachido init` puts in a new content folder: a valid draft to copy and edit."""

from pathlib import Path

from sites.storage.files import write_bytes_atomically

EXAMPLE_SLUG = "vi-du-di-tich"
EXAMPLE = """\
---
# VÍ DỤ / EXAMPLE: sửa mọi trường cho di tích của bạn, rồi chạy `diachido check`.
# Edit every field for your site, then run `diachido check`. Fields / các trường: docs/staff.md.
name: Đình Ví Dụ (ví dụ / example)
slug: vi-du-di-tich
code: vidu
category: dinh
location:
  lat: 10.0341
  lon: 105.7876
  precision: district
address:
  text: "phường Ví Dụ, TP Cần Thơ"
  province: Cần Thơ
summary: "Đây là di tích ví dụ: hãy thay bằng đoạn tóm tắt một hai câu về di tích thật."
published: false  # nháp: không hiện cho khách cho đến khi đổi thành true / a draft until set to true
---
## Lịch sử

Viết lịch sử di tích ở đây (Markdown). Write the site's history here.
"""


class ExampleExists(Exception):
    """The folder already holds content; nothing was written."""


def write_example(content_dir: Path) -> Path:
    """Create `content_dir` (new or empty) with the example draft; returns its index.md path."""
    if content_dir.exists() and (not content_dir.is_dir() or any(content_dir.iterdir())):
        raise ExampleExists(f"{content_dir}: thư mục đã có nội dung, không ghi gì / "
                            "the folder is not empty; nothing written")
    index = content_dir / EXAMPLE_SLUG / "index.md"
    index.parent.mkdir(parents=True)
    write_bytes_atomically(index, EXAMPLE.encode())
    return index
