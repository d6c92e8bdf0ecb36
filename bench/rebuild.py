"""Save-to-rebuilt time for one product edit: python bench/rebuild.py --products 1000 [--edits 5]

Generates a corpus with bench/gen_corpus.py, builds it once with IncrementalBuilder, then edits one
product file several times and prints how long each rebuild (read, render, write changed files) took:
first told which file changed, as `serve` does (its watcher lists the files it saw change), then
checking every content file on disk, as the first rebuild after `serve` starts does; then edits of
the product's title, which move it in the lists (the site model is sorted again).
Last, the whole way as `serve` goes: the file is saved, the watcher hears of it, the debounce
(ocop.serve.QUIET) passes, the rebuild runs on `serve`'s worker thread; the time is taken from the
save until the product's page on disk shows the edit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import asyncio
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocop.config import load_config  # noqa: E402
from ocop.incremental import IncrementalBuilder  # noqa: E402
from ocop.serve import QUIET, EventWatcher, Preview  # noqa: E402


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
          f"watcher saw change), {statistics.median(times[False]):.0f} ms checking every content file")
    moved = []
    for number in range(args.edits):  # a new title moves the product in every list: the site is sorted again
        text = target.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title:"))
        target.write_text(text.replace(title, f"{title} {number}" if number == 0 else f"{title[:-1]}{number}", 1),
                          encoding="utf-8")
        started = time.perf_counter()
        changed = builder.build({str(target)})
        moved.append((time.perf_counter() - started) * 1000)
        builder.tidy()
        print(f"  title edit {number + 1} (told what changed): {moved[-1]:.0f} ms, {len(changed)} files written, "
              f"{builder.memo.pages.rendered} pages rendered", flush=True)
    print(f"a title edit (the product moves in the lists): median {statistics.median(moved):.0f} ms")
    whole = through_serve(builder, content, target, work / "output", args.edits)
    print(f"save to rebuilt page through `serve`'s watcher, debounce ({QUIET * 1000:.0f} ms) and worker: "
          f"median {statistics.median(whole):.0f} ms ({min(whole):.0f}–{max(whole):.0f} ms)")


def through_serve(builder: IncrementalBuilder, content: Path, target: Path, output: Path, edits: int) -> list[float]:
    """Edit `target` with `serve`'s watcher and rebuild worker running; the times from save to page on disk."""
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    watcher = EventWatcher()
    LiveReloadHandler.watcher = watcher  # as livereload's Server sets it: the worker tells browsers to reload
    preview = Preview(builder, output, watcher=watcher)
    watcher.watch(str(content), preview.changed)
    started = threading.Event()

    def run_loop() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        watcher.start(lambda: None)  # also asks for the rebuild that checks every file, as `serve` does
        IOLoop.current().add_callback(started.set)
        IOLoop.current().start()

    threading.Thread(target=run_loop, daemon=True).start()
    threading.Thread(target=preview.run_worker, daemon=True).start()
    started.wait()
    page = output / "san-pham" / target.stem / "index.html"
    settle(preview)
    times = []
    for number in range(edits):
        marker = f"Lưu lần {number}."
        text = target.read_text(encoding="utf-8")
        saved = time.perf_counter()
        target.write_text(text.replace("\n---\n", f"\n---\n{marker}\n", 1), encoding="utf-8")
        while marker.encode("utf-8") not in page.read_bytes():
            time.sleep(0.002)
        times.append((time.perf_counter() - saved) * 1000)
        print(f"  save {number + 1} through `serve`: {times[-1]:.0f} ms", flush=True)
        settle(preview)
    return times


def settle(preview: Preview) -> None:
    """Wait until the preview has no rebuild due or running (and its worker tidied up after it)."""
    time.sleep(QUIET * 3)
    while preview._due is not None or preview._lock.locked():
        time.sleep(0.05)
    time.sleep(0.5)


if __name__ == "__main__":
    main()
