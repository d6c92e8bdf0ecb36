"""The kiosk's offline precache stays bounded on a big catalog: the frame, the search index and the shelf first,
then as much more as the limits allow; whatever it shows beyond that is kept as it is shown, and opens offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import browser_support
from browser_support import static_server, stop_static_servers
from conftest import ROOT, TODAY, kiosk_precache, parse_html
from ocop.cli import main

BASE = "/ocop-huu-lung/"
PRODUCTS = 60
MAX_BYTES = 1_500_000  # the limits, made small for this catalog
MAX_URLS = 300


def file_of(out: Path, url: str) -> Path:
    rel = url.removeprefix(BASE).split("?", 1)[0]
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


@pytest.fixture(scope="module")
def bounded(tmp_path_factory):
    """A generated catalog with a shelf of 3 products, built with small precache limits and served; (URL, output)."""
    import ocop.kiosk

    folder = tmp_path_factory.mktemp("precache")
    content = folder / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--products", str(PRODUCTS), "--out", str(content)],
                   check=True, stdout=subprocess.DEVNULL)
    slugs = sorted(p.stem for p in (content / "products").glob("*.md") if "draft: true" not in p.read_text(encoding="utf-8"))
    shelf = slugs[-3:]  # the last in file order: not the first ones a fill in catalog order would take anyway
    (content / "showroom.yaml").write_text("products:\n" + "".join(f"  - product: {s}\n    price: 90000\n" for s in shelf),
                                           encoding="utf-8")
    out = folder / "out"
    out.mkdir()
    keep = len(browser_support._servers)
    base_url = static_server(out, BASE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocop.kiosk, "PRECACHE_MAX_BYTES", MAX_BYTES)
        patch.setattr(ocop.kiosk, "PRECACHE_MAX_URLS", MAX_URLS)
        assert main(["build", "--content", str(content), "--output", str(out), "--today", TODAY, "--base-url", base_url,
                     "--no-cache"]) == 0
    yield base_url, out, shelf
    stop_static_servers(keep)


def test_precache_stays_under_its_limits_and_keeps_the_frame_search_and_shelf(bounded):
    _, out, shelf = bounded
    urls = kiosk_precache(out)
    assert len(urls) == len(set(urls)) <= MAX_URLS
    assert sum(file_of(out, url).stat().st_size for url in urls) <= MAX_BYTES
    pages = sorted(p.parent.relative_to(out).as_posix() + "/" for p in (out / "kiosk").rglob("index.html"))
    assert len([u for u in urls if u.endswith("/")]) < len(pages)  # the catalog does not fit whole
    for lang in ("", "en/"):
        for path in ("", "sao/", "nhom/", "xa/", "san-pham/", "tim-kiem/", "nhom/thuc-pham/"):
            assert f"{BASE}kiosk/{lang}{path}" in urls, path
        for slug in shelf:  # the shelf's products with their photos
            assert f"{BASE}kiosk/{lang}san-pham/{slug}/" in urls
            images = [img.attrs["src"] for img in parse_html(out / f"kiosk/{lang}san-pham/{slug}/index.html").find_all("img")]
            assert images and set(images) <= set(urls), slug
    search = [p.relative_to(out).as_posix() for p in out.rglob("*.json") if "search-index" in p.as_posix()]
    assert len(search) >= 4 and all(BASE + path in urls for path in search)  # search works offline, both languages
    assert any(u.startswith(BASE + "assets/kiosk.js?v=") for u in urls)
    settings = json.loads(re.search(r"const KIOSK = (\{.*?\});", (out / "kiosk/sw.js").read_text(encoding="utf-8"), re.S).group(1))
    assert settings["precached"] == len(urls) and (out / "kiosk/sw.js").stat().st_size < 10_000  # the list is not in it


def test_a_page_shown_online_opens_offline_later(browser, bounded):
    base_url, out, _ = bounded
    urls = set(kiosk_precache(out))
    products = sorted(p.parent.name for p in (out / "kiosk/san-pham").glob("*/index.html") if p.parent.name != "trang")
    outside = [slug for slug in products if f"{BASE}kiosk/san-pham/{slug}/" not in urls]
    assert len(outside) >= 2
    seen, unseen = outside[0], outside[-1]
    context = browser.new_context(service_workers="allow", has_touch=True)
    try:
        page = context.new_page()
        page.goto(base_url + "kiosk/")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30000)
        page.goto(f"{base_url}kiosk/san-pham/{seen}/")  # shown once, online
        title = page.locator("h1").inner_text()
        page.wait_for_function("""async (url) => (await caches.keys()).length === 1 &&
            !!(await (await caches.open((await caches.keys())[0])).match(url))""", arg=f"{base_url}kiosk/san-pham/{seen}/")
        context.set_offline(True)
        response = page.goto(f"{base_url}kiosk/san-pham/{seen}/")
        assert response is not None and response.ok and page.locator("h1").inner_text() == title
        page.goto(f"{base_url}kiosk/san-pham/{unseen}/")  # never shown and not precached: the kiosk's home instead
        assert page.locator("#k-title").count() == 1
        page.goto(base_url + "kiosk/tim-kiem/")  # the search still works offline
        page.wait_for_selector("form.s-form.is-ready")
        page.fill("#ks-q", title.split()[0])
        page.wait_for_selector("form.s-form.is-ready:not(.is-loading)")
        assert page.locator(".s-item").count() > 0
        context.set_offline(False)
    finally:
        context.close()
