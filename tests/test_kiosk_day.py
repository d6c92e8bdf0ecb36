"""A showroom day in a real Chromium, compressed: the kiosk idles (about 1 s), plays its attract loop and is tapped,
hundreds of times, on a clock Playwright moves forward, and must end the day as it began: JavaScript heap and DOM
flat, service-worker caches no bigger than the precache, every product opening offline.

The figures are written to test-artifacts/kiosk/day.json (the README's kiosk section quotes them)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import browser_support
from browser_support import static_server, stop_static_servers
from conftest import ROOT, TODAY, kiosk_precache
from ocop.cli import main

BASE_PATH = "/ocop-huu-lung/"
ARTIFACTS = ROOT / "test-artifacts" / "kiosk"
IDLE_MS = 1000  # ?idle=1
SLIDE_MS = 6000  # assets/kiosk.js
START = 1_795_000_000_000  # the fake clock's start (ms since 1970, late 2026)
CYCLES = 300  # attract loops on the home page, each ended by a tap
ROUNDS = 16  # visits: home -> all products -> a product, left alone until the kiosk goes home; 3 taps each


@pytest.fixture(scope="module")
def day_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("kiosk-day") / "output"
    out.mkdir()
    running = len(browser_support._servers)
    base_url = static_server(out, BASE_PATH)
    assert main(["build", "--output", str(out), "--today", TODAY, "--base-url", base_url]) == 0
    yield base_url, out
    stop_static_servers(running)


def precache(output: Path) -> list[str]:
    return kiosk_precache(output)


def measure(page, cdp) -> dict[str, float]:
    """After a full garbage collection: the page's JS heap in use, its DOM nodes, listeners and documents."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"heap": cdp.send("Runtime.getHeapUsage")["usedSize"], "nodes": metrics["Nodes"],
            "listeners": metrics["JSEventListeners"], "documents": metrics["Documents"]}


# The timers and listeners of assets/kiosk.js's idle and attract loop, without the kiosk: Playwright's fake clock itself keeps a
# little memory for every timer made, so the kiosk's growth is measured against this page's, driven alike.
CONTROL = """() => { let idle = null, slides = null, on = false;
  function restart() { clearTimeout(idle); if (!on) idle = setTimeout(start, 1000); }
  function start() { clearTimeout(idle); window.scrollTo(0, 0); on = true; clearInterval(slides);
    slides = setInterval(function () {}, 6000); }
  ["pointerdown", "touchstart", "keydown", "wheel", "scroll"].forEach(function (name) {
    window.addEventListener(name, restart, { capture: true, passive: true }); });
  document.addEventListener("click", function () { if (on) { clearInterval(slides); on = false; restart(); } });
  restart(); }"""


def loops(context, page, cdp, tap, slides: int, check=None) -> list[dict]:
    """CYCLES attract loops (10 more to warm up): idle, every slide once, a tap; measured every 50."""
    samples = []
    for cycle in range(CYCLES + 10):
        context.clock.run_for(IDLE_MS + 100)
        if check:
            check(cycle)
        context.clock.run_for(SLIDE_MS * slides)  # every slide once
        tap()
        if cycle >= 10 and (cycle - 10) % 50 == 0 or cycle == CYCLES + 9:
            samples.append(measure(page, cdp))
    return samples


def flat(samples: list[dict], key: str) -> float:
    """How much `key` grew from the first sample to the largest later one."""
    return max(s[key] for s in samples[1:]) - samples[0][key]


def test_a_compressed_showroom_day(browser, day_site):
    base_url, output = day_site
    kiosk = base_url + "kiosk/"
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, has_touch=True, locale="vi-VN",
                                  service_workers="allow")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        page.goto(kiosk + "?idle=1")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20000)
        page.reload()  # from now on every page comes through the worker
        context.clock.install(time=START)
        context.clock.pause_at(START + 1000)  # from now on the pages' timers move only when the test moves the clock
        page.goto(kiosk)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        attract = page.locator("#k-attract")
        slides = page.locator(".k-slide").count()
        assert slides >= 1

        # 1. The home page left open: idle, a whole attract loop, a tap that ends it; again and again.

        def shown(cycle: int) -> None:  # asked through the DevTools protocol: no Playwright handle stays behind
            if cycle % 25 == 0:
                answer = cdp.send("Runtime.evaluate", {"expression": "!document.getElementById('k-attract').hidden",
                                                       "returnByValue": True})
                assert answer["result"]["value"] is True, cycle

        begun = time.monotonic()
        home = loops(context, page, cdp, lambda: page.touchscreen.tap(960, 540), slides, shown)
        taps = CYCLES + 10
        assert attract.is_hidden()
        loops_seconds = round(time.monotonic() - begun, 1)
        assert page.url == kiosk  # no tap ever followed a link under the slideshow

        started = time.monotonic()
        # 2. Visitors: open the catalog, a product, walk away; the kiosk goes home and plays its loop.
        products = page.locator("a.k-card").count()
        visits: list[dict] = []
        for number in range(ROUNDS):
            page.tap("a.k-btn-wide[href$='/kiosk/san-pham/']")
            page.wait_for_url(kiosk + "san-pham/")
            cards = page.locator("a.k-card")
            products = cards.count()
            cards.nth(number % products).tap()
            page.wait_for_url(kiosk + "san-pham/*/")
            page.locator("h1").wait_for()
            context.clock.run_for(IDLE_MS + 100)  # nobody touches it: back home, into the attract loop
            page.wait_for_url(kiosk)
            attract.wait_for(state="visible")
            page.tap("#k-attract")
            taps += 3
            if number % 5 == 0:
                cdp = context.new_cdp_session(page)  # a new document after each visit
                cdp.send("Performance.enable")
                visits.append(measure(page, cdp))

        seconds = {"visits": round(time.monotonic() - started, 1)}
        # 3. The worker's caches: one, holding exactly the precache (a catalog this small fits in it whole, so
        # the visits stored nothing more).
        caches = page.evaluate("""async () => {
            const names = await caches.keys(), out = {};
            for (const name of names) out[name] = (await (await caches.open(name)).keys()).map(r => r.url);
            const estimate = await navigator.storage.estimate();
            return {caches: out, usage: estimate.usage};
        }""")
        expected = sorted(base_url.removesuffix(BASE_PATH) + url for url in precache(output))
        assert len(caches["caches"]) == 1
        [(name, cached)] = caches["caches"].items()
        assert name.startswith("ocop-kiosk-") and sorted(cached) == expected

        # 4. Offline, every product opens, in both languages, with its photos.
        context.set_offline(True)
        slugs = sorted(p.name for p in (output / "kiosk/san-pham").iterdir() if p.is_dir())
        opened = 0
        for lang in ("", "en/"):
            for slug in slugs:
                response = page.goto(f"{kiosk}{lang}san-pham/{slug}/")
                assert response is not None and response.ok, slug
                assert page.locator("h1").inner_text(), slug
                photos = page.locator("img.k-photo")
                for i in range(photos.count()):
                    photos.nth(i).scroll_into_view_if_needed()
                    page.wait_for_function("img => img.complete", arg=photos.nth(i).element_handle())
                    assert photos.nth(i).evaluate("img => img.naturalWidth") > 0, slug
                opened += 1
        context.set_offline(False)
    finally:
        context.close()

    control_context = browser.new_context(viewport={"width": 1920, "height": 1080}, has_touch=True)
    try:
        control_context.clock.install(time=START)
        control_context.clock.pause_at(START + 1000)
        control = control_context.new_page()
        control.goto(base_url + "thong-ke/")
        control.evaluate(CONTROL)
        control_cdp = control_context.new_cdp_session(control)
        control_cdp.send("Performance.enable")
        same_timers = loops(control_context, control, control_cdp, lambda: control.touchscreen.tap(960, 540), slides)
    finally:
        control_context.close()

    figures = {
        "attract_loops": CYCLES + 10 + ROUNDS, "slides_per_loop": slides, "taps": taps, "visits": ROUNDS,
        "home_page_samples": home, "visit_samples": visits, "control_samples": same_timers,
        "heap_growth_bytes_control": flat(same_timers, "heap"),
        "heap_growth_bytes_home": flat(home, "heap"), "node_growth_home": flat(home, "nodes"),
        # from the second sample on: the first visits compile the kiosk's QR drawing (kiosk.js, qrcode.js) once,
        # about 130 KB of V8 code and type feedback that any page drawing a code reuses; what is measured is what
        # each further visit leaves behind
        "heap_growth_bytes_visits": flat(visits[1:], "heap"), "node_growth_visits": flat(visits, "nodes"),
        "precache_urls": len(expected), "cached_urls": len(cached), "storage_usage_bytes": caches["usage"],
        "products_opened_offline": opened, "seconds_home_loops": loops_seconds, "seconds_visits": seconds["visits"],
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "day.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in figures.items() if not k.endswith("samples")}))

    assert figures["attract_loops"] >= 300 and taps >= 300
    # flat: no growth beyond the noise of a collected heap, not one DOM node or listener more
    assert figures["heap_growth_bytes_home"] <= figures["heap_growth_bytes_control"] + 32 * 1024, (home, same_timers)
    assert figures["node_growth_home"] <= 0 and flat(home, "listeners") <= 0, home
    assert figures["heap_growth_bytes_visits"] < 64 * 1024, visits
    # Each product page shows its QR code as an SVG image; Chromium keeps the few it decoded in its image cache, and
    # counts each as a document of 4 nodes (document, svg, 2 paths); the first sample may come before the first
    # visit's image is counted, so one more than the visits. Nothing else may stay behind a visit.
    qr_images = flat(visits, "documents")
    assert qr_images <= ROUNDS + 1 and figures["node_growth_visits"] <= 4 * qr_images, visits
    assert opened == 2 * len(slugs) == 26
    strays = [url for url in requests if not url.startswith(base_url.removesuffix(BASE_PATH))]
    assert not strays, strays
