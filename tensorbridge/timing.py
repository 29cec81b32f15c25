"""Timing you can trust: warm up, repeat, take the median, and turn a time into a bandwidth.

Why each step: the first call of anything pays one-time costs (memory the operating system has not mapped yet,
caches, lazy set-up), so warm-up calls run untimed; any one sample can be slowed by another program, so several
are taken and the median reported (an outlier moves the mean, not the median); a call of a microsecond is close
to what reading the clock costs, so fast calls are timed in batches and the batch time divided.

Every function takes a ``clock`` so tests can drive it with a fake one; nothing here asserts how fast anything
is. ``conversion_cost`` is lesson 06's explorer logic: it times one NumPy-to-tensor path against ``a.copy()``, the
yardstick (the time to read and write these bytes once; a path that writes fewer bytes can come in under it).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import torch

from .memory import shares_memory

try:  # counts page faults; the standard library has it on Linux and macOS, not on Windows
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

Clock = Callable[[], float]

KiB, MiB = 2**10, 2**20
# 64 KiB to 64 MiB, a factor 4 apart: big enough to show scaling, small enough to run in seconds.
SIZES: tuple[int, ...] = tuple(2**k for k in range(16, 27, 2))


# ---- the method ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """Seconds per call, one sample per repeat (warm-up excluded), each the mean of ``calls`` calls."""

    samples: tuple[float, ...]
    calls: int = 1
    nbytes: int = 0

    @property
    def seconds(self) -> float:
        """The median sample: the typical time of one call."""
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        return min(self.samples)

    @property
    def worst(self) -> float:
        return max(self.samples)

    @property
    def bandwidth(self) -> float:
        """Bytes per second: ``nbytes`` over the median time (infinite for a time of zero)."""
        return self.nbytes / self.seconds if self.seconds > 0 else float("inf")

    @property
    def gb_per_s(self) -> float:
        """The bandwidth in GB/s (10**9 bytes per second)."""
        return self.bandwidth / 1e9

    def __str__(self) -> str:
        calls = f"{self.calls} call{'s' if self.calls != 1 else ''}"
        text = f"{format_seconds(self.seconds)} per call (median of {len(self.samples)} samples of {calls}"
        text += f", from {format_seconds(self.best)} to {format_seconds(self.worst)})"
        return text + (f", {format_rate(self.bandwidth)} for {format_bytes(self.nbytes)}" if self.nbytes else "")


def time_batch(fn: Callable[[], object], calls: int, clock: Clock = time.perf_counter) -> float:
    """Seconds per call, from one clock reading before and one after ``calls`` back-to-back calls."""
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def calls_per_sample(
    fn: Callable[[], object], min_seconds: float = 1e-3, clock: Clock = time.perf_counter, max_calls: int = 10**6
) -> int:
    """How many calls make one sample last ``min_seconds``: 1, 2, 5, 10, 20, 50, ... (as ``timeit`` does)."""
    base = 1
    while True:
        for step in (1, 2, 5):
            calls = step * base
            if calls >= max_calls:
                return max_calls
            if time_batch(fn, calls, clock) * calls >= min_seconds:
                return calls
        base *= 10


def measure(
    fn: Callable[[], object],
    nbytes: int = 0,
    repeat: int = 7,
    warmup: int = 1,
    min_seconds: float = 1e-3,
    clock: Clock = time.perf_counter,
) -> Measurement:
    """Call ``fn`` ``warmup`` times untimed, then take ``repeat`` samples of enough calls to last ``min_seconds``."""
    if repeat < 1 or warmup < 0:
        raise ValueError("measure needs repeat >= 1 and warmup >= 0")
    for _ in range(warmup):
        fn()
    calls = calls_per_sample(fn, min_seconds, clock)
    samples = tuple(time_batch(fn, calls, clock) for _ in range(repeat))
    return Measurement(samples, calls, nbytes)


@dataclass(frozen=True)
class EpochTiming:
    """How long passes over a stream of batches took: to the first batch, and to the end (one sample per pass)."""

    first_batch: Measurement
    epoch: Measurement
    batches: int


def time_epochs(
    batches: Callable[[], Iterable[object]], epochs: int = 3, clock: Clock = time.perf_counter
) -> EpochTiming:
    """Iterate ``batches()`` to its end ``epochs`` times, timing each pass and the wait for its first batch.

    Why the first batch on its own: a ``DataLoader`` with workers starts their processes when a pass begins, so
    the first batch carries a start-up cost that the pass's total spreads over every batch. No warm-up pass: the
    median of the passes sets a cold first one aside.
    """
    if epochs < 1:
        raise ValueError("time_epochs needs epochs >= 1")
    firsts, totals, count = [], [], 0
    for _ in range(epochs):
        count = 0
        start = clock()
        for _batch in batches():
            if count == 0:
                firsts.append(clock() - start)
            count += 1
        totals.append(clock() - start)
        if count == 0:
            firsts.append(totals[-1])
    return EpochTiming(Measurement(tuple(firsts)), Measurement(tuple(totals)), count)


def page_faults(fn: Callable[[], object]) -> int | None:
    """Minor page faults during one call of ``fn``: each is a fresh page the operating system had to supply.

    Why count them: a copy into fresh memory pays one fault per page, so the page size (4 KiB, or 2 MiB where the
    allocator asks for huge pages) can decide how fast a large copy is. ``None`` where they cannot be counted.
    """
    if resource is None:  # pragma: no cover - Windows
        return None
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    fn()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def sweep(
    paths: Mapping[str, Callable[[Any], object]],
    make: Callable[[int], Any],
    sizes: Sequence[int] = SIZES,
    **options: Any,
) -> dict[str, list[Measurement]]:
    """Measure each path on ``make(size)`` for each size in bytes: one list of measurements per path.

    One input is built per size and shared by every path, so all paths see the same bytes.
    """
    results: dict[str, list[Measurement]] = {name: [] for name in paths}
    for size in sizes:
        for name, measured in _measure_each(paths, make(size), size, options).items():
            results[name].append(measured)
    return results


def _measure_each(
    paths: Mapping[str, Callable[[Any], object]], data: Any, nbytes: int, options: Mapping[str, Any]
) -> dict[str, Measurement]:
    """Every path on one input (which is freed when this returns, before the next size is built)."""
    return {name: measure(partial(path, data), nbytes=nbytes, **options) for name, path in paths.items()}


# ---- reading the numbers ------------------------------------------------------------------------


def format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_bytes(nbytes: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", MiB), ("KiB", KiB)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} B"


def format_rate(bytes_per_second: float) -> str:
    gb = bytes_per_second / 1e9
    return f"{gb:,.0f} GB/s" if gb >= 100 else f"{gb:.3g} GB/s"


def table(results: Mapping[str, Sequence[Measurement]], show: str = "time") -> str:
    """One row per path, one column per size: median times, or bandwidths (``show="bandwidth"``)."""
    if show not in {"time", "bandwidth"}:
        raise ValueError("show is 'time' or 'bandwidth'")

    def cell(m: Measurement) -> str:
        return format_seconds(m.seconds) if show == "time" else format_rate(m.bandwidth)

    names = list(results)
    width = max(len(name) for name in names)
    sizes = [m.nbytes for m in results[names[0]]]
    lines = [" " * width + "".join(format_bytes(n).rjust(14) for n in sizes)]
    lines += [name.ljust(width) + "".join(cell(m).rjust(14) for m in results[name]) for name in names]
    return "\n".join(lines)


def compare(measurements: Mapping[str, Measurement], baseline: str) -> str:
    """One line per measurement: its median time, and that time as a multiple of the baseline's."""
    base = measurements[baseline].seconds
    width = max(len(name) for name in measurements)
    lines = [" " * width + "time".rjust(11) + f"   × {baseline}"]
    for name, m in measurements.items():
        ratio = m.seconds / base if base else float("inf")
        lines.append(name.ljust(width) + format_seconds(m.seconds).rjust(11) + "   " + _times(ratio))
    return "\n".join(lines)


def _times(ratio: float) -> str:
    return "< 0.01" if ratio < 0.01 else f"{ratio:.2g}"


# ---- the explorer's logic: one conversion, timed against the a.copy() yardstick -------------------

# element counts offered by the explorer; 8 Mi elements is 64 MiB as float64 (8 MiB as uint8)
ELEMENTS: tuple[int, ...] = (2**13, 2**16, 2**19, 2**21, 2**23)
SOURCES: dict[str, type[np.generic]] = {
    "float64": np.float64,
    "float32": np.float32,
    "int64": np.int64,
    "uint8": np.uint8,
}
_MAKERS: dict[str, Callable[..., torch.Tensor]] = {
    "from_numpy": torch.from_numpy,
    "as_tensor": torch.as_tensor,
    "tensor": torch.tensor,
    "Tensor": torch.Tensor,
}
CONSTRUCTORS: tuple[str, ...] = tuple(_MAKERS)
TARGETS: dict[str, torch.dtype | None] = {
    "keep": None,
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "int64": torch.int64,
}


def conversion_code(constructor: str, target: str) -> str:
    """The line the explorer runs: ``dtype=`` where the constructor takes it, else ``.to(...)`` after it."""
    if target == "keep":
        return f"torch.{constructor}(a)"
    if constructor in {"as_tensor", "tensor"}:
        return f"torch.{constructor}(a, dtype=torch.{target})"
    return f"torch.{constructor}(a).to(torch.{target})"


def conversion(constructor: str, target: str) -> Callable[[np.ndarray], torch.Tensor]:
    """The function that ``conversion_code(constructor, target)`` describes."""
    make, dtype = _MAKERS[constructor], TARGETS[target]
    if dtype is None:
        return make
    if constructor in {"as_tensor", "tensor"}:
        return lambda a: make(a, dtype=dtype)
    return lambda a: make(a).to(dtype)


@dataclass(frozen=True)
class ConversionCost:
    """What one path cost on this machine, beside ``a.copy()`` of the same array."""

    code: str
    elements: int
    source_dtype: str
    source_nbytes: int
    error: str | None = None
    dtype: str = ""
    result_nbytes: int = 0
    shares: bool = False
    time: Measurement | None = None
    yardstick: Measurement | None = None
    explanation: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def times_yardstick(self) -> float:
        """The path's median time over ``a.copy()``'s."""
        if self.time and self.yardstick and self.yardstick.seconds:
            return self.time.seconds / self.yardstick.seconds
        return 0.0


def _explain(
    constructor: str, target: str, source: str, dtype: str, shares: bool, ratio: float, read: int, written: int
) -> str:
    if shares:
        return (
            "Zero-copy: the tensor wraps `a`'s own memory. The time is a fixed cost (building a tensor header) "
            "that does not grow with the size, so the 'bandwidth' is not a speed: no bytes moved."
        )
    versus = f"{ratio:.2g}× the time of `a.copy()`"
    if constructor == "Tensor" and source != "float32" and target not in {"keep", "float32"}:
        return (
            f"Two passes, {versus}: `torch.Tensor` first converts {source} to float32, then `.to()` converts that "
            f"to {dtype}. The values went through float32 on the way, so whatever float32 cannot hold was rounded."
        )
    if dtype == source:
        return (
            f"A copy, {versus}: it reads and writes the same bytes as `a.copy()`, the yardstick. "
            "Its time grows with the size."
        )
    if written < read:
        against = "It writes fewer bytes than `a.copy()`, so it can come in under the yardstick."
    elif written > read:
        against = "It writes more bytes than `a.copy()`, so expect it to take longer than the yardstick."
    else:
        against = "It writes as many bytes as `a.copy()`, and converts each number on the way."
    return (
        f"A conversion from {source} to {dtype}: a copy that also converts each number (it reads "
        f"{format_bytes(read)} and writes {format_bytes(written)}), {versus}. {against} Its time grows with the size."
    )


def conversion_cost(
    elements: int,
    source: str,
    constructor: str,
    target: str = "keep",
    repeat: int = 5,
    clock: Clock = time.perf_counter,
) -> ConversionCost:
    """Time ``conversion_code(constructor, target)`` on ``np.ones(elements, source)``, and ``a.copy()`` beside it."""
    a = np.ones(elements, dtype=SOURCES[source])
    code = conversion_code(constructor, target)
    path = conversion(constructor, target)
    try:
        t = path(a)
        shares = shares_memory(t, a)
        dtype, result_nbytes = str(t.dtype).removeprefix("torch."), t.element_size() * t.numel()
        del t
        spent = measure(lambda: path(a), nbytes=a.nbytes, repeat=repeat, clock=clock)
    except Exception as exc:  # an explorer reports what happened; it never leaves a traceback instead
        return ConversionCost(code, elements, source, a.nbytes, error=f"{type(exc).__name__}: {exc}")
    yardstick = measure(a.copy, nbytes=a.nbytes, repeat=repeat, clock=clock)
    ratio = spent.seconds / yardstick.seconds if yardstick.seconds else 0.0
    return ConversionCost(
        code,
        elements,
        source,
        a.nbytes,
        dtype=dtype,
        result_nbytes=result_nbytes,
        shares=shares,
        time=spent,
        yardstick=yardstick,
        explanation=_explain(
            constructor,
            target,
            source,
            dtype,
            shares,
            ratio,
            a.nbytes,
            result_nbytes,
        ),
    )
