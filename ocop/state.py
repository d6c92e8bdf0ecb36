"""The build state kept under cache_dir between builds: what each output file was made from, by name.

For every output file it holds the digest of its bytes, the key of the job that made it, and the names
it read (ocop.names); for every name, its fingerprint in that build. A state that is missing, unreadable,
or made by other code or settings is simply empty, and the build then makes everything.
"""

from __future__ import annotations

import os
import pickle
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, NamedTuple

from .stamp import folder_id, stamp_path


class Output(NamedTuple):
    """One output file as the last build left it (a tuple: tens of thousands are kept, and saved)."""

    digest: bytes  # of its bytes
    key: bytes  # of the job that made it (template, language, what it shows)
    reads: array | tuple = ()  # the names it read, as numbers in BuildState.names (array("I"): 4 bytes each)
    refs: tuple[tuple[str, str], ...] = ()  # kiosk pages: (URL, output file) of what they name (the precache)
    size: int = 0


def reads_any(numbers: Iterable[int]) -> Callable[[Output], bool]:
    """A test of whether an output read any of the names numbered `numbers`. For a few names (an edit) it
    looks for each number's four bytes in the output's array, at a whole-number offset: no set of every
    output's names is made."""
    wanted = set(numbers)
    if len(wanted) > 8:
        return lambda out: not wanted.isdisjoint(out.reads)
    patterns = [array("I", [n]).tobytes() for n in sorted(wanted)]

    def test(out: Output) -> bool:
        data = out.reads.tobytes() if isinstance(out.reads, array) else array("I", out.reads).tobytes()
        for pattern in patterns:
            at = data.find(pattern)
            while at >= 0:
                if at % 4 == 0:
                    return True
                at = data.find(pattern, at + 1)
        return False
    return test


@dataclass
class BuildState:
    """What the last build of one output folder made, and from what."""

    version: str = ""
    settings: bytes = b""
    output_dir: str = ""
    output_id: tuple[int, int, int] = (0, 0, 0)  # folder_id() of the output folder the build left
    names: list[str] = field(default_factory=list)
    fingerprints: dict[str, bytes] = field(default_factory=dict)  # name -> its fingerprint in that build
    outputs: dict[str, Output] = field(default_factory=dict)
    inputs: dict[str, tuple[int, int]] = field(default_factory=dict)  # input file -> (size, mtime_ns)
    warnings: tuple = ()  # the content warnings of that build (shown again when nothing changed)
    words: dict = field(default_factory=dict)  # the search index's words of each story, by its digest (ocop.search)
    _ids: dict[str, int] = field(default_factory=dict, repr=False)

    def name_ids(self, names: Iterable[str]) -> array:
        """The numbers of `names`, sorted, adding the new ones."""
        ids = self._ids
        if len(ids) != len(self.names):
            ids.update((name, i) for i, name in enumerate(self.names))
        out = []
        for name in names:
            number = ids.get(name)
            if number is None:
                number = ids[name] = len(self.names)
                self.names.append(name)
            out.append(number)
        return array("I", sorted(out))

    def __getstate__(self) -> dict:
        # outputs in columns, a few large objects rather than five per output: pickle's memo of every object
        # written then stays small, and reading is fast; the names each output read follow the pickle as raw
        # numbers (save_state), never joined in memory; the index of `names` is made on load
        return {**self.__dict__, "outputs": _columns(self.outputs), "_ids": {}}

    def __setstate__(self, saved: dict) -> None:
        self.__dict__.update(saved)  # `outputs` stays in columns until read_reads() has the names

    def matches(self, version: str, settings: bytes, output_dir: Path) -> bool:
        """Whether this state describes `output_dir` as it is, made by this code with these settings.

        The output folder the last build left is known by folder_id(); another one (restored from a cache,
        as the publishing workflow does) must hold exactly the files of the state, with their sizes."""
        if self.version != version or self.settings != settings or self.output_dir != str(output_dir):
            return False
        if self.output_id == folder_id(output_dir):
            return True
        if self.output_id == (0, 0, 0) or folder_sizes(output_dir) != {path: out.size for path, out in self.outputs.items()}:
            return False
        self.output_id = folder_id(output_dir)
        return True

    def read_reads(self, file: BinaryIO) -> None:
        """Read the names each output read, which save_state writes after the pickle, and make the outputs."""
        reads = array("I")
        ends = self.outputs[_READS_END]
        count = ends[-1] if ends else 0
        reads.fromfile(file, count)  # EOFError when the file is short
        if file.read(1):
            raise ValueError("a damaged build state")
        self.outputs = _rows(self.outputs, reads)


def _columns(outputs: dict[str, Output]) -> tuple:
    """The outputs as columns: names, digests and keys joined, where each output's names end in the run of
    every output's names (save_state writes that run), its refs as numbers in one list of the distinct
    (URL, file) pairs."""
    pairs: dict[tuple[str, str], int] = {}
    reads_end, refs, refs_end, keys_end = array("Q"), array("I"), array("Q"), array("Q")
    key_bytes = read_count = 0
    for out in outputs.values():
        assert len(out.digest) == 16, "every output's digest is a 16-byte blake2b"
        read_count += len(out.reads)
        reads_end.append(read_count)
        refs.extend(pairs.setdefault(pair, len(pairs)) for pair in out.refs)
        refs_end.append(len(refs))
        key_bytes += len(out.key)
        keys_end.append(key_bytes)
    return ("\0".join(outputs), b"".join(out.digest for out in outputs.values()),
            b"".join(out.key for out in outputs.values()), keys_end,
            reads_end, refs, refs_end, list(pairs), array("Q", [out.size for out in outputs.values()]))


_READS_END = 4  # the column of _columns() where each output's names end


def _rows(columns: tuple, reads: array) -> dict[str, Output]:
    """The outputs from _columns() and the run of every output's names."""
    paths, digests, keys, keys_end, reads_end, refs, refs_end, pairs, sizes = columns
    outputs: dict[str, Output] = {}
    if len(digests) != 16 * len(sizes):
        raise ValueError("a damaged build state")  # load_state then starts afresh
    key_at = read_at = ref_at = 0
    for i, path in enumerate(paths.split("\0") if paths else ()):
        out_refs = tuple([pairs[n] for n in refs[ref_at:refs_end[i]]]) if refs_end[i] > ref_at else ()
        outputs[path] = Output(digests[16 * i:16 * i + 16], keys[key_at:keys_end[i]],
                               reads[read_at:reads_end[i]] if reads_end[i] > read_at else (), out_refs, sizes[i])
        key_at, read_at, ref_at = keys_end[i], reads_end[i], refs_end[i]
    return outputs


def folder_sizes(folder: Path) -> dict[str, int]:
    """{relative path: size} of every file under a folder."""
    found: dict[str, int] = {}
    root = str(folder)

    def walk(path: str) -> None:
        for entry in os.scandir(path):
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)
            else:
                found[entry.path[len(root) + 1:]] = entry.stat(follow_symlinks=False).st_size

    try:
        walk(root)
    except OSError:
        return {}
    return found


def load_state(path: Path | None) -> BuildState:
    """The saved state, or an empty one when it is missing or unreadable."""
    if path is None:
        return BuildState()
    try:
        with open(path, "rb") as file:
            state = pickle.load(file)
            if not isinstance(state, BuildState):
                return BuildState()
            state.read_reads(file)
    except Exception:  # missing, corrupt, or from another version of this code: build everything
        return BuildState()
    return state


def forget_state(path: Path) -> None:
    """Remove a saved state and its stamp (ocop.stamp), which are about to describe an output folder no more."""
    for stale in (path, stamp_path(path)):
        try:
            stale.unlink(missing_ok=True)
        except OSError:
            pass


def save_state(state: BuildState, path: Path | None) -> None:
    """Write the state atomically; a cache that cannot be written only makes the next build slower."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temp, "wb") as file:  # written as it is made: the whole pickle is never in memory at once
            pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
            for out in state.outputs.values():  # then the names each output read, as read_reads() takes them
                if out.reads:
                    file.write(out.reads if isinstance(out.reads, array) else array("I", out.reads))
        os.replace(temp, path)
    except OSError:
        pass
