"""The build pipeline: settings, content, site model, rendered files."""

from __future__ import annotations

from dataclasses import dataclass

from . import qr
from .assets import asset_versions, collect_assets
from .cache import BuildCache
from .config import Config
from .content import load_catalog
from .errors import ContentErrors, Problem
from .incremental import Changes, keeper
from .exports import products_csv, products_json, robots_txt, sitemap_xml
from .images import product_pictures
from .links import body_link_problems
from .kiosk import SW_PATH as KIOSK_WORKER, kiosk_files
from .refdata import load_refdata
from .search import search_indexes
from .render import load_all_translations, make_environment, page_jobs, render_pages
from .site import Site, build_site


@dataclass(frozen=True)
class BuildResult:
    """The rendered site in memory, and the warnings found on the way."""

    site: Site
    files: dict[str, bytes]
    warnings: tuple[Problem, ...]
    changed: list[str] | None = None  # the paths that may differ from the last build's, when known (`serve`)
    parts: dict[str, object] | None = None  # the parts `changed` was told by (ocop.incremental.Changes)


def load_site(config: Config, memo=None) -> tuple[Site, dict[str, bytes], tuple[Problem, ...]]:
    """Read and validate everything (no output written); raise ContentErrors with every problem."""
    kept = memo.kept if memo is not None else None
    ref = keeper(kept).by_key("refdata", config.data_dir, lambda: load_refdata(config.data_dir))
    if memo is not None:
        catalog, problems = load_catalog(config.content_dir, ref, memo.content)
    else:
        cache = BuildCache(config.cache_dir if config.use_cache else None, config.jobs)
        try:
            cache.prepare(config.content_dir)
            catalog, problems = load_catalog(config.content_dir, ref, cache)
        finally:
            cache.save()
    if catalog is None:
        raise ContentErrors(problems)
    pictures, image_files, image_problems = product_pictures(catalog.products, config.cache_dir, kept)
    if image_problems:
        raise ContentErrors(image_problems + [p for p in problems if not p.is_error])
    previous = memo.pages.site if memo is not None else None
    edits = memo.content.edits if memo is not None else None
    return build_site(config, catalog, ref, pictures, previous, edits), image_files, catalog.warnings


def render_site(config: Config, memo=None) -> BuildResult:
    """Build every output file in memory: pages, data files, assets and images.

    `memo` (an ocop.incremental.BuildMemo) lets a rebuild reuse what did not change; the files are
    the same bytes either way. Pages rendered from templates belong in render.page_jobs.
    """
    qr.use_cache(config.cache_dir if config.use_cache else None)
    site, image_files, warnings = load_site(config, memo)
    kept = keeper(memo.kept if memo is not None else None)  # what a `serve` rebuild can take from the last build
    if memo is not None:
        memo.pages.begin(site)
    assets = kept.by_key("assets", config.assets_dir, lambda: collect_assets(config.assets_dir))
    env = kept.by_key("env", config.templates_dir, lambda: make_environment(config, asset_versions(assets)))
    t = kept.by_key("texts", config.data_dir, lambda: load_all_translations(config.data_dir))  # {language: interface text}
    jobs = page_jobs(site, kept)
    changes = Changes(memo.parts if memo is not None else None)
    files = render_pages(site, env, t, jobs, memo.pages if memo else None)
    changes.part("pages", files, memo.pages.changed() if memo else None)
    files.update(image_files)
    changes.part("images", image_files)
    files.update({f"assets/{name}": data for name, data in assets.items()})
    changes.part("assets", assets)
    for path, data in search_indexes(site, t, kept).items():  # before the kiosk, whose service worker precaches them
        files[path] = data
        changes.file(path)
    kiosk = kiosk_files(site, env, t, files, memo.pages if memo else None, kept, changes.paths)
    files.update(kiosk)
    kiosk_pages = memo.pages.changed("kiosk") if memo is not None else None
    changes.part("kiosk", kiosk, None if kiosk_pages is None else kiosk_pages + [KIOSK_WORKER])
    files["products.json"] = products_json(site, kept)
    files["products.csv"] = products_csv(site, kept)
    files["sitemap.xml"] = sitemap_xml(site, jobs, kept, memo is not None and memo.pages.changed() is not None)
    files["robots.txt"] = robots_txt(site)
    files[".nojekyll"] = b""
    for path in ("products.json", "products.csv", "sitemap.xml", "robots.txt", ".nojekyll"):
        changes.file(path)
    dead = body_link_problems(site.products + site.producers + site.pages, files, config.base_path,
                              config.content_dir.parent, memo.kept if memo is not None else None)
    if dead:
        raise ContentErrors(dead + [p for p in warnings if not p.is_error])
    if memo is not None and changes.paths is None:
        memo.pages.prune(files)  # pages no longer made (a product deleted); none when every part kept its paths
    return BuildResult(site, files, warnings, changes.paths, changes.parts)
