"""Every generated HTML page passes the Nu Html Checker (vnu.jar) with zero errors."""

from __future__ import annotations

from pathlib import Path

import browser_support
from browser_support import kiosk_sale_screens, static_server, stop_static_servers
from tools_support import validate_html


def test_every_generated_page_is_valid_html(sample_output: Path):
    pages = sorted(sample_output.rglob("*.html"))
    names = {p.relative_to(sample_output).as_posix() for p in pages}
    # Both languages, the kiosk in both, print sets of labels and posters (Vietnamese only), traceability pages, 404.
    for expected in ("index.html", "en/index.html", "kiosk/index.html", "kiosk/en/index.html", "in-nhan/index.html",
                     "in-nhan/san-pham/index.html", "in-nhan/sao/4-sao/index.html",
                     "truy-xuat/hl-na-ck-2025-0815/index.html", "404.html", "en/404.html",
                     "en/san-pham/na-cai-kinh/index.html", "kiosk/en/san-pham/na-cai-kinh/index.html",
                     # changed by issue 15: statistics (SVG charts), producers (body_en), body links, search
                     "thong-ke/index.html", "en/thong-ke/index.html", "en/chu-the/htx-cai-kinh/index.html",
                     "trang/diem-ban-ocop/index.html", "en/tim-kiem/index.html", "kiosk/en/tim-kiem/index.html"):
        assert expected in names
    assert not any(name.startswith("en/in-nhan/") for name in names)
    errors = validate_html(pages)  # one JVM for all pages
    assert errors == [], "\n".join(errors[:50])


def test_the_validator_reports_errors(tmp_path: Path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html lang=vi><head><title>x</title></head><body><p><div></p></body></html>")
    assert any(": error: " in line for line in validate_html([bad]))


def test_kiosk_basket_and_payment_screens_are_valid_html_once_filled_in(browser, sample_output: Path, tmp_path: Path):
    """The basket's lines and the payment screen's code are made in the browser: validate what it shows."""
    running = len(browser_support._servers)
    url = static_server(sample_output, "/ocop-huu-lung/")
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = ctx.new_page()
        files = []
        for screen in kiosk_sale_screens(page, url + "kiosk/"):
            files.append(tmp_path / f"{screen}.html")
            files[-1].write_text("<!doctype html>\n" + page.evaluate("document.documentElement.outerHTML"), encoding="utf-8")
        assert "k-line" in files[0].read_text(encoding="utf-8") and "<svg" in files[1].read_text(encoding="utf-8")
        errors = validate_html(files)
        assert errors == [], "\n".join(errors)
    finally:
        ctx.close()
        stop_static_servers(running)
