"""Publishing: the sample served under a GitHub-Pages-like subpath has no broken link; the workflow lints clean."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

import browser_support
from browser_support import static_server, stop_static_servers  # the browser fixtures come from conftest.py
from conftest import ROOT, TODAY, parse_html
from ocop.cli import main
from tools_support import decode_qr_png, run_actionlint

SUBPATH = "/ocop-huu-lung/"
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
# Older majors of the same actions, whose inputs and outputs actionlint's bundled metadata knows. The newer
# majors changed the Node runtime (and upload-pages-artifact leaves out dotfiles), not the inputs/outputs used here.
KNOWN_MAJORS = {
    "actions/checkout": "v4",
    "actions/cache": "v4",
    "actions/setup-python": "v5",
    "actions/configure-pages": "v5",
    "actions/upload-pages-artifact": "v3",
    "actions/deploy-pages": "v4",
}
# Attributes holding one URL that a browser loads or a visitor follows.
URL_ATTRS = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src"),
             ("iframe", "src"), ("video", "poster"), ("form", "action")}
META_URLS = {"og:url", "og:image", "twitter:image"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET request; 4xx/5xx are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def html_urls(body: bytes) -> list[str]:
    """Every link, image (src and srcset), stylesheet, icon, manifest, script, Open Graph and data-* path of a page."""
    urls = []
    for node in parse_html(body).find_all():
        for name, value in node.attrs.items():
            if not value:
                continue
            if (node.tag, name) in URL_ATTRS:
                urls.append(value)
            elif name.startswith("data-") and value.startswith("/"):
                urls.append(value)  # a path a script loads: service worker, search index, kiosk home
            elif name in ("srcset", "imagesrcset"):
                urls += [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
        if node.tag == "meta" and (node.attrs.get("property") or node.attrs.get("name")) in META_URLS:
            urls.append(node.attrs.get("content") or "")
    return [u for u in urls if u]


def other_urls(content_type: str, body: bytes) -> list[str]:
    """URLs inside a stylesheet (url(...)) or a web app manifest (icons, start_url, scope)."""
    if "css" in content_type:
        return [u for u in CSS_URL.findall(body.decode("utf-8")) if not u.startswith("data:")]
    if "manifest" in content_type:
        data = json.loads(body)
        return [data[k] for k in ("start_url", "scope") if k in data] + [i["src"] for i in data.get("icons", [])]
    return []


def crawl(starts: list[str], origin: str) -> tuple[dict[str, int], list[str]]:
    """Fetch everything reachable from `starts` on this origin: ({url: status}, ['status url <- referrer'])."""
    seen: dict[str, int] = {}
    broken: list[str] = []
    queue = deque((start, "(start)") for start in starts)
    while queue:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        status, content_type, body = fetch(url)
        seen[url] = status
        if status >= 400:
            broken.append(f"{status} {url} <- {referrer}")
            continue
        found = html_urls(body) if "html" in content_type else other_urls(content_type, body)
        for ref in found:
            target = urldefrag(urljoin(url, ref)).url
            if target.startswith(origin) and target not in seen:
                queue.append((target, url))
    return seen, broken


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> str:
    """The sample built for http://127.0.0.1:<port>/ocop-huu-lung/ and served there like GitHub Pages does."""
    output = tmp_path_factory.mktemp("pages") / "output"
    output.mkdir()
    keep = len(browser_support._servers)  # stop only the server started here
    base = static_server(output, SUBPATH)
    assert main(["build", "--output", str(output), "--base-url", base, "--today", TODAY]) == 0
    yield base
    stop_static_servers(keep)


def test_every_page_and_asset_under_the_subpath_resolves(published):
    origin = published.removesuffix(SUBPATH)
    from_home, broken = crawl([published], origin)
    assert broken == []
    pages = {url for url in from_home if url.endswith("/")}
    assert published + "san-pham/" in pages and len(pages) > 20
    # Pages no link leads to (print sheets) are still published: crawl from every sitemap entry too.
    sitemap = ET.fromstring(fetch(published + "sitemap.xml")[2])
    locs = sorted(loc.text for loc in sitemap.iter() if loc.tag.endswith("loc"))
    assert locs and all(loc.startswith(published) for loc in locs)
    seen, broken = crawl(locs, origin)
    assert broken == []
    kinds = {urlsplit(url).path.rsplit(".", 1)[-1] for url in seen}
    assert {"css", "svg"} <= kinds and any(k in kinds for k in ("jpg", "webp", "png")), kinds


def test_a_root_absolute_path_without_the_subpath_is_a_404(published):
    origin = published.removesuffix(SUBPATH)
    assert fetch(published + "index.html")[0] == 200
    assert fetch(origin + "/index.html")[0] == 404  # the server catches links that forget the base path


def test_404_page_served_at_a_deep_path_has_working_links(published):
    deep = published + "a/b/c/missing/"
    status, content_type, body = fetch(deep)
    assert status == 404 and "html" in content_type
    doc = parse_html(body)
    assert doc.find("link", rel="stylesheet") is not None
    urls = {urldefrag(urljoin(deep, u)).url for u in html_urls(body)}
    internal = sorted(u for u in urls if u.startswith(published) and u != deep)
    assert len(internal) >= 5, urls
    statuses = {u: fetch(u)[0] for u in internal}
    assert {u: s for u, s in statuses.items() if s >= 400} == {}


def test_traceability_qr_code_opens_the_product_pages_traceability_section(published, page):
    """As a phone does: the code read off the published product page opens that page's traceability section."""
    sitemap = ET.fromstring(fetch(published + "sitemap.xml")[2])
    product_url = next(loc.text for loc in sitemap.iter() if loc.tag.endswith("loc") and "/san-pham/na-cai-kinh/" in loc.text
                       and "/en/" not in loc.text)
    page.goto(product_url)
    qr = page.locator("img.qr").first
    qr.evaluate("img => { img.style.width = '360px'; img.style.height = '360px'; }")
    [trace_url] = decode_qr_png(qr.screenshot())
    assert trace_url == published + "truy-xuat/hl-na-ck-2025-0815/" and fetch(trace_url)[0] == 200
    page.goto(trace_url)
    page.wait_for_url(product_url + "#trace")
    heading = page.locator("#trace")
    assert heading.inner_text() == "Truy xuất nguồn gốc"
    assert heading.evaluate("h => h.getBoundingClientRect().top") < 100  # scrolled to the section


def test_workflow_passes_actionlint(tmp_path):
    """No findings, also with the action majors whose inputs and outputs actionlint knows (so `with:` keys and
    step outputs are type-checked); a wrong output name is found, so the check is real. One actionlint run."""
    text = WORKFLOW.read_text(encoding="utf-8")
    used = dict(re.findall(r"uses: (actions/[\w-]+)@(v\d+)", text))
    assert set(used) == set(KNOWN_MAJORS), used
    known = text
    for action, major in KNOWN_MAJORS.items():
        known = known.replace(f"uses: {action}@{used[action]}", f"uses: {action}@{major}")
    (tmp_path / "1-pages.yml").write_text(text, encoding="utf-8")
    (tmp_path / "2-known-majors.yml").write_text(known, encoding="utf-8")
    (tmp_path / "3-broken.yml").write_text(known.replace("outputs.base_url", "outputs.base_ur"), encoding="utf-8")
    findings = run_actionlint(tmp_path)
    assert [f for f in findings if "3-broken.yml" not in f] == []
    assert any("base_ur" in f for f in findings if "3-broken.yml" in f), findings


def test_workflow_builds_with_the_configure_pages_base_url():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "steps.pages.outputs.base_url" in text and "/ocop-huu-lung" not in text
    assert re.search(r"--base-url \"\$BASE_URL/\"", text)
    for permission in ("contents: read", "pages: write", "id-token: write"):
        assert permission in text
    assert re.search(r"concurrency:\s+group: pages\s+cancel-in-progress: false", text)
