"""Machine-readable files at the output root: products.json, products.csv, sitemap.xml, robots.txt."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

from .diff import changed_at
from .incremental import Kept, keeper
from .models import Product
from .render import LANGUAGES, localised
from .site import Site


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


def _json_item(product: Product) -> str:
    """One product's object as json.dumps(..., indent=1) writes it inside the top-level list."""
    text = json.dumps(product_record(product), ensure_ascii=False, indent=1, sort_keys=True)
    return " " + text.replace("\n", "\n ")


def products_json(site: Site, kept: Kept | None = None) -> bytes:
    """products.json: one object per published product, in catalog order (json.dumps with indent=1).

    `kept` (ocop.incremental) keeps each product's text for the next build.
    """
    kept = keeper(kept)
    items = kept.each("json", site.products, lambda p: _json_item(p).encode("utf-8"))  # bytes: joined, not encoded
    return kept.by_object("json", items, lambda: b"[\n" + b",\n".join(items) + b"\n]\n" if items else b"[]\n")


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


def products_csv(site: Site, kept: Kept | None = None) -> bytes:
    """products.csv: the rows of products.json, UTF-8 with BOM and Vietnamese headers (Excel opens it as is).

    `kept` (ocop.incremental) keeps each product's row for the next build.
    """
    kept = keeper(kept)
    keys = list(CSV_HEADERS)
    rows = kept.each("csv", site.products,
                     lambda p: _csv_rows([[csv_cell(product_record(p).get(k)) for k in keys]]).encode("utf-8"))
    return kept.by_object("csv", rows, lambda: ("\ufeff" + _csv_rows([[CSV_HEADERS[k] for k in keys]])).encode("utf-8")
                          + b"".join(rows))


def _sitemap_entry(base: str, url_path: str, page_path: str) -> str:
    lines = [f"<url><loc>{escape(base + url_path)}</loc>"]
    for lang in LANGUAGES:
        lines.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(base + localised(page_path, lang))}"/>')
    lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{escape(base + page_path)}"/>')
    lines.append("</url>\n")
    return "\n".join(lines)


def sitemap_xml(site: Site, jobs: list, kept: Kept | None = None, same_paths: bool = False) -> bytes:
    """sitemap.xml: the absolute URL of every page (render.PageJob) but the 404 page, in every language, each
    with its language alternates (hreflang, x-default = the Vietnamese page). `kept`: as for products_json;
    `same_paths`: the jobs are known to have the last build's paths in the same places (ocop.incremental)."""
    kept = keeper(kept)
    last = kept.by_key("sitemap", "last", dict)  # the previous build's jobs and bytes
    before = last.get("jobs", ())
    if "data" in last and same_paths or len(before) == len(jobs) and all(
            jobs[i].path == before[i].path and jobs[i].lang == before[i].lang for i in changed_at(jobs, before)):
        last["jobs"] = jobs
        return last["data"]
    base = site.config.origin + site.config.base_path
    entries = {job.url_path: job.page_path for job in jobs if not job.path.endswith("404.html")}
    made = last.get("entries", {})  # url path -> its entry, for the pages of the last build that changed this one
    paths = sorted(entries)
    lines = [made.get(url_path) or _sitemap_entry(base, url_path, entries[url_path]) for url_path in paths]
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            + "".join(lines) + "</urlset>\n").encode("utf-8")
    last.update(jobs=jobs, data=data, entries=dict(zip(paths, lines)))
    return data


def robots_txt(site: Site) -> bytes:
    """robots.txt that allows everything and names the sitemap."""
    base = site.config.origin + site.config.base_path
    return f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode("utf-8")
