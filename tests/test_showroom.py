"""The showroom's shelf (content/showroom.yaml) and its account ([payment] in site.toml): bad input named by
file, line and field with the last output kept; counter prices on the pages of shelf products only."""

from __future__ import annotations

import textwrap
import shutil
from pathlib import Path

import pytest

from conftest import PRODUCT, ROOT, TODAY, parse_html, tree_digest
from ocop.cli import main

S = "content/showroom.yaml"
SECOND = PRODUCT.replace("HL-MO-0001", "HL-MO-0002").replace("title: Mật ong rừng Hữu Liên", "title: Mật ong bạc hà")
SHELF = """\
# Quầy hàng
products:
  - product: mat-ong-rung-huu-lien
    price: 230000
    unit: chai 500 ml
    place: Kệ A
"""
SETTINGS = """\
title = "OCOP thử"
base_url = "http://127.0.0.1:8000/ocop-huu-lung/"
[showroom]
name = "Điểm bán thử"
address = "Số 1, xã Hữu Lũng"
hours = "8:00–17:00"
"""
ACCOUNT = """\
[payment]
bank = "970436"
account = "1023456789"
account_name = "DIEM BAN THU"
staff_pin = "1357"
"""


def settings(tmp_path: Path, text: str = SETTINGS + ACCOUNT) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def shop(make_site, build, tmp_path):
    """A built site with two products, one of them on the shelf; returns (content, output, site.toml)."""
    content = make_site({"products/mat-ong-bac-ha.md": SECOND, "showroom.yaml": SHELF})
    config = settings(tmp_path)
    code, out, err = build(content, "--config", str(config))
    assert code == 0, err
    return content, tmp_path / "output", config


# (id, the shelf file, the exact message line expected)
BAD = [
    ("unknown-slug", SHELF.replace("mat-ong-rung-huu-lien", "mat-ong-rung"),
     f"{S}:3: error: products[1].product: không có sản phẩm \"mat-ong-rung\": cần tệp content/products/mat-ong-rung.md "
     "hoặc content/products/mat-ong-rung/index.md (có phải ý bạn là \"mat-ong-rung-huu-lien\"?)"),
    ("comma-price", SHELF.replace("230000", "250,000"),
     f"{S}:4: error: products[1].price: giá \"250,000\" dùng dấu phẩy; ở Việt Nam dấu phẩy là dấu thập phân. "
     "Hãy viết liền không dấu: 250000"),
    ("listed-twice", SHELF + "  - product: mat-ong-rung-huu-lien\n    price: 240000\n",
     f"{S}:7: error: products[2].product: sản phẩm \"mat-ong-rung-huu-lien\" đã có ở dòng 3; mỗi sản phẩm ghi một lần"),
    ("missing-price", SHELF.replace("    price: 230000\n", ""),
     f"{S}:3: error: products[1].price: thiếu trường bắt buộc (giá bán tại quầy (đồng), viết liền, ví dụ 250000)"),
    ("bad-out-of-stock", SHELF + "    out_of_stock: hết\n",
     f"{S}:7: error: products[1].out_of_stock: phải là true (có) hoặc false (không); đang ghi \"hết\""),
    ("not-a-list", "products: mat-ong-rung-huu-lien\n",
     f"{S}:1: error: products: phải là một danh sách, mỗi mục bắt đầu bằng dấu gạch ngang -"),
    ("yaml-syntax", SHELF.replace("place: Kệ A", "place: [Kệ A"),
     f"{S}:6: error: place: lỗi cú pháp YAML: thiếu dấu ] đóng danh sách (hoặc thiếu dấu phẩy giữa các mục)"),
    ("no-products-key", "# trống\nsan_pham: []\n",
     f"{S}:2: error: products: thiếu trường bắt buộc (các sản phẩm bày bán tại quầy, mỗi mục bắt đầu bằng -)"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_shelf_file_is_named_by_line_and_field_and_output_kept(shop, build, text, expected):
    content, output, config = shop
    before = tree_digest(output)
    (content / "showroom.yaml").write_text(text, encoding="utf-8")
    code, out, err = build(content, "--config", str(config))
    assert code == 1 and expected in err.splitlines(), err
    assert "Traceback" not in err and "Thư mục kết quả cũ được giữ nguyên" in err.splitlines()[-1]
    assert tree_digest(output) == before


def test_public_pages_show_the_counter_price_and_the_showroom_for_shelf_products_only(shop):
    _, output, _ = shop
    sold = parse_html(output / "san-pham/mat-ong-rung-huu-lien/index.html")
    box = sold.find("section", class_="shelf")
    assert box is not None and "Mua tại điểm bán" in box.text and "Điểm bán thử" in box.text
    assert box.find("strong", class_="shelf-price").text == "230.000 ₫"
    assert "Số 1, xã Hữu Lũng" in box.text and "8:00–17:00" in box.text
    assert "250.000 ₫" in sold.find("p", class_="product-price").text  # the online price stays as it is
    english = parse_html(output / "en/san-pham/mat-ong-rung-huu-lien/index.html").find("section", class_="shelf")
    assert "Buy it at the showroom" in english.text and "230,000 ₫" in english.text
    other = parse_html(output / "san-pham/mat-ong-bac-ha/index.html")
    assert other.find("section", class_="shelf") is None and "Số 1, xã Hữu Lũng" not in other.text


def test_kiosk_marks_shelf_products_and_labels_show_the_counter_price(shop):
    _, output, _ = shop
    page = parse_html(output / "kiosk/san-pham/mat-ong-rung-huu-lien/index.html")
    shelf = page.find("div", class_="k-shelf")
    assert "Có bán tại quầy" in shelf.text and "230.000 ₫" in shelf.text and "Kệ A" in shelf.text
    add = shelf.find("button", class_="k-add")
    assert add.text == "+ Thêm vào giỏ" and add.attrs["data-price"] == "230000"
    assert parse_html(output / "kiosk/san-pham/mat-ong-bac-ha/index.html").find("div", class_="k-shelf") is None
    cards = parse_html(output / "kiosk/san-pham/index.html").find_all("a", class_="k-card")
    marked = {a.attrs["href"].rstrip("/").rsplit("/", 1)[1] for a in cards if a.find("span", class_="k-card-shelf")}
    assert marked == {"mat-ong-rung-huu-lien"}
    labels = {label.attrs["data-slug"]: label.find("p", class_="print-price").text
              for label in parse_html(output / "in-nhan/san-pham/index.html").find_all("article", class_="print-item")}
    assert labels == {"mat-ong-rung-huu-lien": "230.000 ₫ / chai 500 ml", "mat-ong-bac-ha": "250.000 ₫ / chai 500 ml"}
    # the shelf's own print set (its labels, and its posters from the same page): its products only, at the
    # counter price, named on the print index
    shelf_labels = parse_html(output / "in-nhan/quay-hang/index.html")
    assert "Sản phẩm bày bán ở quầy" in shelf_labels.find("h1").text
    assert [(label.attrs["data-slug"], label.find("p", class_="print-price").text)
            for label in shelf_labels.find_all("article", class_="print-item")] == [("mat-ong-rung-huu-lien", "230.000 ₫ / chai 500 ml")]
    rows = {row.find("th").text.strip(): row.find("td").text for row in parse_html(output / "in-nhan/index.html").find_all("tr")[1:]}
    assert rows["Sản phẩm bày bán ở quầy"] == "1" and rows["Tất cả sản phẩm"] == "2"


def test_out_of_stock_is_shown_and_cannot_be_added(make_site, build, tmp_path):
    content = make_site({"showroom.yaml": SHELF + "    out_of_stock: true\n"})
    assert build(content, "--config", str(settings(tmp_path)))[0] == 0
    shelf = parse_html(tmp_path / "output/kiosk/san-pham/mat-ong-rung-huu-lien/index.html").find("div", class_="k-shelf")
    assert "Tạm hết hàng" in shelf.text and shelf.find("button") is None


def test_the_account_comes_from_the_settings_and_without_one_the_basket_says_pay_at_the_counter(make_site, build, tmp_path):
    content = make_site({"showroom.yaml": SHELF})
    assert build(content, "--config", str(settings(tmp_path, SETTINGS)))[0] == 0
    page = parse_html(tmp_path / "output/kiosk/index.html")
    basket = page.find("dialog", id="k-basket")
    assert "thanh toán tại quầy" in basket.text and basket.find("button", **{"data-pay": ""}) is None
    assert page.find("dialog", id="k-pay") is None and page.find("dialog", id="k-staff") is None
    assert build(content, "--config", str(settings(tmp_path)))[0] == 0
    page = parse_html(tmp_path / "output/kiosk/index.html")
    pay = page.find("dialog", id="k-pay")
    assert "DIEM BAN THU" in pay.text and "Vietcombank" in pay.text and "1023456789" in pay.text
    assert "MẪU" not in pay.text and page.find("p", class_="k-pay-sample") is None
    assert "1357" not in (tmp_path / "output/kiosk/index.html").read_text(encoding="utf-8")  # only its hash


def test_content_cannot_name_an_account(make_site, build, tmp_path):
    content = make_site({"showroom.yaml": SHELF + "account: '9999999999'\n"})
    code, out, err = build(content, "--config", str(settings(tmp_path, SETTINGS)))
    assert code == 0 and f"{S}:7: warning: account: trường không có trong mẫu, sẽ bị bỏ qua" in err
    assert "9999999999" not in (tmp_path / "output/kiosk/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("payment,expected", [
    ('bank = "970999"\naccount = "1"\naccount_name = "A"\n', "payment.bank: không có ngân hàng \"970999\""),
    ('bank = "Vietcombank"\naccount = "10-23"\naccount_name = "A"\n', "payment.account: số tài khoản chỉ gồm chữ số"),
    ('bank = "BIDV"\naccount = 1023456789\naccount_name = "A"\n', "payment.account: phải là chữ trong dấu ngoặc kép"),
    ('bank = "BIDV"\naccount = "1023456789"\n', "payment: cần đủ bank"),
    ('bank = "BIDV"\naccount = "1023456789"\naccount_name = "A"\nsample = "có"\n', "payment.sample: phải là true hoặc false"),
    ('bank = "BIDV"\naccount = "1023456789"\naccount_name = "A"\nstaff_pin = "12"\n', "payment.staff_pin: mã PIN gồm 4 đến 8"),
])
def test_bad_account_settings_are_explained(make_site, build, tmp_path, payment, expected):
    content = make_site()
    config = settings(tmp_path, SETTINGS + "[payment]\n" + payment)
    code, out, err = build(content, "--config", str(config))
    assert code != 0 and expected in err and "Traceback" not in err, err
    assert not (tmp_path / "output").exists()


def check(capsys, content: Path, config: Path) -> str:
    code = main(["check", "--content", str(content), "--config", str(config), "--today", TODAY])
    captured = capsys.readouterr()
    assert code == 0, captured
    return captured.out + captured.err


def test_check_warns_about_an_expired_shelf_product_and_a_sample_account(make_site, tmp_path, capsys):
    expired = SECOND.replace("date: 2025-08-15", "date: 2021-08-15")
    content = make_site({"products/mat-ong-bac-ha.md": expired, "showroom.yaml": SHELF + "  - product: mat-ong-bac-ha\n    price: 99000\n"})
    out = check(capsys, content, settings(tmp_path))
    assert (f"{S}:7: warning: product: \"mat-ong-bac-ha\" đang bán tại quầy nhưng giấy chứng nhận OCOP đã hết hạn "
            "ngày 15/08/2024") in out
    assert "mat-ong-rung-huu-lien\" đang bán" not in out and "tài khoản MẪU" not in out
    out = check(capsys, content, settings(tmp_path, SETTINGS + ACCOUNT + "sample = true\n"))
    assert "site.toml:12: warning: payment.sample: tài khoản nhận tiền là tài khoản MẪU" in out


def test_the_sample_catalog_sells_from_a_visibly_sample_account(sample_output: Path):
    pay = parse_html(sample_output / "kiosk/index.html").find("dialog", id="k-pay")
    assert pay.find("p", class_="k-pay-sample").text == "MẪU – KHÔNG CHUYỂN TIỀN"
    assert "tài khoản mẫu" in pay.text
    assert "sample = true" in (ROOT / "site.toml").read_text(encoding="utf-8")


def test_shelf_edits_while_previewing_match_a_clean_build(tmp_path: Path):
    """`serve` rebuilds after a shelf edit give the clean build's files: the counter price on the product page,
    the kiosk card and the shelf label."""
    from ocop.builder import Builder
    from ocop.output import read_tree
    from test_incremental import config_for, project_copy

    root = project_copy(tmp_path)
    content, output = root / "content", tmp_path / "out"
    builder = Builder()  # as `serve` keeps it
    builder.build(config_for(root, output, tmp_path / "cache"))
    shelf = content / "showroom.yaml"
    steps = [
        lambda: shelf.write_text(shelf.read_text(encoding="utf-8").replace("price: 80000", "price: 82000"), encoding="utf-8"),
        lambda: shelf.write_text(shelf.read_text(encoding="utf-8") + "  - product: na-cai-kinh\n    price: 110000\n",
                                 encoding="utf-8"),
        lambda: edit_product(content),
        lambda: shelf.unlink(),
    ]
    for number, step in enumerate(steps, 1):
        step()
        builder.build(config_for(root, output, tmp_path / "cache"))
        clean = tmp_path / "clean"
        if clean.exists():
            shutil.rmtree(clean)
        Builder().build(config_for(root, clean, None))
        assert read_tree(output) == read_tree(clean), f"step {number}"
    labels = parse_html(output / "in-nhan/san-pham/index.html").find_all("article", class_="print-item")
    assert labels and not any(label.find("p", class_="print-price").text == "110.000 ₫ / hộp 3 kg" for label in labels)


def edit_product(content: Path) -> None:
    path = content / "products/na-cai-kinh/index.md"
    text = path.read_text(encoding="utf-8").replace("price: 120000", "price: 125000").replace("unit: hộp 2 kg", "unit: hộp 3 kg")
    path.write_text(text, encoding="utf-8")


def test_a_sample_account_is_no_warning_while_nothing_is_on_sale(make_site, tmp_path, capsys):
    content = make_site()
    assert "tài khoản MẪU" not in check(capsys, content, settings(tmp_path, SETTINGS + ACCOUNT + "sample = true\n"))
