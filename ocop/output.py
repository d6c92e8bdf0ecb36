"""Write the built files: into a staging folder beside output/, then swapped or moved into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import SiteError

PAGES_LIMIT = 1_000_000_000  # GitHub Pages refuses a published site over 1 GB


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


class Staging:
    """A fresh folder beside output/ that a build writes into, file by file, as pages are made.

    `commit` puts it in place: a whole site is swapped in for output/; a partial one (only the files that
    changed) has each file moved over its old self. Until then output/ keeps the last good site, and
    `discard` removes the folder after a failure.
    """

    def __init__(self, output_dir: Path, keep: tuple[Path, ...] = ()):
        check_output_dir(output_dir, keep)
        self.output_dir = output_dir.resolve()
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        _made_dirs.clear()
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}-new-", dir=self.output_dir.parent))

    def write(self, rel: str, data: bytes) -> None:
        """Write one file (any worker may call this with the same root)."""
        write_file(self.root, rel, data)

    def commit(self, whole: bool, changed: list[str] = (), removed: list[str] = ()) -> None:  # type: ignore[assignment]
        """Put the staged files in place: the whole folder (`whole`), else each of `changed`, then delete `removed`."""
        if whole:
            _swap(self.root, self.output_dir)
            return
        for rel in sorted(changed):
            target = self.output_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.root / rel, target)
        for rel in sorted(removed):
            target = self.output_dir / rel
            target.unlink(missing_ok=True)
            parent = target.parent
            while parent != self.output_dir and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        shutil.rmtree(self.root, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


_made_dirs: set[str] = set()


def write_file(root: Path, rel: str, data: bytes) -> None:
    """Write `data` at root/rel, making folders as needed (remembered per process). Paths as strings: a
    catalog's pages are thousands of files, and pathlib's objects cost more than the writes."""
    target = f"{root}/{rel}"
    parent = target.rpartition("/")[0]
    if parent not in _made_dirs:
        os.makedirs(parent, exist_ok=True)
        _made_dirs.add(parent)
    with open(target, "wb") as f:
        f.write(data)


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


def read_tree(output_dir: Path) -> dict[str, bytes]:
    """{relative path: bytes} of every file under a folder (for comparisons and rebuilds)."""
    if not output_dir.is_dir():
        return {}
    return {p.relative_to(output_dir).as_posix(): p.read_bytes() for p in sorted(output_dir.rglob("*")) if p.is_file()}
