"""Machine-readable files at the output root: products.json, sitemap.xml, robots.txt."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from .models import Product
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


def sitemap_xml(site: Site, page_paths: list[str]) -> bytes:
    """sitemap.xml with the absolute URL of every HTML page (404 left out)."""
    base = site.config.origin + site.config.base_path
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in sorted(page_paths):
        lines.append(f"<url><loc>{escape(base + path)}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(site: Site) -> bytes:
    """robots.txt that allows everything and names the sitemap."""
    base = site.config.origin + site.config.base_path
    return f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n".encode("utf-8")
