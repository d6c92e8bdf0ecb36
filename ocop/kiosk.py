"""The showroom kiosk: touch pages under kiosk/, QR codes, and a service worker that precaches them all."""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from collections import ChainMap
from collections.abc import Callable, Mapping
from operator import itemgetter

import jinja2
from markupsafe import Markup

from .incremental import Kept, keeper
from .qr import QrCode
from .render import LANGUAGES, PageJob, in_language, render_pages
from .site import Listing, Site, attract_products

PREFIX = "kiosk/"
SEARCH_TEMPLATE = "kiosk/search.html"
SEARCH_PAGE = "kiosk/tim-kiem/index.html"
SW_TEMPLATE = "kiosk/sw.js"
SW_PATH = "kiosk/sw.js"
CACHE_PREFIX = "ocop-kiosk-"

_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S | re.I)
_URL_ATTR = re.compile(r"""\b(?:src|href|data-precache)="([^"]+)\"""")


def public_url(site: Site, path: str) -> str:
    """The absolute public address of a site path, from the configured base URL."""
    return site.config.origin + site.config.base_path + path.lstrip("/")


def unlinked(body_html: str) -> Markup:
    """Sanitised story HTML with every link turned into plain text (nothing to follow in the kiosk)."""
    return Markup(_LINK.sub(r"<span>\1</span>", body_html))


def _product_context(site: Site, product) -> dict:
    """What the kiosk product page shows besides the model: public QR and QR codes for outside links."""
    url = public_url(site, product.path)
    outside = [(b.label, b.url) for b in product.buy]
    if product.traceability and product.traceability.portal:
        outside.append(("", product.traceability.portal))
    return {
        "product": product,
        "public_url": url,
        "public_qr": QrCode(url, product.title, 6),
        "outside": [(label, link, QrCode(link, label, 4)) for label, link in outside],
        "story": unlinked(product.body_html),
        "story_en": unlinked(product.body_en_html),
    }


def kiosk_listings(listings: tuple[Listing, ...]) -> tuple[Listing, ...]:
    """The listings worth a tile on a touch screen: those with products."""
    return tuple(listing for listing in listings if listing.products)


def kiosk_jobs(site: Site, env: jinja2.Environment, kept: Kept | None = None) -> list[PageJob]:
    """Every kiosk page in every language (the others under kiosk/<lang>/): home, the three browse indexes,
    their listings and one page per product.

    `kept` (ocop.incremental) keeps each product's jobs, so an unchanged product gives the very same jobs,
    and the list of thousands is put together at C speed.
    """
    kept = keeper(kept)
    browse = {kind: tuple(h for h in site.heads[kind] if h.count) for kind in ("stars", "group", "commune")}
    listings = {"stars": kiosk_listings(site.star_levels), "group": kiosk_listings(site.groups),
                "commune": kiosk_listings(site.communes)}
    has_search = SEARCH_TEMPLATE in env.list_templates()
    shared = {"has_search": has_search}  # `browse` only for the pages that show it: an edit in `serve` re-renders few
    head = [PageJob(PREFIX + "index.html", "kiosk/home.html",
                    {**shared, "browse": browse, "attract": attract_products(site)})]
    head.append(PageJob(PREFIX + "san-pham/index.html", "kiosk/listing.html",
                        {**shared, "title_key": "all_products", "title": "", "products": site.products, "kind": "all"}))
    for kind, index_path in (("stars", "sao/"), ("group", "nhom/"), ("commune", "xa/")):
        head.append(PageJob(PREFIX + index_path + "index.html", "kiosk/listings.html",
                            {**shared, "browse": browse, "kind": kind}))
        for listing in listings[kind]:
            head.append(PageJob(PREFIX + listing.path + "index.html", "kiosk/listing.html",
                                {**shared, "title_key": "", "title": listing.title, "products": listing.products,
                                 "kind": kind, "listing": listing}))
    tail = [PageJob(SEARCH_PAGE, SEARCH_TEMPLATE, {**shared, "browse": browse})] if has_search else []

    def product_jobs(product) -> dict[str, PageJob]:
        job = PageJob(PREFIX + product.path + "index.html", "kiosk/product.html", {**shared, **_product_context(site, product)})
        return {lang: in_language(job, lang) for lang in LANGUAGES}

    own = kept.each(f"kiosk-jobs-{has_search}", site.products, product_jobs)
    jobs: list[PageJob] = []
    for lang in LANGUAGES:
        jobs += [in_language(job, lang) for job in head]
        jobs += map(itemgetter(lang), own)
        jobs += [in_language(job, lang) for job in tail]
    return jobs


def _page_url(base_path: str, path: str) -> str:
    """The URL a browser asks for to show an output file: folders end with "/"."""
    return base_path + path.removesuffix("index.html")


def _file_for(base_path: str, url: str) -> str | None:
    """The output file a same-site URL points at ("kiosk/" -> "kiosk/index.html"), or None."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _references(base_path: str, path: str, data: bytes) -> list[tuple[str, str | None]]:
    """(URL without #part, output file) for each same-site URL a page's attributes name."""
    found = []
    page_dir = posixpath.dirname(base_path + path) + "/"
    for raw in _URL_ATTR.findall(data.decode("utf-8")):
        url = html.unescape(raw)
        if "://" in url or url.startswith(("data:", "mailto:", "tel:", "#", "//")):
            continue
        url = url if url.startswith("/") else posixpath.normpath(page_dir + url.split("#", 1)[0]) + ("/" if url.endswith("/") else "")
        target = _file_for(base_path, url)
        if target is not None:
            found.append((url.split("#", 1)[0], target))
    return found


class Precache:
    """The worker's precache list and cache version, kept between `serve` rebuilds: a page's references
    are read again only when its bytes changed, and a file is hashed again only when its bytes changed."""

    def __init__(self) -> None:
        self.refs: dict[str, tuple[bytes, list]] = {}  # page -> (its bytes, the (URL, file) pairs it names)
        self.present: dict[str, bool] = {}  # every referenced file -> whether the build has it
        self.sources: dict[str, str] = {}  # URL -> the output file it serves
        self.urls: list[str] = []
        self.served: dict[str, list[str]] = {}  # output file -> the URLs it serves
        self.digests: dict[str, tuple[bytes, bytes]] = {}  # URL -> (bytes, what the version hashes of it)
        self.list_json = ""
        self.fragments: dict[tuple[int, str], tuple[bytes, list]] = {}  # (fragment, page folder) -> its references

    def update(self, base_path: str, pages: dict[str, bytes], files: Mapping[str, bytes],
               changed_pages: list[str] | None = None, changed_files: list[str] | None = None,
               parts_of: Callable[[str], tuple[list[bytes], list[list[bytes]]] | None] | None = None) -> None:
        """Bring the list up to date with the kiosk `pages` and every output file (`files`, pages included).

        `changed_pages` and `changed_files`: the pages and files whose bytes may differ from the last call's,
        which had the same paths (ocop.incremental.Changes); None: every one is looked at. `parts_of(path)`:
        a page's own text and spliced fragments (ocop.incremental.PageMemo), so that a listing of thousands
        whose card for one product changed is read again only in that card.
        """
        changed = changed_pages
        if changed is None:
            changed = [path for path, data in pages.items() if self.refs.get(path, (None,))[0] is not data]
        before = {path: self.refs[path][1] for path in changed if path in self.refs}
        if len(self.fragments) > 4 * len(pages) + 1000:
            self.fragments = {}  # forget fragments no page shows any more
        for path in changed:
            parts = parts_of(path) if parts_of is not None else None
            self.refs[path] = (pages[path], _references(base_path, path, pages[path]) if parts is None
                               else self._references_in_parts(base_path, path, *parts))
        same = (self.list_json and len(self.refs) == len(pages)
                and all(path in before and set(before[path]) == set(self.refs[path][1]) for path in changed)  # any order
                and (changed_files is not None
                     or all((target in files) == present for target, present in self.present.items())))
        if not same:
            self.refs = {path: self.refs[path] for path in pages}
            self.sources, self.present = {}, {}
            for path in pages:
                self.sources[_page_url(base_path, path)] = path
                for url, target in self.refs[path][1]:
                    self.present[target] = target in files
                    if target in files:
                        self.sources[url] = target
            self.urls = sorted(self.sources)
            self.served = {}
            for url in self.urls:
                self.served.setdefault(self.sources[url], []).append(url)
            self.list_json = json.dumps(self.urls, indent=1).replace("\n", "\n ")
        moved = changed_files if same and changed_files is not None else self.served
        for path in moved:
            data = files[path]
            for url in self.served.get(path, ()):
                hit = self.digests.get(url)
                if hit is None or hit[0] is not data:
                    self.digests[url] = (data, b"\0" + url.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
        if not same:
            self.digests = {url: self.digests[url] for url in self.urls}

    def _references_in_parts(self, base_path: str, path: str, shell: list[bytes], splices: list[list[bytes]]) -> list:
        """_references() of a page made of `shell` with `splices` between, each fragment read once."""
        found = [ref for piece in shell for ref in _references(base_path, path, piece)]
        folder = posixpath.dirname(path)  # relative addresses resolve against the page's folder
        for fragments in splices:
            for fragment in fragments:
                key = (id(fragment), folder)
                hit = self.fragments.get(key)
                if hit is None or hit[0] is not fragment:
                    hit = self.fragments[key] = (fragment, _references(base_path, path, fragment))
                found += hit[1]
        return found

    def version(self, worker_source: str) -> str:
        """A short content hash of the precache list, every cached byte and the worker's code."""
        joined = b"".join(map(itemgetter(1), map(self.digests.__getitem__, self.urls)))
        return hashlib.sha256(worker_source.encode("utf-8") + joined).hexdigest()[:16]


def service_worker(site: Site, env: jinja2.Environment, pages: dict[str, bytes], files: Mapping[str, bytes],
                   kept: Kept | None = None, changed_pages: list[str] | None = None,
                   changed_files: list[str] | None = None, parts_of: Callable | None = None) -> bytes:
    """kiosk/sw.js: the worker's code with its versioned cache name and precache list written in
    (`changed_pages`, `changed_files`, `parts_of`: as for Precache.update)."""
    source = env.loader.get_source(env, SW_TEMPLATE)[0]  # type: ignore[union-attr]  # plain JS, not a Jinja template
    state = keeper(kept).by_key("kiosk", "precache", Precache)
    state.update(site.config.base_path, pages, files, changed_pages, changed_files, parts_of)
    settings = {"cache": CACHE_PREFIX + state.version(source), "prefix": CACHE_PREFIX,
                "scope": site.config.base_path + PREFIX, "precache": None}
    text = json.dumps(settings, indent=1).replace('"precache": null', '"precache": ' + state.list_json)
    header = "// Tạo tự động khi dựng trang. Generated at build time.\nconst KIOSK = " + text + ";\n"
    return (header + source).encode("utf-8")


def kiosk_files(site: Site, env: jinja2.Environment, t: dict[str, dict[str, str]], files: dict[str, bytes],
                memo=None, kept: Kept | None = None, changed: list[str] | None = None) -> dict[str, bytes]:
    """Render the kiosk pages in every language (kiosk/, kiosk/en/) and its service worker, which precaches
    them all; `t` is {language: interface text}, `files` the rest of the site (assets, photos).
    `memo` (an ocop.incremental.PageMemo) reuses unchanged pages, as render_pages does; `changed`: the
    paths of `files` that may differ from the last build's, when it had the same paths (else None)."""
    pages = render_pages(site, env, t, kiosk_jobs(site, env, kept), memo, "kiosk")
    own = memo.changed("kiosk") if memo is not None else None
    known = None if own is None or changed is None else changed + own
    pages[SW_PATH] = service_worker(site, env, pages, ChainMap(pages, files), kept, own, known,
                                    memo.parts_of if memo is not None else None)
    return pages
