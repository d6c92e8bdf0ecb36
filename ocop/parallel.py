"""Spread heavy build work over the CPU cores: forked workers, large chunks, results in input order.

Workers are forked (Linux), so they inherit everything already loaded (templates, the site model);
only item numbers go to them and only results come back. Small jobs stay in this process, so small
builds and the tests run exactly as before; the results are the same either way.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence

MIN_ITEMS = 200  # below this, starting processes costs more than it saves
CHUNKS_PER_WORKER = 4
CHUNK_ITEMS = 500  # at most about this many items a chunk: results come back, and are let go, a chunk at a time

_task: tuple[Callable, Sequence] | None = None


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_count(items: int, jobs: int = 0) -> int:
    """How many processes to use for `items` pieces of work (`jobs` 0: every core, 1: this process only)."""
    jobs = jobs or cpu_count()
    if jobs <= 1 or items < MIN_ITEMS:
        return 1
    import multiprocessing  # only when workers may start: a one-edit build seldom does (15 ms of imports)

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(jobs, items // (MIN_ITEMS // 2))


def _run(span: tuple[int, int]) -> list:
    func, items = _task  # type: ignore[misc]
    return [func(items[i]) for i in range(*span)]


def map_in_order(func: Callable, items: Sequence, jobs: int = 0) -> Iterator:
    """func(item) for each item, in order, computed by forked workers when there are enough items; the results
    come as they are made, a chunk at a time, so that the caller need not hold them all at once.

    `func` need not be picklable (workers inherit it); its results must be. An exception raised
    by `func` in a worker is raised here.
    """
    workers = worker_count(len(items), jobs)
    if workers <= 1:
        yield from (func(item) for item in items)
        return
    import multiprocessing

    global _task
    _task = (func, items)
    gc.freeze()  # what the workers inherit is never collected by them: no copies of it made by their collector
    try:
        count = max(workers * CHUNKS_PER_WORKER, len(items) // CHUNK_ITEMS)
        bounds = [len(items) * k // count for k in range(count + 1)]
        # the workers collect, even while this process does not (a one-shot build, ocop.cli; a serve rebuild)
        with multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable) as pool:
            for part in pool.imap(_run, list(zip(bounds, bounds[1:])), chunksize=1):
                yield from part
    finally:
        _task = None
        gc.unfreeze()
