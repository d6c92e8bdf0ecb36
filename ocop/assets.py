"""Static assets: copied from assets/ into the output, with a content hash for cache busting."""

from __future__ import annotations

import hashlib
from pathlib import Path


def collect_assets(assets_dir: Path) -> dict[str, bytes]:
    """{name relative to assets/: bytes} for every file under assets/, sorted."""
    if not assets_dir.is_dir():
        return {}
    return {
        path.relative_to(assets_dir).as_posix(): path.read_bytes()
        for path in sorted(assets_dir.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def asset_versions(assets: dict[str, bytes]) -> dict[str, str]:
    """{name: first 10 hex digits of its SHA-256}, used as ?v= in links."""
    return {name: hashlib.sha256(data).hexdigest()[:10] for name, data in assets.items()}
