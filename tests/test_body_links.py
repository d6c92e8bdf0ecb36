"""Root-absolute links and images in Markdown bodies ("/san-pham/x/") work on a project site under /<repo>/:
they are put under the base path in both languages and the kiosk, and a link to no page stops the build."""

from __future__ import annotations

import io

from PIL import Image

from conftest import PRODUCT, kiosk_precache, parse_html, tree_digest
from ocop.cli import main

BASE = "https://org.github.io/repo/"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 150, 40)).save(out, "JPEG")
    return out.getvalue()


BODY = """\
Xem thêm [trang sản phẩm](/san-pham/) và [danh sách theo xã](/xa), [chủ thể](/repo/chu-the/htx-mat-ong-huu-lien/#top).

![Hũ mật ong](/san-pham/mat-ong-rung-huu-lien/cover-320.jpg)
"""
LINKED = (PRODUCT.replace("featured: true\n", "featured: true\nimages: [cover.jpg]\n"
                          "body_en: 'See [the other products](/san-pham/) and [the statistics](/thong-ke/).'\n")
          .replace("Mật ong hoa rừng **Hữu Liên**.\n", BODY))


def links(doc, selector: str = "a") -> list[str]:
    main_part = doc.find("main")
    return [a.attrs.get("href") or a.attrs.get("src") for a in main_part.find_all(selector)]


def test_root_absolute_body_links_and_images_go_under_the_base_path(make_site, build, tmp_path):
    content = make_site({"products/mat-ong-rung-huu-lien/index.md": LINKED,
                         "products/mat-ong-rung-huu-lien/cover.jpg": photo()})
    (content / "products/mat-ong-rung-huu-lien.md").unlink()
    code, _, err = build(content, "--base-url", BASE)
    assert code == 0, err
    out = tmp_path / "output"
    story = parse_html(out / "san-pham/mat-ong-rung-huu-lien/index.html").find("section", class_="prose")
    assert [a.attrs["href"] for a in story.find_all("a")] == [
        "/repo/san-pham/", "/repo/xa/", "/repo/chu-the/htx-mat-ong-huu-lien/#top"]
    assert [img.attrs["src"] for img in story.find_all("img")] == ["/repo/san-pham/mat-ong-rung-huu-lien/cover-320.jpg"]
    english = parse_html(out / "en/san-pham/mat-ong-rung-huu-lien/index.html").find("section", class_="prose")
    assert [a.attrs["href"] for a in english.find_all("a")] == ["/repo/en/san-pham/", "/repo/en/thong-ke/"]
    producer = parse_html(out / "en/chu-the/htx-mat-ong-huu-lien/index.html")  # no body_en: the Vietnamese, in English pages
    assert producer.find("div", class_="prose") is not None
    kiosk = parse_html(out / "kiosk/san-pham/mat-ong-rung-huu-lien/index.html").find("section", class_="k-story")
    assert [img.attrs["src"] for img in kiosk.find_all("img")] == ["/repo/san-pham/mat-ong-rung-huu-lien/cover-320.jpg"]
    assert kiosk.find_all("a") == []  # the kiosk shows links as plain text
    assert "/repo/san-pham/mat-ong-rung-huu-lien/cover-320.jpg" in kiosk_precache(out)  # the body's photo works offline too
    assert main(["check", "--links", "--output", str(out)]) == 0


def test_a_body_link_to_no_page_is_a_build_error_with_file_and_line(make_site, build, tmp_path):
    content = make_site()
    assert build(content)[0] == 0
    before = tree_digest(tmp_path / "output")
    product = content / "products/mat-ong-rung-huu-lien.md"
    text = PRODUCT.replace("Mật ong hoa rừng **Hữu Liên**.\n",
                           "Mật ong hoa rừng.\n\nXem [sản phẩm khác](/san-pham/mat-ong-khong-co/) nhé.\n")
    text = text.replace("featured: true\n", "featured: true\nbody_en: 'A [photo](/san-pham/anh.jpg).'\n")
    product.write_text(text, encoding="utf-8")
    code, _, err = build(content)
    assert code == 1
    lines = text.splitlines()
    body_line = next(i for i, line in enumerate(lines, 1) if "/san-pham/mat-ong-khong-co/" in line)
    en_line = next(i for i, line in enumerate(lines, 1) if line.startswith("body_en:"))
    assert (f"content/products/mat-ong-rung-huu-lien.md:{en_line}: error: body_en: liên kết \"/san-pham/anh.jpg\" "
            "không dẫn tới trang hay tệp nào của trang web") in err
    assert (f"content/products/mat-ong-rung-huu-lien.md:{body_line}: error: liên kết \"/san-pham/mat-ong-khong-co/\" "
            "không dẫn tới trang hay tệp nào của trang web") in err
    assert "Traceback" not in err and tree_digest(tmp_path / "output") == before
