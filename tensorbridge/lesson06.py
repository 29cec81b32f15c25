"""Lesson 06's questions (measuring what conversions cost), and the timing tools the lesson uses.

Two checks time things without trusting this machine's clock: ``q1`` runs the learner's ``median_time`` on a
scripted workload whose calls advance a fake clock (so the answer is exact and instant), and ``q3`` compares
the learner's batching function with the fast path only by a ratio far wider than timing noise.
"""

from __future__ import annotations

import math
import numbers
import statistics
import threading
import time
import timeit
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import torch

from .feedback import Status
from .questions import (
    ACCEPTED,
    Example,
    Mismatch,
    Question,
    ____,
    a_type,
    call_learner,
    choice_question,
    defined,
    describe,
    expect_device,
    expect_shape,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
    wrong_type,
)
from .timing import (
    SIZES,
    Measurement,
    compare,
    format_bytes,
    format_rate,
    format_seconds,
    measure,
    page_faults,
    sweep,
    table,
)

__all__ = [
    "SIZES",
    "Measurement",
    "____",
    "compare",
    "format_bytes",
    "format_rate",
    "format_seconds",
    "measure",
    "page_faults",
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "q6",
    "q7",
    "sweep",
    "table",
]


# ---- q1: a fair median_time, checked on a fake clock ---------------------------------------------


class _ScriptedWork:
    """A stand-in for the code being timed: each call moves a fake clock on by a scripted duration.

    The first call is cold and takes a whole second; later calls cycle through ``durations_ms``.
    """

    COLD_MS = 1000.0

    def __init__(self, durations_ms: Sequence[float]) -> None:
        self.durations_ms = tuple(durations_ms)
        self.now = 100.0
        self.calls = 0

    def __call__(self) -> None:
        step = self.COLD_MS if self.calls == 0 else self.durations_ms[(self.calls - 1) % len(self.durations_ms)]
        self.now += step / 1000
        self.calls += 1

    def clock(self) -> float:
        return self.now


_CLOCK_NAMES = ("perf_counter", "time", "process_time")


@contextmanager
def _clocks_driven_by(now: Callable[[], float], fn: object) -> Iterator[set[str]]:
    """Make every clock the learner might read return ``now()``, in this thread only, until the block ends.

    Patched: the ``time`` module's clocks (and their ``_ns`` twins), ``timeit``'s timer, and names the learner's
    function imported from ``time`` (``from time import perf_counter``). Other threads still see the real clocks.
    Yields the set of the clocks' names read in this thread (``"time"``, ``"perf_counter"``, ...), so that the
    feedback can say which clock the learner used.
    """
    owner = threading.get_ident()
    read: set[str] = set()

    def fake(real: Callable[[], float], name: str, ns: bool) -> Callable[[], float]:
        def reading() -> float:
            if threading.get_ident() != owner:
                return real()
            read.add(name)
            return round(now() * 1e9) if ns else now()

        return reading

    fakes: dict[int, Callable[[], float]] = {}
    for name in _CLOCK_NAMES:
        real, real_ns = getattr(time, name), getattr(time, f"{name}_ns")
        fakes[id(real)] = fake(real, name, ns=False)
        fakes[id(real_ns)] = fake(real_ns, name, ns=True)
    undo: list[Callable[[], None]] = []

    def swap(namespace: dict, key: str) -> None:
        fake = fakes.get(id(namespace[key]))
        if fake is not None:
            original = namespace[key]
            namespace[key] = fake
            undo.append(lambda: namespace.__setitem__(key, original))

    def swap_defaults(func: Callable) -> None:
        original = func.__defaults__
        func.__defaults__ = tuple(fakes.get(id(value), value) for value in original)
        undo.append(lambda: setattr(func, "__defaults__", original))

    try:
        for module in (time, timeit):
            for key in list(vars(module)):
                swap(vars(module), key)
        learner_globals = getattr(fn, "__globals__", None)
        if isinstance(learner_globals, dict):
            for key in list(learner_globals):
                swap(learner_globals, key)
        for func in (timeit.Timer.__init__, timeit.timeit, timeit.repeat):
            swap_defaults(func)
        yield read
    finally:
        for restore in reversed(undo):
            restore()


# Clocks the check does not drive (``time.time`` and ``perf_counter`` are driven, with their ``_ns`` twins).
_UNDRIVEN_CLOCKS = ("monotonic", "monotonic_ns", "thread_time", "thread_time_ns", "clock_gettime", "clock_gettime_ns")


def _clocks_read(fn: object) -> list[str]:
    """The undriven clocks that ``fn``'s code names (its nested functions included): a cheap look, not a proof."""
    code = getattr(fn, "__code__", None)
    names: set[str] = set()
    pending = [code] if isinstance(code, types.CodeType) else []
    while pending:
        current = pending.pop()
        names.update(current.co_names)
        pending.extend(const for const in current.co_consts if isinstance(const, types.CodeType))
    return [clock for clock in _UNDRIVEN_CLOCKS if clock in names]


_Q1_CASES = ((5, (6.0, 1.0, 2.0, 10.0, 3.0)), (7, (4.0, 8.0, 1.0, 6.0, 2.0, 7.0, 3.0)))


def _close(value: float, target: float) -> bool:
    return math.isclose(value, target, rel_tol=1e-6, abs_tol=1e-12)


def _judge_median_time(result: object, work: _ScriptedWork, repeat: int, answer: object) -> None:
    """Name the mistake that turns this workload's samples into ``result``."""
    if isinstance(result, (np.ndarray, torch.Tensor)) and result.ndim == 0:
        result = result.item()
    if isinstance(result, (list, tuple, np.ndarray, torch.Tensor)):
        raise Mismatch(f"your function returns {a_type(result)}; return one number, the median, in seconds.")
    if isinstance(result, bool) or not isinstance(result, numbers.Real):
        raise wrong_type(result, "a number of seconds", "what your function returns")
    value = float(result)
    durations = work.durations_ms
    if work.calls < repeat + 1:
        raise Mismatch(
            f"with `repeat={repeat}` your function called `fn` {work.calls} times; expected `repeat + 1`: "
            "one untimed warm-up call, then `repeat` timed calls.",
            "The first call is the cold one (here it takes a whole second): it must not be one of the samples.",
        )
    seconds = {
        "median": statistics.median(durations) / 1000,
        "mean": statistics.mean(durations) / 1000,
        "min": min(durations) / 1000,
        "max": max(durations) / 1000,
        "sum": sum(durations) / 1000,
        "with the warm-up": statistics.median((_ScriptedWork.COLD_MS, *durations)) / 1000,
    }
    expected = seconds["median"]
    if _close(value, expected):
        return
    shown = f"{format_seconds(value)}" if value > 0 else repr(value)
    mistakes = {
        expected * 1000: "your function returns milliseconds; return seconds (what `time.perf_counter()` counts).",
        expected * 1e6: "your function returns microseconds; return seconds.",
        expected * 1e9: "your function returns nanoseconds (from a `_ns` clock?); return seconds.",
        -expected: "your times are negative: subtract the start from the end, `end - start`.",
        seconds["mean"]: (
            "that is the mean of the samples (timing the whole loop and dividing by `repeat` gives it too): "
            "one slow sample pulls it up. Return the median of one sample per call."
        ),
        seconds["min"]: "that is the fastest sample, not the median.",
        seconds["max"]: "that is the slowest sample, not the median.",
        seconds["sum"]: "that is the total of all the timed calls; return the median of the per-call times.",
        seconds["with the warm-up"]: "your samples include the warm-up call: time only the calls after it.",
    }
    for target, message in mistakes.items():
        if _close(value, target):
            raise Mismatch(message, f"For this workload the median is {format_seconds(expected)}; yours: {shown}.")
    if abs(value) < 1e-4:
        other = _clocks_read(answer)
        read = f"reads `time.{other[0]}()`, a clock the check does not drive, and " if other else ""
        raise Mismatch(
            f"your function {read}measured {shown}, the real time of the check's stand-in `fn` (which does "
            "nothing); the check drives `time.perf_counter()` and your timing did not follow it.",
            "Read the clock with `time.perf_counter()` just before and just after each call of `fn`.",
        )
    raise Mismatch(f"for this workload the median time per call is {format_seconds(expected)}; yours: {shown}.")


# What to say about a driven clock that is not ``perf_counter``: the check passes, but the clock is a poor choice.
_OTHER_DRIVEN_CLOCK = {
    "time": (
        "you read `time.time()`: the check drives it too, so this passes, but it is the wall clock (it can jump "
        "when the system clock is set, and on some systems it ticks coarsely); `time.perf_counter()` is the clock "
        "for intervals."
    ),
    "process_time": (
        "you read `time.process_time()`: the check drives it too, so this passes, but it counts CPU time, not "
        "elapsed time (it leaves out waiting, and adds up every thread); `time.perf_counter()` is the clock for "
        "intervals."
    ),
}


def _check_q1(answer: object) -> str:
    clocks: set[str] = set()
    for repeat, durations in _Q1_CASES:
        work = _ScriptedWork(durations)
        with _clocks_driven_by(work.clock, answer) as read:
            result = call_learner(answer, work, repeat)
        clocks |= read
        _judge_median_time(result, work, repeat, answer)
    if "perf_counter" not in clocks:
        for clock, note in _OTHER_DRIVEN_CLOCK.items():
            if clock in clocks:
                return f"one warm-up, `repeat` samples and the median: right. One more thing: {note}"
    return "one warm-up, `repeat` samples read with `time.perf_counter()`, and the median: a time you can trust."


q1 = Question(
    "06.q1",
    "Write a fair `median_time(fn, repeat)`",
    _check_q1,
    (
        "Three steps: call `fn()` once without timing it; then, `repeat` times, read the clock, call `fn()`, read "
        "the clock again; return the median of those differences.",
        "`time.perf_counter()` is the clock for intervals, and `statistics.median(samples)` the median.",
        "Call `fn()`; then, in a loop of `repeat`, append `time.perf_counter() - start` measured around one "
        "`fn()` call to a list `samples`; return `statistics.median(samples)`.",
    ),
    "def median_time(fn, repeat):\n    fn()  # warm-up, not timed\n    samples = []\n    for _ in range(repeat):\n"
    "        start = time.perf_counter()\n        fn()\n        samples.append(time.perf_counter() - start)\n"
    "    return statistics.median(samples)",
    examples=(
        right(lambda cell: defined("import statistics, time\n" + q1.answer)),
        right(lambda cell: defined("import statistics, time\n" + q1.answer.replace("perf_counter", "time"))),
        mistake(
            lambda cell: defined(
                "import statistics, time\n" + q1.answer.replace("    fn()  # warm-up, not timed\n", "")
            ),
            "expected `repeat + 1`",
        ),
        mistake(
            lambda cell: defined(
                "import statistics, time\n" + q1.answer.replace("statistics.median", "statistics.mean")
            ),
            "that is the mean of the samples",
        ),
        mistake(
            lambda cell: defined(
                "import statistics, time\n"
                + q1.answer.replace("perf_counter() - start", "perf_counter() * 1000 - start * 1000")
            ),
            "returns milliseconds",
        ),
        mistake(lambda cell: lambda fn, repeat: [0.0] * repeat, "return one number"),
        Example("nan", lambda cell: lambda fn, repeat: (fn(), [fn() for _ in range(repeat)], float("nan"))[2], "yours"),
    ),
)


# ---- q2: which paths scale with the size ----------------------------------------------------------

_Q2_WHY = {
    "A": "`torch.from_numpy` wraps the array's memory: a fixed cost, whatever the size.",
    "B": "`torch.tensor` always copies every byte.",
    "C": "`torch.as_tensor` shares a float64 array on the CPU: nothing to copy.",
    "D": "asking for float32 means converting every number: a copy.",
    "E": "`a.copy()` reads and writes every byte: it is the yardstick the others are compared with.",
    "F": "`.double()` on a float64 tensor returns the tensor itself: no conversion, no copy.",
    "G": "`torch.Tensor` makes float32, so it converts (and copies) a float64 array.",
}


q2 = choice_question(
    "06.q2",
    "Which of these take longer as the array grows?",
    correct="BDEG",
    why=_Q2_WHY,
    remark="B, D, E and G copy every byte, so their time grows with the size; A, C and F cost the same at any size.",
    hints=(
        "A path whose time grows with the size is one that copies: it touches every byte.",
        "Zero-copy paths: `from_numpy`, and `as_tensor` with no dtype change. A dtype change is always a copy.",
        "`.double()` converts to float64; a tensor that already is float64 is returned as it is.",
    ),
    mistakes=(
        mistake(lambda cell: {"B", "D", "E"}, "G does too"),
        mistake(lambda cell: {"A", "B", "D", "E", "G"}, "A does not"),
        mistake(lambda cell: {"B", "D", "E", "F", "G"}, "F does not"),
    ),
)


# ---- q3: the fastest correct way to batch a list of arrays -----------------------------------------

_ROWS, _WIDTH = 256, 1024
_SLOWER_THAN_FAST_PATH = 25  # the slow paths measure 150-250x; correct ones stay under 10x


def _rows() -> list[np.ndarray]:
    return [np.arange(_WIDTH, dtype=np.float32) + _WIDTH * i for i in range(_ROWS)]


def _slowdown(fn: Callable, rows: list[np.ndarray]) -> float:
    """How many times as long as ``torch.from_numpy(np.stack(rows))`` the learner's function takes.

    On one thread: PyTorch's thread pool can stall a fast copy on a busy machine, and a stall is not the
    learner's doing. The threshold sits far above timing noise.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = measure(lambda: call_learner(fn, rows), repeat=3, warmup=0, min_seconds=2e-3)
            ours = measure(lambda: torch.from_numpy(np.stack(rows)), repeat=3, min_seconds=2e-3)
    finally:
        torch.set_num_threads(threads)
    return theirs.seconds / ours.seconds


def _check_q3(answer: object) -> str:
    if isinstance(answer, torch.Tensor):
        raise Mismatch("you passed a tensor; this check wants the function itself: `q3.check(to_batch)`.")
    rows = _rows()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = call_learner(answer, rows)
    if isinstance(batch, list):
        raise Mismatch(f"your function returns a list; return one tensor of shape `({_ROWS}, {_WIDTH})`.")
    batch = expect_tensor(batch, "what your function returns")
    expect_device(batch, what="your batch")
    expect_shape(batch, (_ROWS, _WIDTH), "your batch")
    if batch.dtype != torch.float32:
        raise Mismatch(
            f"your batch is `{batch.dtype}`; the rows are float32 and the batch should be too "
            "(a float64 batch is twice the bytes, and a float32 model refuses it)."
        )
    expect_values(batch, np.stack(rows).astype(np.float64), "your batch")
    slow_path = "`torch.tensor` on a list of arrays reads them number by number (PyTorch warns: it is slow)."
    if any("extremely slow" in str(w.message) for w in caught):
        raise Mismatch("right values, but the slow path: " + slow_path, "Make one NumPy array first, in one copy.")
    ratio = _slowdown(answer, rows)
    if ratio > _SLOWER_THAN_FAST_PATH:
        raise Mismatch(
            f"right values, but your function took {ratio:.0f}× as long as `torch.from_numpy(np.stack(rows))`.",
            "Something reads the numbers one at a time: " + slow_path,
            "`.tolist()` and Python lists of numbers are just as slow: every number becomes a Python object.",
        )
    return (
        "one copy into one block of memory, at memory speed (`np.stack` then a free `torch.from_numpy` is the "
        f"simplest), instead of reading {_ROWS * _WIDTH:,} numbers one at a time."
    )


q3 = Question(
    "06.q3",
    "Batch a list of arrays, fast",
    _check_q3,
    (
        "`torch.tensor(rows)` works, but it walks the list number by number: PyTorch even warns that it is slow.",
        "Join the rows into one NumPy array first (`np.stack`): one copy at memory speed.",
        "`return torch.from_numpy(np.stack(rows))`",
    ),
    "def to_batch(rows):\n    return torch.from_numpy(np.stack(rows))",
    examples=(
        right(lambda cell: lambda rows: torch.from_numpy(np.stack(rows))),
        right(lambda cell: lambda rows: torch.stack([torch.from_numpy(r) for r in rows])),
        mistake(lambda cell: lambda rows: torch.tensor(rows), "the slow path"),
        mistake(lambda cell: lambda rows: [torch.from_numpy(r) for r in rows], "returns a list"),
        mistake(lambda cell: lambda rows: torch.from_numpy(np.stack(rows)).double(), "a float64 batch is twice"),
        mistake(lambda cell: torch.zeros(2), "you passed a tensor"),
        *perturbed(
            lambda cell: lambda rows: torch.from_numpy(np.stack(rows)),
            dtype="a float64 batch is twice",
            copy=ACCEPTED,
            shape="shape `(1, 256, 1024)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


# ---- q4: a bandwidth from a measurement ------------------------------------------------------------

_Q4_BYTES, _Q4_SECONDS = 48 * 2**20, 6e-3
_Q4_GBPS = _Q4_BYTES / _Q4_SECONDS / 1e9


def _check_q4(answer: object) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise wrong_type(answer, "a number (GB/s)", "your answer")
    value = float(answer)
    if math.isclose(value, _Q4_GBPS, rel_tol=0.01):
        return f"48 × 1,048,576 bytes ÷ 0.006 s = {_Q4_GBPS:.2f} × 10⁹ bytes per second."
    mistakes = {
        48 / 1024 / _Q4_SECONDS: "that is GiB/s (2³⁰ bytes); the question asks for GB/s (10⁹ bytes). 1 GiB ≈ 1.074 GB.",
        48e6 / _Q4_SECONDS / 1e9: "a MiB is 1,048,576 bytes, not 1,000,000: count the array's bytes first.",
        _Q4_BYTES / 6 / 1e9: "6 ms is 0.006 s: divide by seconds, not by milliseconds.",
        _Q4_GBPS * 1e9: "that is bytes per second; the question asks for GB/s (divide by 10⁹).",
        _Q4_GBPS * 1e3: "that is MB/s; the question asks for GB/s.",
        1 / _Q4_GBPS: "that is seconds per GB: bandwidth is bytes divided by time, not time by bytes.",
        2 * _Q4_GBPS: "that counts each byte twice (read, then written); the question asks for the array's bytes.",
        48 / 1024 / 6: "two slips: GiB instead of GB, and milliseconds instead of seconds.",
    }
    for target, message in mistakes.items():
        if math.isclose(value, target, rel_tol=0.01):
            raise Mismatch(message)
    raise Mismatch(f"`{describe(answer)}` GB/s is not it: divide the array's bytes by the time in seconds.")


q4 = Question(
    "06.q4",
    "Turn a measurement into a bandwidth",
    _check_q4,
    (
        "Bandwidth is bytes divided by seconds. Convert both first.",
        "48 MiB is 48 × 1,048,576 bytes; 6 ms is 0.006 s; a GB is 10⁹ bytes.",
        "`bandwidth = 48 * 2**20 / 0.006 / 1e9`",
    ),
    "bandwidth = 48 * 2**20 / 0.006 / 1e9  # about 8.39 GB/s",
    examples=(
        right(lambda cell: 48 * 2**20 / 0.006 / 1e9),
        right(lambda cell: 8.39),
        mistake(lambda cell: 48 / 1024 / 0.006, "that is GiB/s"),
        mistake(lambda cell: 48e6 / 0.006 / 1e9, "a MiB is 1,048,576 bytes"),
        mistake(lambda cell: 48 * 2**20 / 6 / 1e9, "divide by seconds"),
        Example("nan", lambda cell: float("nan"), "is not it"),
        Example("type", lambda cell: np.float32(8.389), status=Status.CORRECT),
        Example("type", lambda cell: "8.39", "expected a number"),
    ),
)


# ---- q5: a bandwidth that is not a speed -----------------------------------------------------------

_Q5_WHY = {
    "A": "no memory moves 100,000 GB/s: a laptop's does a few to a few tens of GB/s.",
    "B": "",
    "C": "the measurement timed thousands of calls per sample: the clock resolves that well.",
    "D": "48 MiB does not fit in most CPUs' caches, and caches are not 100,000 GB/s fast either.",
}


def _one_letter(answer: object, options: str) -> str:
    letters = answer if isinstance(answer, str) else None
    if isinstance(answer, (set, frozenset, list, tuple)) and len(answer) == 1:
        letters = next(iter(answer))
    if not isinstance(letters, str) or len(letters.strip()) != 1:
        raise Mismatch(f"answer with one letter, such as `'A'`; got {a_type(answer)}: `{describe(answer)}`.")
    letter = letters.strip().upper()
    if letter not in options:
        raise Mismatch(f"{letter} is not one of the options; pick one of {', '.join(options)}.")
    return letter


def _check_q5(answer: object) -> str:
    letter = _one_letter(answer, "ABCD")
    if letter != "B":
        raise Mismatch(f"not {letter}: {_Q5_WHY[letter]}")
    return "zero-copy: the time is a fixed cost, so bytes ÷ time grows with the size and means nothing."


q5 = Question(
    "06.q5",
    "What does 100,000 GB/s mean?",
    _check_q5,
    (
        "Compare with what memory can do: a laptop's copies a few GB/s to a few tens of GB/s.",
        "What does `torch.from_numpy` do with the array's bytes?",
        "It does not touch them: the time is fixed, so dividing the bytes by it gives a number that is not a speed.",
    ),
    "answer = 'B'",
    examples=(
        right(lambda cell: "B"),
        right(lambda cell: {"b"}),
        mistake(lambda cell: "A", "not A: no memory moves"),
        mistake(lambda cell: "D", "not D"),
        mistake(lambda cell: "BC", "answer with one letter"),
        mistake(lambda cell: "E", "E is not one of the options"),
    ),
)


# ---- q6: a dtype change in one pass ----------------------------------------------------------------

_Q6_WHY = {
    "A": "`astype` makes a float32 copy, then `torch.tensor` copies it again: two passes.",
    "B": "`dtype=` converts while it copies: one pass.",
    "C": "`from_numpy` is free, and `.float()` converts in one pass.",
    "D": "`torch.tensor` copies the float64 data, then `.float()` converts it: two passes.",
    "E": "`astype` converts in one pass, and `from_numpy` wraps the result for free.",
}


q6 = choice_question(
    "06.q6",
    "Which lines make the float32 tensor in one pass?",
    correct="BCE",
    why=_Q6_WHY,
    remark="B, C and E touch the data once; A and D make it twice.",
    hints=(
        "Count the copies in each line: `torch.tensor` always copies, `astype` copies, a dtype change copies, "
        "`from_numpy` never does.",
        "A line that copies and *then* converts (or converts and then copies) passes over the data twice.",
        "Two lines chain two copies: the ones that call `torch.tensor` on something already converted or "
        "convert after `torch.tensor`.",
    ),
    mistakes=(
        mistake(lambda cell: {"A", "B", "C", "E"}, "A does not"),
        mistake(lambda cell: {"B", "C"}, "E does too"),
        mistake(lambda cell: {"B", "C", "D", "E"}, "D does not"),
    ),
)


# ---- q7: a benchmark you can trust -----------------------------------------------------------------

_Q7_WHY = {
    "A": "warm-up, 7 samples, the median: only `torch.tensor(a)` is inside the timed function.",
    "B": "one cold call: no warm-up and no repeats, so any hiccup becomes the result.",
    "C": "it also times `np.random.rand(n)`, which costs more than the conversion.",
    "D": (
        "`measure` calls the line while it works out how many calls a sample needs, so the sample is warm; "
        "but `repeat=1` is ONE sample: a single hiccup becomes the result."
    ),
    "E": "it also times `.sum()` over the tensor.",
    "F": (
        "eight single-call samples, the first (the warm-up) dropped, and the median of the rest; one call on "
        "64 MiB lasts milliseconds, long enough to time on its own."
    ),
}


q7 = choice_question(
    "06.q7",
    "Which benchmarks of `torch.tensor(a)` can you trust?",
    correct="AF",
    why=_Q7_WHY,
    remark="time only the line you care about, after a warm-up, several times, and report the median.",
    hints=(
        "A trustworthy benchmark warms up, repeats, and takes the median, and times *only* the code in question.",
        "Look inside each timed function: does it do anything besides `torch.tensor(a)`?",
        "Two qualify: `measure` with its defaults, and `timeit.repeat` with the first sample dropped.",
    ),
    mistakes=(
        mistake(lambda cell: {"A"}, "F does too"),
        mistake(lambda cell: {"A", "D", "F"}, "D does not"),
        mistake(lambda cell: {"A", "B", "F"}, "B does not"),
    ),
)
