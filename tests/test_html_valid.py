"""Every generated HTML page passes the Nu Html Checker (vnu.jar) with zero errors."""

from __future__ import annotations

from pathlib import Path

from tools_support import validate_html


def test_every_generated_page_is_valid_html(sample_output: Path):
    pages = sorted(sample_output.rglob("*.html"))
    names = {p.relative_to(sample_output).as_posix() for p in pages}
    # Both languages, the kiosk in both, printable labels and posters, traceability pages, 404.
    for expected in ("index.html", "en/index.html", "kiosk/index.html", "kiosk/en/index.html", "in-nhan/index.html",
                     "en/in-nhan/poster/index.html", "truy-xuat/hl-na-ck-2025-0815/index.html", "404.html", "en/404.html",
                     "en/san-pham/na-cai-kinh/index.html", "kiosk/en/san-pham/na-cai-kinh/index.html",
                     # changed by issue 15: statistics (SVG charts), producers (body_en), body links, search
                     "thong-ke/index.html", "en/thong-ke/index.html", "en/chu-the/htx-cai-kinh/index.html",
                     "trang/diem-ban-ocop/index.html", "en/tim-kiem/index.html", "kiosk/en/tim-kiem/index.html"):
        assert expected in names
    errors = validate_html(pages)  # one JVM for all pages
    assert errors == [], "\n".join(errors[:50])


def test_the_validator_reports_errors(tmp_path: Path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html lang=vi><head><title>x</title></head><body><p><div></p></body></html>")
    assert any(": error: " in line for line in validate_html([bad]))
