"""Crawl every page of the built sample: no broken internal link or missing asset, at / and under a subpath."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import TODAY, parse_html
from ocop.cli import main
from ocop.config import load_config

SUBPATH_BASE = "https://org.github.io/repo/"
ROOT_BASE = "http://127.0.0.1:8000/"
DEFAULT_BASE = load_config().base_url  # site.toml's: https://example.github.io/ocop-huu-lung/
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _build_sample(tmp_path_factory, base_url: str) -> Path:
    out = tmp_path_factory.mktemp("crawl") / "output"
    assert main(["build", "--output", str(out), "--today", TODAY, "--base-url", base_url]) == 0
    return out


@pytest.fixture(scope="module")
def subpath_output(tmp_path_factory) -> Path:
    """The sample built with another GitHub Pages project-site base URL given on the command line."""
    return _build_sample(tmp_path_factory, SUBPATH_BASE)


@pytest.fixture(scope="module")
def root_output(tmp_path_factory) -> Path:
    """The sample built for a server at the host root (no subpath)."""
    return _build_sample(tmp_path_factory, ROOT_BASE)


def page_urls(doc) -> list[tuple[str, str]]:
    """(attribute, URL) of every link, image, source, script, stylesheet and og:image of a page."""
    found = []
    for node in doc.find_all():
        for attr in ("href", "src", "poster", "data"):
            value = node.attrs.get(attr)
            if value is not None and not (node.tag == "a" and attr == "data"):
                found.append((f"<{node.tag} {attr}>", value))
        if node.attrs.get("srcset"):
            for candidate in node.attrs["srcset"].split(","):
                if candidate.strip():
                    found.append((f"<{node.tag} srcset>", candidate.split()[0]))
        if node.tag == "meta" and (node.attrs.get("property") or "").startswith("og:") and node.attrs.get("content", "").startswith("http"):
            if node.attrs.get("property") in ("og:image", "og:url"):
                found.append(("<meta og>", node.attrs["content"]))
    return found


class Site:
    """Resolves URLs of a built site to files, the way a static web server at `base` would."""

    def __init__(self, output: Path, base: str):
        self.output, self.base = output, base
        parts = urlsplit(base)
        self.origin, self.base_path = f"{parts.scheme}://{parts.netloc}", parts.path

    def page_url(self, path: Path) -> str:
        rel = path.relative_to(self.output).as_posix()
        rel = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        return self.origin + self.base_path + rel

    def file_for(self, url: str) -> Path | None:
        """The file a site URL serves, or None when it is outside the site or missing."""
        parts = urlsplit(url)
        path = unquote(parts.path)
        if not path.startswith(self.base_path):
            return None
        target = self.output / path[len(self.base_path):]
        if path.endswith("/"):
            target = target / "index.html"
        return target if target.is_file() else None

    def is_internal(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" == self.origin


def crawl(output: Path, base: str) -> tuple[list[str], set[Path]]:
    """Check every link on every HTML page of output/; return (problems, pages reached from the home page)."""
    site = Site(output, base)
    problems: list[str] = []
    ids: dict[Path, set[str]] = {}
    docs = {}
    for path in sorted(output.rglob("*.html")):
        docs[path] = parse_html(path)
        ids[path] = {n.attrs["id"] for n in docs[path].find_all() if n.attrs.get("id")}
    links: dict[Path, set[Path]] = {}
    for path, doc in docs.items():
        page = site.page_url(path)
        base_tag = doc.find("base")
        page_base = urljoin(page, base_tag.attrs["href"]) if base_tag and base_tag.attrs.get("href") else page
        links[path] = set()
        for where, raw in page_urls(doc):
            raw = raw.strip()
            if raw.startswith(("mailto:", "tel:", "data:", "sms:")):
                continue
            assert not raw.lower().startswith("javascript:"), f"{path}: {where} {raw}"
            url = urljoin(page_base, raw)
            if not site.is_internal(url):
                continue
            target = site.file_for(url)
            name = path.relative_to(output)
            if target is None:
                problems.append(f"{name}: {where} {raw} -> không có tệp")
                continue
            links[path].add(target)
            fragment = urlsplit(url).fragment
            if fragment and target.suffix == ".html" and unquote(fragment) not in ids[target]:
                problems.append(f"{name}: {where} {raw} -> không có id \"{fragment}\"")
            if target.suffix == ".css":
                for ref in _CSS_URL.findall(target.read_text(encoding="utf-8")):
                    if not ref.startswith(("data:", "#")) and site.file_for(urljoin(url, ref)) is None:
                        problems.append(f"{target.relative_to(output)}: url({ref}) -> không có tệp")
    reached, todo = set(), [output / "index.html"]
    while todo:
        path = todo.pop()
        if path in reached:
            continue
        reached.add(path)
        todo.extend(t for t in links.get(path, ()) if t.suffix == ".html")
    return sorted(set(problems)), reached


@pytest.mark.parametrize("base", ["site-toml", "root", "subpath-option"])
def test_no_broken_internal_link_or_missing_asset(base, request):
    output, url = {"site-toml": ("sample_output", DEFAULT_BASE), "root": ("root_output", ROOT_BASE),
                   "subpath-option": ("subpath_output", SUBPATH_BASE)}[base]
    output = request.getfixturevalue(output)
    problems, reached = crawl(output, url)
    assert problems == []
    products = {p for p in (output / "san-pham").glob("*/index.html")}
    assert len(products) == 13
    assert products <= reached, "every product page is reachable from the home page"
    for section in ("chu-the", "nhom", "xa", "sao", "trang", "thong-ke"):
        assert any(p.is_relative_to(output / section) for p in reached), section


def test_subpath_build_links_only_under_the_subpath(subpath_output):
    """Under a project site every root-relative link starts with /repo/ (none points at the host root)."""
    for path in sorted(subpath_output.rglob("*.html")):
        for where, raw in page_urls(parse_html(path)):
            if raw.startswith("/") and not raw.startswith("//"):
                assert raw.startswith("/repo/"), f"{path.relative_to(subpath_output)}: {where} {raw}"
            if raw.startswith("http"):
                assert not raw.startswith(DEFAULT_BASE), f"{path.relative_to(subpath_output)}: {where} {raw}"


def test_crawler_finds_a_broken_link(tmp_path, root_output):
    """The crawl itself can fail: a page with a link to a missing page and a missing image is reported."""
    import shutil

    out = tmp_path / "out"
    shutil.copytree(root_output, out)
    (out / "trang" / "hong").mkdir(parents=True)
    (out / "trang" / "hong" / "index.html").write_text(
        '<!doctype html><html lang="vi"><body><a href="/san-pham/khong-co/">x</a><img src="/anh/khong-co.jpg" alt="">'
        '<a href="/#khong-co-id">y</a></body></html>', encoding="utf-8")
    problems, _ = crawl(out, ROOT_BASE)
    assert problems == [
        "trang/hong/index.html: <a href> /#khong-co-id -> không có id \"khong-co-id\"",
        "trang/hong/index.html: <a href> /san-pham/khong-co/ -> không có tệp",
        "trang/hong/index.html: <img src> /anh/khong-co.jpg -> không có tệp",
    ]
