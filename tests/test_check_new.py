"""`check` (errors, every editorial warning, --strict) and `new` (valid files, refusal to overwrite)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from conftest import PRODUCER, PRODUCT, TODAY
from ocop.cli import main

PRODUCT_FILE = "products/mat-ong-rung-huu-lien.md"
PRODUCER_FILE = "producers/htx-mat-ong-huu-lien.md"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 150, 40)).save(out, "JPEG")
    return out.getvalue()


def product(**changes: str) -> str:
    """The fixture product with a photo, and the given replacements."""
    text = PRODUCT.replace("featured: true", "images: [anh.jpg]\nfeatured: true")
    for old, new in changes.items():
        text = text.replace(old, new)
    return text


def check(capsys, content: Path, *args: str) -> tuple[int, str]:
    code = main(["check", "--content", str(content), "--today", TODAY, *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_clean_content_passes_and_writes_nothing(make_site, capsys, tmp_path):
    content = make_site({PRODUCT_FILE: product(), "products/anh.jpg": photo()})
    code, out = check(capsys, content, "--strict", "--output", str(tmp_path / "out"))
    assert code == 0, out
    assert "không có lỗi, không có cảnh báo" in out
    assert not (tmp_path / "out").exists()


def test_errors_name_file_line_and_field(make_site, capsys):
    content = make_site({PRODUCT_FILE: product(**{"stars: 4": "stars: 7"}), "products/anh.jpg": photo()})
    code, out = check(capsys, content)
    assert code == 1
    assert "content/products/mat-ong-rung-huu-lien.md:3: error: stars:" in out
    assert "1 lỗi" in out


def test_expired_and_expiring_certificates_warn(make_site, capsys):
    content = make_site({PRODUCT_FILE: product(**{"2025-08-15": "2020-01-10"}), "products/anh.jpg": photo(),
                         "products/na.md": product(**{"2025-08-15": "2024-01-10\n  valid_until: 2027-01-15",
                                                      "HL-MO-0001": "HL-NA-0001", "title: Mật ong": "title: Na"})})
    code, out = check(capsys, content)
    assert code == 0, out
    assert "mat-ong-rung-huu-lien.md:7: warning: certificate: giấy chứng nhận đã hết hạn ngày 10/01/2023" in out
    assert "na.md:10: warning: certificate: giấy chứng nhận sắp hết hạn: còn 48 ngày (đến 15/01/2027)" in out
    assert check(capsys, content, "--strict")[0] == 1


def test_ranked_product_without_photo_or_journey_warns(make_site, capsys):
    content = make_site({PRODUCT_FILE: PRODUCT.replace("  journey:\n    - {date: 2025-03-01, stage: Thu hoạch, place: Hữu Liên}\n", "")})
    code, out = check(capsys, content)
    assert code == 0
    assert "mat-ong-rung-huu-lien.md:3: warning: images: sản phẩm đã xếp hạng sao nhưng chưa có ảnh" in out
    assert "mat-ong-rung-huu-lien.md:11: warning: traceability.journey: " in out
    assert "Không có lỗi; 2 cảnh báo" in out


def test_producer_without_contact_and_product_without_text_warn(make_site, capsys):
    bare = "---\nname: Hộ kinh doanh Lan\nkind: hộ kinh doanh\n---\n"
    content = make_site({PRODUCER_FILE: PRODUCER, "producers/ho-lan.md": bare, "products/anh.jpg": photo(),
                         PRODUCT_FILE: product().replace("Mật ong hoa rừng **Hữu Liên**.\n", "")})
    code, out = check(capsys, content)
    assert "content/producers/ho-lan.md: warning: chủ thể chưa có cách liên hệ nào" in out
    assert "mat-ong-rung-huu-lien.md: warning: sản phẩm chưa có phần giới thiệu" in out
    assert code == 0 and check(capsys, content, "--strict")[0] == 1


def test_sample_catalog_checks_with_only_editorial_warnings(capsys):
    code, out = check(capsys, Path(__file__).resolve().parent.parent / "content")
    assert code == 0, out
    assert "error:" not in out and "đã hết hạn" in out


def new(capsys, content: Path, *args: str) -> tuple[int, str]:
    code = main(["new", *args, "--content", str(content)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_new_producer_and_product_are_valid_and_explained(make_site, capsys):
    content = make_site({PRODUCT_FILE: product(), "products/anh.jpg": photo()})
    code, out = new(capsys, content, "producer", "Hợp tác xã Chè Tuấn Sơn")
    assert code == 0, out
    made = content / "producers/hop-tac-xa-che-tuan-son.md"
    text = made.read_text(encoding="utf-8")
    assert 'name: "Hợp tác xã Chè Tuấn Sơn"' in text and "kind: hợp tác xã" in text
    assert "# số điện thoại, đặt trong ngoặc kép" in text  # help text from ocop/schema.py
    code, out = new(capsys, content, "product", "Chè xanh Tuấn Sơn", "--producer", "htx-mat-ong-huu-lien")
    assert code == 0, out
    page = (content / "products/che-xanh-tuan-son/index.md").read_text(encoding="utf-8")
    for field in ("title", "stars", "category", "commune", "producer", "certificate", "traceability", "price",
                  "images", "buy", "tags", "featured", "draft", "sources"):
        assert f"\n{field}:" in page, field
    assert "#   number:" in page and 'commune: "Hữu Liên"' in page
    code, out = check(capsys, content)
    assert code == 0, out
    assert "che-xanh-tuan-son/index.md: warning: sản phẩm chưa có phần giới thiệu" in out
    assert "hop-tac-xa-che-tuan-son.md: warning: chủ thể chưa có cách liên hệ nào" in out


def test_new_product_without_producer_asks_for_it(make_site, capsys):
    content = make_site()
    assert new(capsys, content, "product", "Miến dong")[0] == 0
    code, out = check(capsys, content)
    assert code == 1
    assert "products/mien-dong/index.md:13: error: producer: " in out


def test_new_refuses_to_overwrite(make_site, capsys):
    content = make_site()
    before = (content / PRODUCT_FILE).read_bytes()
    code, out = new(capsys, content, "product", "Mật ong rừng Hữu Liên", "--producer", "htx-mat-ong-huu-lien")
    assert code == 1 and "không ghi đè" in out
    assert (content / PRODUCT_FILE).read_bytes() == before
    code, out = new(capsys, content, "producer", "HTX Mật ong Hữu Liên")
    assert code == 1 and "không ghi đè" in out


def test_the_home_pages_feature_the_first_24_and_check_names_the_others(make_site, capsys, tmp_path):
    """A catalog that features more products than a home page shows: the home page and the kiosk's attract loop
    show the first FEATURED_SHOWN in Vietnamese order, and `check` names each product left out, at its line."""
    from conftest import parse_html

    extra = {f"products/mat-ong-so-{n:02}.md": PRODUCT.replace("title: Mật ong rừng Hữu Liên", f"title: Mật ong số {n:02}")
             .replace("code: HL-MO-0001", f"code: HL-MO-{n + 1:04}") for n in range(1, 31)}
    content = make_site(extra)  # 31 featured: "Mật ong rừng Hữu Liên", then "Mật ong số 01" … "số 30"
    out = tmp_path / "out"
    assert main(["build", "--content", str(content), "--output", str(out), "--today", TODAY]) == 0
    capsys.readouterr()
    home = next(s for s in parse_html(out / "index.html").find_all("section")
                if s.attrs.get("aria-labelledby") == "featured-title")
    titles = [n.text for n in home.find_all("span", class_="card-title")]
    assert len(titles) == 24 and titles[0] == "Mật ong rừng Hữu Liên" and titles[-1] == "Mật ong số 23"
    slides = parse_html(out / "kiosk" / "index.html").find_all("li", class_="k-slide")
    assert len(slides) == 24 and slides[-1].find("p", class_="k-slide-title").text == "Mật ong số 23"
    code, text = check(capsys, content)
    left_out = [line for line in text.splitlines() if "sản phẩm tiêu biểu thứ" in line]
    assert len(left_out) == 7 and "mat-ong-so-24.md:" in left_out[0] and "featured" in left_out[0], text
    assert "sản phẩm tiêu biểu thứ 25" in left_out[0] and "mat-ong-so-30.md" in left_out[-1]
