"""The quickest `build`: the same command, run again in the same folder on the same day, that finds nothing
changed since it last ran prints that build's closing lines again, before the settings are read or any
other module is imported (build.py calls run() first).

After a build, the command line leaves a record beside the build's stamp (ocop.stamp), named after the
command: its options (the number of workers left out: it never changes a byte), the working folder, the
date and the Python that ran it, the stamp it was written beside, and the (size, mtime) of every input
file and of the engine's code as that stamp has them. run() takes the record only when all of them are
still the same, and the stamp is still the very file it was written beside: any other build of the same
output folder writes a new stamp, and `serve` removes it. Anything else goes the normal way (ocop.cli).
Standard library only (os, sys, marshal, time, zlib), on purpose.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib

FORMAT = 1
ENGINE_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.dirname(os.path.realpath(ENGINE_DIR))
# the libraries whose version shapes the output, by import name: their installed top files are stamped
LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "yaml", "PIL", "zxingcpp", "frontmatter")
_VALUED = frozenset({"--config", "--content", "--output", "--base-url", "--today", "--cache", "--jobs"})
_FLAGS = frozenset({"--debug"})
Tape = list[tuple[int, str]]  # what a build printed: (1 for standard output, 2 for errors, text), in order


def file_stamps(folders: list[str], files: list[str] = ()) -> dict[str, tuple[int, int]]:  # type: ignore[assignment]
    """{path: (size, mtime in ns)} of every file under `folders`, and of `files` that exist."""
    found: dict[str, tuple[int, int]] = {}

    def walk(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)
            elif entry.is_file():
                st = entry.stat()
                found[entry.path] = (st.st_size, st.st_mtime_ns)

    for folder in folders:
        walk(str(folder))
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue
        found[str(path)] = (st.st_size, st.st_mtime_ns)
    return found


def folder_id(folder: str | os.PathLike) -> tuple[int, int, int]:
    """(device, inode, change time) of a folder, zeros when there is none: another folder put in its place has
    another change time even where the system gives it the inode number of the one it replaced."""
    try:
        st = os.stat(folder)
    except OSError:
        return (0, 0, 0)
    return (st.st_dev, st.st_ino, st.st_ctime_ns)


def code_stamps() -> dict[str, tuple[int, int]]:
    """(size, mtime) of the engine's modules and of each output-shaping library's top file (an upgrade
    rewrites it; one installed elsewhere on the path is found there)."""
    from importlib.util import find_spec

    tops = []
    for name in LIBRARIES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        tops.append(spec.origin if spec is not None and spec.origin else name)
    return {path: stamp for path, stamp in file_stamps([ENGINE_DIR], tops).items() if not path.endswith(".pyc")}


def _command(argv: list[str]) -> tuple[bytes, str] | None:
    """(key, record file) of a `build` command line, or None when it is another command or has an option
    this check does not read (--no-cache, --help, an abbreviation…): the normal way then decides."""
    args = list(argv)
    if not args or args[0].startswith("-"):
        args.insert(0, "build")  # as ocop.cli.main does
    if args[0] != "build":
        return None
    kept, cache, at = [], os.path.join(PROJECT_ROOT, ".cache"), 1
    while at < len(args):
        name, equals, value = args[at].partition("=")
        if name in _FLAGS and not equals:
            kept.append(name)
            at += 1
            continue
        if name not in _VALUED or (not equals and at + 1 >= len(args)):
            return None
        if not equals:
            value = args[at + 1]
        at += 1 if equals else 2
        if name == "--jobs":
            if not value.strip().lstrip("-").isdigit():
                return None  # a usage error: the normal way says so
            continue
        if name == "--cache":
            cache = os.path.realpath(value)
        kept.append(f"{name}={value}")
    key = marshal.dumps((FORMAT, kept, os.getcwd(), time.strftime("%Y-%m-%d"), sys.version, sys.executable,
                         PROJECT_ROOT))
    return key, os.path.join(cache, "state", f"quick-{zlib.crc32(key):08x}.marshal")


def _file_id(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def run(argv: list[str]) -> int | None:
    """Print the last build's closing lines and return 0 when `argv` is the command of that build and nothing
    it read has changed; else None (nothing printed)."""
    try:
        found = _command(argv)
        if found is None:
            return None
        key, where = found
        with open(where, "rb") as file:
            record = marshal.loads(file.read())  # (marshal.load reads a file a few bytes at a time)
        if type(record) is not tuple or len(record) != 10 or record[0] != key:
            return None
        _, stamp, stamp_id, folders, files, inputs, code, output, output_id, tape = record
        if (_file_id(stamp) != stamp_id or folder_id(output) != output_id or code_stamps() != code
                or file_stamps(folders, files) != inputs):
            return None
        lines = [(sys.stdout if stream == 1 else sys.stderr, str(text)) for stream, text in tape]
    except Exception:  # a missing, unreadable or odd record: the normal way decides
        return None
    for stream, text in lines:
        stream.write(text)
    return 0


def remember(argv: list[str], stamp: str, folders: list[str], files: list[str], code: dict, inputs: dict,
             output: str, tape: Tape) -> None:
    """Leave the record of a build run as `argv` that left `stamp` with these code and input stamps, and would
    print `tape` if it were run again with nothing changed (an unwritable cache only costs the quick check)."""
    found = _command(argv)
    if found is None:
        return
    key, where = found
    record = (key, stamp, _file_id(stamp), folders, files, inputs, code, output, folder_id(output), tape)
    try:
        temp = f"{where}.{os.getpid()}.tmp"
        with open(temp, "wb") as file:
            file.write(marshal.dumps(record))
        os.replace(temp, where)
    except (OSError, ValueError):
        pass
