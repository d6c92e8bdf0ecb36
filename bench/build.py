"""Build benchmark, paired with Hugo: python bench/build.py --products 1000 [--runs 3] [--seed 7]

Makes a catalog with bench/gen_corpus.py on tmpfs (/dev/shm), lays out the equivalent minimal Hugo site
(bench/hugo_site.py, when `hugo` is installed) and measures, as medians of --runs runs, each build run as a
user runs it (`python build.py build` in a new process, on a copy of the project):
- cold build: empty cache and output;
- every template changed: each template file edited, caches warm (every page renders again);
- no-change build;
- one product edited, then `build`;
- serve: one product saved, then one in-process rebuild as `serve` does it (the state kept in memory),
  from the save to the new page in the output folder;
- peak memory: the largest resident size of the build process and of its workers;
- output size without photos, and the largest output file.
Each figure is also given as a ratio to Hugo's cold build of the same run. Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = "2026-11-28"
TARGETS = {  # figure: (1,000 products, 10,000 products), as a ratio to Hugo's cold build or an absolute limit
    "cold build": ("≤ 3×", "≤ 3×"),
    "every template changed": ("≤ 1.5×", "≤ 1.5×"),
    "no-change build": ("≤ 0.1×", "≤ 0.1×"),
    "one product edited, then build": ("≤ 0.25×", "≤ 0.1×"),
    "serve: save to rebuilt page": ("≤ 150 ms", "≤ 500 ms"),
}

def settle(folder: Path) -> None:
    """Date the generated files an hour back, as a catalog that sits on disk between edits: a file written less
    than 2 s before a build is never trusted by its size and time (ocop.stamp.RACY_NS), and the corpus is
    written just before the first build."""
    when = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (when, when))


def run_build(project: Path, content: Path, output: Path, cache: Path) -> dict:
    """`python build.py build` in a new process, as a user runs it: its wall time (the interpreter's start
    and the imports included) and the peak memory of its largest process (its workers included)."""
    command = [sys.executable, str(project / "build.py"), "build", "--content", str(content), "--output", str(output),
               "--cache", str(cache), "--today", TODAY]
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        # as on a user's machine, Python keeps the compiled engine (this sandbox's environment turns that off)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"build failed: {err.read().decode()}")
    return {"seconds": wall, "peak_mb": usage.ru_maxrss / 1024}


def hugo_build(site: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "-d", str(out)], cwd=site, check=True, capture_output=True)
    return time.perf_counter() - started


def edit_product(path: Path, n: int) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", f"\n---\nLần sửa {n}.\n\n", 1) if n == 0 else
                    text.replace(f"Lần sửa {n - 1}.", f"Lần sửa {n}.", 1), encoding="utf-8")


def serve_edits(project: Path, content: Path, output: Path, cache: Path, product: Path, runs: int) -> tuple[list[float], float]:
    """Save one product, rebuild in-process as `serve` does (ocop.serve.Preview.rebuild: the state kept in memory,
    saved later when idle), until its page holds the new text; (ms each, peak MB). What serve does once the page
    is out (the collector's pass, saving the state when idle) is left out of the time, as it is in serve."""
    import gc
    import resource

    from ocop.config import load_config
    from ocop.serve import Preview

    config = load_config(root=project).with_overrides(content_dir=content, output_dir=output, cache_dir=cache,
                                          today=dt.date.fromisoformat(TODAY))
    preview = Preview(lambda: config, output)
    preview.rebuild()
    preview.save()
    page = output / "san-pham" / product.stem / "index.html"
    times = []
    for n in range(runs):
        marker = f"Lần sửa serve {n}."
        text = product.read_text(encoding="utf-8")
        started = time.perf_counter()
        product.write_text(text.replace("\n---\n", f"\n---\n{marker}\n\n", 1), encoding="utf-8")
        preview.rebuild()
        assert marker in page.read_text(encoding="utf-8") and not preview.problems
        times.append((time.perf_counter() - started) * 1000)
        gc.collect()
    preview.save()
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return times, peak / 1024


def serve_in_own_process(*args) -> tuple[list[float], float]:
    """serve_edits(*args) in a forked process of its own, so that its peak memory is that of serve and of its
    workers alone: this process's own children (Hugo, which takes about 1 GB at 10,000 products, and the
    builds) would count in its RUSAGE_CHILDREN."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run() -> None:
        try:
            send.send(("ok", serve_edits(*args)))
        except BaseException as exc:  # noqa: BLE001 - said in the parent
            send.send(("error", repr(exc)))

    proc = context.Process(target=run)
    proc.start()
    status, result = receive.recv()
    proc.join()
    if status != "ok":
        raise SystemExit(f"serve: {result}")
    return result


def sizes(folder: Path) -> tuple[int, tuple[int, str]]:
    files = [(p.stat().st_size, p.relative_to(folder).as_posix()) for p in folder.rglob("*") if p.is_file()]
    return sum(s for s, _ in files), max(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ocop-bench-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    try:
        content = work / "content"
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--products", str(args.products),
                        "--out", str(content), "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
        settle(content)
        hugo = shutil.which("hugo")
        if hugo:
            subprocess.run([sys.executable, str(ROOT / "bench" / "hugo_site.py"), str(content), str(work / "hugo")], check=True)
            hugo_build(work / "hugo", work / "hugo-out")  # once to warm the disk cache, not counted
        project = work / "project"
        for name in ("templates", "assets", "data", "ocop", "vendor"):
            shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("site.toml", "build.py"):
            shutil.copy2(ROOT / name, project / name)
        rows: dict[str, list[float]] = {k: [] for k in TARGETS}
        hugo_times, peaks = [], []
        product = sorted((content / "products").glob("*.md"))[args.products // 2]
        for run in range(args.runs):
            if hugo:
                hugo_times.append(hugo_build(work / "hugo", work / "hugo-out"))
            out, cache = work / "out", work / "cache"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            result = run_build(project, content, out, cache)
            rows["cold build"].append(result["seconds"])
            peaks.append(result["peak_mb"])
            result = run_build(project, content, out, cache)
            rows["no-change build"].append(result["seconds"])
            print(f"run {run}: cold {rows['cold build'][-1]:.2f} s, no-change {result['seconds'] * 1000:.0f} ms", file=sys.stderr)
            edit_product(product, run)
            result = run_build(project, content, out, cache)
            rows["one product edited, then build"].append(result["seconds"])
            for template in (project / "templates").rglob("*.html"):
                template.write_text(template.read_text(encoding="utf-8") + f"{{# bench {run} #}}\n", encoding="utf-8")
            result = run_build(project, content, out, cache)
            rows["every template changed"].append(result["seconds"])
            peaks.append(result["peak_mb"])
        total, largest = sizes(work / "out")
        times, serve_peak = serve_in_own_process(project, content, work / "serve-out", work / "serve-cache", product, max(5, args.runs))
        rows["serve: save to rebuilt page"] = [t / 1000 for t in times]
        build_peak = max(peaks)
        peaks.append(serve_peak)
        hugo_s = statistics.median(hugo_times) if hugo_times else None
        print(f"\n{args.products:,} products, {args.runs} runs, medians; Hugo {('%.2f s' % hugo_s) if hugo_s else 'not installed'}"
              f" (cold, same runs); output on tmpfs\n")
        col = 0 if args.products <= 1000 else 1
        print("| figure | ours | ratio to Hugo | target |\n|---|---|---|---|")
        for name, values in rows.items():
            ours = statistics.median(values)
            ratio = f"{ours / hugo_s:.2f}×" if hugo_s and not name.startswith("serve") else "—"
            shown = f"{ours * 1000:.0f} ms" if ours < 2 else f"{ours:.2f} s"
            print(f"| {name} | {shown} | {ratio} | {TARGETS[name][col]} |")
        print(f"| peak memory, largest process (build, serve) | {max(peaks):.0f} MB (build {build_peak:.0f}, serve "
              f"{serve_peak:.0f}) | — | ≤ 500 MB |")
        print(f"| output without photos | {total / 1e6:.1f} MB, {sum(1 for _ in (work / 'out').rglob('*'))} entries | — | "
              f"{'≤ 50 MB' if col == 0 else '≤ 500 MB'} |")
        print(f"| largest output file | {largest[0] / 1e6:.2f} MB ({largest[1]}) | — | ≤ 1 MB |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
