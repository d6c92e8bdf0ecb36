"""The showroom kiosk: touch pages under kiosk/, and a service worker that keeps them for offline use."""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping

import jinja2
from markupsafe import Markup

from .pages import paged_jobs
from .paths import LANGUAGES, PageJob, in_language, localised
from .search import is_search_file
from .site import Listing, Site, attract_products, shelf_products

PREFIX = "kiosk/"
SEARCH_TEMPLATE = "kiosk/search.html"
SEARCH_PAGE = "kiosk/tim-kiem/index.html"
SW_TEMPLATE = "kiosk/sw.js"
SW_PATH = "kiosk/sw.js"
CACHE_PREFIX = "ocop-kiosk-"

_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S | re.I)
# an attribute follows white space (HTML's rule); searching for it from there is 4 times faster than from \b
_URL_ATTR = re.compile(r"""\s(?:src|href|data-precache)="([^"]+)\"""")


def unlinked(body_html: str) -> Markup:
    """Sanitised story HTML with every link turned into plain text (nothing to follow in the kiosk)."""
    return Markup(_LINK.sub(r"<span>\1</span>", body_html))


def outside_of(product) -> list[tuple[str, str]]:
    """(label, address) of the outside links a kiosk product page shows as QR codes: the shops, the portal."""
    outside = [(b.label, b.url) for b in product.buy]
    if product.traceability and product.traceability.portal:
        outside.append(("", product.traceability.portal))
    return outside


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
    made += [PageJob(PREFIX + p.path + "index.html", "kiosk/product.html", {**shared, "product": p})
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
    """(URL without #part, output file) for the page itself and each same-site file (script, style, photo, search
    index) its attributes name. Links to other pages are left out: each kiosk page names itself, and the
    precache takes a page's own files, never the pages it links to (those are kept when visited)."""
    found = {(base_path + path.removesuffix("index.html"), path)}
    page_dir = posixpath.dirname(base_path + path) + "/"
    for raw in _URL_ATTR.findall(data.decode("utf-8")):
        url = html.unescape(raw)
        if "://" in url or url.startswith(("data:", "mailto:", "tel:", "#", "//")):
            continue
        url = url if url.startswith("/") else posixpath.normpath(page_dir + url.split("#", 1)[0]) + ("/" if url.endswith("/") else "")
        target = _file_for(base_path, url)
        if target is not None and not target.endswith(".html"):
            found.add((url.split("#", 1)[0], target))
    return tuple(sorted(found))


# The offline precache: the kiosk's frame (home, browse and search pages, page 1 of each listing, scripts, styles,
# the search index) and the products on the showroom's shelf, then the photos of those pages, the attract loop's
# products and the rest of the kiosk, as long as the whole stays under both limits. What is left out is kept
# by the worker when it is first shown.
PRECACHE_MAX_BYTES = 32_000_000
PRECACHE_MAX_URLS = 3_000
RUNTIME_MAX = 2_000  # pages and photos kept as visited, beyond the precache (the oldest leave first)
PRECACHE_PATH = "kiosk/precache.json"


def _each_language(paths: list[str]) -> list[str]:
    return [localised(PREFIX + path, lang) for lang in LANGUAGES for path in paths]


def frame_pages(site: Site) -> list[str]:
    """The kiosk pages a visitor passes through, in every language: home, browse indexes, page 1 of every
    listing, search (when the kiosk has it)."""
    pages = ["index.html", "sao/index.html", "nhom/index.html", "xa/index.html", "san-pham/index.html"]
    pages += [listing.path + "index.html" for listing in kiosk_listings(site.star_levels + site.groups + site.communes)]
    return _each_language(pages + [SEARCH_PAGE.removeprefix(PREFIX)])


def product_pages(products) -> list[str]:
    """The kiosk pages of these products, in every language."""
    return _each_language([p.path + "index.html" for p in products])


def precache_order(refs: Mapping[str, tuple[tuple[str, str], ...]], frame: list[str], shelf: list[str],
                   attract: list[str], files: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(URL, output file) in the order the precache takes them: the frame's pages, their scripts and styles and
    `files`; the shelf's pages and photos; the frame's photos; the attract loop's pages and photos; then every
    other kiosk page of `refs` with its photos, in the order given (a small catalog fits whole)."""
    def kind(page: str, target: str) -> str:
        if target == page:
            return "page"
        return "asset" if target.startswith("assets/") else "photo"

    def take(pages: list[str], kinds: tuple[str, ...]) -> Iterator[tuple[str, str]]:
        if kinds == whole:  # the common case, without a call for each pair
            return (pair for page in pages for pair in refs.get(page, ()))
        return ((url, target) for page in pages for url, target in refs.get(page, ()) if kind(page, target) in kinds)

    whole = ("page", "asset", "photo")  # made as taken: precache_list stops once the list is full
    return itertools.chain(take(frame, ("page", "asset")), files, take(shelf, whole), take(frame, ("photo",)),
                           take(attract, whole), take(list(refs), whole))


def precache_list(order: Iterable[tuple[str, str]], outputs: Mapping) -> list[str]:
    """The URLs of `order`, once each, while the total stays under PRECACHE_MAX_BYTES and PRECACHE_MAX_URLS;
    one that would pass a limit is left out (the browser keeps it when it is first shown). `outputs` gives each
    output file (its .size)."""
    taken: dict[str, None] = {}
    total = 0
    for url, target in order:
        if len(taken) >= PRECACHE_MAX_URLS:
            break
        out = outputs.get(target)
        if url in taken or out is None or total + out.size > PRECACHE_MAX_BYTES:
            continue
        taken[url] = None
        total += out.size
    return sorted(taken)


def service_worker(base_path: str, source: str, versions: Mapping[str, bytes], precache: list[str]) -> dict[str, bytes]:
    """kiosk/sw.js (the worker's code with its settings written in) and kiosk/precache.json (what it stores
    when installed). `versions` maps the URL of every kiosk page, and of every file those pages name, to the
    digest of what it serves: the cache name carries a hash of all of them and of the worker's code, so a new
    build installs into a new cache, and what the kiosk kept as it was visited never outlives its build."""
    digest = hashlib.sha256(source.encode("utf-8"))
    digest.update(b"".join(b"\0" + url.encode("utf-8") + b"\0" + versions[url] for url in sorted(versions)))
    cache = CACHE_PREFIX + digest.hexdigest()[:16]
    settings = {"cache": cache, "prefix": CACHE_PREFIX, "scope": base_path + PREFIX,
                "precache": base_path + PRECACHE_PATH, "precached": len(precache), "runtime": RUNTIME_MAX}
    header = "// Tạo tự động khi dựng trang. Generated at build time.\nconst KIOSK = " + json.dumps(settings, indent=1) + ";\n"
    # json.dumps({"cache": cache, "urls": precache}, indent=1), written out: with an indent, json encodes in
    # Python, value by value (a tenth of a serve rebuild at 1,000 products)
    urls = "[\n  " + ",\n  ".join(map(json.dumps, precache)) + "\n ]" if precache else "[]"
    listed = f'{{\n "cache": {json.dumps(cache)},\n "urls": {urls}\n}}\n'
    return {SW_PATH: (header + source).encode("utf-8"), PRECACHE_PATH: listed.encode("utf-8")}


def worker_files(site: Site, source: str, outputs: Mapping) -> dict[str, bytes]:
    """kiosk/sw.js and kiosk/precache.json for this build's outputs (state.Output: digest, size, refs)."""
    base_path = site.config.base_path
    products = product_pages(site.products)  # the rest of the kiosk in catalog order, then its other pages
    refs = {path: outputs[path].refs for path in products if path in outputs}
    pages, searched = [], []  # one pass over every output: the other kiosk pages, the search files
    for path, out in outputs.items():
        if out.refs:
            if path not in refs:
                pages.append(path)
        elif is_search_file(path):
            searched.append(path)
    refs.update((path, outputs[path].refs) for path in sorted(pages))
    named = set(itertools.chain.from_iterable(refs.values()))  # (URL, file) pairs: many pages name the same
    versions = {url: outputs[target].digest for url, target in named if target in outputs}
    index = [(base_path + path, path) for path in sorted(searched)]  # search works offline
    versions.update((url, outputs[path].digest) for url, path in index)
    order = precache_order(refs, frame_pages(site), product_pages(shelf_products(site)),
                           product_pages(attract_products(site)), index)
    return service_worker(base_path, source, versions, precache_list(order, outputs))
