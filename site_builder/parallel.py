"""Run one function over many items on forked worker processes.

The workers are forked from the build, so they see everything it has loaded (the site,
the templates, the Markdown converter) without pickling it; only each item's index goes
out and each result comes back.  Each item is processed by the same code as in a single
process, so the output is byte-identical whatever the number of processes.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 64  # below this, forking costs more than it saves

_TASK: dict[str, Any] = {}  # set in the parent just before forking; read by the workers
_FROZEN = [0]  # how many frozen_heap() blocks are open


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects made so far (the project, the cache) out of garbage collection
    until the block ends: they live that long anyway, and scanning thousands of them
    again and again cost more than a reload.  Before a fork it also keeps the workers
    from copying the parent's memory just to look at it.  Blocks may nest."""
    gc.freeze()
    _FROZEN[0] += 1
    try:
        yield
    finally:
        _FROZEN[0] -= 1
        if not _FROZEN[0]:
            gc.unfreeze()


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    function, items = _TASK["function"], _TASK["items"]
    return [function(items[i]) for i in range(*bounds)]


def _worker_start() -> None:
    gc.disable()  # short-lived: collecting would only touch (and copy) the parent's pages


def parallel_map(function: Callable[[T], R], items: Sequence[T], processes: int,
                 meanwhile: Callable[[], None] | None = None,
                 advance: Callable[[int], None] | None = None) -> list[R]:
    """[function(item) for item in items], on up to `processes` forked workers.

    `meanwhile` runs in this process while the workers are busy (it must not need their
    results).  Without fork (Windows), one process, or few items, everything runs here.
    `advance` is called here with how many items are done, as they are done (per chunk
    of a worker's); never in a worker.
    """
    if processes <= 1 or len(items) < MIN_ITEMS or not hasattr(os, "fork"):
        results = []
        for item in items:
            results.append(function(item))
            if advance is not None:
                advance(len(results))
        if meanwhile is not None:
            meanwhile()
        return results
    import multiprocessing

    size = max(8, len(items) // (processes * 6))  # several chunks per worker: even finish
    chunks = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    _TASK.update(function=function, items=items)
    try:
        with frozen_heap(), multiprocessing.get_context("fork").Pool(processes, _worker_start) as pool:
            pending = pool.imap(_run_chunk, chunks)  # in order, each chunk as it is done
            if meanwhile is not None:
                meanwhile()
            parts = []
            for part in pending:
                parts.append(part)
                if advance is not None:
                    advance(sum(map(len, parts)))
    finally:
        _TASK.clear()
    return [result for part in parts for result in part]
