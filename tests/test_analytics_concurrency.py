"""`map_concurrently`: the pool every bulk fetch runs on (sync, the benchmarks)."""

from __future__ import annotations

import threading

import pytest

from bot.analytics.concurrency import map_concurrently


def test_every_item_once_in_completion_order_with_its_result() -> None:
    pairs = list(map_concurrently(lambda n: n * n, range(50), workers=4))
    assert sorted(pairs) == [(n, n * n) for n in range(50)]


def test_a_slot_is_refilled_while_the_caller_is_still_busy_with_a_result() -> None:
    """A call that finishes while the caller is busy with an earlier result (sync writing a
    day) frees its worker for the next item at once, not when the caller comes back."""
    caller_has_0, release_2, started_3 = threading.Event(), threading.Event(), threading.Event()

    def fetch(n: int) -> int:
        if n == 1:
            caller_has_0.wait(timeout=10)
        elif n == 2:
            release_2.wait(timeout=10)
        elif n == 3:
            started_3.set()
        return n

    pairs = map_concurrently(fetch, range(4), workers=2)
    assert next(pairs)[0] == 0
    caller_has_0.set()  # item 1 finishes now, while the caller still holds item 0
    refilled = started_3.wait(timeout=10)
    release_2.set()
    assert refilled, "item 3 waited for the caller to come back"
    assert sorted(n for n, _ in pairs) == [1, 2, 3]


def test_at_most_workers_calls_run_at_once() -> None:
    lock = threading.Lock()
    running = peak = 0
    release = threading.Event()

    def call(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            if running == 3:
                release.set()
        release.wait(timeout=10)
        with lock:
            running -= 1
        return n

    assert len(list(map_concurrently(call, range(12), workers=3))) == 12
    assert peak == 3


def test_the_first_error_reaches_the_caller_and_stops_new_items() -> None:
    started: list[int] = []

    def call(n: int) -> int:
        started.append(n)
        if n == 2:
            raise ValueError("day 2 failed")
        return n

    pairs = map_concurrently(call, range(100), workers=1)
    got = [next(pairs)[0], next(pairs)[0]]
    with pytest.raises(ValueError, match="day 2 failed"):
        next(pairs)
    assert got == [0, 1]
    assert started == [0, 1, 2]


def test_closing_early_stops_the_workers() -> None:
    started: list[int] = []
    gate = threading.Event()

    def call(n: int) -> int:
        started.append(n)
        if n >= 6:  # the workers are busy here when the caller stops
            gate.wait(timeout=10)
        return n

    pairs = map_concurrently(call, range(1000), workers=2)
    for n, _ in pairs:
        if n == 5:
            break
    gate.set()
    pairs.close()  # type: ignore[attr-defined]
    assert len(started) < 20


def test_workers_run_at_most_their_number_of_results_ahead_of_the_caller() -> None:
    """A caller slower than the API holds the workers back: a sync's result is a whole day of
    rows, and days must not pile up in memory behind a slow writer."""
    started: list[int] = []
    five = threading.Event()

    def call(n: int) -> int:
        started.append(n)
        if len(started) == 5:
            five.set()
        return n

    pairs = map_concurrently(call, range(100), workers=2)
    next(pairs)  # taken: room for one more beyond the 2 running + 2 waiting
    assert five.wait(timeout=10)
    pairs.close()  # type: ignore[attr-defined]
    assert len(started) == 5
