"""The showroom kiosk: touch pages under kiosk/, and a service worker that precaches them all."""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections.abc import Mapping

import jinja2
from markupsafe import Markup

from .pages import paged_jobs
from .paths import LANGUAGES, PageJob, in_language
from .site import Listing, Site, attract_products

PREFIX = "kiosk/"
SEARCH_TEMPLATE = "kiosk/search.html"
SEARCH_PAGE = "kiosk/tim-kiem/index.html"
SW_TEMPLATE = "kiosk/sw.js"
SW_PATH = "kiosk/sw.js"
CACHE_PREFIX = "ocop-kiosk-"

_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S | re.I)
_URL_ATTR = re.compile(r"""\b(?:src|href|data-precache)="([^"]+)\"""")


def unlinked(body_html: str) -> Markup:
    """Sanitised story HTML with every link turned into plain text (nothing to follow in the kiosk)."""
    return Markup(_LINK.sub(r"<span>\1</span>", body_html))


def _product_context(product) -> dict:
    """What the kiosk product page shows besides the model: the outside links (as QR codes) and the story."""
    outside = [(b.label, b.url) for b in product.buy]
    if product.traceability and product.traceability.portal:
        outside.append(("", product.traceability.portal))
    return {"product": product, "outside": outside,
            "story": unlinked(product.body_html), "story_en": unlinked(product.body_en_html)}


def outside_links(site: Site) -> list[str]:
    """Every outside address a kiosk page shows as a QR code, once each, sorted."""
    return sorted({url for p in site.products for _, url in _product_context(p)["outside"]})


def kiosk_listings(listings: tuple[Listing, ...]) -> tuple[Listing, ...]:
    """The listings worth a tile on a touch screen: those with products."""
    return tuple(listing for listing in listings if listing.products)


def kiosk_jobs(site: Site, env: jinja2.Environment) -> list[PageJob]:
    """Every kiosk page in every language (the others under kiosk/<lang>/): home, the three browse indexes,
    their listings and one page per product."""
    browse = {kind: tuple(h for h in site.heads[kind] if h.count) for kind in ("stars", "group", "commune")}
    has_search = SEARCH_TEMPLATE in env.list_templates()
    shared = {"has_search": has_search}
    made = [PageJob(PREFIX + "index.html", "kiosk/home.html",
                    {**shared, "browse": browse, "attract": attract_products(site)})]
    made += paged_jobs(PREFIX + "san-pham/", "kiosk/listing.html", site.products,
                       {**shared, "title_key": "all_products", "title": "", "kind": "all"})
    for kind, index_path, listings in (("stars", "sao/", site.star_levels), ("group", "nhom/", site.groups),
                                       ("commune", "xa/", site.communes)):
        made.append(PageJob(PREFIX + index_path + "index.html", "kiosk/listings.html", {**shared, "browse": browse, "kind": kind}))
        for listing in kiosk_listings(listings):
            made += paged_jobs(PREFIX + listing.path, "kiosk/listing.html", listing.products,
                               {**shared, "title_key": "", "title": listing.title, "kind": kind, "listing": listing})
    made += [PageJob(PREFIX + p.path + "index.html", "kiosk/product.html", {**shared, **_product_context(p)})
             for p in site.products]
    if has_search:
        made.append(PageJob(SEARCH_PAGE, SEARCH_TEMPLATE, {**shared, "browse": browse}))
    return [in_language(job, lang) for lang in LANGUAGES for job in made]


def _file_for(base_path: str, url: str) -> str | None:
    """The output file a same-site URL points at ("kiosk/" -> "kiosk/index.html"), or None."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def references(base_path: str, path: str, data: bytes) -> tuple[tuple[str, str], ...]:
    """(URL without #part, output file) for each same-site URL a kiosk page's attributes name, and the page itself."""
    found = {(base_path + path.removesuffix("index.html"), path)}
    page_dir = posixpath.dirname(base_path + path) + "/"
    for raw in _URL_ATTR.findall(data.decode("utf-8")):
        url = html.unescape(raw)
        if "://" in url or url.startswith(("data:", "mailto:", "tel:", "#", "//")):
            continue
        url = url if url.startswith("/") else posixpath.normpath(page_dir + url.split("#", 1)[0]) + ("/" if url.endswith("/") else "")
        target = _file_for(base_path, url)
        if target is not None:
            found.add((url.split("#", 1)[0], target))
    return tuple(sorted(found))


def service_worker(base_path: str, source: str, precache: Mapping[str, bytes]) -> bytes:
    """kiosk/sw.js: the worker's code with its versioned cache name and precache list written in.

    `precache` maps every URL to precache to the digest of the file it serves; the cache name carries a
    hash of all of them and of the worker's code, so a new build installs into a new cache."""
    urls = sorted(precache)
    digest = hashlib.sha256(source.encode("utf-8"))
    for url in urls:
        digest.update(b"\0" + url.encode("utf-8") + b"\0" + precache[url])
    settings = {"cache": CACHE_PREFIX + digest.hexdigest()[:16], "prefix": CACHE_PREFIX,
                "scope": base_path + PREFIX, "precache": None}
    listed = json.dumps(urls, indent=1).replace("\n", "\n ")
    text = json.dumps(settings, indent=1).replace('"precache": null', '"precache": ' + listed)
    header = "// Tạo tự động khi dựng trang. Generated at build time.\nconst KIOSK = " + text + ";\n"
    return (header + source).encode("utf-8")
