"""QR codes as inline SVG, made at build time with segno."""

from __future__ import annotations

import functools
import io

import segno


@functools.lru_cache(maxsize=None)
def qr_svg(data: str, title: str = "", scale: int = 4) -> str:
    """An inline <svg> QR code for `data` (error correction M), sized by its viewBox."""
    code = segno.make_qr(data, error="m")
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, scale=scale, border=4, dark="#000", light="#fff",
              title=title or None, svgclass="qr", lineclass=None, omitsize=True)
    return out.getvalue().decode("utf-8")
