"""The build cache under cache_dir: parsed content files and rendered Markdown, kept between builds.

Entries are keyed by what they are made from (a file's bytes and place, a Markdown text) and by the
code that made them, so a stale entry is never used: an edited file simply misses. A full build
reads and renders the files that miss with worker processes (ocop.parallel), then saves the cache
atomically. The result is the same as reading everything afresh.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from . import markup
from .content import SECTIONS, find_entries
from .parallel import map_in_order
from .source import Scalar, Source, read_source
from .stamp import code_version


def text_key(text: str) -> bytes:
    """The key of a rendered Markdown text (as ocop.markup.render_markdown keeps it)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _prepare(item: tuple[Path, Path, bytes | None], cached: dict[bytes, str]) -> tuple:
    """Read one content file and render its Markdown texts (in a worker)."""
    path, content_dir, _ = item
    source, problems = read_source(path, content_dir)
    html = {}
    if source is not None:
        for text in _texts(source):
            key = text_key(text)
            if key not in cached:
                html[key] = markup.markdown_to_html(text)
    return source, problems, html


def _texts(source: Source) -> list[str]:
    """The Markdown texts of a file: its body and its body_en field."""
    texts = [source.body]
    extra = source.meta.get("body_en")
    if isinstance(extra, Scalar):
        texts.append(extra.text.strip())
    return [text for text in texts if text.strip()]


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
    """Content files read and Markdown rendered by earlier builds (`folder` None: nothing kept)."""

    def __init__(self, folder: Path | None, jobs: int = 0):
        self.jobs = jobs
        self.folder = folder
        self._file = folder / f"content-{code_version()}.pickle" if folder else None
        self._sources: dict[Path, tuple] = {}
        self._markdown: dict[bytes, str] = {}
        self._records: dict[bytes, tuple] = {}  # validated records by what they were made from (record())
        self._changed = False
        if self._file is not None:
            try:
                self._sources, self._markdown, self._records = pickle.loads(self._file.read_bytes())
            except Exception:  # missing, unreadable or from another version: start empty
                self._sources, self._markdown, self._records = {}, {}, {}
        self._used_sources: dict[Path, tuple] = {}
        self._used_records: dict[bytes, tuple] = {}
        self.files_key = b""  # the other files of the content folder (photos) as prepare() found them
        self._size = len(self._markdown)
        markup.remember_rendered(self._markdown)

    def prepare(self, content_dir: Path, unchanged: frozenset[str] | set[str] = frozenset()) -> None:
        """Read every content file that changed since the cached build (in parallel when many). A file named
        in `unchanged` (its size and time are those the last build recorded, ocop.stamp) is not read again."""
        if self._used_sources:  # a later build of the same process: start from what the last one read
            self._sources, self._used_sources = {**self._sources, **self._used_sources}, {}
            self._records, self._used_records = {**self._records, **self._used_records}, {}
        self.files_key = _other_files_key(content_dir)
        markup.remember_rendered(self._markdown)
        todo = []
        for section in SECTIONS:
            for _, path in find_entries(content_dir / section):
                hit = self._sources.get(path)
                if hit is not None and hit[0][1] == content_dir and str(path) in unchanged:
                    self._keep(path, hit)
                    continue
                try:
                    digest = hashlib.sha256(path.read_bytes()).digest()
                except OSError:
                    digest = None
                hit = self._sources.get(path)
                if digest is not None and hit is not None and hit[0] == (digest, content_dir):
                    self._keep(path, hit)
                else:
                    todo.append((path, content_dir, digest))
        results = map_in_order(lambda item: _prepare(item, self._markdown), todo, self.jobs)
        for (path, content_dir_, digest), (source, problems, html) in zip(todo, results):
            self._markdown.update(html)
            self._changed = True
            if digest is not None:
                self._keep(path, ((digest, content_dir_), source, problems))

    def _keep(self, path: Path, entry: tuple) -> None:
        self._used_sources[path] = entry

    def read_source(self, path: Path, content_dir: Path, read) -> tuple:
        """The file as read by prepare(), else read now."""
        hit = self._used_sources.get(path)
        if hit is not None and hit[0][1] == content_dir:
            return hit[1], list(hit[2])
        return read(path, content_dir)

    def digest(self, path: Path) -> bytes | None:
        """The digest of a content file's bytes as prepare() read them."""
        hit = self._used_sources.get(path)
        return hit[0][0] if hit is not None else None

    def record(self, parts: tuple, make) -> tuple[object, list, bytes]:
        """(record, problems, key) for a validated record made from `parts` (the file's digest and place, and
        whatever else it is checked against), made by `make()` -> (record, problems) when not kept."""
        key = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).digest()
        hit = self._records.get(key) or self._used_records.get(key)
        if hit is None:
            hit = make()
            self._changed = True
        self._used_records[key] = hit
        return hit[0], list(hit[1]), key

    def save(self) -> None:
        """Write what this build used, atomically, when anything new was made; stop caching Markdown."""
        markup.remember_rendered(None)
        if self._file is None or not (self._changed or len(self._markdown) != self._size):
            return
        keys = {text_key(text) for _, source, _ in self._used_sources.values() if source is not None
                for text in _texts(source)}
        used_markdown = {key: self._markdown[key] for key in sorted(keys) if key in self._markdown}
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            temp = self._file.with_name(f".{self._file.name}.{os.getpid()}.tmp")
            with open(temp, "wb") as file:  # written as it is made, never whole in memory
                pickle.dump((self._used_sources, used_markdown, self._used_records), file,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self._file)
            self._changed, self._size = False, len(self._markdown)
            for old in self._file.parent.glob("content-*.pickle"):  # left by other versions of the code
                if old != self._file:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only or full cache only makes the next build slower
