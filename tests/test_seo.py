"""Sharing and search engines: Product JSON-LD, Open Graph and Twitter tags, canonical and hreflang links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import parse_html

BASE = "https://example.github.io/ocop-huu-lung/"
PAGES = ["index.html", "san-pham/na-cai-kinh/index.html", "nhom/thuc-pham/index.html", "thong-ke/index.html",
         "trang/du-lich-huu-lien/index.html"]


def json_ld(path: Path) -> dict:
    scripts = [s for s in parse_html(path).find_all("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def meta(doc, prop: str) -> list[str]:
    return [m.attrs["content"] for m in doc.find_all("meta") if prop in (m.attrs.get("property"), m.attrs.get("name"))]


def local(output: Path, url: str) -> Path:
    """The output file an absolute URL of the site names."""
    assert url.startswith(BASE), url
    rel = url.removeprefix(BASE)
    return output / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


@pytest.mark.parametrize("lang,prefix,award", [("vi", "", "OCOP 4 sao"), ("en", "en/", "OCOP 4 stars")])
def test_product_json_ld_parses_and_carries_the_product(sample_output: Path, lang, prefix, award):
    data = json_ld(sample_output / prefix / "san-pham" / "cai-bo-xoi-huu-co" / "index.html")
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == {"vi": "Cải bó xôi hữu cơ", "en": "Organic spinach"}[lang]
    assert data["url"] == f"{BASE}{prefix}san-pham/cai-bo-xoi-huu-co/"
    assert data["image"] and all(local(sample_output, url).is_file() for url in data["image"])
    assert data["brand"]["@type"] == "Brand" and data["brand"]["name"]
    assert data["manufacturer"]["@type"] == "Organization" and local(sample_output, data["manufacturer"]["url"]).is_file()
    assert data["award"] == award
    assert data["offers"]["priceCurrency"] == "VND" and int(data["offers"]["price"]) > 0
    assert data["description"] and "&amp;" not in data["description"]


def test_json_ld_leaves_out_what_the_product_does_not_have(sample_output: Path):
    expired = json_ld(sample_output / "san-pham" / "na-cai-kinh" / "index.html")
    assert "award" not in expired  # an expired certificate is no current award
    assert expired["sku"] == "HL-NA-CK-2025-0815"
    for path in (sample_output / "san-pham").glob("*/index.html"):
        data = json_ld(path)
        doc = parse_html(path)
        priced = doc.find("span", class_="price-none") is None
        assert ("offers" in data) == priced, path


def test_json_ld_cannot_be_closed_by_content(make_site, build, tmp_path: Path):
    content = make_site()
    path = content / "products" / "mat-ong-rung-huu-lien.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Mật ong rừng Hữu Liên",
                                                             'title: "Mật ong </script><script>alert(1)</script>"'), encoding="utf-8")
    assert build(content)[0] == 0
    html = (tmp_path / "output" / "san-pham" / "mat-ong-rung-huu-lien" / "index.html").read_text(encoding="utf-8")
    assert "</script><script>alert(1)" not in html
    assert json_ld(tmp_path / "output" / "san-pham" / "mat-ong-rung-huu-lien" / "index.html")["name"].startswith("Mật ong </script>")


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("page", PAGES)
def test_share_tags_canonical_and_language_alternates(sample_output: Path, page, prefix):
    doc = parse_html(sample_output / prefix / page)
    lang = "en" if prefix else "vi"
    url = BASE + prefix + page.removesuffix("index.html")
    assert [l.attrs["href"] for l in doc.find_all("link", rel="canonical")] == [url]
    alternates = {l.attrs["hreflang"]: l.attrs["href"] for l in doc.find_all("link", rel="alternate")}
    neutral = page.removesuffix("index.html")
    assert alternates == {"vi": BASE + neutral, "en": BASE + "en/" + neutral, "x-default": BASE + neutral}
    assert all(local(sample_output, href).is_file() for href in alternates.values())
    assert meta(doc, "og:url") == [url]
    assert meta(doc, "og:title") == [doc.find("title").text]
    assert meta(doc, "og:description") == meta(doc, "description")
    assert meta(doc, "og:type") == ["product" if page.startswith("san-pham/") else "website"]
    assert meta(doc, "og:locale") == [{"vi": "vi_VN", "en": "en_US"}[lang]]
    assert meta(doc, "og:locale:alternate") == [{"vi": "en_US", "en": "vi_VN"}[lang]]
    images = meta(doc, "og:image")
    assert len(images) == 1 and local(sample_output, images[0]).is_file()
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    # X falls back to og:title, og:description and og:image (developer.x.com/cards/markup): no copies
    assert meta(doc, "twitter:title") == meta(doc, "twitter:description") == meta(doc, "twitter:image") == []


def test_product_shares_its_own_photo(sample_output: Path):
    doc = parse_html(sample_output / "en" / "san-pham" / "na-cai-kinh" / "index.html")
    assert meta(doc, "og:image") == [BASE + "san-pham/na-cai-kinh/og.jpg"]
