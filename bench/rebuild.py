"""Save-to-rebuilt time for one product edit: python bench/rebuild.py --products 1000 [--edits 5]

Generates a corpus with bench/gen_corpus.py, builds it once with IncrementalBuilder, then edits one
product file several times and prints how long each rebuild (read, render, write changed files) took.
The preview adds its debounce (ocop.serve.QUIET) and the watcher's poll interval (POLL_MS) on top.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocop.config import load_config  # noqa: E402
from ocop.incremental import IncrementalBuilder  # noqa: E402
from ocop.serve import POLL_MS, QUIET  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    content = work / "content"
    subprocess.run([sys.executable, str(ROOT / "bench/gen_corpus.py"), "--products", str(args.products),
                    "--out", str(content)], check=True, stdout=subprocess.DEVNULL)

    def make_config():
        return load_config().with_overrides(content_dir=content, output_dir=work / "output", cache_dir=work / "cache",
                                            today=dt.date(2026, 11, 28))

    builder = IncrementalBuilder(make_config)
    started = time.perf_counter()
    builder.build()
    print(f"{args.products} products: first full build {time.perf_counter() - started:.1f} s")
    target = sorted((content / "products").glob("*.md"))[args.products // 2]
    times = []
    for number in range(args.edits):
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("\n---\n", f"\n---\nSửa lần {number}.\n", 1) if number == 0
                          else text.replace(f"Sửa lần {number - 1}.", f"Sửa lần {number}."), encoding="utf-8")
        started = time.perf_counter()
        changed = builder.build()
        times.append((time.perf_counter() - started) * 1000)
        pages = builder.memo.pages
        print(f"  edit {number + 1}: {times[-1]:.0f} ms, {len(changed)} files written, "
              f"{pages.rendered} pages rendered, {pages.reused} reused")
    print(f"one product edit: median {statistics.median(times):.0f} ms "
          f"(+ up to {POLL_MS} ms watcher poll + {QUIET * 1000:.0f} ms debounce in `serve`)")


if __name__ == "__main__":
    main()
