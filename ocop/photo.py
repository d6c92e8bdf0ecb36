"""One photo with Pillow: its published files at every width (process_image) and the share placeholder. Pillow's
modules are imported by the functions that use them, so a build that takes every photo from the cache does
without them."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import struct
from typing import TYPE_CHECKING

import PIL  # its version only (SETTINGS)

from .imagestore import Processed

if TYPE_CHECKING:
    from PIL import Image as PILImage

MAX_PIXELS = 40_000_000
WIDTHS = (320, 640, 1280)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
SHARE_SIZE = (1200, 630)
SHARE_QUALITY = 85
SHARE_NAME = "og.jpg"
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


class BadImage(ValueError):
    """A photo that cannot be published; `str()` is the reason shown to the editor."""


def target_widths(width: int) -> tuple[int, ...]:
    """The widths published for a photo `width` pixels wide: never wider than the original."""
    largest = min(width, WIDTHS[-1])
    return tuple(w for w in WIDTHS if w < largest) + (largest,)


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
