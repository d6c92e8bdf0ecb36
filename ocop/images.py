"""Product photos: oriented, stripped of metadata and resized at build time with Pillow."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image as PILImage, ImageOps, UnidentifiedImageError

from .errors import Problem
from .models import Product

MAX_PIXELS = 40_000_000
WIDTH = 1280
QUALITY = 82


@dataclass(frozen=True)
class Picture:
    """A processed photo as the pages show it."""

    path: str
    width: int
    height: int
    alt: str


def process_image(data: bytes) -> tuple[bytes, int, int]:
    """JPEG bytes at most WIDTH wide, EXIF orientation applied, no metadata kept."""
    with PILImage.open(io.BytesIO(data)) as img:
        if img.width * img.height > MAX_PIXELS:
            raise ValueError(f"ảnh quá lớn ({img.width}×{img.height}, hơn 40 megapixel); hãy thu nhỏ ảnh trước")
        img.load()
        img = ImageOps.exif_transpose(img)
        img = img.convert("RGB")
        if img.width > WIDTH:
            img = img.resize((WIDTH, round(img.height * WIDTH / img.width)), PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        return out.getvalue(), img.width, img.height


def product_pictures(products: tuple[Product, ...]) -> tuple[dict[str, tuple[Picture, ...]], dict[str, bytes], list[Problem]]:
    """Process every product photo: ({slug: pictures}, {output path: bytes}, problems)."""
    pictures: dict[str, tuple[Picture, ...]] = {}
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for product in products:
        done = []
        for image in product.images:
            stem = image.source.stem
            path = f"{product.path}{stem}.jpg"
            try:
                data, width, height = process_image(image.source.read_bytes())
            except (UnidentifiedImageError, OSError, ValueError, PILImage.DecompressionBombError) as exc:
                reason = str(exc) if isinstance(exc, ValueError) else "tệp không phải ảnh hoặc ảnh bị hỏng (không đọc được)"
                problems.append(Problem(product.source, 0, "images", f"\"{image.name}\": {reason}"))
                continue
            files[path] = data
            done.append(Picture(path, width, height, image.alt))
        pictures[product.slug] = tuple(done)
    return pictures, files, problems
