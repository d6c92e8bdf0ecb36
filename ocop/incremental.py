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

When the watcher names the files that changed and they are product files edited in place, a rebuild
works from the last one instead of walking the catalog: ocop.content reads only those files,
ocop.site patches the last site, PageMemo looks only at jobs that are other objects, and Changes
tells the writer which files may differ (identity diffs at C speed: ocop.diff).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import os
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .config import Config
from .diff import changed_at, forget_swaps
from .output import update_output, write_output

RACY_SECONDS = 2.0
T = TypeVar("T")
_MISSING = object()


def file_stamp(path: Path | str, now: float | None = None) -> tuple | None:
    """What identifies a file's bytes without reading it; None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp: tuple = (st.st_mtime_ns, st.st_size, st.st_ino)
    if (now if now is not None else time.time()) - st.st_mtime < RACY_SECONDS:
        return _with_hash(path, stamp)
    return stamp


def _with_hash(path: Path | str, stamp: tuple) -> tuple | None:
    """A stamp with the hash of the file's bytes added (None when it cannot be read)."""
    try:
        return stamp + (hashlib.sha1(Path(path).read_bytes()).digest(),)
    except OSError:
        return None


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
        self._sources: dict[str, tuple] = {}
        self._listings: dict[str, tuple] = {}
        self._changed: set[str] | None = None
        self._records: dict[tuple, tuple] = {}
        self._racy: set[str] = set()  # files last read within RACY_SECONDS of their change
        self._now = time.time()
        self.photos: set[str] = set()  # every photo path a product file named (normalised)
        self.last: object = None  # what ocop.content.load_catalog keeps of its last catalog
        self.edits: list[tuple] | None = None  # (old, new) records of the last edit-only reload, else None

    def start(self, changed: set[str] | None = None) -> None:
        """Begin a build: fix the clock used to spot recently changed files.

        `changed`: the content files that changed since the last build, when a watcher knows them
        (`serve`); the others are then trusted without asking the disk. None: check every file.
        """
        self._now = time.time()
        self._changed = changed
        self.edits = None

    def clear(self) -> None:
        self._sources.clear()
        self._listings.clear()
        self._records.clear()
        self._racy.clear()
        self.photos.clear()
        self.last = None

    def to_recheck(self) -> set[str] | None:
        """The files this build must look at again when the watcher listed what changed (those files and any
        read while they had just changed); None when every file must be checked."""
        return None if self._changed is None else self._changed | self._racy

    def find_entries(self, folder: Path, find: Callable) -> list:
        """`find(folder)`, reused while the folder lists the same names (and its folders hold the same index.md).

        Listing names is cheap; making a Path for each of thousands of files is not. Saving a file in place
        leaves the listing as it is and is seen by read_source.
        """
        key = str(folder)
        try:
            names = sorted((entry.name, entry.is_dir()) for entry in os.scandir(key))
        except OSError:
            names = None
        if names is not None:
            bundles = tuple(os.path.isfile(os.path.join(key, name, "index.md")) for name, is_dir in names if is_dir)
            seen = (names, bundles)
            hit = self._listings.get(key)
            if hit is not None and hit[0] == seen:
                return hit[1]
        entries = find(folder)
        if names is not None:
            self._listings[key] = (seen, entries)
        return entries

    def read_source(self, path: Path, content_dir: Path, read: Callable) -> tuple:
        """`read(path, content_dir)`, reused while the file's stamp is unchanged."""
        key = str(path)  # a str hashes far faster than a Path
        hit = self._sources.get(key)
        if hit is not None and self._changed is not None and key not in self._changed and len(hit[0]) == 3:
            return hit[1]  # unchanged by the watcher's account, and not read while it had just changed
        stamp = file_stamp(key, self._now)
        if stamp is not None and hit is not None and hit[0] != stamp and len(hit[0]) == 4 and hit[0][:3] == stamp:
            # read while it had just changed, untouched since: still the bytes read then? Then remember the
            # plain stamp: any later change comes long after the file's time and changes it.
            if _with_hash(path, stamp) == hit[0]:
                self._sources[key] = hit = (stamp, hit[1])
                self._racy.discard(key)
        if stamp is not None and hit is not None and hit[0] == stamp:
            return hit[1]
        result = read(path, content_dir)
        self._sources[key] = (stamp, result)
        if stamp is not None and len(stamp) == 4:
            self._racy.add(key)
        else:
            self._racy.discard(key)
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
        if not raw:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        folder = source.path.parent  # type: ignore[attr-defined]
        names = [item.text for item in items if hasattr(item, "text") and item.text.strip()]
        self.photos.update(os.path.normpath(folder / name.strip()) for name in names)
        return tuple((name, file_stamp(folder / name.strip(), self._now)) for name in names)


class _Reads:
    """What one page read from `site`: whole attributes, or single keys of mapping attributes."""

    def __init__(self) -> None:
        self.whole: set[str] = set()
        self.keys: dict[str, set] = {}


class _MappingView(Mapping):
    """A mapping attribute of the site that records which keys a template looked up."""

    def __init__(self, name: str, data: Mapping, reads: _Reads):
        self._name, self._data, self._reads = name, data, reads

    def __getitem__(self, key: object) -> object:
        value = self._data.get(key, _MISSING)  # type: ignore[call-overload]
        self._reads.keys.setdefault(self._name, set()).add(key)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator:
        self._reads.whole.add(self._name)
        return iter(self._data)

    def __len__(self) -> int:
        self._reads.whole.add(self._name)
        return len(self._data)


def note_keys(site: object, name: str, keys: Iterable) -> None:
    """Record that a page read these keys of a mapping attribute (when `site` is a recording view)."""
    if isinstance(site, SiteView):
        site._reads.keys.setdefault(name, set()).update(keys)


class SiteView:
    """A transparent stand-in for the Site while one page renders; records what the page read."""

    def __init__(self, site: object):
        self._site = site
        self._reads = _Reads()

    def __getattr__(self, name: str) -> object:
        value = getattr(self._site, name)
        if isinstance(value, Mapping):
            return _MappingView(name, value, self._reads)
        self._reads.whole.add(name)
        return value


class _Page:
    """One rendered page: its job, what it read from the site, its parts and its bytes."""

    __slots__ = ("job", "reads", "shell", "splices", "data")

    def __init__(self, job: object, reads: _Reads, shell: list, splices: list, data: bytes):
        self.job, self.reads, self.shell, self.splices, self.data = job, reads, shell, splices, data


class PageMemo:
    """Rendered pages of the previous build, reused when nothing they read has changed.

    Each page's reads of the site are indexed by what was read (a whole attribute, or one key of a
    mapping attribute), so a rebuild compares the new site with the previous one once, attribute by
    attribute, and looks up the few pages that read what changed; unaffected pages cost a lookup.
    """

    def __init__(self) -> None:
        self._pages: dict[str, _Page] = {}
        self._readers: dict[tuple, set[str]] = {}  # ("", name) or (name, key) -> paths of pages that read it
        self._site: object = None
        self._dirty: set[str] = set()
        self._parts: dict[str, tuple[list, dict[str, bytes], dict[str, int]]] = {}  # part -> (jobs, files, where)
        self._todo: dict[str, list[str] | None] = {}  # part -> paths to render, when the same paths as last time
        self._changed: dict[str, list[str] | None] = {}  # part -> paths whose bytes changed, when the same paths
        self.fragments: dict[tuple, object] = {}  # product fragments (render.make_environment's `once`)
        self.lists = Kept()  # what each() knows of the lists of products it was given
        self.rendered = 0
        self.reused = 0

    @property
    def site(self) -> object:
        """The site of the previous build (every remembered page read it), or None."""
        return self._site

    def clear(self) -> None:
        self._pages.clear()
        self._readers.clear()
        self._parts.clear()
        self._todo.clear()
        self._changed.clear()
        self.fragments.clear()
        self.lists.clear()
        self._site = None

    def start(self) -> None:
        self.rendered = self.reused = 0
        self.lists.next_build()

    def begin(self, site: object) -> None:
        """Compare the new site with the previous one and mark the pages that read something that changed."""
        old, self._site, self._dirty = self._site, site, set()
        if old is None:
            return
        for field in dataclasses.fields(site):  # type: ignore[arg-type]
            name = field.name
            new, before = getattr(site, name), getattr(old, name)
            if new is before:
                continue
            if isinstance(new, Mapping) and isinstance(before, Mapping):
                changed = new.keys() != before.keys()
                for key in new.keys() | before.keys():
                    a, b = new.get(key, _MISSING), before.get(key, _MISSING)
                    if a is not b and a != b:
                        self._dirty |= self._readers.get((name, key), set())
                        changed = True
                if changed:
                    self._dirty |= self._readers.get(("", name), set())
            elif new != before:
                self._dirty |= self._readers.get(("", name), set())

    def reuse_all(self, jobs: list, part: str = "pages") -> tuple[dict[str, bytes], list]:
        """({path: previous bytes} of the pages whose template, context and site reads are unchanged,
        the jobs left to render); `part` names this list of jobs (the site's pages, the kiosk's).

        A catalog of thousands has tens of thousands of pages: when the list has the previous build's
        paths in the same places, only the jobs that are other objects and the dirty pages are looked at,
        and the previous {path: bytes} is copied at C speed; otherwise one tight loop checks every job."""
        last = self._parts.get(part)
        self._todo[part] = None
        if last is not None and len(last[0]) == len(jobs):
            found = self._reuse_changed(jobs, *last)
            if found is not None:
                self._todo[part] = [job.path for job in found[1]]
                return found
        pages, dirty = self._pages, self._dirty
        files: dict[str, bytes] = {}
        todo = []
        for job in jobs:
            path = job.path
            page = pages.get(path)
            if page is None or path in dirty:
                todo.append(job)
            elif page.job is job:
                files[path] = page.data
            elif page.job.template == job.template and page.job.context == job.context:
                page.job = job
                files[path] = page.data
            else:
                todo.append(job)
        self.reused += len(files)
        return files, todo

    def _reuse_changed(self, jobs: list, old_jobs: list, old_files: dict[str, bytes],
                       where: dict[str, int]) -> tuple[dict[str, bytes], list] | None:
        """reuse_all when `jobs` has as many jobs as the last list of its part: None if a path moved."""
        pages = self._pages
        todo = {where[path] for path in self._dirty if path in where}
        for i in changed_at(jobs, old_jobs):
            job = jobs[i]
            page = pages.get(job.path)
            if job.path != old_jobs[i].path:
                return None
            if page is not None and page.job.template == job.template and page.job.context == job.context:
                page.job = job
            else:
                todo.add(i)
        files = dict(old_files)  # the pages to render keep their place, so the order of files stays the same
        self.reused += len(files) - len(todo)
        return files, [jobs[i] for i in sorted(todo)]

    def finish(self, jobs: list, files: dict[str, bytes], part: str = "pages") -> None:
        """Remember one part's jobs and rendered pages for the next build's reuse_all."""
        last = self._parts.get(part)
        todo = self._todo.get(part)
        if last is not None and todo is not None:  # the same paths in the same places
            self._changed[part] = [path for path in todo if files[path] is not last[1][path]]
            where = last[2]
        else:
            self._changed[part] = None
            where = {job.path: i for i, job in enumerate(jobs)}
        self._parts[part] = (jobs, dict(files), where)

    def changed(self, part: str = "pages") -> list[str] | None:
        """The paths of one part whose bytes changed in this build, when it made the same paths as the last; else None."""
        return self._changed.get(part)

    def parts_of(self, path: str) -> tuple[list[bytes], list[list[bytes]]] | None:
        """A remembered page's own text (split where fragments were spliced in) and its fragments."""
        page = self._pages.get(path)
        return (page.shell, page.splices) if page is not None else None

    def view(self, site: object) -> SiteView:
        return SiteView(site)

    def store(self, job: object, view: SiteView, shell: list, splices: list) -> bytes:
        """Keep a freshly rendered page; return its bytes (the previous bytes object when they are equal)."""
        from .render import join_parts

        self.rendered += 1
        path = job.path  # type: ignore[attr-defined]
        reads = view._reads
        old = self._pages.get(path)
        if old is None or old.reads.whole != reads.whole or old.reads.keys != reads.keys:
            before = _deps(old.reads) if old is not None else set()
            deps = _deps(reads)
            for dep in before - deps:
                self._readers[dep].discard(path)
            for dep in deps - before:
                self._readers.setdefault(dep, set()).add(path)
        data = old.data if old is not None and old.shell == shell and old.splices == splices else join_parts(shell, splices)
        self._pages[path] = _Page(job, reads, shell, splices, data)
        return data

    def prune(self, paths: Iterable[str]) -> None:
        """Forget pages the last build no longer made (a deleted product's pages); `paths`: every output path."""
        for path in self._pages.keys() - set(paths):
            for dep in _deps(self._pages.pop(path).reads):
                self._readers[dep].discard(path)


def _deps(reads: _Reads) -> set:
    """What a page read, as keys of the readers index: ("", attribute) or (attribute, key)."""
    return {("", name) for name in reads.whole} | {(name, key) for name, keys in reads.keys.items() for key in keys}


class Kept:
    """Values a build computed from its inputs, kept for the next build while the same inputs come back.

    `by_object` keys a value by an object's identity (a product record is the same object while its
    file, producer and photos are unchanged); `by_key` by a plain key. Values must depend only on the
    key and on the site-wide inputs (settings, templates, assets, data/), whose change clears them all.
    What a build does not ask for again is forgotten after it.
    """

    def __init__(self) -> None:
        self._old: dict = {}
        self._new: dict = {}
        self._lists: dict[str, tuple[tuple, list, tuple | None]] = {}  # each(): one list per kind

    def next_build(self) -> None:
        self._old, self._new = self._new, {}

    def clear(self) -> None:
        self._old, self._new, self._lists = {}, {}, {}

    def by_object(self, kind: str, obj: object, make: Callable[[], T]) -> T:
        key = (kind, id(obj))
        hit = self._new.get(key)
        if hit is None:
            hit = self._old.get(key)
            if hit is None or hit[0] is not obj:  # the kept object keeps its id from being reused
                hit = (obj, make())
            self._new[key] = hit
        return hit[1]

    def each(self, kind: str, items: tuple, make: Callable[[Any], T] | None = None,
             make_many: Callable[[list], list[T]] | None = None, also: Sequence | None = None,
             keep_equal: bool = False) -> list[T]:
        """[make(item) for item in items], kept per item between builds like by_object (`make_many` makes
        the missing values in one call instead). The items are compared with the previous build's list
        at C speed, so a list of thousands costs little when only a few items are new objects; when none
        is, the result is the very list of the previous build (not to be changed by the caller).
        `also`: one more object per item that its value depends on too, compared the same way.
        `keep_equal`: a value made again that equals the one in its place last time is replaced by that one."""
        last = self._lists.get(kind)
        aligned = last is not None and len(last[0]) == len(items) and (also is None) == (last[2] is None)
        if aligned:
            values = list(last[1])
            missing = changed_at(items, last[0], *(((also, last[2]),) if also is not None else ()))
            aligned = len(missing) <= 20 + len(items) // 20  # else items moved (a product renamed): look up each
        if not aligned:
            known = {}
            if last is not None:  # last keeps the ids valid
                keys = map(id, last[0]) if last[2] is None else zip(map(id, last[0]), map(id, last[2]))
                known = dict(zip(keys, last[1]))
            wanted = map(id, items) if also is None else zip(map(id, items), map(id, also))
            values = [known.get(key, _MISSING) for key in wanted]
            missing = [i for i, value in enumerate(values) if value is _MISSING]
        made = make_many([items[i] for i in missing]) if make_many else [make(items[i]) for i in missing]  # type: ignore[misc]
        same = aligned
        for i, value in zip(missing, made):
            if same and keep_equal and value == last[1][i]:  # type: ignore[index]
                continue  # the previous value, equal, stays in place
            values[i] = value
            same = False
        if same:
            values = last[1]  # nothing new: the very same list, so what is made from it can be kept too  # type: ignore[index]
        self._lists[kind] = (tuple(items), values, tuple(also) if also is not None else None)
        return values

    def find(self, kind: str, obj: object) -> Any:
        """The value kept for `obj` by put() (or by_object) in this build or the last, else None."""
        key = (kind, id(obj))
        hit = self._new.get(key) or self._old.get(key)
        if hit is None or hit[0] is not obj:
            return None
        self._new[key] = hit
        return hit[1]

    def put(self, kind: str, obj: object, value: object) -> None:
        """Keep `value` for `obj` (found again by find() while `obj` lives on)."""
        self._new[(kind, id(obj))] = (obj, value)

    def by_key(self, kind: str, key: Hashable, make: Callable[[], T]) -> T:
        slot = (kind, key)
        if slot in self._new:
            return self._new[slot]
        value = self._old[slot] if slot in self._old else make()
        self._new[slot] = value
        return value


class Changes:
    """Which output paths may hold other bytes than in the last build, told by the parts of the build
    (pages, photos, assets, single files), so that nothing has to compare tens of thousands of files.

    `paths` is None when some part cannot tell (a page added or removed, a part made anew): then every
    file is compared. `parts` are this build's parts, for the next build to compare with.
    """

    def __init__(self, previous: dict[str, object] | None):
        self.paths: list[str] | None = [] if previous is not None else None
        self.parts: dict[str, object] = {}
        self._previous = previous or {}

    def part(self, name: str, files: dict[str, bytes], changed: list[str] | None = None) -> None:
        """One part of the output: `changed` its changed paths when it knows them (the same paths as last
        time); else it is unchanged only when it is the very same dict as last time."""
        self.parts[name] = files
        if self.paths is not None:
            if changed is not None:
                self.paths += changed
            elif files is not self._previous.get(name):
                self.paths = None

    def file(self, path: str) -> None:
        """One file made anew each build (it is compared)."""
        if self.paths is not None:
            self.paths.append(path)


def keeper(kept: Kept | None) -> Kept:
    """The given store, or a fresh one for a build without memory (a clean build keeps nothing)."""
    return kept if kept is not None else Kept()


class BuildMemo:
    """The memories one build can use (passed to render_site)."""

    def __init__(self) -> None:
        self.content = ContentMemo()
        self.pages = PageMemo()
        self.kept = Kept()
        self.parts: dict[str, object] | None = None  # the parts of the last output written (ocop.incremental.Changes)

    def start(self, changed: set[str] | None = None) -> None:
        forget_swaps()
        self.content.start(changed)
        self.pages.start()
        self.kept.next_build()


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
            self.memo.kept.clear()
        self._data, self._inputs = data, inputs

    def build(self, changed: set[str] | None = None) -> list[str]:
        """Build and write; return the output paths that changed. Raises SiteError on bad input.

        `changed`: the files a watcher saw change since the last build (absolute paths), so that the
        others need not be checked; None checks every file.
        """
        from .builder import render_site

        config = self.make_config()
        self._forget_changed_inputs(config)
        self.memo.start(changed if self.result is not None else None)
        try:
            result = render_site(config, memo=self.memo)
            if self.result is None or self.result.site.config.output_dir != config.output_dir:
                write_output(result.files, config.output_dir)
                changed = sorted(result.files)
            else:
                changed = update_output(result.files, self.result.files, config.output_dir, result.changed)
        except BaseException:
            # pages rendered before the failure read a site no page memory matches, and what this build
            # changed is no longer measured against the output on disk
            self.memo.pages.clear()
            self.memo.parts = None
            raise
        self.result, self.memo.parts = result, result.parts
        return changed

    @staticmethod
    def tidy() -> None:
        """Collect what the last build left, then freeze the rest (`serve` calls this after each rebuild,
        once browsers were told to reload). The memories hold millions of objects: a collection walking
        them all takes longer than a rebuild; frozen, later collections walk only what later builds make.
        Memory that is no longer used is still freed at once by reference counting."""
        gc.collect()
        gc.freeze()
