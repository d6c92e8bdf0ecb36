"""The processed-photo cache: one file per source photo, its sizes and bytes, written atomically.

A build reads only an entry's head (sizes and file lengths); each file's bytes are read from the entry when
that file is written into the output (Stored), so no build holds every photo in memory."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .stamp import RACY_NS

_MAGIC = b"OCOPIMG1"


@dataclass(frozen=True)
class Processed:
    """What one source photo becomes: its oriented size and {file suffix: bytes}."""

    width: int
    height: int
    files: dict[str, bytes | Stored]


@dataclass(frozen=True)
class Stored:
    """One file of a cache entry, read when it is needed."""

    path: Path
    offset: int
    length: int

    def read(self) -> bytes:
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read(self.length)
        if len(data) != self.length:
            raise OSError(f"{self.path}: tệp trong bộ nhớ đệm ảnh bị cắt cụt")
        return data


Made = tuple[bytes, Callable[[], bytes]]  # (key, make) of one output file: the key stands for its bytes


def output_file(key: str, name: str, data: bytes | Stored) -> Made:
    """One published photo file: its cache key and name stand for its bytes, read when written out."""
    return f"{key}/{name}".encode("utf-8"), (data.read if isinstance(data, Stored) else lambda: data)


_digests: dict[tuple[str, int, int], bytes] = {}  # (path, size, mtime_ns) -> SHA-256 of a source photo's bytes


def source_digest(path: Path) -> tuple[bytes, bytes | None]:
    """(SHA-256 of a source photo's bytes, the bytes when they had to be read): within one process (serve) a
    photo whose size and time are unchanged is not read again, unless it changed just now. Raises OSError."""
    st = os.stat(path)
    stamp = (str(path), st.st_size, st.st_mtime_ns)
    known = _digests.get(stamp)
    if known is not None and time.time_ns() - st.st_mtime_ns > RACY_NS:
        return known, None
    data = path.read_bytes()
    _digests[stamp] = digest = hashlib.sha256(data).digest()
    return digest, data


def read_cached(path: Path) -> Processed | None:
    """A cache entry (its files as Stored, not read), or None when it is missing or not a complete entry."""
    try:
        with open(path, "rb") as handle:
            total = os.fstat(handle.fileno()).st_size
            start = len(_MAGIC) + 4
            lead = handle.read(start)
            if len(lead) < start or not lead.startswith(_MAGIC):
                return None
            (size,) = struct.unpack(">I", lead[len(_MAGIC):])
            head = json.loads(handle.read(size))
    except (OSError, ValueError):
        return None
    try:
        offset = start + size
        files: dict[str, bytes | Stored] = {}
        for name, length in head["files"]:
            files[name] = Stored(path, offset, int(length))
            offset += int(length)
        if offset != total:
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
