"""Running one function over many items on a few threads, results in completion order.

Why not `ThreadPoolExecutor.map` or futures refilled by the caller: a sync spends a while on each
result (it writes a day to SQLite), and a pool refilled only when the caller comes back sits idle
for that while; `map` would also queue every item at once. Here each worker pulls its next item
itself the moment it finishes one, so the API always has `workers` requests in flight, while the
caller takes finished results from a queue at its own pace — up to `workers` results ahead of it
(double buffering): a caller slower than the API holds back the workers instead of piling up
results in memory (a sync's result is a whole day of rows).
"""

from __future__ import annotations

import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class _Done(Generic[ItemT, ResultT]):
    item: ItemT
    result: ResultT


@dataclass(frozen=True)
class _Raised:
    error: BaseException


_WORKER_EXITED = object()


def map_concurrently(
    fn: Callable[[ItemT], ResultT],
    items: Iterable[ItemT],
    *,
    workers: int,
    thread_name_prefix: str = "worker",
) -> Iterator[tuple[ItemT, ResultT]]:
    """`(item, fn(item))` pairs in completion order, at most `workers` calls running.

    Items are taken only as workers free up, so a year of days never queues 365 requests at once.
    The first exception is raised to the caller (after the items finished before it were
    yielded); items not yet started are dropped, and the calls still running are waited for.
    Closing the iterator early stops the workers the same way. Workers run up to `workers`
    results ahead of the caller, so a caller that must stop them on a verdict of its own (sync's
    outage breaker) has `fn` check it.
    """
    source = iter(items)
    take = threading.Lock()
    stop = threading.Event()
    ahead = threading.BoundedSemaphore(2 * workers)  # running + finished, not yet taken
    finished: queue.SimpleQueue[_Done[ItemT, ResultT] | _Raised | object] = queue.SimpleQueue()

    def work() -> None:
        try:
            while ahead.acquire() and not stop.is_set():
                with take:
                    try:
                        item = next(source)
                    except StopIteration:
                        return
                finished.put(_Done(item, fn(item)))
        except BaseException as exc:  # handed to the caller's thread, raised there
            finished.put(_Raised(exc))
        finally:
            finished.put(_WORKER_EXITED)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=thread_name_prefix) as pool:
        for _ in range(workers):  # each worker in a copy of the caller's context (its log id)
            pool.submit(contextvars.copy_context().run, work)
        running = workers
        try:
            while running:
                entry = finished.get()
                if entry is _WORKER_EXITED:
                    running -= 1
                elif isinstance(entry, _Raised):
                    raise entry.error
                elif isinstance(entry, _Done):
                    ahead.release()
                    yield entry.item, entry.result
        finally:
            stop.set()
            for _ in range(workers):  # wake the workers waiting for room, so they see `stop`
                with contextlib.suppress(ValueError):
                    ahead.release()
