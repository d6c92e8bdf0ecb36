"""Link check of a built site: every internal link, fragment and asset in output/ must resolve."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .errors import Problem

# (tag, attribute) pairs whose value is one URL; srcset-style attributes are listed apart.
_URL_ATTRS = {
    ("a", "href"), ("area", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"),
    ("iframe", "src"), ("embed", "src"), ("object", "data"), ("video", "src"), ("video", "poster"),
    ("audio", "src"), ("track", "src"), ("input", "src"), ("form", "action"), ("use", "href"), ("image", "href"),
}
_SRCSET_ATTRS = {("img", "srcset"), ("source", "srcset"), ("link", "imagesrcset")}
# <meta> whose content is a URL (Open Graph, Twitter cards, Windows tiles).
_META_URLS = {"og:url", "og:image", "og:image:url", "og:image:secure_url", "og:audio", "og:video",
              "twitter:image", "msapplication-tileimage", "msapplication-config"}
# Links to pages: a missing target is a broken link; anything else is a missing asset.
_PAGE_TAGS = {"a", "area", "form"}
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@dataclass(frozen=True)
class Reference:
    """One URL found in an output file: where it is and what kind of link it is."""

    line: int
    field: str
    url: str
    page: bool


@dataclass
class _Parsed:
    """What one HTML file holds: its element ids and the URLs it refers to."""

    ids: set[str]
    refs: list[Reference]
    base_href: str | None = None


class _LinkParser(HTMLParser):
    """Collect ids and URL-bearing attributes of one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = _Parsed(set(), [])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value for name, value in attrs if value is not None}
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.found.ids.add(values[name])
        if tag == "base" and "href" in values:
            self.found.base_href = values["href"]
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key in _META_URLS and values.get("content"):
                self._add(line, f"meta {key}", values["content"], page=key == "og:url")
            return
        for name, value in values.items():
            if name.startswith("data-") and value.startswith("/") and not value.startswith("//") and " " not in value:
                self._add(line, f"{tag} {name}", value, page=value.endswith("/"))  # a path handed to a script
            elif (tag, name) in _URL_ATTRS:
                if tag == "link" and not value.strip():
                    continue
                self._add(line, f"{tag} {name}", value, page=tag in _PAGE_TAGS or _is_page_link(tag, values))
            elif (tag, name) in _SRCSET_ATTRS:
                for url in srcset_urls(value):
                    self._add(line, f"{tag} {name}", url, page=False)

    handle_startendtag = handle_starttag

    def _add(self, line: int, field: str, url: str, page: bool) -> None:
        url = url.strip()
        if url:
            self.found.refs.append(Reference(line, field, url, page))


def _is_page_link(tag: str, attrs: dict[str, str]) -> bool:
    """<link rel=canonical|alternate|prev|next> point to pages; other <link>s load assets."""
    rels = set((attrs.get("rel") or "").lower().split())
    return tag == "link" and bool(rels & {"canonical", "alternate", "prev", "next", "home"})


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset attribute ("a.webp 480w, b.webp 960w" -> ["a.webp", "b.webp"])."""
    urls = []
    pos, size = 0, len(value)
    while pos < size:
        while pos < size and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < size and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0  # skip the descriptor, up to the next comma outside parentheses
            while pos < size and (value[pos] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[pos], 0)
                pos += 1
        if url:
            urls.append(url)
    return urls


def _css_refs(text: str) -> list[Reference]:
    """url(...) and @import targets of a stylesheet, with line numbers."""
    text = _CSS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    refs = []
    for match in _CSS_URL.finditer(text):
        url = next(g for g in match.groups() if g is not None).strip()
        if url and not url.startswith("#"):
            refs.append(Reference(text.count("\n", 0, match.start()) + 1, "css url", url, page=False))
    return refs


def _manifest_refs(text: str) -> list[Reference]:
    """start_url, scope, icons, screenshots and shortcuts of a web app manifest."""
    try:
        data = json.loads(text)
    except ValueError:
        return [Reference(0, "manifest", "", page=False)]
    if not isinstance(data, dict):
        return []
    refs = [Reference(0, f"manifest {key}", data[key], page=True)
            for key in ("start_url", "scope") if isinstance(data.get(key), str)]
    for key, field in (("icons", "src"), ("screenshots", "src"), ("shortcuts", "url")):
        for item in data.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get(field), str):
                refs.append(Reference(0, f"manifest {key}", item[field], page=key == "shortcuts"))
    return refs


def _sitemap_refs(data: bytes) -> list[Reference]:
    """Every <loc> of sitemap.xml."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [Reference(exc.position[0], "sitemap", "", page=True)]
    return [Reference(0, "sitemap loc", (loc.text or "").strip(), page=True)
            for loc in root.iter() if loc.tag.rsplit("}", 1)[-1] == "loc"]


def built_base_url(output_dir: Path) -> str | None:
    """The base URL the output was built for, read from the Sitemap line of its robots.txt."""
    try:
        text = (output_dir / "robots.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        if line.lower().startswith("sitemap:"):
            url = line.split(":", 1)[1].strip()
            if url.endswith("sitemap.xml"):
                return url.removesuffix("sitemap.xml")
    return None


class _Site:
    """The output folder seen through its base URL: which URLs exist, and the ids of each page."""

    def __init__(self, output_dir: Path, base_url: str):
        self.root = output_dir
        parts = urlsplit(base_url)
        self.origin = (parts.scheme.lower(), parts.netloc.lower())
        self.base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.base_url = f"{parts.scheme}://{parts.netloc}{self.base_path}"
        self._parsed: dict[Path, _Parsed] = {}

    def url_of(self, rel: str) -> str:
        """The public URL of an output file ("san-pham/x/index.html" -> base + "san-pham/x/")."""
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel.removesuffix("index.html")
        return self.base_url + rel

    def parsed(self, path: Path) -> _Parsed:
        if path not in self._parsed:
            parser = _LinkParser()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._parsed[path] = parser.found
        return self._parsed[path]

    def is_internal(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.scheme.lower(), parts.netloc.lower()) == self.origin

    def target(self, url: str) -> Path | None:
        """The output file an internal URL is served from (as GitHub Pages resolves it), or None."""
        path = unquote(urlsplit(url).path)
        if not path.startswith(self.base_path):
            return None
        rel = path[len(self.base_path):]
        if ".." in rel.split("/"):
            return None
        candidates = [rel + "index.html"] if rel == "" or rel.endswith("/") else [rel, rel + ".html", rel + "/index.html"]
        for name in candidates:
            file = self.root / name
            if file.is_file():
                return file
        return None


def check_links(output_dir: Path, base_url: str) -> list[Problem]:
    """Every broken internal link, missing #fragment target and missing asset in output_dir, by linking file."""
    site = _Site(Path(output_dir), base_url)
    problems: list[Problem] = []
    for path in sorted(p for p in site.root.rglob("*") if p.is_file()):
        rel = path.relative_to(site.root).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        where = _display(path)
        page_url = site.url_of(rel)
        ids: set[str] = set()
        if path.suffix == ".html":
            parsed = site.parsed(path)
            refs, ids = parsed.refs, parsed.ids
            if parsed.base_href:
                page_url = urljoin(page_url, parsed.base_href)
        elif path.suffix == ".css":
            refs = _css_refs(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".webmanifest" or path.name == "manifest.json":
            refs = _manifest_refs(path.read_text(encoding="utf-8", errors="replace"))
        elif rel == "sitemap.xml":
            refs = _sitemap_refs(path.read_bytes())
        else:
            continue
        for ref in refs:
            problem = _check_one(site, page_url, ids, ref)
            if problem:
                problems.append(Problem(where, ref.line, ref.field, problem))
    return problems


def _check_one(site: _Site, page_url: str, own_ids: set[str], ref: Reference) -> str | None:
    """What is wrong with one reference (a message), or None when it resolves."""
    if not ref.url:
        return "tệp không đọc được (sai cú pháp)"
    if ref.url.startswith("#"):
        fragment = unquote(ref.url[1:])
        if fragment and fragment.lower() != "top" and fragment not in own_ids:
            return f"liên kết tới \"{ref.url}\" nhưng trang này không có phần tử nào có id=\"{fragment}\""
        return None
    absolute = urljoin(page_url, ref.url)
    parts = urlsplit(absolute)
    if parts.scheme.lower() not in ("http", "https") or not site.is_internal(absolute):
        return None
    kind = "trang" if ref.page else "tệp"
    if not unquote(parts.path).startswith(site.base_path):
        return (f"\"{ref.url}\" nằm ngoài đường dẫn gốc {site.base_path} của trang web: khi xuất bản "
                f"sẽ bị lỗi 404 (trong mẫu hãy dùng url(); trong nội dung hãy viết đường dẫn bắt đầu bằng {site.base_path})")
    target = site.target(absolute)
    if target is None:
        return f"liên kết tới {kind} không có: \"{ref.url}\""
    fragment = unquote(parts.fragment)
    if fragment and fragment.lower() != "top" and target.suffix == ".html" and fragment not in site.parsed(target).ids:
        return f"liên kết tới \"{ref.url}\" nhưng trang đó không có phần tử nào có id=\"{fragment}\""
    return None


def _display(path: Path) -> str:
    """A path as short as possible for messages: relative to the working folder when inside it."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)
