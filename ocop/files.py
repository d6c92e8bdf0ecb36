"""The output files that are not pages: assets, photos, QR codes, search indexes, open data, sitemap, robots.txt
and the CMS, each as (key, make): a file whose key is the same as last time is kept without being made."""

from __future__ import annotations

import functools
import hashlib

from .admin import ADMIN, admin_pages, bundle_info, bundle_outputs
from .exports import products_csv_files, products_json_files, robots_txt, sitemap_files
from .kiosk import outside_links
from .names import BODY, Scope, fingerprint, ident
from .parts import file_set, numbered
from .paths import PageJob
from .qr import link_qr_path, qr_svg
from .refdata import load_refdata
from .render import product_qr_path, product_qr_target
from .search import INDEX_PATH, is_search_file, search_indexes, use_word_store, used_words
from .site import Site
from .state import BuildState, Output


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def other_files(site: Site, scope: Scope, texts: dict, jobs: list[PageJob], assets: dict[str, bytes],
                image_files: dict[str, tuple], old: dict[str, Output], state: BuildState) -> dict:
    """{path: (key, make)} of every output file that is not a page (`jobs`: the public pages, for the sitemap)."""
    config = site.config
    files: dict = {}
    for name, data in assets.items():
        files[f"assets/{name}"] = (_digest(data), lambda data=data: data)
    files.update(image_files)  # photos: (key, make), read from the photo cache when written
    origin = config.origin + config.base_path
    before = {path: out for path, out in old.items() if not path.endswith(".html")}  # the files of file_set()
    for p in site.products:
        target = origin + product_qr_target(p)
        files[product_qr_path(p)] = (target.encode("utf-8"), lambda target=target: qr_svg(target))
    for url in outside_links(site):
        files[link_qr_path(url)] = (url.encode("utf-8"), lambda url=url: qr_svg(url))
    catalog = fingerprint((ident(site.products), [scope.fingerprint(name) + scope.fingerprint(name + BODY)
                                                  for name in sorted(scope.entities)], texts))

    def make_indexes() -> dict[str, bytes]:
        use_word_store(state.words)  # the stories' words as the last build found them
        try:
            return search_indexes(site, texts)
        finally:
            state.words = used_words()  # only those of this catalog's stories are kept

    files.update(file_set(before, is_search_file, INDEX_PATH, catalog, make_indexes))  # every language's at once
    files.update(file_set(before, numbered("products.json"), "products.json", catalog, lambda: products_json_files(site)))
    files.update(file_set(before, numbered("products.csv"), "products.csv", catalog, lambda: products_csv_files(site)))
    key = fingerprint((origin, [job.path for job in jobs]))
    files.update(file_set(before, numbered("sitemap.xml"), "sitemap.xml", key, lambda: sitemap_files(site, jobs)))
    files["robots.txt"] = (origin.encode("utf-8"), lambda: robots_txt(site))
    files[".nojekyll"] = (b"", lambda: b"")
    ref = load_refdata(config.data_dir)  # /admin/: the web forms, made again when what they show changes
    admin = functools.cache(lambda: admin_pages(config, ref))
    admin_key = _digest(repr((ref, config.admin, config.title, config.base_url, config.base_path,
                              sorted(bundle_info().items()))).encode("utf-8"))
    for path in (ADMIN + "index.html", ADMIN + "config.yml"):
        files[path] = (admin_key, lambda path=path: admin()[path])
    files.update(bundle_outputs())  # the CMS script, in parts under 1 MB
    return files
