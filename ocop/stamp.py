"""The quick check of a `build` with nothing changed, made before any heavy module is imported.

After every build the builder leaves a stamp beside its build state: the (size, mtime) of every input
file, of the engine's code and of the libraries that shape the output, the settings, the output folder's
identity, and the closing figures of that build. When all of them are still the same, `build` prints
those figures and stops: nothing it could make would differ. Anything else (a missing or unreadable
stamp included) goes the normal way through the build state. Standard library only, on purpose. (The same
command run again is checked sooner still, before the settings are read: ocop.quick.)
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

from .quick import code_stamps, file_stamps, folder_id

# the distribution names of the libraries whose version shapes the output (ocop.quick.LIBRARIES): their
# versions are in code_version
DISTRIBUTIONS = ("jinja2", "markupsafe", "markdown", "nh3", "pyyaml", "pillow", "zxing-cpp", "python-frontmatter")


@functools.cache
def code_version() -> str:
    """A hash of the engine's source and the versions of the libraries that shape the output: of the code this
    process runs, so it is computed once (the build state and the content cache are both keyed by it)."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in DISTRIBUTIONS:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def input_places(config) -> tuple[list[str], list[str]]:
    """The folders and files a build reads: content, templates, assets, data and the settings."""
    settings = config.config_path or config.root / "site.toml"
    return [str(f) for f in (config.content_dir, config.templates_dir, config.assets_dir, config.data_dir)], [str(settings)]


def input_files(config) -> dict[str, tuple[int, int]]:
    """(size, mtime in ns) of every file a build reads (input_places)."""
    return file_stamps(*input_places(config))


def settings_key(config) -> bytes:
    """A digest of the settings. Left out: the number of worker processes (it never changes a byte) and the
    account checked against data/banks.yaml (made from [payment] and that file, both stamped)."""
    plain = dataclasses.replace(config, jobs=1, account=None)
    return hashlib.blake2b(pickle.dumps(plain, protocol=4), digest_size=16).digest()


def state_path(cache_dir: Path, output_dir: Path) -> Path:
    """Where the state of one output folder is kept."""
    key = hashlib.sha256(str(output_dir).encode("utf-8")).hexdigest()[:16]
    return cache_dir / "state" / f"{key}.pickle"


def stamp_path(state_file: Path) -> Path:
    """Where the stamp of the state kept in `state_file` is."""
    return state_file.with_suffix(".stamp")


RACY_NS = 2_000_000_000  # a file changed this soon before a build may change again within the same mtime tick


@dataclass(frozen=True)
class Stamp:
    """The code, settings and input files as one build found them when it started."""

    code: dict[str, tuple[int, int]]
    settings: bytes
    output_dir: str
    inputs: dict[str, tuple[int, int]]
    started_ns: int

    def settled(self) -> dict[str, tuple[int, int]]:
        """The inputs to record: one changed just before the build started is recorded with mtime -1, so that
        it never looks unchanged (an edit within the same clock tick keeps its mtime), as git treats racy files."""
        return {path: (size, mtime if self.started_ns - mtime > RACY_NS else -1)
                for path, (size, mtime) in self.inputs.items()}


def take(config) -> Stamp:
    """Code, settings and inputs as they are now (a build takes this first)."""
    started = time.time_ns()
    return Stamp(code_stamps(), settings_key(config), str(config.output_dir.resolve()), input_files(config), started)


def save(path: Path, stamp: Stamp, figures: dict) -> None:
    """Leave the stamp of a build that just finished, with the output folder it left and its closing
    figures (an unwritable cache only costs the quick check)."""
    record = (stamp.code, stamp.settings, stamp.output_dir, stamp.settled(), folder_id(Path(stamp.output_dir)))
    try:
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(pickle.dumps((record, figures), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, path)
    except OSError:
        pass


def read(path: Path) -> tuple[tuple, dict] | None:
    """(what the stamp recorded, the closing figures) of a saved stamp, or None."""
    try:
        record, figures = pickle.loads(path.read_bytes())
    except Exception:  # missing, corrupt, or from other code: the build decides
        return None
    return record, figures


def unchanged(path: Path, config) -> tuple[dict | None, Stamp | None]:
    """(the figures of the last build when nothing it read has changed since, else None; the stamp taken to
    know it, which the build then starts from instead of looking at every input again)."""
    found = read(path)
    if found is None:
        return None, None
    record, figures = found
    now = take(config)
    same = record == (now.code, now.settings, now.output_dir, now.inputs, folder_id(Path(now.output_dir)))
    return (figures if same else None), now
