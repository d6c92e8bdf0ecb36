"""The built site as a visitor sees it: pages parsed as HTML, data files read back, command line and settings."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from conftest import PRODUCER, PRODUCT, ROOT, TODAY, parse_html, tree_digest, write_files
from ocop.cli import config_from_args, main, make_parser
from ocop.config import DEFAULT_BASE_URL, load_config

BASE = "https://org.github.io/repo/"


def jpeg(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


FULL_PRODUCT = PRODUCT.replace("featured: true\n", """\
featured: true
images: [cover.jpg]
alt: Chai mật ong vàng óng trên bàn gỗ
buy:
  - {label: Shopee, url: "https://shopee.vn/mat-ong"}
  - {label: Tiki, url: "https://tiki.vn/mat-ong"}
""").replace("    - {date: 2025-03-01, stage: Thu hoạch, place: Hữu Liên}\n", """\
    - {date: 2025-03-01, stage: Thu hoạch, place: Hữu Liên}
    - {date: 2025-03-05, stage: Lọc và đóng chai, place: Xưởng HTX}
    - {date: 2025-03-10, stage: Bán tại điểm giới thiệu, place: Hữu Lũng}
""").replace("Mật ong hoa rừng **Hữu Liên**.\n", """\
Mật ong hoa rừng **Hữu Liên**.

<script>alert("x")</script>
<img src="x.png" onerror="alert('y')" alt="ảnh">
<p onclick="alert(1)">Bấm</p>

[Nhấn vào đây](javascript:alert(1)) và <a href="JaVaScRiPt:alert(2)">đây</a>.

| Cỡ | Giá |
|----|-----|
| 500 ml | 250.000 |
""")

# YAML 1.1 traps, typed unquoted: a leading-zero phone, a code 0123, "no", "12:30" and a Vietnamese price.
TRAP_PRODUCER = """\
---
name: Tổ hợp tác Na Hòa Lạc
kind: tổ hợp tác
commune: Hòa Lạc
phone: 02053712345
representative: no
address: 12:30
---
"""
TRAP_PRODUCT = """\
---
title: Na Hòa Lạc
stars: 3
category: do-uong
commune: Hòa Lạc
producer: to-hop-tac-na-hoa-lac
certificate:
  number: 0123
  date: 15/08/2023
  issuer: UBND huyện Hữu Lũng
  valid_until: 2027-01-01
traceability:
  code: 0123
price: 250.000
unit: thùng 5 kg
tags: [no, 12:30]
---
"""


def unranked(title: str) -> str:
    return f"---\ntitle: {title}\ncategory: thuc-pham\ncommune: Hữu Liên\nproducer: htx-mat-ong-huu-lien\n---\n"


ORDER = ["Bánh", "Dua", "Dưa", "Dừa", "Dứa", "Đậu", "Em", "Ếch"]
FILES = {
    "producers/htx-mat-ong-huu-lien.md": PRODUCER,
    "producers/to-hop-tac-na-hoa-lac.md": TRAP_PRODUCER,
    "products/mat-ong-rung-huu-lien/index.md": FULL_PRODUCT,
    "products/mat-ong-rung-huu-lien/cover.jpg": jpeg((200, 150, 40)),
    "products/na-hoa-lac.md": TRAP_PRODUCT,
    "products/ban-nhap.md": unranked("Bản nháp bí mật") .replace("---\n\n", "") .replace(
        "producer: htx-mat-ong-huu-lien\n", "producer: htx-mat-ong-huu-lien\ndraft: true\n"),
    "pages/gioi-thieu.md": "---\ntitle: Giới thiệu chương trình\norder: 1\n---\nChương trình **Mỗi xã một sản phẩm**.\n",
}
# Written in an order that is not the alphabet's, with file names that do not sort the same way either.
for index, title in enumerate(reversed(ORDER)):
    FILES[f"products/sp-{index}.md"] = unranked(title)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A small catalog built once with a subpath base URL; returns output/."""
    root = tmp_path_factory.mktemp("catalog")
    write_files(root / "content", FILES)
    code = main(["build", "--content", str(root / "content"), "--output", str(root / "output"),
                 "--base-url", BASE, "--today", TODAY])
    assert code == 0
    return root / "output"


def facts(node) -> dict[str, str]:
    """A <dl>'s terms and descriptions as {term: text}."""
    terms = node.find_all("dt")
    values = node.find_all("dd")
    return {dt.text: dd.text for dt, dd in zip(terms, values)}


def card_titles(doc) -> list[str]:
    return [n.text for n in doc.find_all("span", class_="card-title")]


# ---- product page ----

def test_product_page_shows_every_field(site):
    doc = parse_html(site / "san-pham/mat-ong-rung-huu-lien/index.html")
    assert doc.find("html").attrs["lang"] == "vi"
    assert [h.text for h in doc.find_all("h1")] == ["Mật ong rừng Hữu Liên"]
    head = doc.find("header", class_="product-head")
    assert head.find("span", class_="star-text").text == "OCOP 4 sao"
    assert head.find("span", class_="star-icons").text == "★★★★☆"
    assert head.find("span", class_="price").text == "250.000 ₫ / chai 500 ml"
    main_facts = facts(doc.find("article").find("dl", class_="facts"))
    assert main_facts["Chủ thể"] == "Hợp tác xã Mật ong Hữu Liên"
    assert main_facts["Nhóm"] == "Thực phẩm"
    assert main_facts["Xã"] == "Hữu Liên"
    links = {a.text: a.attrs["href"] for a in doc.find("article").find("dl", class_="facts").find_all("a")}
    assert links["Hợp tác xã Mật ong Hữu Liên"] == "/repo/chu-the/htx-mat-ong-huu-lien/"
    assert (site / "chu-the/htx-mat-ong-huu-lien/index.html").is_file()
    assert links["Thực phẩm"] == "/repo/nhom/thuc-pham/"
    assert links["Hữu Liên"] == "/repo/xa/huu-lien/"


def test_product_certificate_with_default_validity(site):
    doc = parse_html(site / "san-pham/mat-ong-rung-huu-lien/index.html")
    cert = facts(doc.find("section", class_="certificate").find("dl"))
    assert cert == {"Số quyết định": "1234/QĐ-UBND", "Ngày cấp": "15/08/2025", "Cơ quan cấp": "UBND tỉnh Lạng Sơn",
                    "Hiệu lực đến": "15/08/2028"}


def test_product_traceability_and_journey_in_order(site):
    doc = parse_html(site / "san-pham/mat-ong-rung-huu-lien/index.html")
    trace = doc.find("section", class_="trace")
    values = facts(trace.find("dl"))
    assert values["Mã truy xuất"] == "HL-MO-0001"
    assert values["Nơi sản xuất"] == "Thôn Làng Bên, xã Hữu Liên, tỉnh Lạng Sơn"
    assert values["Tiêu chuẩn"] == "VietGAP"
    steps = trace.find("ol", class_="timeline").find_all("li")
    assert [s.find("strong").text for s in steps] == ["Thu hoạch", "Lọc và đóng chai", "Bán tại điểm giới thiệu"]
    assert [s.find("time").text for s in steps] == ["01/03/2025", "05/03/2025", "10/03/2025"]
    assert [s.find("time").attrs["datetime"] for s in steps] == ["2025-03-01", "2025-03-05", "2025-03-10"]


def test_product_buy_links_and_photo(site):
    doc = parse_html(site / "san-pham/mat-ong-rung-huu-lien/index.html")
    buy = {a.text: a.attrs["href"] for a in doc.find("ul", class_="buy").find_all("a")}
    assert buy == {"Shopee": "https://shopee.vn/mat-ong", "Tiki": "https://tiki.vn/mat-ong"}
    photo = doc.find("div", class_="gallery").find("img")
    assert photo.attrs["alt"] == "Chai mật ong vàng óng trên bàn gỗ"
    assert photo.attrs["src"].startswith("/repo/san-pham/mat-ong-rung-huu-lien/")
    assert (site / photo.attrs["src"].removeprefix("/repo/")).is_file()


def test_raw_html_in_markdown_is_sanitised(site):
    doc = parse_html(site / "san-pham/mat-ong-rung-huu-lien/index.html")
    prose = doc.find("section", class_="prose")
    assert prose.find("strong").text == "Hữu Liên"
    assert prose.find("script") is None
    for node in prose.find_all():
        assert not [k for k in node.attrs if k.startswith("on")], node.attrs
        for attr in ("href", "src"):
            assert not (node.attrs.get(attr) or "").strip().lower().startswith("javascript:"), node.attrs
    assert "alert" not in prose.text
    assert [td.text for td in prose.find("table").find_all("td")] == ["500 ml", "250.000"]
    for script in doc.find_all("script"):  # the page's own scripts come from the site's assets only
        assert (script.attrs.get("src") or "/repo/assets/").startswith("/repo/assets/")
        assert "alert" not in script.text


# ---- YAML 1.1 traps ----

def test_text_values_are_published_exactly_as_typed(site):
    producer = facts(parse_html(site / "chu-the/to-hop-tac-na-hoa-lac/index.html").find("dl", class_="facts"))
    assert producer["Điện thoại"] == "02053712345"
    assert producer["Người đại diện"] == "no"
    assert producer["Địa chỉ"] == "12:30"
    doc = parse_html(site / "san-pham/na-hoa-lac/index.html")
    assert facts(doc.find("section", class_="trace").find("dl"))["Mã truy xuất"] == "0123"
    assert facts(doc.find("section", class_="certificate").find("dl"))["Số quyết định"] == "0123"
    assert facts(doc.find("article").find("dl"))["Từ khoá"] == "no, 12:30"


def test_vietnamese_price_with_dots_is_read_as_thousands(site):
    doc = parse_html(site / "san-pham/na-hoa-lac/index.html")
    assert doc.find("header", class_="product-head").find("span", class_="price").text == "250.000 ₫ / thùng 5 kg"
    record = next(r for r in json.loads((site / "products.json").read_text("utf-8")) if r["slug"] == "na-hoa-lac")
    assert record["price"] == 250000
    assert record["traceability_code"] == "0123"
    assert record["certificate_number"] == "0123"
    assert record["certificate_date"] == "2023-08-15"  # written 15/08/2023


def test_old_commune_name_shows_both_names(site):
    doc = parse_html(site / "san-pham/na-hoa-lac/index.html")
    commune = facts(doc.find("article").find("dl"))["Xã"]
    assert commune == "Tân Thành (xã Hòa Lạc cũ)"
    listing = parse_html(site / "xa/tan-thanh/index.html")
    assert card_titles(listing) == ["Na Hòa Lạc"]


# ---- listings ----

def test_listing_pages_per_group_commune_and_stars(site):
    assert card_titles(parse_html(site / "nhom/do-uong/index.html")) == ["Na Hòa Lạc"]
    assert card_titles(parse_html(site / "sao/4-sao/index.html")) == ["Mật ong rừng Hữu Liên"]
    assert card_titles(parse_html(site / "sao/3-sao/index.html")) == ["Na Hòa Lạc"]
    assert card_titles(parse_html(site / "sao/5-sao/index.html")) == []
    unranked_doc = parse_html(site / "sao/chua-xep-hang/index.html")
    assert unranked_doc.find("h1").text == "Sản phẩm đã chuẩn hoá, chưa được xếp hạng OCOP"
    assert card_titles(unranked_doc) == ORDER
    assert {s.text for s in unranked_doc.find("ul", class_="cards").find_all("span", class_="star-text")} == {"Chưa xếp hạng"}


def test_vietnamese_alphabetical_order(site):
    """D before Đ, E before Ê, u before ư, tones in dictionary order; the group page too."""
    titles = card_titles(parse_html(site / "nhom/thuc-pham/index.html"))
    assert [t for t in titles if t in ORDER] == ORDER
    assert titles.index("Mật ong rừng Hữu Liên") == len(ORDER)  # M after Ê


def test_producer_page_lists_its_products(site):
    doc = parse_html(site / "chu-the/htx-mat-ong-huu-lien/index.html")
    assert doc.find("h1").text == "Hợp tác xã Mật ong Hữu Liên"
    assert card_titles(doc) == ORDER + ["Mật ong rừng Hữu Liên"]
    assert facts(doc.find("dl", class_="facts"))["Điện thoại"] == "02053712345"


def test_free_page(site):
    doc = parse_html(site / "trang/gioi-thieu/index.html")
    assert doc.find("h1").text == "Giới thiệu chương trình"
    assert doc.find("strong").text == "Mỗi xã một sản phẩm"


def test_drafts_are_left_out_everywhere(site):
    assert not (site / "san-pham/ban-nhap").exists()
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt", ".csv"):
            assert "Bản nháp bí mật" not in path.read_text("utf-8"), path
            assert "ban-nhap" not in path.read_text("utf-8"), path


# ---- site-wide files ----

def test_not_found_page(site):
    doc = parse_html(site / "404.html")
    assert doc.find("h1").text == "Không tìm thấy trang"
    assert doc.find("meta", name="robots").attrs["content"] == "noindex"
    assert doc.find("a", class_="button").attrs["href"] == "/repo/"  # absolute, so it works from any missing path


def test_sitemap_has_absolute_urls_of_existing_pages(site):
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE in locs and BASE + "san-pham/na-hoa-lac/" in locs
    for loc in locs:
        assert loc.startswith(BASE)
        rel = loc.removeprefix(BASE)
        assert (site / rel / "index.html").is_file() if rel.endswith("/") or not rel else (site / rel).is_file(), loc
    assert not [loc for loc in locs if "404" in loc]


def test_robots_txt_names_the_sitemap(site):
    lines = (site / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines


def test_products_json_fields(site):
    records = json.loads((site / "products.json").read_text("utf-8"))
    honey = next(r for r in records if r["slug"] == "mat-ong-rung-huu-lien")
    assert {k: honey[k] for k in ("slug", "url", "title", "stars", "category", "commune", "producer", "producer_name",
                                  "traceability_code", "certificate_number", "certificate_date",
                                  "certificate_valid_until")} == {
        "slug": "mat-ong-rung-huu-lien", "url": "san-pham/mat-ong-rung-huu-lien/", "title": "Mật ong rừng Hữu Liên",
        "stars": 4, "category": "thuc-pham", "commune": "Hữu Liên", "producer": "htx-mat-ong-huu-lien",
        "producer_name": "Hợp tác xã Mật ong Hữu Liên", "traceability_code": "HL-MO-0001",
        "certificate_number": "1234/QĐ-UBND", "certificate_date": "2025-08-15", "certificate_valid_until": "2028-08-15",
    }
    assert len(records) == len(ORDER) + 2
    unranked_record = next(r for r in records if r["title"] == "Dưa")
    assert unranked_record["stars"] is None and unranked_record["certificate_number"] is None
    for record in records:
        assert (site / record["url"] / "index.html").is_file()


# ---- the sample catalog ----

def test_sample_statistics_progress(sample_output):
    doc = parse_html(sample_output / "thong-ke/index.html")
    assert doc.find("p", class_="big").text == "4 / 15 sản phẩm có giấy chứng nhận OCOP còn hiệu lực"
    table = doc.find("h2", id="by-stars").parent.find("table")
    rows = {tr.find("th").text: tr.find("td").text for tr in table.find_all("tr") if tr.find("td")}
    assert rows["OCOP 4 sao"] == "2" and rows["OCOP 3 sao"] == "8" and rows["Chưa xếp hạng"] == "3"


def test_sample_builds_with_zero_warnings_from_the_command_line(tmp_path):
    out = tmp_path / "output"
    run = subprocess.run([sys.executable, "build.py", "build", "--output", str(out)], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr.lower() and "cảnh báo" not in run.stdout.lower(), run.stderr
    assert "Traceback" not in run.stderr
    assert len(list((out / "san-pham").glob("*/index.html"))) == 13


def test_a_build_lists_the_first_30_warnings_and_says_how_many_more_check_shows(make_site, tmp_path, capsys):
    """Hundreds of warnings would bury the build's result: it shows 30 and points to `check` for all of them."""
    products = {}
    for n in range(40):  # each with a field the schema does not know: a warning each
        products[f"products/mat-ong-so-{n}.md"] = PRODUCT.replace(
            "title: Mật ong rừng Hữu Liên", f"title: Mật ong rừng số {n}\nmau_sac: vàng").replace(
            "HL-MO-0001", f"HL-MO-{n + 100:04d}")
    content = make_site(products)
    args = ["--content", str(content), "--today", TODAY]
    assert main(["check", *args]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if ": warning: mau_sac: " in line]
    assert len(listed) == 40
    assert main(["build", "--output", str(tmp_path / "out"), *args]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if ": warning: " in line] == listed[:30]
    assert "… và 10 cảnh báo khác; xem hết bằng lệnh: python build.py check" in err
    assert main(["build", "--output", str(tmp_path / "out"), *args]) == 0  # nothing changed: the quick check
    assert "… và 10 cảnh báo khác; xem hết bằng lệnh: python build.py check" in capsys.readouterr().err


def test_two_builds_give_identical_bytes(tmp_path):
    """The sample, built twice, gives the same bytes in every file."""
    for name in ("first", "second"):
        assert main(["build", "--output", str(tmp_path / name), "--today", TODAY]) == 0
    assert tree_digest(tmp_path / "first") == tree_digest(tmp_path / "second")


def test_small_catalog_is_deterministic(site, tmp_path):
    write_files(tmp_path / "content", FILES)
    args = ["--content", str(tmp_path / "content"), "--base-url", BASE, "--today", TODAY]
    assert main(["build", "--output", str(tmp_path / "a"), *args]) == 0
    assert main(["build", "--output", str(tmp_path / "b"), *args]) == 0
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b") == tree_digest(site)


# ---- command line and settings ----

def test_bad_usage_exits_2(capsys):
    for argv in (["build", "--bogus"], ["--bogus"], ["xay-dung"], ["build", "--today", "hôm nay"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("Lỗi cách dùng: ") and "Traceback" not in err, err


def test_build_is_the_default_command(make_site, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--content", str(make_site()), "--output", str(out), "--today", TODAY]) == 0
    assert (out / "san-pham/mat-ong-rung-huu-lien/index.html").is_file()
    assert "Đã tạo" in capsys.readouterr().out


@pytest.mark.parametrize("argv, expected", [
    (["--content", "noi-dung"], {"content_dir": Path("noi-dung").resolve(), "output_dir": ROOT / "output"}),
    (["--output", "ket-qua"], {"content_dir": ROOT / "content", "output_dir": Path("ket-qua").resolve()}),
    (["--base-url", "https://a.github.io/b"], {"base_url": "https://a.github.io/b/", "base_path": "/b/",
                                               "content_dir": ROOT / "content"}),
    (["--content", "c", "--output", "o", "--base-url", "http://localhost:9000/"],
     {"content_dir": Path("c").resolve(), "output_dir": Path("o").resolve(), "base_url": "http://localhost:9000/"}),
], ids=["content-alone", "output-alone", "base-url-alone", "all-together"])
def test_options_work_alone_and_together(argv, expected):
    config = config_from_args(make_parser().parse_args(["build", *argv]))
    for name, value in expected.items():
        assert getattr(config, name) == value, name
    if "--base-url" not in argv:
        assert config.base_url == load_config().base_url


def test_no_config_file_means_defaults(tmp_path):
    config = load_config(root=tmp_path)
    assert config.title == "Sản phẩm OCOP" and config.base_url == DEFAULT_BASE_URL
    assert config.programme.target_ranked == 15 and config.kiosk.idle_seconds == 60


def test_empty_config_file_builds_with_defaults(make_site, build, tmp_path):
    settings = tmp_path / "site.toml"
    settings.write_text("# không có cài đặt nào\n", encoding="utf-8")
    code, out, err = build(make_site(), "--config", str(settings))
    assert code == 0, err
    doc = parse_html(tmp_path / "output/index.html")
    assert doc.find("title").text.endswith("Sản phẩm OCOP")
    assert parse_html(tmp_path / "output/404.html").find("a", class_="button").attrs["href"] == "/"


@pytest.mark.parametrize("text, message", [
    ('title = "Sản phẩm OCOP\n', "cú pháp TOML sai"),
    ('titel = "x"\n', "titel: khoá không có trong cài đặt; các khoá hợp lệ:"),
    ('[programme]\ntarget_ranked = "mười lăm"\n', "programme.target_ranked: phải là một số nguyên"),
    ('base_url = "ocop.example"\n', "base_url phải là một địa chỉ đầy đủ bắt đầu bằng http:// hoặc https://"),
], ids=["toml-syntax", "unknown-key", "wrong-type", "bad-base-url"])
def test_bad_config_file_is_a_clear_error(make_site, build, tmp_path, text, message):
    content = make_site()
    assert build(content)[0] == 0
    before = tree_digest(tmp_path / "output")
    settings = tmp_path / "site.toml"
    settings.write_text(text, encoding="utf-8")
    code, out, err = build(content, "--config", str(settings))
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith(f"Lỗi: {settings}") and message in first, err
    assert "Traceback" not in err
    assert tree_digest(tmp_path / "output") == before


def test_missing_config_file_given_on_the_command_line_is_an_error(make_site, build, tmp_path):
    code, out, err = build(make_site(), "--config", str(tmp_path / "khong-co.toml"))
    assert code == 1
    assert err.splitlines()[0] == f"Lỗi: {tmp_path / 'khong-co.toml'}: không tìm thấy tệp cài đặt"


def test_output_may_not_replace_the_content(make_site, build, tmp_path):
    content = make_site()
    before = tree_digest(content)
    code, out, err = build(content, output=content)
    assert code == 1
    assert err.splitlines()[0] == (f"Lỗi: thư mục kết quả {content} trùng hoặc chứa {content}, sẽ bị thay bằng trang web; "
                                   "chọn một thư mục riêng, ví dụ output/")
    assert tree_digest(content) == before


def test_output_may_not_replace_a_folder_of_other_files(make_site, build, tmp_path):
    folder = tmp_path / "tai-lieu"
    write_files(folder, {"bao-cao.docx": b"PK", "anh/1.jpg": b"x"})
    before = tree_digest(folder)
    code, out, err = build(make_site(), output=folder)
    assert code == 1
    assert "không có index.html" in err.splitlines()[0] and "Traceback" not in err
    assert tree_digest(folder) == before
    assert not list(tmp_path.glob(".tai-lieu-*")), "no staging folder is left behind"


def test_pages_carry_no_template_indentation_but_preformatted_text_keeps_its_own(make_site, build, tmp_path):
    content = make_site({"pages/huong-dan.md": "---\ntitle: Hướng dẫn\n---\nVí dụ:\n\n"
                                               "    dòng một\n        dòng hai, thụt vào\n\n    dòng ba\n"})
    code, _, err = build(content)
    assert code == 0, err
    html = (tmp_path / "output" / "trang" / "huong-dan" / "index.html").read_text(encoding="utf-8")
    assert parse_html(html).find("pre") is not None
    assert "<pre><code>dòng một\n    dòng hai, thụt vào\n\ndòng ba\n</code></pre>" in html
    outside = html[:html.index("<pre")] + html[html.index("</pre>"):]
    assert "\n " not in outside and "\n\t" not in outside and "\n\n" not in outside
