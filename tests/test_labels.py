"""Print sets (in-nhan/): one page prints a set's shelf labels (A4) or its posters (A5, #ap-phich), checked in
headless Chromium."""

from __future__ import annotations

import io
import math
import re

import pytest

from conftest import parse_html

from ocop.pages import LABELS_PER_SHEET

MM = 96 / 25.4  # CSS px per mm
A4_CONTENT_MM = (190, 277)  # A4 less the 10 mm margins of @page a4-labels
A5_CONTENT_MM = (128, 190)  # A5 less the 10 mm margins of @page a5-poster
PRODUCTS = 13


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page of a Chromium PDF (its page objects are not compressed)."""
    boxes = re.findall(rb"/Type /Page\b.*?/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf, flags=re.S)
    boxes = boxes or re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    count = max(int(n) for n in re.findall(rb"/Type /Pages\b.*?/Count (\d+)", pdf, flags=re.S))
    assert count == len(boxes), "cannot read the PDF's pages"
    return [(float(w), float(h)) for w, h in boxes]


def test_label_page_has_one_label_per_product(sample_output):
    doc = parse_html(sample_output / "in-nhan" / "san-pham" / "index.html")
    sheets = doc.find_all("section", class_="sheet")
    labels = doc.find_all("article", class_="print-item")
    assert len(labels) == PRODUCTS
    assert len(sheets) == math.ceil(PRODUCTS / LABELS_PER_SHEET)
    assert [len(s.find_all("article", class_="print-item")) for s in sheets] == [8, 5]
    by_slug = {label.attrs["data-slug"]: label for label in labels}
    mang = by_slug["mang-kho-tuan-son"].text
    for part in ("Măng khô Tuấn Sơn", "OCOP 3 sao", "Công ty TNHH Nông lâm sản Tuấn Sơn", "150.000 ₫", "/ túi 500 g",
                 "HL-MK-TS-2025-0630", "Sắp hết hạn"):
        assert part in mang
    assert "OCOP 4 sao (hết hạn)" in by_slug["na-cai-kinh"].text
    assert all(label.find("img", class_="qr") for label in labels)
    help_ = doc.find("section", class_="print-help")
    assert "Ctrl + P" in help_.text and "A4" in help_.text and "A5" in help_.text and "100%" in help_.text
    switch = {a.text: a.attrs["href"] for a in help_.find("ul", class_="print-switch").find_all("a")}
    assert switch == {"Nhãn kệ khổ A4": "#nhan", "Áp phích khổ A5": "#ap-phich"}
    assert doc.find(id="nhan") and doc.find(id="ap-phich") is doc.find("div", class_="sheets")


def test_print_pages_are_made_in_vietnamese_only_and_say_so(sample_output):
    """Labels and posters are printed for the showroom's shelves: one language, no dangling English twin."""
    assert not (sample_output / "en" / "in-nhan").exists()
    doc = parse_html(sample_output / "in-nhan" / "sao" / "4-sao" / "index.html")
    assert doc.find("html").attrs["lang"] == "vi"
    alternates = {link.attrs["hreflang"] for link in doc.find_all("link", rel="alternate")}
    assert alternates == {"vi", "x-default"}
    assert doc.find("a", class_="lang-switch") is None
    english_stats = parse_html(sample_output / "en" / "thong-ke" / "index.html")
    section = next(s for s in english_stats.find_all("section") if s.attrs.get("aria-labelledby") == "print-labels")
    links = {a.attrs["href"]: a.attrs.get("hreflang") for a in section.find_all("a")}
    assert links == {"/ocop-huu-lung/in-nhan/": "vi"}
    sitemap = (sample_output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/ocop-huu-lung/in-nhan/sao/4-sao/</loc>" in sitemap and "/en/in-nhan/" not in sitemap


def test_labels_print_to_whole_a4_sheets_with_no_label_cut(sample_output, serve, page):
    base = serve(sample_output, "/ocop-huu-lung/")
    page.goto(base + "in-nhan/san-pham/")
    page.wait_for_load_state("load")
    pdf = page.pdf(format="A4", print_background=True)
    pages = pdf_pages(pdf)
    assert len(pages) == math.ceil(PRODUCTS / LABELS_PER_SHEET) == 2
    assert all(abs(w - 595.9) < 1 and abs(h - 842.9) < 1 for w, h in pages)

    # Lay the page out as it prints: one sheet per page (each breaks after itself), so a label is whole
    # when it lies inside its sheet and the sheet fits the page's printable area.
    page.set_viewport_size({"width": round(A4_CONTENT_MM[0] * MM), "height": round(A4_CONTENT_MM[1] * MM)})
    page.emulate_media(media="print")
    assert page.locator(".print-help").is_hidden() and page.locator(".site-header").is_hidden()
    assert page.locator(".poster-photo").first.is_hidden() and page.locator("p.as-poster").first.is_hidden()
    sheets = page.locator(".sheet")
    assert sheets.count() == len(pages)
    for i in range(sheets.count()):
        sheet = sheets.nth(i).bounding_box()
        assert sheet["height"] <= A4_CONTENT_MM[1] * MM and sheet["width"] <= A4_CONTENT_MM[0] * MM + 0.5
        assert page.evaluate("el => getComputedStyle(el).breakAfter", sheets.nth(i).element_handle()) == (
            "page" if i < sheets.count() - 1 else "auto")
        labels = sheets.nth(i).locator(".print-item")
        assert labels.count() == (LABELS_PER_SHEET if i < sheets.count() - 1 else PRODUCTS % LABELS_PER_SHEET)
        for j in range(labels.count()):
            box = labels.nth(j).bounding_box()
            assert round(box["width"] / MM) == 90 and round(box["height"] / MM) == 64
            assert sheet["x"] - 0.5 <= box["x"] and box["x"] + box["width"] <= sheet["x"] + sheet["width"] + 0.5
            assert sheet["y"] - 0.5 <= box["y"] and box["y"] + box["height"] <= sheet["y"] + sheet["height"] + 0.5


def test_label_qr_as_rendered_decodes_to_the_traceability_url(sample_output, serve, page):
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    base = serve(sample_output, "/ocop-huu-lung/")
    page.goto(base + "in-nhan/san-pham/")
    label = page.locator('.print-item[data-slug="na-cai-kinh"] img.qr')
    png = label.screenshot()
    img = Image.open(io.BytesIO(png)).convert("L")
    img = img.resize((img.width * 3, img.height * 3), Image.NEAREST)
    found = [s.data.decode() for s in decode(img, symbols=[ZBarSymbol.QRCODE])]
    assert found == ["https://example.github.io/ocop-huu-lung/truy-xuat/hl-na-ck-2025-0815/"]


def test_the_same_page_prints_one_a5_poster_each_and_keeps_the_choices(sample_output, serve, page):
    base = serve(sample_output, "/ocop-huu-lung/")
    page.goto(base + "in-nhan/san-pham/")
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Áp phích khổ A5").click()  # as staff switch: the same page, #ap-phich
    assert page.url.endswith("/in-nhan/san-pham/#ap-phich")
    pages = pdf_pages(page.pdf(print_background=True, prefer_css_page_size=True))
    assert len(pages) == PRODUCTS
    assert all(abs(w - 419.5) < 1.5 and abs(h - 595.3) < 1.5 for w, h in pages)  # A5: 148 x 210 mm
    help_ = page.locator(".print-help")
    assert "13 áp phích" in help_.inner_text() and "13 nhãn" not in help_.inner_text()

    # a product unticked among the labels is not printed as a poster either, and back again
    page.get_by_role("link", name="Nhãn kệ khổ A4").click()
    page.get_by_role("checkbox", name=re.compile(r"^In nhãn này\s*: Măng khô Tuấn Sơn$")).uncheck()
    page.get_by_role("link", name="Áp phích khổ A5").click()
    assert not page.get_by_role("checkbox", name=re.compile(r"^In áp phích này\s*: Măng khô Tuấn Sơn$")).is_checked()
    assert len(pdf_pages(page.pdf(print_background=True, prefer_css_page_size=True))) == PRODUCTS - 1
    page.get_by_role("link", name="Nhãn kệ khổ A4").click()
    labels = pdf_pages(page.pdf(print_background=True, prefer_css_page_size=True))
    assert len(labels) == 2 and all(abs(w - 595.9) < 1 and abs(h - 842.9) < 1 for w, h in labels)
    page.get_by_role("checkbox", name=re.compile(r"^In nhãn này\s*: Măng khô Tuấn Sơn$")).check()

    page.get_by_role("link", name="Áp phích khổ A5").click()
    page.set_viewport_size({"width": round(A5_CONTENT_MM[0] * MM), "height": round(A5_CONTENT_MM[1] * MM)})
    page.emulate_media(media="print")
    posters = page.locator(".print-item")
    assert posters.count() == PRODUCTS
    for i in range(PRODUCTS):
        poster = posters.nth(i)
        box = poster.bounding_box()
        assert box["height"] <= A5_CONTENT_MM[1] * MM and box["width"] <= A5_CONTENT_MM[0] * MM + 0.5
        assert round(box["width"] / MM) == 128
        assert poster.locator("img.qr").is_visible() and poster.locator(".poster-photo").is_visible()
        assert poster.locator("p.as-poster").is_visible()  # group and commune: a poster's own line


@pytest.mark.parametrize("path", ["in-nhan/san-pham/index.html", "in-nhan/sao/4-sao/index.html"])
def test_print_pages_load_only_local_styles(sample_output, path):
    doc = parse_html(sample_output / path)
    sheets = [link.attrs["href"] for link in doc.find_all("link", rel="stylesheet")]
    assert any(href.startswith("/ocop-huu-lung/assets/print.css?v=") for href in sheets)
