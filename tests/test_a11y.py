"""Accessibility in a real browser: axe-core finds nothing on the main pages in both languages (desktop and
phone), the keyboard reaches everything with a visible focus, and the skip link works."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import kiosk_sale_screens, static_server, stop_static_servers
from tools_support import axe_violations, format_axe

PAGES = {"home": "", "product": "san-pham/na-cai-kinh/", "listing": "nhom/thuc-pham/", "stats": "thong-ke/",
         "kiosk home": "kiosk/", "kiosk product": "kiosk/san-pham/na-cai-kinh/",
         "producer": "chu-the/htx-cai-kinh/", "search": "tim-kiem/", "page with body links": "trang/diem-ban-ocop/",
         "kiosk search": "kiosk/tim-kiem/"}
AXE = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}


def in_language(path: str, lang: str) -> str:
    if lang == "vi":
        return path
    return "kiosk/en/" + path[len("kiosk/"):] if path.startswith("kiosk/") else "en/" + path


@pytest.fixture(scope="module")
def site_url(sample_output: Path):
    url = static_server(sample_output, "/ocop-huu-lung/")
    yield url
    stop_static_servers()


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(browser, site_url, name, lang, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = ctx.new_page()
        response = page.goto(site_url + in_language(PAGES[name], lang))
        assert response is not None and response.status == 200
        assert page.locator("html").get_attribute("lang") == lang
        violations = axe_violations(page, AXE)
        assert violations == [], format_axe(violations)
    finally:
        ctx.close()


def test_kiosk_attract_loop_has_no_violation(browser, site_url):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = ctx.new_page()
        page.goto(site_url + "kiosk/en/?idle=1")
        page.locator("#k-attract").wait_for(state="visible")
        violations = axe_violations(page, AXE)
        assert violations == [], format_axe(violations)
    finally:
        ctx.close()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_kiosk_basket_and_payment_screens_have_no_violation(browser, site_url, lang, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    try:
        page = ctx.new_page()
        seen = []
        for screen in kiosk_sale_screens(page, site_url + in_language("kiosk/", lang)):
            violations = axe_violations(page, AXE)
            assert violations == [], f"{screen}: " + format_axe(violations)
            seen.append(screen)
        assert seen == ["basket", "payment"]
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_keyboard_skip_link_and_visible_focus(browser, site_url, lang):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(site_url + in_language("san-pham/na-cai-kinh/", lang))
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        box = skip.bounding_box()
        assert box is not None and box["y"] >= 0 and box["height"] >= 24  # shown on screen when focused
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        # Every link and control reached by Tab shows a focus outline.
        page.goto(site_url + in_language("san-pham/na-cai-kinh/", lang))
        seen = set()
        for _ in range(40):
            page.keyboard.press("Tab")
            info = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
                return [e.tagName + (e.getAttribute('href') || e.getAttribute('name') || ''), s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
            if info[0] == "BODY":
                break  # past the last focusable element
            seen.add(info[0])
            assert info[1] != "none" and info[2] >= 2, info
        assert any("lang-switch" in c or "/en/" in c or "/san-pham/na-cai-kinh/" in c for c in seen)
    finally:
        ctx.close()


def test_touch_targets_are_at_least_48_pixels(browser, site_url):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page = ctx.new_page()
        for path in ("", "en/san-pham/na-cai-kinh/"):
            page.goto(site_url + path)
            small = page.evaluate("""() => [...document.querySelectorAll('header a, header button, header input, .lang-switch, .button, .tile, .card-link')]
                .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
                .filter(([, h]) => h > 0 && h < 48)""")
            assert small == [], small
    finally:
        ctx.close()
