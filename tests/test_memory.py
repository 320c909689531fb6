"""Memory handed back: the process's size as /proc tells it, and when enough has piled up to act."""

from __future__ import annotations

import sys

import pytest

import monitor.memory as memory
from monitor.memory import Growth, resident_bytes


def test_growth_waits_for_the_threshold_from_the_last_mark() -> None:
    sizes = iter([100, 100, 110, 140, 140, 150])
    growth = Growth(30, read=lambda: next(sizes))
    assert growth.exceeded()  # never marked: the first quiet moment acts
    growth.mark()  # at 100
    assert not growth.exceeded()  # 110: 10 more
    assert growth.exceeded()  # 140: 40 more
    growth.mark()  # at 140
    assert not growth.exceeded()  # 150


def test_growth_acts_every_time_where_the_size_cannot_be_read() -> None:
    growth = Growth(30, read=lambda: None)
    growth.mark()
    assert growth.exceeded()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/statm is Linux's")
def test_the_resident_size_is_read_and_grows_with_what_is_held() -> None:
    before = resident_bytes()
    held = bytearray(64_000_000)
    held[::4096] = b"x" * len(held[::4096])  # touch every page so that it is resident
    after = resident_bytes()
    assert before is not None and after is not None
    assert after - before > 50_000_000


class _Libc:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append((parameter, value))
        return 1


_DAEMON_SETTINGS = [(-8, memory.DAEMON_HEAPS), (-3, memory.LARGE_BLOCK_BYTES), (-1, memory.TRIM_ABOVE_BYTES)]


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> _Libc:
    libc = _Libc()
    monkeypatch.setattr("monitor.memory.ctypes.CDLL", lambda name: libc)
    for variable in ("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"):
        monkeypatch.delenv(variable, raising=False)
    return libc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc settings are glibc's (Linux)")
def test_the_daemon_sets_heaps_and_thresholds_for_large_blocks(libc: _Libc) -> None:
    memory.tune_malloc()
    assert libc.calls == _DAEMON_SETTINGS  # M_ARENA_MAX, M_MMAP_THRESHOLD, M_TRIM_THRESHOLD


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc settings are glibc's (Linux)")
def test_a_malloc_setting_the_user_made_stands(libc: _Libc, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1048576")
    memory.tune_malloc()
    assert libc.calls == [(-1, memory.TRIM_ABOVE_BYTES)]
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=65536")
    memory.tune_malloc()
    assert libc.calls == [(-1, memory.TRIM_ABOVE_BYTES)]  # the tunables the user wrote stand whole
