"""Product photos: widths and formats, orientation, no metadata, the cache, bad images, share images."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from conftest import PRODUCER, PRODUCT, TODAY, parse_html, tree_digest, write_files
from ocop.cli import main
from ocop import images, photo

SLUG = "mat-ong-rung-huu-lien"
BLUE, RED = (20, 60, 200), (220, 20, 20)
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'


def product_with(images_line: str, extra: str = "") -> str:
    """The fixture product with an `images:` line (and more front matter) added."""
    return PRODUCT.replace("featured: true\n", f"featured: true\n{images_line}\n{extra}")


def images_line_number(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("images:"))


@functools.lru_cache(maxsize=None)
def phone_photo() -> bytes:
    """A 4000×3000 landscape JPEG stored sideways (EXIF orientation 6), with GPS, XMP and an ICC profile.

    The stored top-left corner is red, so once rotated 90° clockwise for display it is the top-right corner.
    """
    img = Image.new("RGB", (4000, 3000), BLUE)
    img.paste(RED, (0, 0, 800, 600))
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (21.0, 37.0, 12.0), 3: "E", 4: (106.0, 20.0, 5.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80, exif=exif, xmp=XMP, icc_profile=icc)
    return out.getvalue()


def small_png(size: tuple[int, int] = (500, 400)) -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (240, 200, 40))
    img.paste(BLUE, (0, 0, size[0] // 2, size[1] // 2))
    img.save(out, "PNG")
    return out.getvalue()


def small_jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    img.paste(RED, (0, 0, size[0] // 3, size[1] // 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def opened(path: Path) -> Image.Image:
    img = Image.open(path)
    img.load()
    return img


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory) -> Path:
    """A product with a sideways 12-megapixel phone photo first and a small PNG second."""
    content = tmp_path_factory.mktemp("photos") / "content"
    write_files(content, {
        "producers/htx-mat-ong-huu-lien.md": PRODUCER,
        f"products/{SLUG}.md": product_with("images: [anh-dien-thoai.jpg, nhan-chai.png]",
                                            'alt: "Chai mật ong rừng trên bàn gỗ"\n'),
        "products/anh-dien-thoai.jpg": phone_photo(),
        "products/nhan-chai.png": small_png(),
    })
    return content


@pytest.fixture(scope="module")
def built_photos(photo_site) -> Path:
    """The photo site built once (its own cache) under https://example.org/kho/."""
    output, cache = photo_site.parent / "output", photo_site.parent / "cache"
    code = main(["build", "--content", str(photo_site), "--output", str(output), "--cache", str(cache),
                 "--today", TODAY, "--base-url", "https://example.org/kho/"])
    assert code == 0
    return output


def test_widths_are_published_in_webp_and_jpeg_never_upscaled(built_photos):
    folder = built_photos / "san-pham" / SLUG
    sizes = {p.name: opened(p).size for p in folder.iterdir() if p.suffix in (".jpg", ".webp")}
    assert sizes == {
        "anh-dien-thoai-320.jpg": (320, 427), "anh-dien-thoai-320.webp": (320, 427),
        "anh-dien-thoai-640.jpg": (640, 853), "anh-dien-thoai-640.webp": (640, 853),
        "anh-dien-thoai-1280.jpg": (1280, 1707), "anh-dien-thoai-1280.webp": (1280, 1707),
        # the PNG is 500 wide: its own width is the largest, nothing is made wider
        "nhan-chai-320.jpg": (320, 256), "nhan-chai-320.webp": (320, 256),
        "nhan-chai-500.jpg": (500, 400), "nhan-chai-500.webp": (500, 400),
        "og.jpg": (1200, 630),
    }
    assert {opened(p).format for p in folder.glob("*.webp")} == {"WEBP"}
    assert {opened(p).format for p in folder.glob("*.jpg")} == {"JPEG"}


def test_target_widths_never_exceed_the_original():
    assert photo.target_widths(4000) == (320, 640, 1280)
    assert photo.target_widths(1280) == (320, 640, 1280)
    assert photo.target_widths(800) == (320, 640, 800)
    assert photo.target_widths(320) == (320,)
    assert photo.target_widths(200) == (200,)


def test_exif_orientation_is_applied(built_photos):
    img = opened(built_photos / "san-pham" / SLUG / "anh-dien-thoai-640.jpg").convert("RGB")
    assert img.height > img.width  # a landscape file stored sideways becomes portrait
    w, h = img.size
    top_right, top_left, bottom_left = img.getpixel((w - 10, 10)), img.getpixel((10, 10)), img.getpixel((10, h - 10))
    assert top_right[0] > 180 and top_right[2] < 80, top_right  # red: rotated clockwise, not counter-clockwise
    assert top_left[2] > 150 and top_left[0] < 80, top_left
    assert bottom_left[2] > 150 and bottom_left[0] < 80, bottom_left


def test_no_published_file_carries_metadata_and_originals_are_not_copied(built_photos, photo_site):
    originals = {p.read_bytes() for p in (photo_site / "products").iterdir() if p.suffix in (".jpg", ".png")}
    published = [p for p in built_photos.rglob("*") if p.is_file()]
    photos = [p for p in published if p.suffix in (".jpg", ".webp", ".png")]
    assert len(photos) == 12  # the 11 photo files and share image, plus og-default.jpg (share image of pages without a photo)
    for path in published:
        assert path.read_bytes() not in originals, path
    for path in photos:
        img = opened(path)
        assert not img.getexif(), path
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile"} & set(img.info), (path, img.info.keys())
        data = path.read_bytes()
        for marker in (b"Exif", b"GPS", b"xmpmeta", b"ICC_PROFILE"):
            assert marker not in data, (path, marker)


def test_markup_uses_picture_srcset_sizes_and_lazy_loading(built_photos):
    doc = parse_html(built_photos / "san-pham" / SLUG / "index.html")
    gallery = doc.find("div", class_="gallery")
    pictures = gallery.find_all("picture")
    assert len(pictures) == 2
    base = f"/kho/san-pham/{SLUG}/"
    first_source, first_img = pictures[0].find("source"), pictures[0].find("img")
    assert first_source.attrs["type"] == "image/webp"
    assert first_source.attrs["srcset"] == (f"{base}anh-dien-thoai-320.webp 320w, {base}anh-dien-thoai-640.webp 640w, "
                                            f"{base}anh-dien-thoai-1280.webp 1280w")
    assert first_img.attrs["srcset"] == (f"{base}anh-dien-thoai-320.jpg 320w, {base}anh-dien-thoai-640.jpg 640w, "
                                         f"{base}anh-dien-thoai-1280.jpg 1280w")
    assert first_img.attrs["src"] == f"{base}anh-dien-thoai-1280.jpg"
    assert first_img.attrs["sizes"] == first_source.attrs["sizes"] and first_img.attrs["sizes"]
    assert (first_img.attrs["width"], first_img.attrs["height"]) == ("1280", "1707")
    assert first_img.attrs["alt"] == "Chai mật ong rừng trên bàn gỗ"
    assert "loading" not in first_img.attrs  # the first photo is above the fold
    second = pictures[1].find("img")
    assert second.attrs["loading"] == "lazy" and second.attrs["decoding"] == "async"
    assert second.attrs["alt"] == "Mật ong rừng Hữu Liên"  # no alt of its own: the product title
    assert (second.attrs["width"], second.attrs["height"]) == ("500", "400")
    og = {m.attrs["property"]: m.attrs["content"] for m in doc.find_all("meta") if m.attrs.get("property")}
    assert og["og:image"] == f"https://example.org/kho/san-pham/{SLUG}/og.jpg"
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert og["og:image:alt"] == "Chai mật ong rừng trên bàn gỗ"
    card = parse_html(built_photos / "san-pham" / "index.html").find("li", class_="card").find("img")
    assert card.attrs["class"] == "card-img" and "loading" not in card.attrs  # first cards load at once
    assert card.attrs["src"] == f"{base}anh-dien-thoai-1280.jpg"


def test_share_image_is_a_cover_crop_of_the_first_photo(built_photos):
    img = opened(built_photos / "san-pham" / SLUG / "og.jpg").convert("RGB")
    assert img.size == (1200, 630)
    assert not img.getexif()
    # the portrait photo is cropped at its middle: no red corner left, all blue
    assert all(img.getpixel(xy)[2] > 150 for xy in [(5, 5), (1195, 5), (600, 315), (5, 625), (1195, 625)])


def test_product_without_photo_gets_the_drawn_placeholder(make_site, build, tmp_path):
    code, out, err = build(make_site(), "--cache", str(tmp_path / "cache"), "--base-url", "https://example.org/kho/")
    assert code == 0, err
    doc = parse_html(tmp_path / "output" / "san-pham" / SLUG / "index.html")
    og = {m.attrs["property"]: m.attrs["content"] for m in doc.find_all("meta") if m.attrs.get("property")}
    assert og["og:image"] == "https://example.org/kho/og-default.jpg"
    assert og["og:image:alt"]
    placeholder = opened(tmp_path / "output" / "og-default.jpg")
    assert (placeholder.format, placeholder.size) == ("JPEG", (1200, 630))
    assert placeholder.convert("RGB").getpixel((600, 600)) != placeholder.convert("RGB").getpixel((600, 20))
    assert photo.placeholder_image() == (tmp_path / "output" / "og-default.jpg").read_bytes()  # same bytes each time
    card = parse_html(tmp_path / "output" / "san-pham" / "index.html").find("li", class_="card")
    assert card.find("span", class_="card-img-none") is not None and card.find("img") is None


def image_digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.suffix in (".jpg", ".webp")}


def test_second_build_processes_no_image_and_gives_the_same_bytes(make_site, build, tmp_path):
    photo_site = make_site({f"products/{SLUG}.md": product_with("images: [anh-san-pham.jpg, nhan-chai.png]"),
                            "products/anh-san-pham.jpg": small_jpeg((900, 600)), "products/nhan-chai.png": small_png()})
    cache = tmp_path / "cache"
    images.STATS.reset()
    assert build(photo_site, "--cache", str(cache))[0] == 0
    assert (images.STATS.processed, images.STATS.cached) == (2, 0)
    first = image_digest(tmp_path / "output")
    assert not list((tmp_path / "output").rglob("*.bin")) and len(list(cache.rglob("*.bin"))) == 2

    images.STATS.reset()
    assert build(photo_site, "--cache", str(cache), output=tmp_path / "again")[0] == 0
    assert (images.STATS.processed, images.STATS.cached) == (0, 2)
    assert image_digest(tmp_path / "again") == first

    images.STATS.reset()  # a cold build with another cache gives the same bytes (order does not depend on timing)
    assert build(photo_site, "--cache", str(tmp_path / "cold"), output=tmp_path / "cold-out")[0] == 0
    assert images.STATS.processed == 2
    assert image_digest(tmp_path / "cold-out") == first

    (photo_site / "products" / "nhan-chai.png").write_bytes(small_png((600, 300)))
    images.STATS.reset()
    assert build(photo_site, "--cache", str(cache))[0] == 0
    assert (images.STATS.processed, images.STATS.cached) == (1, 1)


def test_half_written_cache_entry_is_not_trusted(make_site, build, tmp_path):
    content = make_site({f"products/{SLUG}.md": product_with("images: [a.jpg]"), "products/a.jpg": small_jpeg()})
    cache = tmp_path / "cache"
    assert build(content, "--cache", str(cache))[0] == 0
    good = image_digest(tmp_path / "output")
    (entry,) = cache.rglob("*.bin")
    entry.write_bytes(entry.read_bytes()[:-100])
    images.STATS.reset()
    assert build(content, "--cache", str(cache), output=tmp_path / "again")[0] == 0
    assert images.STATS.processed == 1
    assert image_digest(tmp_path / "again") == good
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]  # no temporary file left beside it


def truncated_jpeg() -> bytes:
    data = small_jpeg((256, 192))
    return data[: len(data) * 2 // 3]


def huge_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 5001)).save(out, "PNG")  # 40,008,000 pixels, a few kilobytes on disk
    return out.getvalue()


@pytest.mark.parametrize("name, data, reason", [
    ("ghi-chu.jpg", "đây là chữ, không phải ảnh".encode(), "không phải là ảnh"),
    ("cat-cut.jpg", None, "bị hỏng"),
    ("qua-lon.png", None, "quá lớn"),
    ("khong-co.jpg", None, "không tìm thấy tệp ảnh"),
])
def test_bad_image_stops_the_build_and_keeps_the_output(make_site, build, tmp_path, name, data, reason):
    content = make_site()
    cache = tmp_path / "cache"
    assert build(content, "--cache", str(cache))[0] == 0
    before = tree_digest(tmp_path / "output")
    data = {"cat-cut.jpg": truncated_jpeg, "qua-lon.png": huge_png}.get(name, lambda: data)()
    text = product_with(f"images:\n  - ok.jpg\n  - {name}")
    files = {f"products/{SLUG}.md": text, "products/ok.jpg": small_jpeg()}
    if data is not None:
        files[f"products/{name}"] = data
    make_site(files)
    code, out, err = build(content, "--cache", str(cache))
    assert code == 1
    line = images_line_number(text) + 2
    problem = next(l for l in err.splitlines() if name in l)
    assert problem.startswith(f"content/products/{SLUG}.md:{line}: error: images: "), problem
    assert reason in problem
    assert "Traceback" not in err
    assert tree_digest(tmp_path / "output") == before
    assert {p.name for p in tmp_path.iterdir()} <= {"cache", "content", "output"}  # no half-written folder
