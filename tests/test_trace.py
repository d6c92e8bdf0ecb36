"""Traceability: the product page's section, the traceability address its QR code encodes (decoded with zbar) and
the certificate status as of --today."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from conftest import PRODUCT, parse_html

from ocop.models import Certificate

BASE = "https://example.github.io/ocop-huu-lung/"
TRACE = "truy-xuat/hl-mo-0001/"
VALID_UNTIL = dt.date(2027, 6, 30)


def svg_matrix(svg: str) -> list[list[bool]]:
    """The dark/light modules of one of our QR SVG files, rebuilt from its viewBox and its runs of dark modules
    (one module thick lines along the middle of each row, each reached by a move from the end of the last)."""
    size = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg)
    assert size and path, "not one of our QR SVG files"
    n = int(size.group(1))
    grid = [[False] * n for _ in range(n)]
    x = y = 0.0
    for move, dx, dy, w in re.findall(r"([Mm])(-?[\d.]+) (-?[\d.]+)h(\d+)", path.group(1)):
        x, y = (float(dx), float(dy)) if move == "M" else (x + float(dx), y + float(dy))
        assert y % 1 == 0.5, "a run off the middle of its row"
        for col in range(int(x), int(x) + int(w)):
            grid[int(y)][col] = True
        x += int(w)
    return grid


def decode_svg(svg: str) -> list[str]:
    """Rasterise an inline QR SVG (8 px a module) and read it with zbar."""
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    grid = svg_matrix(svg)
    n = len(grid)
    img = Image.new("L", (n, n), 255)
    img.putdata([0 if dark else 255 for row in grid for dark in row])
    img = img.resize((n * 8, n * 8), Image.NEAREST)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return [s.data.decode("utf-8") for s in decode(Image.open(out), symbols=[ZBarSymbol.QRCODE])]


def page_qrs(html_path: Path) -> list[str]:
    """The QR code of every <img class="qr"> of a built page, as SVG text (read from the output folder)."""
    root = next(folder for folder in html_path.parents if (folder / "robots.txt").is_file())
    base = re.search(r"Sitemap: https?://[^/]+(/.*)sitemap.xml", (root / "robots.txt").read_text()).group(1)
    srcs = re.findall(r'<img class="qr" src="([^"]+)"', html_path.read_text(encoding="utf-8"))
    return [(root / src.removeprefix(base)).read_text(encoding="utf-8") for src in srcs]


def product_with_until(until: dt.date) -> str:
    """The fixture product with an explicit end of validity."""
    return PRODUCT.replace("  issuer: UBND tỉnh Lạng Sơn\n", f"  issuer: UBND tỉnh Lạng Sơn\n  valid_until: {until.isoformat()}\n")


# --- QR codes -------------------------------------------------------------------------------------------


def test_product_page_qr_decodes_to_the_traceability_url(sample_output):
    html = sample_output / "san-pham" / "na-cai-kinh" / "index.html"
    qrs = page_qrs(html)
    assert len(qrs) == 1
    assert decode_svg(qrs[0]) == [BASE + "truy-xuat/hl-na-ck-2025-0815/"]
    assert (sample_output / "truy-xuat" / "hl-na-ck-2025-0815" / "index.html").is_file()


def redirect_target(path: Path) -> str:
    """Where a redirect page sends the reader: its refresh address, which its one link repeats."""
    doc = parse_html(path)
    refresh = doc.find("meta", **{"http-equiv": "refresh"}).attrs["content"]
    delay, _, target = refresh.partition("; url=")
    assert delay == "0"
    assert [a.attrs["href"] for a in doc.find_all("a")] == [target]
    assert doc.find("meta", name="robots").attrs["content"] == "noindex"
    return target


def test_every_traceability_address_opens_its_product_pages_traceability_section(sample_output):
    pages = sorted((sample_output / "truy-xuat").glob("*/index.html"))
    assert len(pages) == 13
    sitemap = (sample_output / "sitemap.xml").read_text(encoding="utf-8")
    for lang, root in (("vi", ""), ("en", "en/")):
        for page in pages:
            code = page.parent.name
            redirect = sample_output / root / "truy-xuat" / code / "index.html"
            target = redirect_target(redirect)
            assert target.startswith(f"/ocop-huu-lung/{root}san-pham/") and target.endswith("/#trace"), target
            product = sample_output / target.removeprefix("/ocop-huu-lung/").removesuffix("#trace") / "index.html"
            doc = parse_html(product)
            assert doc.find("html").attrs["lang"] == lang
            section = doc.find("section", class_="trace")
            assert section.find("code").text.lower() == code  # the product whose code the address names
            qrs = page_qrs(product)
            assert [decode_svg(svg) for svg in qrs] == [[BASE + f"truy-xuat/{code}/"]]
            assert parse_html(redirect).find("link", rel="canonical").attrs["href"] == BASE + target.removeprefix(
                "/ocop-huu-lung/").removesuffix("#trace")
            assert f"/truy-xuat/{code}/" not in sitemap  # a redirect is not a page to index


def test_qr_follows_the_base_url(make_site, build, tmp_path):
    code, _, err = build(make_site(), "--base-url", "https://ocop.example.org/huu-lung/")
    assert code == 0, err
    out = tmp_path / "output"
    page = out / "san-pham" / "mat-ong-rung-huu-lien" / "index.html"
    assert [decode_svg(svg) for svg in page_qrs(page)] == [["https://ocop.example.org/huu-lung/" + TRACE]]
    assert redirect_target(out / TRACE / "index.html") == "/huu-lung/san-pham/mat-ong-rung-huu-lien/#trace"


# --- The traceability section of the product page -------------------------------------------------------


def test_traceability_section_shows_origin_producer_contact_journey_and_portal(make_site, build, tmp_path):
    product = PRODUCT.replace(
        "    - {date: 2025-03-01, stage: Thu hoạch, place: Hữu Liên}\n",
        "    - {date: 2025-03-01, stage: Thu hoạch, place: Hữu Liên, note: Quay mật bằng tay}\n"
        "    - {date: 2025-03-05, stage: Đóng chai, place: Nhà xưởng HTX}\n"
        "  portal: https://truyxuat.example.vn/hl-mo-0001\n",
    )
    code, _, err = build(make_site({"products/mat-ong-rung-huu-lien.md": product}))
    assert code == 0, err
    doc = parse_html(tmp_path / "output" / "san-pham" / "mat-ong-rung-huu-lien" / "index.html")
    section = doc.find("section", class_="trace")
    text = section.text
    assert doc.find(id="trace").text == "Truy xuất nguồn gốc"
    assert "HL-MO-0001" in text and "VietGAP" in text
    assert "Thôn Làng Bên, xã Hữu Liên, tỉnh Lạng Sơn" in text
    assert "Hợp tác xã Mật ong Hữu Liên" in text and "02053712345" in text and "htx@example.vn" in text
    assert section.find("a", href="tel:02053712345") is not None
    assert section.find("a", href="/ocop-huu-lung/chu-the/htx-mat-ong-huu-lien/") is not None
    steps = section.find("ol", class_="timeline").find_all("li")
    assert [s.find("time").attrs["datetime"] for s in steps] == ["2025-03-01", "2025-03-05"]
    assert "Thu hoạch" in steps[0].text and "Quay mật bằng tay" in steps[0].text and "Đóng chai" in steps[1].text
    portal = section.find("a", href="https://truyxuat.example.vn/hl-mo-0001")
    assert portal is not None and portal.text == "Xem trên hệ thống truy xuất"
    certificate = doc.find("section", class_="certificate").text
    assert "1234/QĐ-UBND" in certificate and "15/08/2025" in certificate and "15/08/2028" in certificate


def test_product_without_traceability_has_no_trace_page_and_no_qr(make_site, build, tmp_path):
    product = re.sub(r"traceability:\n(  .*\n|    .*\n)+", "", PRODUCT)
    assert "traceability" not in product
    code, _, err = build(make_site({"products/mat-ong-rung-huu-lien.md": product}))
    assert code == 0, err
    assert not (tmp_path / "output" / "truy-xuat").exists()
    assert page_qrs(tmp_path / "output" / "san-pham" / "mat-ong-rung-huu-lien" / "index.html") == []


# --- Certificate status at the boundaries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "status"),
    [(91, "valid"), (90, "expiring"), (1, "expiring"), (0, "expiring"), (-1, "expired"), (-400, "expired")],
)
def test_status_rule(left, status):
    cert = Certificate("1/QĐ", dt.date(2024, 6, 30), "UBND", VALID_UNTIL)
    assert cert.status(VALID_UNTIL - dt.timedelta(days=left)) == status


def test_default_validity_is_36_months():
    assert Certificate.default_valid_until(dt.date(2025, 8, 15)) == dt.date(2028, 8, 15)
    assert Certificate.default_valid_until(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)


STATUS_TEXT = {"valid": "Còn hiệu lực", "expiring": "Sắp hết hạn", "expired": "Hết hạn"}


@pytest.mark.parametrize(
    ("left", "status"), [(91, "valid"), (90, "expiring"), (1, "expiring"), (0, "expiring"), (-1, "expired")]
)
def test_status_on_every_page_as_of_today(make_site, build, tmp_path, left, status):
    today = VALID_UNTIL - dt.timedelta(days=left)
    code, _, err = build(make_site({"products/mat-ong-rung-huu-lien.md": product_with_until(VALID_UNTIL)}),
                         "--today", today.isoformat())
    assert code == 0, err
    out = tmp_path / "output"
    expired = status == "expired"
    pages = {
        "product": out / "san-pham" / "mat-ong-rung-huu-lien" / "index.html",
        "card": out / "san-pham" / "index.html",
        "print set": out / "in-nhan" / "san-pham" / "index.html",  # its labels and posters
    }
    for name, path in pages.items():
        doc = parse_html(path)
        badges = doc.find_all("span", class_="status")
        assert badges, name
        assert {b.text for b in badges} == {STATUS_TEXT[status]}, name
        assert all(f"status-{status}" in b.attrs["class"].split() for b in badges), name
        star_texts = {s.text for s in doc.find("main").find_all("span", class_="star-text")}
        assert star_texts == {"OCOP 4 sao (hết hạn)" if expired else "OCOP 4 sao"}, name
        assert bool(doc.find_all("span", class_="stars-expired")) == expired, name
    description = parse_html(pages["product"]).find("meta", name="description").attrs["content"]
    assert description.startswith("Mật ong rừng Hữu Liên: OCOP 4 sao (hết hạn)," if expired else "Mật ong rừng Hữu Liên: OCOP 4 sao,")

    stats = parse_html(out / "thong-ke" / "index.html")
    due = stats.find("section", **{"aria-labelledby": "due"})
    rows = due.find_all("tr")
    if status == "valid":
        assert "Mật ong rừng Hữu Liên" not in due.text
        assert "Không có giấy chứng nhận nào" in due.text
    else:
        body = [r for r in rows if r.find("th", scope="row")]
        assert len(body) == 1 and "Mật ong rừng Hữu Liên" in body[0].text
        assert STATUS_TEXT[status] in body[0].text
        assert (f"còn {left} ngày" if left >= 0 else "quá hạn 1 ngày") in body[0].text


def test_default_today_is_the_real_date(make_site, tmp_path, capsys):
    from ocop.cli import main

    out = tmp_path / "today"
    until = dt.date.today() + dt.timedelta(days=10)
    content = make_site({"products/mat-ong-rung-huu-lien.md": product_with_until(until)})
    assert main(["build", "--content", str(content), "--output", str(out)]) == 0
    doc = parse_html(out / "san-pham" / "mat-ong-rung-huu-lien" / "index.html")
    assert {b.text for b in doc.find_all("span", class_="status")} == {"Sắp hết hạn"}


def test_sample_stats_list_due_certificates_soonest_first(sample_output):
    stats = parse_html(sample_output / "thong-ke" / "index.html")
    due = stats.find("section", **{"aria-labelledby": "due"})
    titles = [r.find("a").text for r in due.find_all("tr") if r.find("th", scope="row")]
    # as of 28/11/2026: four expired on 02/10/2023, two on 02/12/2025, one expiring on 15/12/2026
    assert len(titles) == 7
    assert titles[-1] == "Măng khô Tuấn Sơn"
    assert "Na Cai Kinh" in titles and "Bánh gai Lang Lay" not in titles
