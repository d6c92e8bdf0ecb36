"""Machine-readable files at the output root: products.json, products.csv, sitemap.xml, robots.txt."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator

from .models import Product
from .parts import part_budget, per_record, runs_of, split
from .paths import LANGUAGES, REDIRECT, localised
from .site import Site


def escape(text: str) -> str:
    """Text for XML (xml.sax.saxutils.escape, whose module brings in the whole of urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def product_record(product: Product) -> dict:
    """The open-data view of one product (also the columns of products.csv)."""
    cert = product.certificate
    trace = product.traceability
    return {
        "slug": product.slug,
        "url": product.path,
        "title": product.title,
        "stars": product.stars,
        "category": product.group.slug,
        "category_name": product.group.name,
        "commune": product.place.commune.name,
        "commune_written": product.place.written,
        "producer": product.producer.slug,
        "producer_name": product.producer.name,
        "traceability_code": trace.code if trace else None,
        "certificate_number": cert.number if cert else None,
        "certificate_date": cert.date.isoformat() if cert else None,
        "certificate_valid_until": cert.valid_until.isoformat() if cert else None,
        "price": product.price,
        "unit": product.unit or None,
    }


_scalar_json = json.JSONEncoder(ensure_ascii=False).encode


def _json_item(product: Product) -> str:
    """One product's object as json.dumps(..., indent=1, sort_keys=True) writes it inside the top-level list;
    its values are all plain (text, numbers, null), each encoded by the C encoder (json's indenting encoder is
    Python code that leaves a knot of closures behind for the collector at each call)."""
    record = product_record(product)
    lines = [f"  {_scalar_json(key)}: {_scalar_json(record[key])}" for key in sorted(record)]
    return " {\n" + ",\n".join(lines) + "\n }"


def _json_items(products: tuple[Product, ...]) -> list[bytes]:
    return per_record("json", products, lambda product: _json_item(product).encode("utf-8"))


def _csv_row(product: Product) -> str:
    """One product's row of products.csv, with its line end."""
    record = product_record(product)
    return _csv_rows([[csv_cell(record.get(k)) for k in CSV_HEADERS]])


def _csv_items(products: tuple[Product, ...]) -> list[bytes]:
    return per_record("csv", products, lambda product: _csv_row(product).encode("utf-8"))


def _index_record(site: Site, name: str, part: tuple[Product, ...]) -> dict:
    """One part in the index of a split export: its file, address, how many products, the first and last."""
    base = site.config.origin + site.config.base_path
    return {"file": name, "url": base + name, "products": len(part), "first": part[0].slug, "last": part[-1].slug}


def _parts(site: Site, items: list[bytes], room: int) -> list[tuple[Product, ...]]:
    """The products of each part, cut where the parts' encoded `items` would pass `room` bytes."""
    runs, at = split(items, room), 0
    parts = []
    for run in runs:
        parts.append(site.products[at:at + len(run)])
        at += len(run)
    return parts


def products_json_files(site: Site) -> dict[str, bytes]:
    """products.json: one object per published product, in catalog order (json.dumps with indent=1). When
    that is over part_budget(), products-1.json, products-2.json… hold the lists and products.json is an
    object saying which part holds which products ({"products": n, "parts": [...]})."""
    texts = _json_items(site.products)
    parts = _parts(site, [text + b",\n" for text in texts], part_budget() - len("[\n]\n"))
    if len(parts) == 1:
        return {"products.json": _json_list(texts)}
    files, at = {}, 0
    for n, part in enumerate(parts, 1):
        files[f"products-{n}.json"] = _json_list(texts[at:at + len(part)])
        at += len(part)
    index = {"description": JSON_INDEX_TEXT, "products": len(site.products),
             "parts": [_index_record(site, name, part) for name, part in zip(files, parts)]}
    files["products.json"] = (json.dumps(index, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return files


JSON_INDEX_TEXT = ("Danh sách sản phẩm chia thành nhiều tệp, mỗi tệp dưới 1 MB; mỗi tệp là một mảng như products.json "
                   "của danh mục nhỏ. The product list in parts under 1 MB each; each part is an array of products.")


def products_json(products: tuple[Product, ...]) -> bytes:
    """A list of products as JSON: one object each, in the given order (json.dumps with indent=1)."""
    return _json_list(_json_items(products))


def _json_list(texts: list[bytes]) -> bytes:
    """The JSON list of products' objects made by _json_item, in UTF-8."""
    return b"[\n" + b",\n".join(texts) + b"\n]\n" if texts else b"[]\n"


CSV_HEADERS = {
    "slug": "Mã trang",
    "url": "Đường dẫn",
    "title": "Tên sản phẩm",
    "stars": "Hạng sao",
    "category": "Mã nhóm",
    "category_name": "Nhóm sản phẩm",
    "commune": "Xã",
    "commune_written": "Xã (như ghi trong hồ sơ)",
    "producer": "Mã chủ thể",
    "producer_name": "Chủ thể",
    "traceability_code": "Mã truy xuất",
    "certificate_number": "Số quyết định",
    "certificate_date": "Ngày cấp",
    "certificate_valid_until": "Hiệu lực đến",
    "price": "Giá (đồng)",
    "unit": "Đơn vị tính",
}


# What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection"): =, +, -, @, tab, carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """One CSV cell: None and booleans empty (never "None"/"True"), other values as text; text that a
    spreadsheet would run as a formula gets a leading ' (OWASP), which Excel shows as plain text.
    Numbers (prices, stars) are never negative, so no number is changed; products.json keeps the true text."""
    if value is None or isinstance(value, bool):
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_rows(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


CSV_INDEX_HEADERS = ["Tệp", "Địa chỉ", "Số sản phẩm", "Sản phẩm đầu", "Sản phẩm cuối"]


def products_csv(products: tuple[Product, ...]) -> bytes:
    """The rows of products.json, UTF-8 with BOM and Vietnamese headers (Excel opens it as is)."""
    return _csv_file(_csv_items(products))


def _csv_file(rows: list[bytes]) -> bytes:
    """A CSV file of products' rows made by _csv_row (in UTF-8), after the header row."""
    return ("\ufeff" + _csv_rows([list(CSV_HEADERS.values())])).encode("utf-8") + b"".join(rows)


def products_csv_files(site: Site) -> dict[str, bytes]:
    """products.csv (products_csv of every product); past part_budget() products-1.csv, products-2.csv… with
    the header row each, and products.csv lists them (file, address, products, first and last product)."""
    texts = _csv_items(site.products)
    head = len(("\ufeff" + _csv_rows([list(CSV_HEADERS.values())])).encode("utf-8"))
    parts = _parts(site, texts, part_budget() - head)
    if len(parts) == 1:
        return {"products.csv": _csv_file(texts)}
    files, at = {}, 0
    for n, part in enumerate(parts, 1):
        files[f"products-{n}.csv"] = _csv_file(texts[at:at + len(part)])
        at += len(part)
    rows = [CSV_INDEX_HEADERS] + [[csv_cell(v) for v in _index_record(site, name, part).values()]
                                  for name, part in zip(files, parts)]
    files["products.csv"] = ("\ufeff" + _csv_rows(rows)).encode("utf-8")
    return files


def _sitemap_entry(base: str, url_path: str, page_path: str, languages: tuple[str, ...] = LANGUAGES) -> str:
    lines = [f"<url><loc>{escape(base + url_path)}</loc>"]
    for lang in languages:
        lines.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(base + localised(page_path, lang))}"/>')
    lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{escape(base + page_path)}"/>')
    lines.append("</url>\n")
    return "\n".join(lines)


SITEMAP_MAX_URLS = 50_000  # the sitemap protocol's limits for one file
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
_URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')


def sitemap_files(site: Site, jobs: list) -> Iterator[tuple[str, bytes]]:
    """sitemap.xml: the absolute URL of every page (render.PageJob) but the 404 page and redirects, in every
    language it is made in, each with its language alternates (hreflang, x-default = the Vietnamese page). Past
    the protocol's limits (50,000 URLs or 50 MB a file) or our own part_budget() it is a sitemap index of
    sitemap-1.xml, sitemap-2.xml, ... The files come one at a time, the parts first: each is made as it is
    needed."""
    base = site.config.origin + site.config.base_path
    entries = {job.url_path: (job.page_path, job.context.get("languages", LANGUAGES))  # print pages: one language
               for job in jobs if not job.path.endswith("404.html") and job.template != REDIRECT}
    room = min(SITEMAP_MAX_BYTES, part_budget()) - len(_URLSET) - len("</urlset>\n")
    lines = (_sitemap_entry(base, url_path, *entries[url_path]).encode("utf-8") for url_path in sorted(entries))
    made = (_URLSET.encode("utf-8") + b"".join(run) + b"</urlset>\n" for run in runs_of(lines, room, SITEMAP_MAX_URLS))
    first, second = next(made), next(made, None)
    if second is None:
        yield "sitemap.xml", first
        return
    names = []
    for n, data in enumerate(itertools.chain((first, second), made), 1):
        names.append(f"sitemap-{n}.xml")
        yield names[-1], data
    index = "".join(f"<sitemap><loc>{escape(base + name)}</loc></sitemap>\n" for name in names)
    yield "sitemap.xml", ('<?xml version="1.0" encoding="UTF-8"?>\n'
                          '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                          + index + "</sitemapindex>\n").encode("utf-8")


def robots_txt(site: Site) -> bytes:
    """robots.txt that allows everything and names the sitemap."""
    base = site.config.origin + site.config.base_path
    return f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode("utf-8")
