"""The processed-photo cache: one file per source photo, its sizes and bytes, written atomically."""

from __future__ import annotations

import json
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

_MAGIC = b"OCOPIMG1"


@dataclass(frozen=True)
class Processed:
    """What one source photo becomes: its oriented size and {file suffix: bytes}."""

    width: int
    height: int
    files: dict[str, bytes]



def read_cached(path: Path) -> Processed | None:
    """A cache entry, or None when it is missing or not a complete entry."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 4:
        return None
    start = len(_MAGIC) + 4
    (size,) = struct.unpack(">I", blob[len(_MAGIC):start])
    try:
        head = json.loads(blob[start:start + size])
        offset = start + size
        files = {}
        for name, length in head["files"]:
            files[name] = blob[offset:offset + length]
            offset += length
        if offset != len(blob):
            return None
        return Processed(int(head["width"]), int(head["height"]), files)
    except (ValueError, KeyError, TypeError):
        return None


def write_cached(path: Path, item: Processed) -> None:
    """Store a cache entry atomically: written beside, then renamed into place."""
    head = json.dumps({"width": item.width, "height": item.height,
                       "files": [[name, len(data)] for name, data in item.files.items()]}).encode()
    blob = _MAGIC + struct.pack(">I", len(head)) + head + b"".join(item.files.values())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
