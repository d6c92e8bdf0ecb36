"""QR codes as inline SVG, made at build time with segno; kept in memory and in the build cache."""

from __future__ import annotations

import functools
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import segno

from . import qrmask

qrmask.install()  # segno's own mask choice, computed with NumPy (same symbols, faster)

# What a cached SVG was made by: this file (the drawing options) and segno's version.
_MAKER = hashlib.sha256(Path(__file__).read_bytes() + segno.__version__.encode()).hexdigest()[:16]
_store: Path | None = None


def use_cache(folder: Path | None) -> None:
    """Keep the QR codes this process makes under `folder` (one file each), or only in memory (None)."""
    global _store
    _store = folder / "qr" / _MAKER if folder is not None else None


def qr_svg(data: str, title: str = "", scale: int = 4) -> str:
    """An inline <svg> QR code for `data` (error correction M), sized by its viewBox."""
    return _qr_svg(data, title, scale, _store)


@functools.lru_cache(maxsize=None)
def _qr_svg(data: str, title: str, scale: int, store: Path | None) -> str:
    """qr_svg, from memory, else from the cache folder `store`, else drawn (and saved there)."""
    path = None
    if store is not None:
        key = hashlib.sha256(f"{data}\0{title}\0{scale}".encode("utf-8")).hexdigest()
        path = store / key[:2] / f"{key}.svg"
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    code = _code(data)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, scale=scale, border=4, dark="#000", light="#fff",
              title=title or None, svgclass="qr", lineclass=None, omitsize=True)
    svg = out.getvalue().decode("utf-8")
    if path is not None:
        _save(path, svg)
    return svg


@functools.lru_cache(maxsize=4096)
def _code(data: str) -> segno.QRCode:
    """The encoded symbol (the costly part), shared by the drawings of one address with other titles and sizes."""
    return segno.make_qr(data, error="m")


def _save(path: Path, svg: str) -> None:
    """Write one cached code atomically (another worker may write the same file at the same time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(svg, encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        pass  # a read-only or full cache only makes the next build slower


@dataclass(frozen=True)
class QrCode:
    """A QR code drawn only when a template prints it (so in the worker that renders the page)."""

    data: str
    title: str = ""
    scale: int = 4

    def __html__(self) -> str:
        return qr_svg(self.data, self.title, self.scale)

    def __str__(self) -> str:
        return self.__html__()
