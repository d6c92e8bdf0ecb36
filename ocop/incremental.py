"""Incremental rebuilds: keep what the last build read and rendered, redo only what changed.

Three memories, each checked against exactly what its result was made from:
- ContentMemo: the parsed file (by mtime, size and inode; by content hash when the file changed
  within the last 2 seconds, as git does for "racy" files) and the validated record (by the parsed
  file plus the other files it depends on: its producer, its photos).
- PageMemo: each rendered page, with the parts of `site` its templates actually read (recorded
  while rendering through a transparent proxy) and its job context.
- IncrementalBuilder: the site-wide inputs (templates, assets, data/, settings); when one of them
  changes, the page memory (and for data/ also the record memory) is dropped.
The result is the same BuildResult a clean `render_site(config)` gives, byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from .config import Config
from .output import update_output, write_output

RACY_SECONDS = 2.0
_MISSING = object()


def file_stamp(path: Path, now: float | None = None) -> tuple | None:
    """What identifies a file's bytes without reading it; None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp: tuple = (st.st_mtime_ns, st.st_size, st.st_ino)
    if (now if now is not None else time.time()) - st.st_mtime < RACY_SECONDS:
        try:
            stamp += (hashlib.sha1(Path(path).read_bytes()).digest(),)
        except OSError:
            return None
    return stamp


def tree_digest(*folders: Path) -> str:
    """One hash of every file's path and bytes under some small folders (templates, assets, data)."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class ContentMemo:
    """Parsed content files and validated records from the previous build."""

    def __init__(self) -> None:
        self._sources: dict[Path, tuple] = {}
        self._records: dict[tuple, tuple] = {}
        self._now = time.time()

    def start(self) -> None:
        """Begin a build: fix the clock used to spot recently changed files."""
        self._now = time.time()

    def clear(self) -> None:
        self._sources.clear()
        self._records.clear()

    def read_source(self, path: Path, content_dir: Path, read: Callable) -> tuple:
        """`read(path, content_dir)`, reused while the file's stamp is unchanged."""
        stamp = file_stamp(path, self._now)
        hit = self._sources.get(path)
        if stamp is not None and hit is not None and hit[0] == stamp:
            return hit[1]
        result = read(path, content_dir)
        self._sources[path] = (stamp, result)
        return result

    def record(self, kind: str, source: object, extra: tuple, problems: list, make: Callable) -> object:
        """`make(problems)` for one parsed file, reused while the file and `extra` are unchanged."""
        slot = (kind, getattr(source, "rel", ""))
        hit = self._records.get(slot)
        if hit is not None and hit[0] is source and hit[1] == extra:
            problems.extend(hit[3])
            return hit[2]
        found: list = []
        value = make(found)
        problems.extend(found)
        self._records[slot] = (source, extra, value, tuple(found))
        return value

    def image_stamps(self, source: object) -> tuple:
        """Stamps of the photos a product file names (its record depends on them existing)."""
        raw = source.meta.get("images")  # type: ignore[attr-defined]
        items = raw if isinstance(raw, list) else [raw]
        folder = source.path.parent  # type: ignore[attr-defined]
        return tuple((item.text, file_stamp(folder / item.text.strip(), self._now))
                     for item in items if hasattr(item, "text") and item.text.strip())


class _Reads:
    """What one page read from `site`: attribute values, or single keys of mapping attributes."""

    def __init__(self) -> None:
        self.whole: dict[str, object] = {}
        self.keys: dict[str, dict] = {}


class _MappingView(Mapping):
    """A mapping attribute of the site that records which keys a template looked up."""

    def __init__(self, name: str, data: Mapping, reads: _Reads):
        self._name, self._data, self._reads = name, data, reads

    def __getitem__(self, key: object) -> object:
        value = self._data.get(key, _MISSING)  # type: ignore[call-overload]
        self._reads.keys.setdefault(self._name, {})[key] = value
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator:
        self._reads.whole[self._name] = self._data
        return iter(self._data)

    def __len__(self) -> int:
        self._reads.whole[self._name] = self._data
        return len(self._data)


class SiteView:
    """A transparent stand-in for the Site while one page renders; records what the page read."""

    def __init__(self, site: object):
        self._site = site
        self._reads = _Reads()

    def __getattr__(self, name: str) -> object:
        value = getattr(self._site, name)
        if isinstance(value, Mapping):
            return _MappingView(name, value, self._reads)
        self._reads.whole[name] = value
        return value


def _still_same(reads: _Reads, site: object) -> bool:
    """Whether everything a page read from the old site is equal in the new one."""
    for name, old in reads.whole.items():
        if getattr(site, name, _MISSING) != old:
            return False
    for name, keys in reads.keys.items():
        current = getattr(site, name, _MISSING)
        if not isinstance(current, Mapping):
            return False
        for key, old in keys.items():
            if current.get(key, _MISSING) != old:
                return False
    return True


class PageMemo:
    """Rendered pages of the previous build, reused when nothing they read has changed."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple] = {}
        self.fragments: dict[tuple, object] = {}  # product cards (render.make_environment's `once`)
        self.rendered = 0
        self.reused = 0

    def clear(self) -> None:
        self._pages.clear()
        self.fragments.clear()

    def start(self) -> None:
        self.rendered = self.reused = 0

    def reuse(self, job: object, site: object) -> bytes | None:
        """The page's previous bytes when its template, context and site reads are unchanged."""
        hit = self._pages.get(job.path)  # type: ignore[attr-defined]
        if hit is None or hit[0] != job.template or hit[1] != job.context:  # type: ignore[attr-defined]
            return None
        if not _still_same(hit[2], site):
            return None
        self.reused += 1
        return hit[3]

    def view(self, site: object) -> SiteView:
        return SiteView(site)

    def store(self, job: object, view: SiteView, data: bytes) -> None:
        self.rendered += 1
        self._pages[job.path] = (job.template, job.context, view._reads, data)  # type: ignore[attr-defined]


class BuildMemo:
    """The memories one build can use (passed to render_site)."""

    def __init__(self) -> None:
        self.content = ContentMemo()
        self.pages = PageMemo()

    def start(self) -> None:
        self.content.start()
        self.pages.start()


class IncrementalBuilder:
    """Builds the site once, then rebuilds it after edits writing only files whose bytes changed."""

    def __init__(self, make_config: Callable[[], Config]):
        self.make_config = make_config
        self.memo = BuildMemo()
        self.result = None
        self._inputs: tuple | None = None
        self._data: str | None = None

    def _forget_changed_inputs(self, config: Config) -> None:
        """Drop memories made from site-wide inputs that changed since the last build."""
        data = tree_digest(config.data_dir)
        inputs = (config, data, tree_digest(config.templates_dir, config.assets_dir))
        if data != self._data:
            self.memo.content.clear()
        if inputs != self._inputs:
            self.memo.pages.clear()
        self._data, self._inputs = data, inputs

    def build(self) -> list[str]:
        """Build and write; return the output paths that changed. Raises SiteError on bad input."""
        from .builder import render_site

        config = self.make_config()
        self._forget_changed_inputs(config)
        self.memo.start()
        result = render_site(config, memo=self.memo)
        if self.result is None or self.result.site.config.output_dir != config.output_dir:
            write_output(result.files, config.output_dir)
            changed = sorted(result.files)
        else:
            changed = update_output(result.files, self.result.files, config.output_dir)
        self.result = result
        return changed
