"""Files that grow with the catalog, cut into parts that each stay under one size (sitemap, open data, search)."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

# No file that is cut into parts is larger than this: the catalog's own limit is 1 MB a file, and the margin
# leaves room for a file's head and tail. Tests set it small to see the parts of a small catalog.
PART_BYTES = 900_000


def part_budget() -> int:
    """PART_BYTES as it is now (read at each call, so that a test can change it)."""
    return PART_BYTES


def split(items: Sequence[bytes], room: int, max_items: int = 0) -> list[list[bytes]]:
    """`items` in order, cut into runs of at most `room` bytes together (and `max_items` items, when given).
    An item longer than `room` has a run of its own; there is always at least one run (maybe empty)."""
    return list(runs_of(items, room, max_items))


def runs_of(items: Iterable[bytes], room: int, max_items: int = 0) -> Iterator[list[bytes]]:
    """The runs of split(), each as soon as it is full: `items` may be made as they are taken."""
    run: list[bytes] = []
    size = 0
    for item in items:
        if run and (size + len(item) > room or (max_items and len(run) >= max_items)):
            yield run
            run, size = [], 0
        run.append(item)
        size += len(item)
    yield run


T = TypeVar("T")
R = TypeVar("R")
_pieces: dict[Hashable, tuple[Hashable, dict]] = {}  # kind -> (given, {record: its piece}) of its last call
_remember = [True]  # whether per_record keeps its pieces for a next build of this process
_added: list = []  # the records per_record kept a new piece on since pieces_added() was last called


def remember_pieces(on: bool) -> None:
    """Whether the pieces made from now on are kept for a next build of this process (serve), or let go as
    soon as their file is made (a one-shot build has no next build); off also forgets those kept so far."""
    _remember[0] = on
    if not on:
        _pieces.clear()


def per_record(kind: Hashable, records: Sequence[T], make: Callable[[T], R], given: Hashable = None) -> list[R]:
    """[make(r) for r in records], each piece kept on its record (`_pieces`: the content cache saves it with the
    record, so a new process takes the pieces of the records it did not make again as they were) and, while
    remembering, by the record's value until the next call of the same `kind` in this process (a record made
    again with the same value keeps its pieces). `make` must depend on nothing but the record and `given` (a
    language's texts, say: when `given` changes, every piece is made); a record keeps one `given`'s pieces."""
    mark = repr(given)  # the same in every process
    last_given, before = _pieces.get(kind, (None, {}))
    if last_given != given:
        before = {}
    now: dict = {}
    remember = _remember[0]
    out = []
    for record in records:
        kept = record.__dict__.get("_pieces")
        if kept is None:
            kept = {}
            object.__setattr__(record, "_pieces", kept)  # records are frozen: this is their cache, not a field
        found = kept.get(kind)
        if found is not None and found[0] == mark:
            piece = found[1]
        else:
            try:
                piece = before[record] if record in before else make(record)
            except TypeError:  # a record with an unhashable field: never kept by value
                piece = make(record)
            kept[kind] = (mark, piece)
            _added.append(record)
        if remember:
            try:
                now[record] = piece
            except TypeError:
                pass
        out.append(piece)
    if remember:
        _pieces[kind] = (given, now)
    return out


def pieces_added() -> list:
    """The records per_record kept a new piece on since the last call (the content cache saves them again)."""
    added = list(_added)
    _added.clear()
    return added


class Batch(NamedTuple):
    """A file made by func(arg) and nothing else: the builder has the workers make a run of them together."""

    func: Callable[[Any], bytes]
    arg: Any

    def __call__(self) -> bytes:
        return self.func(self.arg)


Made = Callable[[], dict[str, bytes] | Iterable[tuple[str, bytes]]]  # a set's files, all at once or one by one
OtherFile = tuple[str, bytes, Callable[[], bytes] | None]  # (path, key, make) of an output file that is not a page


def file_set(old: Mapping[str, object], belongs: Callable[[str], bool], main: str, key: bytes,
             make: Made) -> Iterator[OtherFile]:
    """(path, key, make) for the builder of each file of a set made together (a file and its parts): the last
    build's files when it made all of them from the same key, else every file made by `make` when the builder
    comes to the set, each let go once the builder has it (one set's bytes in memory at a time)."""
    before = [path for path in old if belongs(path)]
    if main in before and all(getattr(old[path], "key", None) == key for path in before):
        yield from ((path, key, None) for path in before)
        return
    made = make()
    if not isinstance(made, dict):
        yield from ((path, key, lambda data=data: data) for path, data in made)
        return
    while made:
        path = next(iter(made))
        yield path, key, (lambda data=made.pop(path): data)


def numbered(main: str) -> Callable[[str], bool]:
    """Whether a path is `main` or one of its numbered parts: numbered("sitemap.xml")("sitemap-2.xml") is True."""
    stem, ext = main.rsplit(".", 1)
    pattern = re.compile(rf"{re.escape(stem)}(-[1-9][0-9]*)?\.{re.escape(ext)}")
    return lambda path: pattern.fullmatch(path) is not None
