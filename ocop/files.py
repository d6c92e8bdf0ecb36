"""The output files that are not pages: assets, photos, QR codes, search indexes, open data, sitemap, robots.txt
and the CMS, each as (path, key, make): a file whose key is the same as last time is kept without being made."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator

from .admin import ADMIN, admin_pages, bundle_info, bundle_outputs
from .exports import products_csv_files, products_json_files, robots_txt, sitemap_files
from .names import BODY, Scope, fingerprint, ident
from .parts import Batch, OtherFile, file_set, numbered
from .paths import PageJob
from .qr import qr_svg
from .refdata import load_refdata
from .render import product_qr_path, product_qr_target
from .search import INDEX_PATH, is_search_file, search_indexes, use_postings, use_word_store, used_words
from .site import Site
from .state import BuildState, Output


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def other_files(site: Site, scope: Scope, texts: dict, jobs: list[PageJob], assets: dict[str, bytes],
                image_files: dict[str, tuple], old: dict[str, Output], state: BuildState,
                kept: dict) -> Iterator[OtherFile]:
    """(path, key, make) of every output file that is not a page (`jobs`: the public pages, for the sitemap),
    in a fixed order; `kept` is saved with the content cache (the search postings). A set of files made together
    (the search index, open data, sitemap) is made only when the builder comes to it, so that one set's bytes
    are in memory at a time."""
    config = site.config
    for name, data in assets.items():
        yield f"assets/{name}", _digest(data), lambda data=data: data
    for path, (key, make) in image_files.items():  # photos: read from the photo cache when written
        yield path, key, make
    origin = config.origin + config.base_path
    # the files file_set() may have made (JSON, CSV, XML), without the thousands of pages, QR codes and photos
    before = {path: out for path, out in old.items() if path.endswith((".json", ".csv", ".xml"))}
    for p in site.products:
        target = origin + product_qr_target(p)
        yield product_qr_path(p), target.encode("utf-8"), Batch(qr_svg, target)
    entities = [scope.fingerprint(name) + scope.fingerprint(name + BODY) for name in sorted(scope.entities)]
    catalog = _digest(b"".join([repr(ident(site.products)).encode("utf-8"), *entities,  # the order, what each is
                                *[scope.fingerprint("text:" + lang) for lang in sorted(texts)]]))

    def make_indexes() -> dict[str, bytes]:
        use_word_store(state.words)  # the stories' words as the last build found them
        use_postings(kept.setdefault("postings", {}))
        try:
            return search_indexes(site, texts)
        finally:
            state.words = used_words()  # only those of this catalog's stories are kept

    yield from file_set(before, is_search_file, INDEX_PATH, catalog, make_indexes)  # every language's at once
    yield from file_set(before, numbered("products.json"), "products.json", catalog, lambda: products_json_files(site))
    yield from file_set(before, numbered("products.csv"), "products.csv", catalog, lambda: products_csv_files(site))
    key = fingerprint((origin, [job.path for job in jobs]))
    yield from file_set(before, numbered("sitemap.xml"), "sitemap.xml", key, lambda: sitemap_files(site, jobs))
    yield "robots.txt", origin.encode("utf-8"), lambda: robots_txt(site)
    yield ".nojekyll", b"", lambda: b""
    ref = load_refdata(config.data_dir)  # /admin/: the web forms, made again when what they show changes
    admin = functools.cache(lambda: admin_pages(config, ref))
    admin_key = _digest(repr((ref, config.admin, config.title, config.base_url, config.base_path,
                              sorted(bundle_info().items()))).encode("utf-8"))
    for path in (ADMIN + "index.html", ADMIN + "config.yml"):
        yield path, admin_key, lambda path=path: admin()[path]
    for path, (key, make) in bundle_outputs().items():  # the CMS script, in parts under 1 MB
        yield path, key, make
