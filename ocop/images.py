"""Product photos: oriented, stripped of metadata, resized to WebP and JPEG widths, cached outside output/."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import multiprocessing
import os
import struct
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import PIL  # the version only: Pillow's modules are imported when a photo is first processed (ocop.images._pil)

from .errors import Problem
from .imagestore import Made, Processed, output_file, read_cached, source_digest, write_cached
from .models import Product
from .text import slugify

if TYPE_CHECKING:
    from PIL import Image as PILImage

MAX_PIXELS = 40_000_000
WIDTHS = (320, 640, 1280)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
SHARE_SIZE = (1200, 630)
SHARE_QUALITY = 85
SHARE_NAME = "og.jpg"
PLACEHOLDER_PATH = "og-default.jpg"
PIPELINE_VERSION = 1
SETTINGS = {
    "pipeline": PIPELINE_VERSION,
    "pillow": PIL.__version__,
    "widths": WIDTHS,
    "jpeg_quality": JPEG_QUALITY,
    "webp_quality": WEBP_QUALITY,
    "share": SHARE_SIZE,
    "share_quality": SHARE_QUALITY,
    "max_pixels": MAX_PIXELS,
}
PLACEHOLDER_KEY = hashlib.sha256(json.dumps({**SETTINGS, "placeholder": 1}, sort_keys=True).encode()).digest()


@functools.cache
def _srgb():  # type: ignore[no-untyped-def]
    """The sRGB colour profile photos are converted to."""
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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


class BadImage(ValueError):
    """A photo that cannot be published; `str()` is the reason shown to the editor."""


def target_widths(width: int) -> tuple[int, ...]:
    """The widths published for a photo `width` pixels wide: never wider than the original."""
    largest = min(width, WIDTHS[-1])
    return tuple(w for w in WIDTHS if w < largest) + (largest,)


def cache_key(digest: bytes, share: bool) -> str:
    """SHA-256 of the processing settings and of the source photo's SHA-256 (imagestore.source_digest)."""
    settings = json.dumps({**SETTINGS, "share_image": share}, sort_keys=True).encode()
    return hashlib.sha256(settings + b"\0" + digest).hexdigest()


def _to_srgb(img: PILImage.Image) -> PILImage.Image:
    """RGB pixels in sRGB: embedded colour profiles are applied, transparency is laid on white."""
    from PIL import Image as PILImage, ImageCms

    icc = img.info.get("icc_profile")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        img = PILImage.new("RGBA", rgba.size, "white")
        img.alpha_composite(rgba)
    if icc:
        try:
            img = ImageCms.profileToProfile(img, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _srgb(), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    img = img.convert("RGB")
    img.info = {}
    return img


def _encode(img: PILImage.Image, fmt: str, quality: int) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        img.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        img.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()


def _cover(img: PILImage.Image, size: tuple[int, int]) -> PILImage.Image:
    """The photo scaled and centre-cropped to fill `size` exactly."""
    from PIL import Image as PILImage, ImageOps

    return ImageOps.fit(img, size, PILImage.Resampling.LANCZOS, centering=(0.5, 0.5))


def process_image(data: bytes, share: bool = False) -> Processed:
    """Every published file of one photo; raises BadImage with a reason in Vietnamese."""
    from PIL import Image as PILImage, ImageOps, UnidentifiedImageError

    try:
        with PILImage.open(io.BytesIO(data)) as img:
            raw_w, raw_h = img.size
            if raw_w * raw_h > MAX_PIXELS:
                raise BadImage(f"ảnh quá lớn ({raw_w}×{raw_h} điểm ảnh, hơn 40 megapixel); hãy thu nhỏ ảnh trước khi đưa lên")
            orientation = img.getexif().get(0x0112, 1)
            swap = orientation in (5, 6, 7, 8)
            width, height = (raw_h, raw_w) if swap else (raw_w, raw_h)
            widths = target_widths(width)
            scale = widths[-1] / width
            if share:
                scale = max(scale, SHARE_SIZE[0] / width, SHARE_SIZE[1] / height)
            if img.format == "JPEG" and scale < 1:
                img.draft("RGB", (int(raw_w * scale) + 1, int(raw_h * scale) + 1))
            img.load()
            img = ImageOps.exif_transpose(img)
            img = _to_srgb(img)
    except BadImage:
        raise
    except PILImage.DecompressionBombError:
        raise BadImage("ảnh quá lớn (hơn 40 megapixel); hãy thu nhỏ ảnh trước khi đưa lên") from None
    except (UnidentifiedImageError, SyntaxError):
        raise BadImage("tệp không phải là ảnh (cần ảnh JPEG, PNG hoặc WebP)") from None
    except (OSError, ValueError, EOFError, struct.error):
        raise BadImage("ảnh bị hỏng hoặc chưa tải xong hết (tệp bị cắt cụt); hãy chép lại ảnh gốc") from None
    files: dict[str, bytes] = {}
    if share:
        files[SHARE_NAME] = _encode(_cover(img, SHARE_SIZE), "JPEG", SHARE_QUALITY)
    current = img
    sizes = []
    for w in sorted(widths, reverse=True):
        size = (w, max(1, round(height * w / width)))  # from the original's proportions, not the previous step
        current = current if current.size == size else current.resize(size, PILImage.Resampling.LANCZOS)
        sizes.append(current.size)
        files[f"{w}.jpg"] = _encode(current, "JPEG", JPEG_QUALITY)
        files[f"{w}.webp"] = _encode(current, "WEBP", WEBP_QUALITY)
    return Processed(*sizes[0], dict(sorted(files.items())))


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


@functools.lru_cache(maxsize=1)
def placeholder_image() -> bytes:
    """A neutral 1200×630 share image drawn in the site's colours: hills and a star, no text (drawn again only
    when PLACEHOLDER_KEY, the settings and Pillow's version, changes)."""
    from PIL import Image as PILImage, ImageDraw

    w, h = SHARE_SIZE
    img = PILImage.new("RGB", SHARE_SIZE, "#e8f2ea")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, h - 40, w, h), fill="#1f5130")
    cx, cy, r = w // 2, h // 2 - 20, 210
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill="#ffffff", outline="#c9d3cb", width=4)
    s = r / 20
    hills = [(6, 28), (14, 14), (20, 23), (25, 16), (34, 28)]
    draw.polygon([(cx + (x - 20) * s, cy + (y - 20) * s) for x, y in hills], fill="#1f5130")
    star = [(20, 6), (22.2, 10.6), (27.2, 11.2), (23.5, 14.6), (24.5, 19.6), (20, 17.1), (15.5, 19.6), (16.5, 14.6),
            (12.8, 11.2), (17.8, 10.6)]
    draw.polygon([(cx + (x - 20) * s, cy + (y - 20) * s) for x, y in star], fill="#b8860b")
    return _encode(img, "JPEG", SHARE_QUALITY)
