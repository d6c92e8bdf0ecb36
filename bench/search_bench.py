#!/usr/bin/env python3
"""Search benchmark: gzipped size of search-index.json + assets/search.js, and query time in headless Chromium.

    python bench/search_bench.py [--sizes 1000 10000] [--work DIR]

For each size, bench/gen_corpus.py writes a catalog, the real index and search page are built from it
(ocop/search.py, templates/search.html), and Debian's Chromium types a list of queries letter by letter into
the page. Times are taken with performance.now() inside the page: "search" is the index lookup and ranking
alone, "update" is one key press end to end (input event: search, results list rebuilt, URL updated).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser_support import CHROMIUM_ARGS, static_server  # noqa: E402
from ocop.builder import Builder  # noqa: E402
from ocop.config import load_config  # noqa: E402
from ocop.search import INDEX_PATH  # noqa: E402

# What visitors type, each typed one letter at a time ("m", "ma", "mat", …).
QUERIES = ["mat ong", "huu lien", "dong tan", "ruou", "che", "tra day", "na", "mật ong rừng", "banh chung", "tuan son"]


def build_search_files(content: Path, out: Path) -> dict[str, int]:
    """Build the whole site for a catalog (as `python build.py build` does); return the search sizes that matter:
    what a visitor loads before the first result (the index, its product rows and search.js) and the body-word
    parts, of which a query loads only those its words fall in."""
    config = load_config(None).with_overrides(content_dir=content, output_dir=out, use_cache=False)
    report = Builder(keep_content=False).build(config)
    folder = out / INDEX_PATH.removesuffix(".json")
    index = (out / INDEX_PATH).read_bytes()
    rows = [p.read_bytes() for p in sorted(folder.glob("p-*.json"))]
    word_parts = [p.read_bytes() for p in sorted(folder.glob("w-*.json"))]
    script = next((out / "assets").glob("search*.js")).read_bytes()

    def gz(data: bytes) -> int:
        return len(gzip.compress(data, 9, mtime=0))
    return {
        "products": len(report.site.products),
        "index_bytes": len(index) + sum(map(len, rows)),
        "index_gzip": gz(index) + sum(map(gz, rows)),
        "word_parts": len(word_parts),
        "word_parts_gzip": sum(map(gz, word_parts)),
        "largest_word_part_gzip": max(map(gz, word_parts), default=0),
        "script_bytes": len(script),
        "script_gzip": gz(script),
    }


TIMING_JS = """async (queries) => {
  await ocopSearch.ready;
  const form = document.querySelector("form.s-form"), input = form.elements.q;
  const t0 = performance.now();
  const index = await ocopSearch.loadIndex(form.dataset.index);
  const load = performance.now() - t0;
  const search = [], update = [];
  let parts = 0;
  for (const query of queries) {
    input.value = "";
    for (let i = 1; i <= query.length; i++) {
      const typed = query.slice(0, i);
      const missing = index.missing(ocopSearch.words(typed));  // the body-word parts a key press first needs
      parts += missing.length;
      await index.load(missing);  // fetched, as the page does, before the timed lookup
      let t = performance.now();
      index.search({q: typed});
      search.push(performance.now() - t);
      input.value = typed;
      t = performance.now();
      input.dispatchEvent(new Event("input", {bubbles: true}));
      update.push(performance.now() - t);
    }
  }
  return {load, search, update, parts, shown: document.querySelectorAll(".s-item").length};
}"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(url: str, repeat: int = 5) -> dict:
    """Open the search page in Chromium and time every typed prefix of QUERIES `repeat` times (after a warm-up)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"  # Debian's
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "tim-kiem/")
        page.wait_for_selector("form.s-form.is-ready", timeout=120_000)
        page.evaluate(TIMING_JS, QUERIES)  # warm-up: JIT, caches
        runs = [page.evaluate(TIMING_JS, QUERIES) for _ in range(repeat)]
        browser.close()
    stats = {"load_ms": round(min(r["load"] for r in runs), 1), "keystrokes": len(runs[0]["search"]), "repeat": repeat}
    for name in ("search", "update"):
        # Each key press's best time over the runs: other programs on the machine only ever add time.
        values = [min(r[name][i] for r in runs) for i in range(len(runs[0][name]))]
        stats[name] = {"median_ms": round(statistics.median(values), 2), "p95_ms": round(percentile(values, 95), 2),
                       "max_ms": round(max(values), 2)}
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the queries (best time per key press)")
    parser.add_argument("--work", type=Path, help="folder for the generated catalogs (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    report = {}
    for size in args.sizes:
        content, out = work / f"content-{size}", work / f"site-{size}"
        subprocess.run([sys.executable, str(ROOT / "bench/gen_corpus.py"), "--products", str(size), "--out", str(content)],
                       check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        sizes = build_search_files(content, out)
        sizes["build_s"] = round(time.perf_counter() - started, 1)
        sizes["total_gzip"] = sizes["index_gzip"] + sizes["script_gzip"]
        sizes.update(measure(static_server(out, "/ocop-huu-lung/"), args.repeat))
        report[size] = sizes
        print(f"{size} products: index and rows {sizes['index_gzip'] / 1024:.1f} KB gz + search.js"
              f" {sizes['script_gzip'] / 1024:.1f} KB gz = {sizes['total_gzip'] / 1024:.1f} KB gz before the first result"
              f" (raw {sizes['index_bytes'] / 1024:.0f} KB); body words in {sizes['word_parts']} parts,"
              f" {sizes['word_parts_gzip'] / 1024:.0f} KB gz in all, the largest {sizes['largest_word_part_gzip'] / 1024:.1f} KB gz;"
              f" index load {sizes['load_ms']} ms; per key press over {sizes['keystrokes']} prefixes:"
              f" search median {sizes['search']['median_ms']} ms, p95 {sizes['search']['p95_ms']} ms,"
              f" max {sizes['search']['max_ms']} ms; search+render+URL median {sizes['update']['median_ms']} ms,"
              f" p95 {sizes['update']['p95_ms']} ms, max {sizes['update']['max_ms']} ms")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
