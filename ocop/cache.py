"""The build cache under cache_dir: checked records and rendered Markdown, kept between builds.

Entries are keyed by what they are made from (a file's bytes and place, a Markdown text) and by the
code that made them, so a stale entry is never used: an edited file simply misses. A full build
reads and renders the files that miss with worker processes (ocop.parallel), then saves the cache
atomically. The result is the same as reading everything afresh.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path

from . import markup
from .content import SECTIONS, find_entries
from .parallel import map_in_order
from .source import Scalar, Source, read_source
from .stamp import code_version


def text_key(text: str) -> bytes:
    """The key of a rendered Markdown text (as ocop.markup.render_markdown keeps it)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _read(path: str, content_dir: Path) -> tuple[Source | None, list, bytes | None]:
    """(source, problems, digest of the bytes it was made from) of one content file, read once: a file saved
    again while the build runs is never kept under the digest of its earlier bytes."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError:
        return (*read_source(Path(path), content_dir), None)  # the problem that says why
    return (*read_source(Path(path), content_dir, raw), hashlib.sha256(raw).digest())


def _prepare(item: tuple[str, Path, bytes | None], cached: dict[bytes, str]) -> tuple:
    """Read one content file and render its Markdown texts (in a worker)."""
    path, content_dir, _ = item
    source, problems, digest = _read(path, content_dir)
    html = {}
    if source is not None:
        for text in _texts(source):
            key = text_key(text)
            if key not in cached:
                html[key] = markup.markdown_to_html(text)
    return source, problems, html, digest


def _texts(source: Source) -> list[str]:
    """The Markdown texts of a file: its body and its body_en field."""
    texts = [source.body]
    extra = source.meta.get("body_en")
    if isinstance(extra, Scalar):
        texts.append(extra.text.strip())
    return [text for text in texts if text.strip()]


SHARDS = 32  # the records are saved in this many files, by key: a build that made a few rewrites a few
HEAD = "head.pickle"  # the file digests, the extras and the names of the shard files


def _shard(key: bytes) -> int:
    return key[0] % SHARDS


def _other_files_key(content_dir: Path) -> bytes:
    """A digest of the names, sizes and times of the content folder's files other than Markdown (the photos a
    record points to): when one changes, records are checked again."""
    digest = hashlib.blake2b(digest_size=16)
    for folder, dirs, files in sorted(os.walk(content_dir)):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".md"):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                digest.update(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.digest()


class BuildCache:
    """Records checked and Markdown rendered by earlier builds (`folder` None: nothing kept).

    It keeps records, never parse trees: a file's front matter read with a line for every value is several
    times the size of the record made from it. A file is read only when it changed (prepare() reads those
    in parallel, and they stream to load_catalog in order) or when its record must be made again; then it
    is read afresh from disk."""

    def __init__(self, folder: Path | None, jobs: int = 0):
        self.jobs = jobs
        self.folder = folder
        self._dir = folder / f"content-{code_version()}" if folder else None
        self._digests: dict[str, tuple[bytes, Path]] = {}  # the file's digest and content folder, by path
        self._markdown: dict[bytes, str] = {}
        self._records: dict[bytes, tuple] = {}  # (record, problems, Markdown keys) by what it was made from
        self.extras: dict = {}  # kept for the later steps of a build, saved with the records (search postings)
        self._shard_files: dict[int, str] = {}  # shard number -> its file, as saved
        self._shard_keys: dict[int, frozenset] = {}  # shard number -> the keys of its records, as saved
        self._stored: set[bytes] = set()  # keys of the records made, or given pieces, since the last save
        self._pieces_on: list = []  # records given pieces (ocop.parts) since the last save
        self._changed = False
        if self._dir is not None:
            try:
                self._load()
            except Exception:  # missing, unreadable or from another version: start empty
                self._digests, self._markdown, self._records, self.extras = {}, {}, {}, {}
                self._shard_files, self._shard_keys = {}, {}
        self._used_digests: dict[str, tuple[bytes, Path]] = {}
        self._used_records: dict[bytes, tuple] = {}
        self._seen: list[bytes] = []  # the Markdown texts this build's records were made from
        self._coming: dict[str, int] = {}  # files prepare() is reading, by their place in its order
        self._stream = iter(())  # (source, problems, html) of those files, in that order
        self._taken = 0
        self._moved = False  # whether a file read for the record being made had changed since prepare() hashed it
        self.files_key = b""  # the other files of the content folder (photos) as prepare() found them
        self.entries: dict[str, list[tuple[str, str]]] = {}  # each section's files as prepare() found them
        self._size = len(self._markdown)
        markup.remember_rendered(self._markdown, self._seen)

    def prepare(self, content_dir: Path, unchanged: frozenset[str] | set[str] = frozenset()) -> None:
        """Find which content files changed since the cached build and start reading them (in parallel when
        many). A file named in `unchanged` (its size and time are those the last build recorded, ocop.stamp)
        is not even hashed again."""
        if self._used_digests:  # a later build of the same process: start from what the last one used
            self._digests, self._used_digests = {**self._digests, **self._used_digests}, {}
            self._records, self._used_records = {**self._records, **self._used_records}, {}
        self._seen.clear()
        self.files_key = _other_files_key(content_dir)
        markup.remember_rendered(self._markdown, self._seen)
        todo = []
        self.entries = {}
        for section in SECTIONS:
            folder = str(content_dir / section)
            self.entries[folder] = find_entries(folder)
            for _, path in self.entries[folder]:
                known = self._digests.get(path)
                if known is not None and known[1] == content_dir and path in unchanged:
                    self._used_digests[path] = known
                    continue
                try:
                    with open(path, "rb") as file:
                        digest = hashlib.sha256(file.read()).digest()
                except OSError:
                    todo.append((path, content_dir, None))
                    continue
                self._used_digests[path] = (digest, content_dir)
                if known != (digest, content_dir):
                    todo.append((path, content_dir, digest))
        self._coming = {path: i for i, (path, _, _) in enumerate(todo)}
        self._stream = map_in_order(lambda item: _prepare(item, self._markdown), todo, self.jobs)
        self._taken = 0

    def read_source(self, path: str, content_dir: Path) -> tuple:
        """(source, problems) of a content file: as prepare() read it, else read now. Bytes other than those
        prepare() hashed (the file was saved again meanwhile) make the record being made one not to keep."""
        place = self._coming.pop(path, None)
        made: tuple | None = None
        if place is not None and place >= self._taken:
            for source, problems, html, digest in self._stream:  # files before it that were read and not taken:
                self._markdown.update(html)                     # their records came from the cache after all
                self._changed = True
                self._taken += 1
                if self._taken > place:
                    made = source, list(problems), digest
                    break
        if made is None:
            made = _read(path, content_dir)
        if made[2] != self.digest(path):
            self._moved = True
        return made[0], made[1]

    def done_reading(self) -> None:
        """Let go of the files prepare() read and nobody took."""
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()
        self._coming, self._stream = {}, iter(())

    def digest(self, path: str) -> bytes | None:
        """The digest of a content file's bytes as prepare() found them."""
        known = self._used_digests.get(path)
        return known[0] if known is not None else None

    def cached(self, parts: bytes) -> tuple[bytes, tuple | None]:
        """(key, (record, problems) or None) of the record made from `parts` (the file's digest and place, and
        a digest of whatever else it is checked against)."""
        key = hashlib.blake2b(parts, digest_size=16).digest()
        hit = self._used_records.get(key) or self._records.get(key)
        if hit is None:
            return key, None
        self._used_records[key] = hit
        self._seen.extend(hit[2])
        return key, (hit[0], list(hit[1]))

    def _load(self) -> None:
        """Read the saved cache: its head, then every shard it names (each read as it is unpickled)."""
        with open(self._dir / HEAD, "rb") as file:  # type: ignore[operator]
            self._digests, self.extras, self._shard_files = pickle.load(file)
        for number, name in self._shard_files.items():
            with open(self._dir / name, "rb") as file:  # type: ignore[operator]
                records, markdown = pickle.load(file)
            self._records.update(records)
            self._markdown.update(markdown)
            self._shard_keys[number] = frozenset(records)

    def store(self, key: bytes, make) -> tuple[object, list]:
        """Make a record with `make()` -> (record, problems) and keep it under `key`."""
        mark = len(self._seen)
        self._moved = False
        record, problems = make()
        if not self._moved:  # else made from newer bytes than its key says: used by this build only
            self._used_records[key] = (record, tuple(problems), tuple(self._seen[mark:]))
            self._stored.add(key)
            self._changed = True
        return record, list(problems)

    def note_change(self, records: list) -> None:
        """Save these records again next time: they gained something kept with them (ocop.parts.per_record)."""
        self._pieces_on.extend(records)
        self._changed = True

    def save(self) -> None:
        """Write what this build used, when anything new was made; stop caching Markdown. The records go in
        SHARDS files by key, each with the Markdown it was made from; only the shards that changed are written
        again, under new names, and the head that names them is replaced last (atomically)."""
        markup.remember_rendered(None)
        if self._dir is None or not (self._changed or len(self._markdown) != self._size):
            return
        self.done_reading()
        shards: dict[int, dict[bytes, tuple]] = {}
        for key, entry in self._used_records.items():
            shards.setdefault(_shard(key), {})[key] = entry
        given = {id(record) for record in self._pieces_on}
        files = {}
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            for number, records in sorted(shards.items()):
                name = self._shard_files.get(number)
                if name is not None and self._shard_keys.get(number) == records.keys() and not any(
                        key in self._stored or id(entry[0]) in given for key, entry in records.items()):
                    files[number] = name  # the same records as saved, none given anything new
                    continue
                markdown = {k: self._markdown[k] for entry in records.values() for k in entry[2] if k in self._markdown}
                files[number] = name = f"r{number:02d}-{os.urandom(6).hex()}.pickle"
                with open(self._dir / name, "wb") as file:  # written as it is made, never whole in memory
                    pickle.dump((records, markdown), file, protocol=pickle.HIGHEST_PROTOCOL)
            temp = self._dir / f".{HEAD}.{os.getpid()}.tmp"
            with open(temp, "wb") as file:
                pickle.dump((self._used_digests, self.extras, files), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self._dir / HEAD)
        except OSError:
            return  # a read-only or full cache only makes the next build slower
        self._shard_files, self._shard_keys = files, {n: frozenset(shards[n]) for n in files}
        self._stored.clear()
        self._pieces_on.clear()
        self._changed, self._size = False, len(self._markdown)
        _remove_unused(self._dir, set(files.values()) | {HEAD})


def _remove_unused(folder: Path, names: set[str]) -> None:
    """Remove the shard files the head no longer names, and the caches of other versions of the code."""
    for old in folder.iterdir():
        if old.name not in names:
            old.unlink(missing_ok=True)
    for old in folder.parent.glob("content-*"):
        if old != folder:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
