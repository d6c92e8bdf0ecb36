"""Output shaped for a large catalog: paginated listings, per-listing print sheets, a sitemap index, the size warning."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, TODAY, parse_html
from ocop.cli import main

PRODUCTS = 120  # 3 pages of 48 in the list of all products
BASE = "/ocop-huu-lung/"


def generated(content: Path) -> Path:
    """A catalog of PRODUCTS products written by bench/gen_corpus.py into `content`."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--products", str(PRODUCTS), "--out", str(content)],
                   check=True, stdout=subprocess.DEVNULL)
    return content


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A generated catalog of PRODUCTS products, built once."""
    folder = tmp_path_factory.mktemp("big")
    content = generated(folder / "content")
    assert main(["build", "--content", str(content), "--output", str(folder / "out"), "--today", TODAY, "--no-cache"]) == 0
    return folder / "out"


def pages_of(out: Path, base: str) -> list[Path]:
    """Page 1 at <base>, then <base>trang/2/, ... as long as they exist."""
    pages = [out / base / "index.html"]
    n = 2
    while (out / base / "trang" / str(n) / "index.html").is_file():
        pages.append(out / base / "trang" / str(n) / "index.html")
        n += 1
    return pages


def card_slugs(page: Path, cls: str = "card-link") -> list[str]:
    return [a.attrs["href"].rstrip("/").rsplit("/", 1)[-1] for a in parse_html(page).find_all("a", class_=cls)]


def test_all_products_are_paginated_and_every_product_is_reachable(big):
    pages = pages_of(big, "san-pham")
    assert len(pages) == 3
    seen = [slug for page in pages for slug in card_slugs(page)]
    assert [len(card_slugs(page)) for page in pages] == [48, 48, 24]
    products = sorted(p.name for p in (big / "san-pham").iterdir() if (p / "index.html").is_file() and p.name != "trang")
    assert sorted(seen) == products and len(set(seen)) == PRODUCTS

    for number, page in enumerate(pages, 1):
        doc = parse_html(page)
        title = doc.find("title").text
        assert f"Trang {number}/3" in title
        links = {link.attrs["rel"]: link.attrs["href"] for link in doc.find_all("link") if link.attrs.get("rel") in ("prev", "next")}
        want = {}
        if number > 1:
            want["prev"] = "san-pham/" if number == 2 else f"san-pham/trang/{number - 1}/"
        if number < 3:
            want["next"] = f"san-pham/trang/{number + 1}/"
        assert {rel: href.split(BASE, 1)[1] for rel, href in links.items()} == want
        nav = doc.find("nav", class_="pager")
        numbers = [a.text for a in nav.find_all("a") if a.text.isdigit()]
        assert numbers == ["1", "2", "3"]
        assert nav.find("a", **{"aria-current": "page"}).text == str(number)


def test_group_and_kiosk_listings_are_paginated_too(big):
    for base, cls in (("nhom/thuc-pham", "card-link"), ("kiosk/nhom/thuc-pham", "k-card")):
        pages = pages_of(big, base)
        slugs = [slug for page in pages for slug in card_slugs(page, cls)]
        assert len(slugs) == len(set(slugs)) > 48 and len(pages) == -(-len(slugs) // 48)
        assert all(len(card_slugs(page, cls)) == 48 for page in pages[:-1])
    kiosk_page = parse_html(pages_of(big, "kiosk/nhom/thuc-pham")[1])
    hrefs = [a.attrs["href"] for a in kiosk_page.find_all("a")]
    assert all(h.startswith(BASE + "kiosk/") for h in hrefs), "a kiosk page links outside the kiosk"


def test_labels_are_printed_per_listing(big):
    index = parse_html(big / "in-nhan" / "index.html")
    targets = {a.attrs["href"] for a in index.find_all("a")}
    for path in ("in-nhan/nhom/thuc-pham/", "in-nhan/sao/4-sao/", "in-nhan/nhom/thuc-pham/#ap-phich"):
        assert BASE + path in targets
    # past one print page (48), the whole catalog is printed by listing: no set of every product
    assert not any("in-nhan/san-pham/" in target for target in targets)
    assert not (big / "in-nhan/san-pham").exists()
    group = {slug for page in pages_of(big, "nhom/thuc-pham") for slug in card_slugs(page)}
    labels = [a.attrs["data-slug"] for page in pages_of(big, "in-nhan/nhom/thuc-pham")
              for a in parse_html(page).find_all("article", class_="print-item")]
    assert sorted(labels) == sorted(group)
    first = parse_html(big / "in-nhan/nhom/thuc-pham/index.html")
    assert len(first.find_all("article", class_="print-item")) == 48 and len(first.find_all("section", class_="sheet")) == 6
    assert all(label.find("input", type="checkbox") for label in first.find_all("article", class_="print-item"))


def test_no_output_file_is_large(big):
    """At this size every output file stays under 1 MB, the CMS script of /admin/ too (it is published in parts);
    sitemap.xml grows with the catalog (2.4 MB at 1,000 products: see the README's figures)."""
    largest = max((p.stat().st_size, p) for p in big.rglob("*") if p.is_file())
    assert largest[0] < 1_000_000, largest


@pytest.mark.parametrize("limit", ["urls", "bytes"])
def test_sitemap_becomes_an_index_past_its_limit(make_site, build, tmp_path, monkeypatch, limit):
    """Past 50,000 URLs (here 10) or our own part size (here 5,000 bytes) a file: an index of parts."""
    import ocop.exports
    import ocop.parts

    if limit == "urls":
        monkeypatch.setattr(ocop.exports, "SITEMAP_MAX_URLS", 10)
    else:
        monkeypatch.setattr(ocop.parts, "PART_BYTES", 5000)
    code, _, err = build(make_site())
    assert code == 0, err
    out = tmp_path / "output"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    files = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert len(files) >= 2
    urls = []
    for url in files:
        part = ET.parse(out / url.rsplit("/", 1)[1]).getroot()
        found = [loc.text for loc in part.findall("s:url/s:loc", ns)]
        assert 0 < len(found) <= 10 if limit == "urls" else (out / url.rsplit("/", 1)[1]).stat().st_size <= 5000
        urls += found
    pages = [p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("index.html")
             if not p.relative_to(out).as_posix().startswith(("kiosk/", "admin/", "truy-xuat/", "en/truy-xuat/"))]
    # neither the kiosk, the CMS nor a redirect (truy-xuat/: to a product page) is for search engines
    assert sorted(u.split(BASE, 1)[1] for u in urls) == sorted(pages)
    assert "Sitemap: " in (out / "robots.txt").read_text() and (out / "robots.txt").read_text().rstrip().endswith("/sitemap.xml")


def test_a_site_over_the_pages_limit_gets_a_warning(make_site, build, monkeypatch):
    import ocop.builder

    monkeypatch.setattr(ocop.builder, "PAGES_LIMIT", 100_000)
    code, out, err = build(make_site())
    assert code == 0
    warning = [line for line in err.splitlines() if line.startswith("Cảnh báo: trang web nặng")]
    assert warning and "GitHub Pages" in warning[0] and re.search(r"\d+\.\d\d GB", warning[0])


PAGED = ["san-pham/trang/2/", "en/nhom/thuc-pham/trang/2/", "kiosk/san-pham/trang/2/", "in-nhan/nhom/thuc-pham/trang/2/",
         "in-nhan/", "thong-ke/giay-chung-nhan/"]


def test_paginated_and_print_pages_are_valid_html(big):
    from tools_support import validate_html

    errors = validate_html([big / path / "index.html" for path in PAGED])
    assert errors == [], "\n".join(errors[:20])


def test_paginated_and_print_pages_pass_axe(big, serve, page):
    from tools_support import axe_violations, format_axe

    base = serve(big, BASE)
    for path in PAGED:
        page.goto(base + path)
        violations = axe_violations(page, {"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
        assert violations == [], f"{path}: {format_axe(violations)}"


def test_the_producers_list_is_paginated(tmp_path, monkeypatch):
    """chu-the/ lists PRODUCERS_PER_PAGE producers a page (400; here 3), every producer once."""
    import ocop.pages

    monkeypatch.setattr(ocop.pages, "PRODUCERS_PER_PAGE", 3)
    out = tmp_path / "out"
    assert main(["build", "--output", str(out), "--today", TODAY]) == 0
    producers = sorted(p.parent.name for p in (out / "chu-the").glob("*/index.html") if p.parent.name != "trang")
    pages = pages_of(out, "chu-the")
    assert len(pages) == -(-len(producers) // 3) >= 2
    listed = [a.attrs["href"].rstrip("/").rsplit("/", 1)[-1] for page in pages
              for a in parse_html(page).find("ul", class_="list").find_all("a")]
    assert sorted(listed) == producers and len(listed) == len(set(listed))
    second = parse_html(pages[1])
    assert "Trang 2/" in second.find("title").text and second.find("nav", class_="pager").find("a", **{"aria-current": "page"}).text == "2"


@pytest.fixture(scope="module")
def big_in_parts(tmp_path_factory) -> Path:
    """The generated catalog built with parts of at most PARTS bytes."""
    import ocop.parts

    folder = tmp_path_factory.mktemp("parts")
    content = generated(folder / "content")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocop.parts, "PART_BYTES", PARTS)
        assert main(["build", "--content", str(content), "--output", str(folder / "out"), "--today", TODAY, "--no-cache"]) == 0
    return folder / "out"


PARTS = 20_000


def test_every_file_that_grows_with_the_catalog_is_cut_under_the_part_size(big_in_parts):
    out = big_in_parts
    grown = [p for p in out.rglob("*") if p.is_file() and re.fullmatch(
        r"(sitemap(-\d+)?\.xml|products(-\d+)?\.(json|csv)|(en/)?search-index(\.json|/.+\.json))", p.relative_to(out).as_posix())]
    assert len(grown) > 20 and all(p.stat().st_size <= PARTS for p in grown), [p for p in grown if p.stat().st_size > PARTS]
    slugs = sorted(p.parent.name for p in (out / "san-pham").glob("*/index.html") if p.parent.name != "trang")
    assert len(slugs) == PRODUCTS
    import csv
    import json

    index = json.loads((out / "products.json").read_text(encoding="utf-8"))
    in_json = [r["slug"] for part in index["parts"] for r in json.loads((out / part["file"]).read_text(encoding="utf-8"))]
    with open(out / "products.csv", encoding="utf-8-sig", newline="") as f:
        csv_parts = [row["Tệp"] for row in csv.DictReader(f)]
    in_csv = []
    for name in csv_parts:
        with open(out / name, encoding="utf-8-sig", newline="") as f:
            in_csv += [row["Mã trang"] for row in csv.DictReader(f)]
    assert sorted(in_json) == sorted(in_csv) == slugs and in_json == in_csv  # each product once, in catalog order
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    parts = [loc.text.rsplit("/", 1)[1] for loc in ET.parse(out / "sitemap.xml").getroot().findall("s:sitemap/s:loc", ns)]
    urls = [loc.text for name in parts for loc in ET.parse(out / name).getroot().findall("s:url/s:loc", ns)]
    assert len(parts) > 2 and len(urls) == len(set(urls)) and BASE + "san-pham/" + slugs[-1] + "/" in " ".join(urls)
