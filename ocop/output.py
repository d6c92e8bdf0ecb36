"""Write the built files: atomically for a full build, only changed bytes for a rebuild."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import SiteError


def check_output_dir(output_dir: Path, keep: tuple[Path, ...] = ()) -> None:
    """Refuse a folder whose replacement would destroy something that is not a built site.

    The swap deletes the old output/, so it must not hold (or be) the content, the project,
    or a folder of other files: only an empty folder or a previous build (with index.html).
    """
    output_dir = output_dir.resolve()
    for path in keep:
        path = path.resolve()
        if path == output_dir or path.is_relative_to(output_dir):
            raise SiteError(f"thư mục kết quả {output_dir} trùng hoặc chứa {path}, sẽ bị thay bằng trang web; "
                            "chọn một thư mục riêng, ví dụ output/")
    if output_dir.is_file():
        raise SiteError(f"thư mục kết quả {output_dir} là một tệp; chọn một thư mục, ví dụ output/")
    if output_dir.is_dir() and any(output_dir.iterdir()) and not (output_dir / "index.html").is_file():
        raise SiteError(f"thư mục kết quả {output_dir} đã có tệp khác mà không phải trang đã tạo (không có index.html); "
                        "chọn thư mục trống hoặc tự xoá thư mục đó trước. Chương trình không xoá thư mục lạ.")


def write_output(files: dict[str, bytes], output_dir: Path, keep: tuple[Path, ...] = ()) -> None:
    """Write every file into a fresh folder beside output/, then swap it in.

    On any failure the temporary folder is removed and output/ keeps the last good site.
    `keep` lists folders the output may not contain (the content, the project).
    """
    check_output_dir(output_dir, keep)
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-new-", dir=output_dir.parent))
    try:
        made: set[Path] = set()
        for rel in sorted(files):
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(files[rel])
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, output_dir: Path) -> None:
    """Put `staging` in the place of `output_dir`; the old folder is removed afterwards."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-old-", dir=output_dir.parent))
    os.rmdir(old)
    os.rename(output_dir, old)
    try:
        os.rename(staging, output_dir)
    except BaseException:
        os.rename(old, output_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def update_output(files: dict[str, bytes], previous: dict[str, bytes], output_dir: Path,
                  maybe: list[str] | None = None) -> list[str]:
    """Write only files whose bytes changed and delete files no longer built; return changed paths.

    `maybe`: the only paths whose bytes may have changed, the others being the same paths as in `previous`
    (ocop.incremental.Changes); None compares every file. Each file is replaced atomically (write beside,
    then rename), so a browser never reads half a file.
    """
    changed = []
    get = previous.get
    gone = [] if maybe is not None else sorted(previous.keys() - files.keys())
    if maybe is None:
        maybe = [rel for rel, data in files.items() if get(rel) is not data]  # an unchanged page is the very same bytes
    for rel in maybe:
        data = files[rel]
        if previous.get(rel) == data:
            continue
        target = output_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.tmp")
        temp.write_bytes(data)
        os.replace(temp, target)
        changed.append(rel)
    for rel in gone:
        target = output_dir / rel
        target.unlink(missing_ok=True)
        changed.append(rel)
        parent = target.parent
        while parent != output_dir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return sorted(changed)


def read_tree(output_dir: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file under a folder (for comparisons and rebuilds)."""
    if not output_dir.is_dir():
        return {}
    return {p.relative_to(output_dir).as_posix(): p.read_bytes() for p in sorted(output_dir.rglob("*")) if p.is_file()}
