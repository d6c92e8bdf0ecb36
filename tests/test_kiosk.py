"""The showroom kiosk: built pages and service worker, then a real Chromium on a touch screen, online and offline."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import browser_support
from browser_support import static_server, stop_static_servers  # the browser fixture comes from conftest.py
from conftest import ROOT, TODAY, kiosk_precache, parse_html
from ocop.cli import main
from tools_support import decode_qr_png

BASE_PATH = "/ocop-huu-lung/"
ARTIFACTS = ROOT / "test-artifacts" / "kiosk"
HAS_SEARCH = (ROOT / "templates/kiosk/search.html").is_file()
SCREENS = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


def sw_settings(output: Path) -> dict:
    """The KIOSK settings the build wrote at the top of kiosk/sw.js."""
    text = (output / "kiosk" / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"const KIOSK = (\{.*?\});", text, re.S).group(1))


# --- Built files -------------------------------------------------------------------------------------------


def test_kiosk_links_stay_inside_the_kiosk(sample_output: Path):
    pages = sorted((sample_output / "kiosk").rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        doc = parse_html(path)
        links = [a.attrs.get("href", "") for a in doc.find_all("a")]
        assert links, path
        outside = [href for href in links if not href.startswith(BASE_PATH + "kiosk/")]
        assert not outside, f"{path}: links leaving the kiosk: {outside}"
        assert doc.find("a", class_="k-back") and doc.find("a", class_="k-home"), path
        search = doc.find("a", class_="k-search")  # a search button only when the kiosk has a search page
        assert (search is not None) == HAS_SEARCH, path
    assert (sample_output / "kiosk/tim-kiem/index.html").is_file() == HAS_SEARCH


def test_kiosk_product_shows_shop_links_as_qr_codes_not_links(sample_output: Path):
    doc = parse_html(sample_output / "kiosk/san-pham/banh-gai-lang-lay/index.html")
    assert doc.find("h1").text == "Bánh gai Lang Lay"
    qr_codes = doc.find_all("img", class_="qr")
    assert len(qr_codes) == 1 and qr_codes[0].attrs["alt"]  # the product's own code, a file of the build
    shops = doc.find_all("span", class_="qr")  # the outside shop's, drawn in the kiosk from its address
    assert [span.attrs["data-qr"] for span in shops] == ["https://example.com/san/banh-gai-lang-lay"]
    assert all(span.attrs["role"] == "img" and span.attrs["aria-label"] for span in shops)
    assert not (sample_output / "qr").exists()
    assert "example.com/san" not in " ".join(a.attrs.get("href", "") for a in doc.find_all("a"))
    assert "Sàn thương mại điện tử (mẫu)" in doc.text


def test_service_worker_precaches_every_kiosk_page_and_photo_of_a_small_catalog(sample_output: Path):
    settings = sw_settings(sample_output)
    precache = set(kiosk_precache(sample_output))
    assert settings["scope"] == BASE_PATH + "kiosk/" and settings["precache"] == BASE_PATH + "kiosk/precache.json"
    assert settings["precached"] == len(precache) and settings["runtime"] > 0
    for path in (sample_output / "kiosk").rglob("index.html"):
        folder = path.parent.relative_to(sample_output).as_posix() + "/"
        assert BASE_PATH + folder in precache
    for path in (sample_output / "kiosk/san-pham").glob("*/index.html"):
        photos = [img.attrs["src"] for img in parse_html(path).find_all("img", class_="k-photo")]
        assert photos and set(photos) <= precache, path
    cards = [img.attrs["src"] for img in parse_html(sample_output / "kiosk/san-pham/index.html").find_all("img")]
    assert len(cards) > 1 and set(cards) <= precache
    assert any(u.startswith(BASE_PATH + "assets/kiosk.css?v=") for u in precache)
    assert any(u.startswith(BASE_PATH + "assets/kiosk.js?v=") for u in precache)
    for url in precache:  # every precached address is a file of this build
        rel = url.removeprefix(BASE_PATH).split("?")[0]
        assert (sample_output / (rel + "index.html" if rel.endswith("/") or rel == "" else rel)).is_file(), url


def test_cache_name_follows_the_content(make_site, build, tmp_path: Path):
    content = make_site()
    assert build(content, output=tmp_path / "a")[0] == 0
    assert build(content, output=tmp_path / "b")[0] == 0
    first = sw_settings(tmp_path / "a")["cache"]
    assert first == sw_settings(tmp_path / "b")["cache"]  # same input, same cache name
    product = content / "products/mat-ong-rung-huu-lien.md"
    product.write_text(product.read_text(encoding="utf-8").replace("250000", "260000"), encoding="utf-8")
    assert build(content, output=tmp_path / "c")[0] == 0
    changed = sw_settings(tmp_path / "c")["cache"]
    assert changed != first and changed.startswith("ocop-kiosk-")


def test_kiosk_command_serves_the_built_kiosk_without_a_display(sample_output: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "kiosk", "--port", "0", "--output", str(sample_output)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/\S*kiosk/", first).group(0)
        assert url.endswith(BASE_PATH + "kiosk/")
        assert "chromium --kiosk" in proc.stdout.readline() + proc.stdout.readline()
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "Chạm để khám phá" in response.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


# --- In a real browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kiosk_site(tmp_path_factory) -> str:
    """The sample catalog built for, and served by, a local server under a project-site path; its base URL."""
    out = tmp_path_factory.mktemp("kiosk") / "output"
    out.mkdir()
    running = len(browser_support._servers)
    base_url = static_server(out, BASE_PATH)
    assert main(["build", "--output", str(out), "--today", TODAY, "--base-url", base_url]) == 0
    yield base_url
    stop_static_servers(running)  # only the server this module started


@pytest.fixture
def touch(browser, kiosk_site):
    """new(width, height, **options) -> a page in a fresh touch-screen context; every request is recorded."""
    contexts, requests = [], []

    def new(width: int = 1920, height: int = 1080, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True,
                                      locale="vi-VN", service_workers="allow", **options)
        contexts.append(context)
        context.on("request", lambda request: requests.append(request.url))
        return context.new_page()

    yield new
    for context in contexts:
        context.close()
    origin = kiosk_site.removesuffix(BASE_PATH) + "/"
    strays = [url for url in requests if not url.startswith(origin)]
    assert requests and not strays, f"requests to other hosts: {strays}"


def test_tap_from_home_to_a_product_and_scan_its_qr_code(touch, kiosk_site):
    page = touch()
    page.goto(kiosk_site + "kiosk/")
    page.tap("a.k-way[href$='/kiosk/nhom/']")
    page.wait_for_url("**/kiosk/nhom/")
    page.tap("a.k-tile[href$='/kiosk/nhom/thuc-pham/']")
    page.wait_for_url("**/kiosk/nhom/thuc-pham/")
    page.tap("a.k-card[href$='/kiosk/san-pham/na-hoa-lac/']")
    page.wait_for_url("**/kiosk/san-pham/na-hoa-lac/")
    assert page.locator("h1").inner_text() == "Na Hòa Lạc"
    assert "OCOP 3 sao" in page.locator(".k-product-stars").inner_text()
    assert page.locator(".k-product-stars .k-star-icons").inner_text() == "★★★☆☆"
    qr = page.locator(".k-product-media .k-qr img.qr")
    assert decode_qr_png(qr.screenshot()) == [kiosk_site + "truy-xuat/hl-na-hl-2025-0820/"]  # the product's one code
    assert page.locator(".k-photo").evaluate("img => img.naturalWidth") > 0
    page.tap("a.k-back")
    page.wait_for_url("**/kiosk/nhom/thuc-pham/")
    page.tap("a.k-home")
    page.wait_for_url("**/kiosk/")


def test_a_shop_address_is_drawn_as_a_qr_code_that_scans_to_it(touch, kiosk_site):
    page = touch()
    page.goto(kiosk_site + "kiosk/san-pham/banh-gai-lang-lay/")
    shop = page.locator(".k-outside span.qr").first  # drawn by kiosk.js from the address: no file to fetch
    page.wait_for_function("() => document.querySelector('.k-outside span.qr svg') !== null")
    assert decode_qr_png(shop.screenshot()) == ["https://example.com/san/banh-gai-lang-lay"]
    assert shop.bounding_box()["width"] >= 150


def test_idle_kiosk_plays_the_attract_loop_and_a_tap_ends_it(touch, kiosk_site):
    page = touch()
    page.goto(kiosk_site + "kiosk/?idle=2")
    page.tap("a.k-card >> nth=0")  # the idle setting must survive leaving the page that had ?idle=2
    page.wait_for_url("**/kiosk/san-pham/*/")
    attract = page.locator("#k-attract")
    page.wait_for_timeout(3000)
    page.wait_for_url(kiosk_site + "kiosk/", timeout=2000)
    assert attract.is_visible()
    assert "Chạm để khám phá" in attract.inner_text()
    assert page.locator(".k-slide.is-active .k-slide-title").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "attract-1920x1080.png"))
    page.tap("#k-attract")
    assert attract.is_hidden()
    assert page.url == kiosk_site + "kiosk/"  # the tap ended the slideshow and followed nothing underneath
    page.tap("a.k-way[href$='/kiosk/sao/']")
    page.wait_for_url("**/kiosk/sao/")


def test_reduced_motion_turns_off_slide_transitions(touch, kiosk_site):
    page = touch(reduced_motion="reduce")
    page.goto(kiosk_site + "kiosk/?idle=1")
    page.locator("#k-attract").wait_for(state="visible", timeout=5000)
    assert page.locator(".k-slide").first.evaluate("el => getComputedStyle(el).transitionDuration") == "0s"
    assert page.locator(".k-attract-prompt").evaluate("el => getComputedStyle(el).animationName") == "none"


def test_kiosk_works_offline_after_the_first_load(touch, kiosk_site):
    page = touch()
    page.goto(kiosk_site + "kiosk/")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20000)
    cache = page.evaluate("""async () => {
        const reg = await navigator.serviceWorker.ready;
        return {state: reg.active.state, scope: reg.scope, caches: await caches.keys()};
    }""")
    assert cache["state"] == "activated" and cache["scope"] == kiosk_site + "kiosk/"
    assert len(cache["caches"]) == 1 and cache["caches"][0].startswith("ocop-kiosk-")
    page.context.set_offline(True)
    page.goto(kiosk_site + "kiosk/san-pham/tra-day-tuan-son/")
    assert page.locator("h1").inner_text() == "Trà dây Tuấn Sơn"
    photo = page.locator(".k-photo").first
    photo.wait_for()
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    assert photo.evaluate("img => img.naturalWidth") > 0
    page.tap("a.k-tab[href$='/kiosk/xa/']")
    page.wait_for_url("**/kiosk/xa/")
    assert page.locator(".k-tile").count() > 0


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_screens_fit_and_are_made_for_touch(touch, kiosk_site, screen):
    width, height = SCREENS[screen]
    page = touch(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in (("home", "kiosk/"), ("product", "kiosk/san-pham/na-hoa-lac/"), ("stars", "kiosk/sao/")):
        page.goto(kiosk_site + path)
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}x{height}.png"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} overflows"
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
        small = page.evaluate("""() => [...document.querySelectorAll('a, button')]
            .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
            .filter(([, r]) => r.width > 0 && (r.width < 48 || r.height < 48))
            .map(([text, r]) => `${text} ${Math.round(r.width)}x${Math.round(r.height)}`)""")
        assert not small, f"{name}: touch targets under 48 px: {small}"
        for selector in ("a.k-back", "a.k-home"):
            box = page.locator(selector).bounding_box()
            assert box and 0 <= box["y"] < height
