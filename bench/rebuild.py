"""Save-to-rebuilt time for one product edit: python bench/rebuild.py --products 1000 [--edits 5]

Generates a corpus with bench/gen_corpus.py, builds it once with IncrementalBuilder, then edits one
product file several times and prints how long each rebuild (read, render, write changed files) took:
first told which file changed, as `serve` does (its watcher lists the files it saw change), then
checking every content file on disk, as the first rebuild after `serve` starts does.
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
    builder.tidy()  # as `serve` does after each build
    print(f"{args.products} products: first full build {time.perf_counter() - started:.1f} s")
    target = sorted((content / "products").glob("*.md"))[args.products // 2]
    times: dict[bool, list[float]] = {True: [], False: []}
    for number in range(2 * args.edits):
        told = number < args.edits
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("\n---\n", f"\n---\nSửa lần {number}.\n", 1) if number == 0
                          else text.replace(f"Sửa lần {number - 1}.", f"Sửa lần {number}."), encoding="utf-8")
        started = time.perf_counter()
        changed = builder.build({str(target)} if told else None)
        times[told].append((time.perf_counter() - started) * 1000)
        builder.tidy()  # after the rebuild, as `serve` does once browsers were told to reload
        pages = builder.memo.pages
        print(f"  edit {number + 1} ({'told what changed' if told else 'every file checked'}): {times[told][-1]:.0f} ms, "
              f"{len(changed)} files written, {pages.rendered} pages rendered, {pages.reused} reused")
    print(f"one product edit: median {statistics.median(times[True]):.0f} ms as `serve` rebuilds (told which file its "
          f"watcher saw change), {statistics.median(times[False]):.0f} ms checking every content file "
          f"(+ up to {POLL_MS} ms watcher poll + {QUIET * 1000:.0f} ms debounce in `serve`)")


if __name__ == "__main__":
    main()
