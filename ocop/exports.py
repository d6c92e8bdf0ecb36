"""Machine-readable files at the output root: products.json, products.csv, sitemap.xml, robots.txt."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

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


def products_json(site: Site) -> bytes:
    """products.json: one object per published product, in catalog order."""
    records = [product_record(p) for p in site.products]
    return (json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


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


def csv_cell(value: object) -> str:
    """One CSV cell: None and booleans empty (never "None"/"True"), other values as text."""
    if value is None or isinstance(value, bool):
        return ""
    return str(value)


def products_csv(site: Site) -> bytes:
    """products.csv: the rows of products.json, UTF-8 with BOM and Vietnamese headers (Excel opens it as is)."""
    records = [product_record(p) for p in site.products]
    keys = list(records[0]) if records else list(CSV_HEADERS)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([CSV_HEADERS.get(k, k) for k in keys])
    for record in records:
        writer.writerow([csv_cell(record.get(k)) for k in keys])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sitemap_xml(site: Site, jobs: list) -> bytes:
    """sitemap.xml: the absolute URL of every page (render.PageJob) in every language, each with its
    language alternates (hreflang, x-default = the Vietnamese page)."""
    base = site.config.origin + site.config.base_path
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for job in sorted(jobs, key=lambda j: j.url_path):
        lines.append(f"<url><loc>{escape(base + job.url_path)}</loc>")
        for lang in LANGUAGES:
            lines.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(base + localised(job.page_path, lang))}"/>')
        lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{escape(base + job.page_path)}"/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(site: Site) -> bytes:
    """robots.txt that allows everything and names the sitemap."""
    base = site.config.origin + site.config.base_path
    return f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode("utf-8")
