"""Root-absolute links in content bodies: each must name a file of the build, else an error with file and line."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from .errors import Problem
from .markup import root_urls, site_path
from .parts import per_record


def body_link_problems(records, files, base_path: str, root: Path) -> list[Problem]:
    """An error for every root-absolute link or image in a content body (`body_html`, `body_en_html` of products,
    producers and pages) that names no file of the build (`files`: the output paths), with the content file's line."""
    def addresses(record) -> tuple:
        return tuple((name, url) for name in ("body_html", "body_en_html") for url in root_urls(getattr(record, name, "")))

    found = per_record("body-links", records, addresses)  # worked out once per record, kept with it
    problems = []
    for record, urls in zip(records, found):
        for name, url in urls:
            path = unquote(site_path(url, base_path).split("#", 1)[0].split("?", 1)[0])
            if (path + "index.html" if path == "" or path.endswith("/") else path) in files:
                continue
            field = "body_en" if name == "body_en_html" else ""
            problems.append(Problem(record.source, _line_of(root / record.source, url), field,
                                    f"liên kết \"{url}\" không dẫn tới trang hay tệp nào của trang web; hãy sửa địa chỉ "
                                    "(viết từ gốc trang, ví dụ /san-pham/na-cai-kinh/) hoặc bỏ liên kết"))
    return problems


def _line_of(path: Path, url: str) -> int:
    """The first line of a content file that has `url` as typed (0 when it cannot be found)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    for typed in dict.fromkeys((url, unquote(url), url.replace("&amp;", "&"))):
        for number, line in enumerate(lines, 1):
            if typed in line:
                return number
    return 0
