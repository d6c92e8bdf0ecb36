"""Build benchmark: python -m ocop.bench --products 1000 [--runs 5] [--output-dir DIR] [--jobs N]

Makes a synthetic catalog with bench/gen_corpus.py in a temporary folder, then measures, each as the
median of several runs, with the peak memory of the build's processes (the largest resident size
of the build process and its workers):
- cold full build: `build.py build` in a new process with an empty cache folder;
- warm full build: the same with the cache of the previous build and no change;
- one-product edit: save one product file, rebuild in-process as `serve` does (ocop.incremental, told
  which file its watcher saw change), until the output folder holds the new bytes; then the same
  rebuild checking every content file on disk (what the first rebuild after `serve` starts does).
The output goes to /dev/shm (tmpfs) unless --output-dir names a folder on disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-28"


def _peak_mb() -> float:
    """The largest resident size of this process and of its (finished) workers, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def _child_build(content: Path, output: Path, cache: Path, jobs: int) -> dict:
    """One full build, as `build.py build` does it."""
    from .cli import main

    args = ["build", "--content", str(content), "--output", str(output), "--cache", str(cache), "--today", TODAY]
    code = main(args + (["--jobs", str(jobs)] if jobs else []))
    return {"code": code, "peak_mb": _peak_mb()}


def _child_edits(content: Path, output: Path, cache: Path, jobs: int, edits: int) -> dict:
    """Build once with IncrementalBuilder, then edit one product `edits` times and time each rebuild."""
    from .config import load_config
    from .incremental import IncrementalBuilder

    def make_config():
        return load_config().with_overrides(content_dir=content, output_dir=output, cache_dir=cache,
                                            today=dt.date.fromisoformat(TODAY), jobs=jobs or None)

    builder = IncrementalBuilder(make_config)
    builder.build()
    builder.tidy()  # as `serve` does after each build
    target = sorted((content / "products").glob("*.md"))[len(list((content / "products").glob("*.md"))) // 2]
    original = target.read_text(encoding="utf-8")
    times, full_scan, written = [], [], []
    for number in range(2 * edits):
        told = number < edits  # first as `serve` does (told which file its watcher saw change), then checking every file
        target.write_text(original.replace("\n---\n", f"\n---\nSửa lần {number}.\n\n", 1), encoding="utf-8")
        started = time.perf_counter()
        changed = builder.build({str(target)} if told else None)
        (times if told else full_scan).append(time.perf_counter() - started)
        builder.tidy()  # after the rebuild, as `serve` does once browsers were told to reload
        written.append(len(changed))
        page = output / "san-pham" / target.stem / "index.html"
        assert f"Sửa lần {number}." in page.read_text(encoding="utf-8"), "the edit is not in the output"
    target.write_text(original, encoding="utf-8")
    return {"times": times, "full_scan": full_scan, "written": written, "peak_mb": _peak_mb()}


def _run_child(*args: str) -> tuple[float, dict]:
    """Run this module in a new process; (wall seconds, its JSON report)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ocop.bench", "--child", *args], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def _default_output_root() -> Path:
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


def _fs_name(path: Path) -> str:
    """ "tmpfs" or "disk" (what the output folder sits on), from /proc/mounts when available."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "?"
    best = max((m for m in mounts if str(path.resolve()).startswith(m[1])), key=lambda m: len(m[1]), default=None)
    return best[2] if best else "?"


def benchmark(products: int, runs: int, edits: int, output_root: Path, jobs: int, keep: bool) -> str:
    """Run every measurement and return the table."""
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    out_parent = Path(tempfile.mkdtemp(prefix="ocop-bench-out-", dir=output_root))
    content, cache, output = work / "content", work / "cache", out_parent / "output"
    try:
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--products", str(products),
                        "--out", str(content)], check=True, stdout=subprocess.DEVNULL)
        common = [str(content), str(output), str(cache), str(jobs)]
        cold, warm, cold_mb, warm_mb = [], [], [], []
        for _ in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            wall, report = _run_child("build", *common)
            cold.append(wall)
            cold_mb.append(report["peak_mb"])
            wall, report = _run_child("build", *common)  # the cache the cold build left, nothing changed
            warm.append(wall)
            warm_mb.append(report["peak_mb"])
        _, report = _run_child("edits", *common, str(edits))
        files = sum(1 for p in output.rglob("*") if p.is_file())
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        lines = [
            f"{products} products, {files} output files, output on {_fs_name(out_parent)} ({out_parent}), "
            f"{os.cpu_count()} cores, --jobs {jobs or 'all'}, load average {load:.1f}",
            "",
            "| step | median | runs | peak memory |",
            "|---|---|---|---|",
            f"| cold full build (empty cache) | {statistics.median(cold):.2f} s | {runs} | {max(cold_mb):.0f} MB |",
            f"| warm full build (no change) | {statistics.median(warm):.2f} s | {runs} | {max(warm_mb):.0f} MB |",
            f"| one-product edit to rebuilt output | {statistics.median(report['times']) * 1000:.0f} ms | {edits} "
            f"| {report['peak_mb']:.0f} MB |",
            f"| the same, every content file checked | {statistics.median(report['full_scan']) * 1000:.0f} ms | {edits} "
            f"| {report['peak_mb']:.0f} MB |",
            "",
            f"cold runs: {', '.join(f'{t:.2f}' for t in cold)} s; warm runs: {', '.join(f'{t:.2f}' for t in warm)} s; "
            f"edits: {', '.join(f'{t * 1000:.0f}' for t in report['times'])} ms; every file checked: "
            f"{', '.join(f'{t * 1000:.0f}' for t in report['full_scan'])} ms "
            f"({statistics.median(report['written']):.0f} files written each)",
        ]
        return "\n".join(lines)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(out_parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        kind, content, output, cache, jobs, *rest = argv[1:]
        if kind == "build":
            report = _child_build(Path(content), Path(output), Path(cache), int(jobs))
        else:
            report = _child_edits(Path(content), Path(output), Path(cache), int(jobs), int(rest[0]))
        print(json.dumps(report))
        return 0
    parser = argparse.ArgumentParser(prog="python -m ocop.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=1000, help="catalog size (default 1000)")
    parser.add_argument("--runs", type=int, help="runs of each full build (default 5, or 3 from 5,000 products)")
    parser.add_argument("--edits", type=int, default=5, help="one-product edits to time (default 5)")
    parser.add_argument("--output-dir", type=Path, help="folder to build into (default /dev/shm, i.e. tmpfs)")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: every core)")
    parser.add_argument("--keep", action="store_true", help="keep the generated catalog, cache and output")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.products >= 5000 else 5)
    output_root = args.output_dir or _default_output_root()
    output_root.mkdir(parents=True, exist_ok=True)
    print(f"python -m ocop.bench --products {args.products} --runs {runs} --edits {args.edits}"
          + (f" --output-dir {args.output_dir}" if args.output_dir else "") + (f" --jobs {args.jobs}" if args.jobs else ""))
    print(benchmark(args.products, runs, args.edits, output_root, args.jobs, args.keep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
