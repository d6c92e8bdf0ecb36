"""The statistics page tells the programme's progress honestly: valid certificates against the target, the expired
and expiring ones beside it with the date, and charts drawn at build time (inline SVG, a table of figures, no
script). Products whose certificate has expired are no longer featured (home page, kiosk attract loop)."""

from __future__ import annotations

import re

from conftest import PRODUCT, TODAY, parse_html
from ocop.cli import main


def section(doc, labelled_by: str):
    return doc.find("section", **{"aria-labelledby": labelled_by})


def table_rows(table) -> dict[str, list[str]]:
    return {tr.find("th").text: [td.text for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.find("td")}


def test_progress_counts_valid_certificates_and_shows_expired_and_expiring_with_the_date(sample_output):
    doc = parse_html(sample_output / "thong-ke/index.html")
    progress = section(doc, "progress")
    # as of 28/11/2026: 10 products were rated, 6 certificates have ended and 1 more ends on 15/12/2026
    assert progress.find("p", class_="big").text == "4 / 15 sản phẩm có giấy chứng nhận OCOP còn hiệu lực"
    bar = progress.find("progress")
    assert bar.attrs["value"] == "4" and bar.attrs["max"] == "15"
    beside = progress.find("p", class_="as-of").text
    assert beside.startswith("Tính đến ngày 28/11/2026.")
    assert "Trong số đó, 1 giấy sắp hết hạn trong 90 ngày tới." in beside
    assert "6 sản phẩm khác có giấy chứng nhận đã hết hạn, không được tính." in beside
    english = section(parse_html(sample_output / "en/thong-ke/index.html"), "progress")
    assert english.find("p", class_="big").text == "4 / 15 products with a valid OCOP certificate"
    assert "6 more products have an expired certificate and are not counted." in english.find("p", class_="as-of").text


def test_progress_follows_the_build_date(tmp_path):
    out = tmp_path / "output"
    assert main(["build", "--output", str(out), "--today", "2023-09-01"]) == 0  # before the 2023 certificates ended
    progress = section(parse_html(out / "thong-ke/index.html"), "progress")
    assert progress.find("p", class_="big").text == "10 / 15 sản phẩm có giấy chứng nhận OCOP còn hiệu lực"
    assert "Trong số đó, 4 giấy sắp hết hạn" in progress.text and "hết hạn, không được tính" not in progress.text


def test_charts_are_inline_svg_with_a_text_alternative_and_no_script(sample_output):
    doc = parse_html(sample_output / "thong-ke/index.html")
    assert not doc.find_all("script")
    charts = section(doc, "charts")
    svgs = charts.find_all("svg", class_="chart-svg")
    assert len(svgs) == 2
    for svg in svgs:
        assert svg.attrs["role"] == "img"
        title_id, desc_id = svg.attrs["aria-labelledby"].split()
        assert svg.find("title", id=title_id).text and svg.find("desc", id=desc_id).text
    groups, years = svgs
    assert groups.find("title").text == "Sản phẩm theo nhóm và hạng sao"
    assert years.find("title").text == "Giấy chứng nhận theo năm hết hạn"
    tables = charts.find_all("table", class_="chart-table")
    by_group = table_rows(tables[0])
    head = [th.text for th in tables[0].find("thead").find_all("th")]
    assert head == ["Nhóm", "OCOP 5 sao", "OCOP 4 sao", "OCOP 3 sao", "Giấy đã hết hạn", "Chưa xếp hạng", "Tổng"]
    assert by_group["Thực phẩm"] == ["0", "1", "3", "6", "0", "10"]
    assert by_group["Dược liệu và sản phẩm từ dược liệu"] == ["0", "0", "0", "0", "1", "1"]
    assert sum(int(row[-1]) for row in by_group.values()) == 13
    assert table_rows(tables[1]) == {"2023": ["4", "0", "4"], "2024": ["0", "0", "0"], "2025": ["2", "0", "2"],
                                     "2026": ["0", "1", "1"], "2027": ["0", "0", "0"], "2028": ["0", "3", "3"]}
    # the bars of "Thực phẩm" are as long as its counts: 1 (4 stars), 3 (3 stars), 6 (expired)
    widths = [float(r.attrs["width"]) for r in groups.find_all("rect")[:3]]
    assert [round(w / widths[0], 2) for w in widths] == [1.0, 3.0, 6.0]
    heights = {float(r.attrs["height"]) for r in years.find_all("rect")}
    assert max(heights) / min(heights) == 4  # 2023's 4 expired certificates against 2026's one


def test_expired_products_are_not_featured_on_the_home_page_nor_in_the_kiosk(sample_output):
    home = parse_html(sample_output / "index.html")
    featured = section(home, "featured-title")
    links = {a.attrs["href"] for a in featured.find_all("a")}
    assert links == {"/ocop-huu-lung/san-pham/cai-bo-xoi-huu-co/", "/ocop-huu-lung/san-pham/homestay-cong-dong-lang-ben/"}
    kiosk = parse_html(sample_output / "kiosk/index.html")
    slides = [p.text for p in kiosk.find("div", id="k-attract").find_all("p", class_="k-slide-title")]
    assert slides == ["Cải bó xôi hữu cơ", "Homestay cộng đồng Làng Bên"]
    # still in the catalog, marked as expired
    catalog = parse_html(sample_output / "san-pham/index.html")
    card = next(li for li in catalog.find_all("li", class_="card") if "Na Cai Kinh" in li.text)
    assert "OCOP 4 sao (hết hạn)" in card.text


def test_attract_loop_without_featured_products_skips_expired_ones(make_site, build, tmp_path):
    expired = PRODUCT.replace("date: 2025-08-15", "date: 2020-01-10")  # ended 10/01/2023
    fresh = (PRODUCT.replace("featured: true\n", "").replace("HL-MO-0001", "HL-MO-0002")
             .replace("title: Mật ong rừng Hữu Liên", "title: Mật ong hoa nhãn"))
    code, _, err = build(make_site({"products/mat-ong-rung-huu-lien.md": expired, "products/mat-ong-hoa-nhan.md": fresh}))
    assert code == 0, err
    kiosk = parse_html(tmp_path / "output/kiosk/index.html")
    assert [p.text for p in kiosk.find_all("p", class_="k-slide-title")] == ["Mật ong hoa nhãn"]
    assert "Mật ong rừng Hữu Liên" not in section(parse_html(tmp_path / "output/index.html"), "featured-title").text


def test_check_warns_about_the_featured_flag_it_ignores(capsys):
    assert main(["check", "--today", TODAY]) == 0
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if ": featured: " in line]
    assert [re.sub(r":\d+:", ":N:", line.split(" warning: ")[0]) for line in lines] == [
        "content/products/na-cai-kinh/index.md:N:", "content/products/nem-nuong-khoi-loan/index.md:N:"]
    text = (ROOT_TEXT := (lines[0]))
    line_no = int(text.split(":")[1])
    source = open("content/products/na-cai-kinh/index.md", encoding="utf-8").read().splitlines()
    assert source[line_no - 1].strip() == "featured: true"
    assert "bị bỏ qua: giấy chứng nhận đã hết hạn ngày 02/10/2023" in ROOT_TEXT


def test_a_long_list_of_due_certificates_is_cut_short_and_paged(tmp_path, monkeypatch):
    """The statistics page shows the soonest DUE_ON_STATS and links to all of them, DUE_PER_PAGE a page."""
    import ocop.pages

    monkeypatch.setattr(ocop.pages, "DUE_ON_STATS", 3)
    monkeypatch.setattr(ocop.pages, "DUE_PER_PAGE", 2)
    out = tmp_path / "output"
    assert main(["build", "--output", str(out), "--today", TODAY]) == 0
    due = section(parse_html(out / "thong-ke/index.html"), "due")
    shown = [r.find("a").text for r in due.find_all("tr") if r.find("th", scope="row")]
    assert len(shown) == 3
    link = due.find("a", href="/ocop-huu-lung/thong-ke/giay-chung-nhan/")
    assert link is not None and link.text == "Xem cả 7 giấy chứng nhận"
    listed = []
    for number in range(1, 5):  # 7 certificates, 2 a page
        page = out / "thong-ke/giay-chung-nhan" / ("" if number == 1 else f"trang/{number}/") / "index.html"
        doc = parse_html(page)
        assert doc.find("h1").text.startswith("Giấy chứng nhận hết hạn") and (number == 1 or f"Trang {number}/4" in doc.find("title").text)
        listed += [r.find("a").text for r in doc.find("main").find_all("tr") if r.find("th", scope="row")]
    assert not (out / "thong-ke/giay-chung-nhan/trang/5").exists()
    assert listed[:3] == shown and len(listed) == len(set(listed)) == 7 and listed[-1] == "Măng khô Tuấn Sơn"
    english = parse_html(out / "en/thong-ke/giay-chung-nhan/index.html")
    assert english.find("h1").text.startswith("Certificates expired")
