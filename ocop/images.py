"""Product photos: each processed once (ocop.photo) over the cores, kept in a cache outside output/, and
gathered as the pictures the pages show and the files they publish."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .imagestore import Made, Processed, output_file, read_cached, source_digest, write_cached
from .models import Product
from .photo import PLACEHOLDER_KEY, SETTINGS, SHARE_NAME, BadImage, placeholder_image, process_image
from .text import slugify

PLACEHOLDER_PATH = "og-default.jpg"


@dataclass
class Stats:
    """How many photos one process processed and how many it took from the cache."""

    processed: int = 0
    cached: int = 0

    def reset(self) -> None:
        self.processed = self.cached = 0


STATS = Stats()


@dataclass(frozen=True)
class Variant:
    """One published file of a photo at one width."""

    path: str
    width: int


@dataclass(frozen=True)
class Picture:
    """A processed photo as the pages show it: the largest JPEG as `path`, every width in both formats."""

    path: str
    width: int
    height: int
    alt: str
    jpeg: tuple[Variant, ...]
    webp: tuple[Variant, ...]


def cache_key(digest: bytes, share: bool) -> str:
    """SHA-256 of the processing settings and of the source photo's SHA-256 (imagestore.source_digest)."""
    settings = json.dumps({**SETTINGS, "share_image": share}, sort_keys=True).encode()
    return hashlib.sha256(settings + b"\0" + digest).hexdigest()


def _work(job: tuple[bytes, bool]) -> Processed | str:
    """Process one photo in a worker: the result, or the reason it is bad."""
    try:
        return process_image(*job)
    except BadImage as exc:
        return str(exc)


def process_all(jobs: list[tuple[Path, bool]], cache_dir: Path) -> list[tuple[str, Processed | str] | None]:
    """(cache key, result) for each (source photo, share image?) in order, None for a photo that cannot be read;
    cache misses are processed over the cores and stored. A stored result's files are read from the cache only
    when written out (imagestore.Stored)."""
    folder = cache_dir / "images"
    keys: list[str | None] = []
    results: dict[str, Processed | str] = {}
    misses: dict[str, tuple[bytes, bool]] = {}
    for path, share in jobs:
        try:
            digest, data = source_digest(path)
            key = cache_key(digest, share)
            if key not in results and key not in misses:
                cached = read_cached(folder / f"{key}.bin")
                if cached is not None:
                    results[key] = cached
                    STATS.cached += 1
                else:
                    misses[key] = (data if data is not None else path.read_bytes(), share)
        except OSError:
            key = None
        keys.append(key)
    if misses:
        todo = list(misses.items())
        workers = min(len(todo), os.cpu_count() or 1)
        if workers > 1:
            import multiprocessing  # here: most builds process no photo (15 ms of imports)
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for (key, _), result in zip(todo, pool.map(_work, [job for _, job in todo])):
                    results[key] = _keep(folder / f"{key}.bin", result)
        else:
            for key, job in todo:
                results[key] = _keep(folder / f"{key}.bin", _work(job))
    return [None if key is None else (key, results[key]) for key in keys]


def _keep(path: Path, result: Processed | str) -> Processed | str:
    """Store a new result in the cache; from then on its bytes are read from there when needed."""
    STATS.processed += 1
    if not isinstance(result, Processed):
        return result
    write_cached(path, result)
    return read_cached(path) or result


def _file_stems(product: Product) -> list[str]:
    """A URL-safe, unique file stem for each photo of a product."""
    stems: list[str] = []
    for image in product.images:
        stem = slugify(image.source.stem) or "anh"
        candidate, n = stem, 2
        while candidate in stems:
            candidate, n = f"{stem}-{n}", n + 1
        stems.append(candidate)
    return stems


def product_pictures(products: tuple[Product, ...], cache_dir: Path
                     ) -> tuple[dict[str, tuple[Picture, ...]], dict[str, Made], list[Problem]]:
    """Process every product photo: ({slug: pictures}, {output path: (key, make)}, problems)."""
    return _gather(products, _process_products(list(products), cache_dir))


def _gather(products: tuple[Product, ...], made: list) -> tuple[dict[str, tuple[Picture, ...]], dict[str, Made], list[Problem]]:
    pictures: dict[str, tuple[Picture, ...]] = {}
    files: dict[str, Made] = {}
    problems: list[Problem] = []
    for product, (pics, product_files, product_problems) in zip(products, made):
        pictures[product.slug] = pics
        files.update(product_files)
        problems += product_problems
    files[PLACEHOLDER_PATH] = (PLACEHOLDER_KEY, placeholder_image)  # og:image of every page without a photo of its own
    return pictures, files, problems


def _process_products(products: list[Product], cache_dir: Path) -> list[tuple[tuple[Picture, ...], dict[str, Made], list[Problem]]]:
    """(pictures, {output path: (key, make)}, problems) for each product, its photos processed in one batch."""
    entries = []
    out: dict[int, tuple[list[Picture], dict[str, Made], list[Problem]]] = {id(p): ([], {}, []) for p in products}
    for product in products:
        for index, (image, stem) in enumerate(zip(product.images, _file_stems(product))):
            entries.append((product, image, stem, (image.source, index == 0)))
    results = process_all([job for *_, job in entries], cache_dir)
    for (product, image, stem, _), made in zip(entries, results):
        pics, files, problems = out[id(product)]
        if made is None:
            problems.append(Problem(product.source, image.line, "images", f"không đọc được tệp ảnh \"{image.name}\""))
            continue
        key, result = made
        if isinstance(result, str):
            problems.append(Problem(product.source, image.line, "images", f"ảnh \"{image.name}\": {result}"))
            continue
        variants = []
        for name, data in result.files.items():
            if name == SHARE_NAME:
                files[product.path + SHARE_NAME] = output_file(key, name, data)
                continue
            files[f"{product.path}{stem}-{name}"] = output_file(key, name, data)
            variants.append(name)
        widths = sorted({int(name.split(".")[0]) for name in variants})
        jpeg = tuple(Variant(f"{product.path}{stem}-{w}.jpg", w) for w in widths)
        webp = tuple(Variant(f"{product.path}{stem}-{w}.webp", w) for w in widths)
        pics.append(Picture(jpeg[-1].path, result.width, result.height, image.alt, jpeg, webp))
    return [(tuple(pics), files, problems) for pics, files, problems in (out[id(p)] for p in products)]
