"""Lesson 06: the timing method on fake clocks, the explorer's logic over every input, the widget headless, and
the questions' feedback. No test asserts how fast anything is on this machine, beyond a wide bound on one
explorer update."""

from __future__ import annotations

import itertools
import math
import statistics
import threading
import time
import timeit
from pathlib import Path
from time import perf_counter

import nbformat
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorbridge.explorers import performance_explorer
from tensorbridge.explorers.performance import render
from tensorbridge.feedback import Status
from tensorbridge.lesson06 import q1, q2, q3, q4, q5, q6, q7, q8, q9
from tensorbridge.timing import (
    CONSTRUCTORS,
    ELEMENTS,
    SIZES,
    SOURCES,
    TARGETS,
    ConversionCost,
    Measurement,
    calls_per_sample,
    compare,
    conversion_code,
    conversion_cost,
    format_bytes,
    format_rate,
    format_seconds,
    measure,
    page_faults,
    sweep,
    table,
    time_epochs,
)

# ---- the method, on fake clocks ----------------------------------------------------------------


class FakeClock:
    """A clock that moves only when the fake work says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def work(self, durations: list[float]):
        """A function whose n-th call takes ``durations[n]`` seconds (the last one repeats)."""
        calls = iter(itertools.chain(durations, itertools.repeat(durations[-1])))

        def fn() -> None:
            self.now += next(calls)

        return fn


def test_warmup_and_calibration_are_not_samples_and_the_median_is_reported() -> None:
    clock = FakeClock()
    fn = clock.work([100.0, 5.0, 3.0, 1.0, 4.0, 2.0, 9.0, 6.0, 7.0])  # warm-up, calibration, then 7 samples
    m = measure(fn, repeat=7, warmup=1, min_seconds=1e-3, clock=clock)
    assert m.samples == (3.0, 1.0, 4.0, 2.0, 9.0, 6.0, 7.0)
    assert m.calls == 1
    assert (m.seconds, m.best, m.worst) == (4.0, 1.0, 9.0)


def test_without_warmup_the_cold_call_is_only_calibration() -> None:
    clock = FakeClock()
    m = measure(clock.work([100.0, 2.0, 2.0, 2.0]), repeat=3, warmup=0, clock=clock)
    assert m.samples == (2.0, 2.0, 2.0)


def test_the_median_ignores_an_outlier_that_moves_the_mean() -> None:
    m = Measurement((1.0, 1.1, 0.9, 1.0, 50.0))
    assert m.seconds == 1.0
    assert statistics.mean(m.samples) > 10


def test_fast_calls_are_timed_in_batches() -> None:
    clock = FakeClock()
    tick = 2.0**-20  # about a microsecond, exact in binary so the arithmetic is too
    calls = calls_per_sample(clock.work([tick]), min_seconds=2.0**-10, clock=clock)
    assert calls == 2000  # 1, 2, 5, ..., 1000 calls last less than 2**-10 s; 2000 do not
    m = measure(clock.work([tick]), repeat=3, min_seconds=2.0**-10, clock=clock)
    assert m.calls == 2000 and m.samples == (tick, tick, tick)


def test_calibration_stops_at_its_limit_when_the_clock_never_moves() -> None:
    assert calls_per_sample(lambda: None, clock=lambda: 0.0, max_calls=300) == 300


def test_bandwidth_is_bytes_over_the_median_time() -> None:
    m = Measurement((0.5, 0.25, 1.0), calls=1, nbytes=2**30)
    assert m.bandwidth == 2**31
    assert m.gb_per_s == pytest.approx(2.147483648)
    assert Measurement((0.0,), nbytes=8).bandwidth == float("inf")
    assert "GB/s" in str(m) and "median of 3 samples" in str(m)


@pytest.mark.parametrize("bad", [{"repeat": 0}, {"warmup": -1}])
def test_measure_rejects_impossible_settings(bad: dict) -> None:
    with pytest.raises(ValueError):
        measure(lambda: None, **bad)


def test_sweep_builds_one_input_per_size_and_gives_it_to_every_path() -> None:
    clock = FakeClock()
    built: list[np.ndarray] = []
    got_the_latest: list[bool] = []

    def make(nbytes: int) -> np.ndarray:
        built.append(np.zeros(nbytes // 8))
        return built[-1]

    def path(data: np.ndarray) -> None:
        got_the_latest.append(data is built[-1])
        clock.now += 1e-3

    results = sweep({"a": path, "b": path}, make, [64, 128], repeat=2, clock=clock)
    assert [b.nbytes for b in built] == [64, 128]
    assert [m.nbytes for m in results["a"]] == [64, 128] and len(results["b"]) == 2
    assert got_the_latest and all(got_the_latest)


def test_time_epochs_times_the_first_batch_and_the_whole_pass() -> None:
    clock = FakeClock()

    def batches():
        clock.now += 10.0  # a start-up cost before the first batch, as workers have
        for _ in range(4):
            clock.now += 1.0
            yield clock.now

    timing = time_epochs(batches, epochs=3, clock=clock)
    assert timing.batches == 4
    assert timing.first_batch.samples == (11.0, 11.0, 11.0)
    assert timing.epoch.samples == (14.0, 14.0, 14.0)
    empty = time_epochs(lambda: iter(()), epochs=2, clock=clock)
    assert empty.batches == 0 and empty.first_batch.samples == empty.epoch.samples == (0.0, 0.0)
    with pytest.raises(ValueError):
        time_epochs(batches, epochs=0)


def test_real_clock_gives_positive_samples() -> None:
    a = np.ones(1000)
    m = measure(a.copy, nbytes=a.nbytes, repeat=3, min_seconds=1e-4)
    assert len(m.samples) == 3 and all(s > 0 for s in m.samples) and m.calls >= 1


def test_page_faults_counts_fresh_pages_at_most_once() -> None:
    assert page_faults(lambda: None) >= 0
    fresh = page_faults(lambda: np.ones(2**23))  # 64 MiB: glibc maps it fresh from the operating system
    assert 0 < fresh < 2 * 2**26 // 2**12


def test_sizes_span_64_kib_to_64_mib() -> None:
    assert SIZES[0] == 64 * 2**10 and SIZES[-1] == 64 * 2**20
    assert all(b == 4 * a for a, b in itertools.pairwise(SIZES))


def test_formatting() -> None:
    assert format_seconds(5e-7) == "500 ns"
    assert format_seconds(1.5e-3) == "1.5 ms"
    assert format_seconds(2.0) == "2 s"
    assert format_bytes(64 * 2**10) == "64 KiB" and format_bytes(2**26) == "64 MiB" and format_bytes(10) == "10 B"
    assert format_rate(1.5e9) == "1.5 GB/s" and format_rate(151_803e9) == "151,803 GB/s"


def test_table_has_a_row_per_path_and_a_column_per_size() -> None:
    results = {
        "fast": [Measurement((1e-6,), nbytes=2**16), Measurement((1e-6,), nbytes=2**20)],
        "slow path": [Measurement((1e-5,), nbytes=2**16), Measurement((1e-3,), nbytes=2**20)],
    }
    lines = table(results).splitlines()
    assert "64 KiB" in lines[0] and "1 MiB" in lines[0]
    assert lines[1].startswith("fast") and "1 µs" in lines[1]
    assert lines[2].startswith("slow path") and lines[2].rstrip().endswith("1 ms")
    assert "1.05 GB/s" in table(results, show="bandwidth")
    with pytest.raises(ValueError):
        table(results, show="speed")


def test_compare_gives_multiples_of_the_baseline() -> None:
    text = compare({"floor": Measurement((2e-3,)), "copy": Measurement((4e-3,)), "view": Measurement((1e-7,))}, "floor")
    lines = text.splitlines()
    assert "× floor" in lines[0]
    assert lines[2].startswith("copy") and lines[2].endswith("2")
    assert lines[3].endswith("< 0.01")


# ---- the explorer's logic, over every input ------------------------------------------------------


def ticking_clock():
    """Every reading is a second later: each batch 'lasts' a second, so measuring takes one call per sample."""
    counter = itertools.count()
    return lambda: float(next(counter))


def expected_to_share(source: str, constructor: str, target: str) -> bool:
    """Lesson 01's rules: no copy when nothing needs converting, except that torch.tensor always copies."""
    if constructor == "tensor":
        return False
    if constructor == "Tensor":
        return source == "float32" and target in {"keep", "float32"}
    return target in {"keep", source}


@pytest.mark.parametrize("source", SOURCES)
def test_every_combination_answers(source: str) -> None:
    for constructor, target in itertools.product(CONSTRUCTORS, TARGETS):
        case = (source, constructor, target)
        result = conversion_cost(ELEMENTS[0], source, constructor, target, repeat=2, clock=ticking_clock())
        assert result.ok, case
        assert result.code == conversion_code(constructor, target) and f"torch.{constructor}(a" in result.code
        assert result.shares == expected_to_share(source, constructor, target), case
        if target != "keep":
            wanted = target
        else:
            wanted = "float32" if constructor == "Tensor" else source
        assert result.dtype == wanted, case
        assert result.time.seconds > 0 and result.yardstick.seconds > 0 and result.times_yardstick > 0, case
        assert result.explanation, case
        assert ("Zero-copy" in result.explanation) == result.shares, case
        assert "could not" not in render(result), case


@pytest.mark.parametrize("elements", ELEMENTS)
def test_every_size_answers(elements: int) -> None:
    for constructor in ("from_numpy", "tensor"):
        result = conversion_cost(elements, "float64", constructor, repeat=1, clock=ticking_clock())
        assert result.ok and result.elements == elements and result.source_nbytes == 8 * elements
        assert result.shares == (constructor == "from_numpy")


def test_the_lesson_facts_come_out_of_the_logic() -> None:
    image = conversion_cost(ELEMENTS[1], "uint8", "from_numpy", "float32", repeat=1, clock=ticking_clock())
    assert image.result_nbytes == 4 * image.source_nbytes and "reads 64 KiB and writes 256 KiB" in image.explanation
    legacy = conversion_cost(ELEMENTS[0], "uint8", "Tensor", "float64", repeat=1, clock=ticking_clock())
    assert "Two passes" in legacy.explanation and "through float32" in legacy.explanation
    rounded = conversion_cost(ELEMENTS[0], "float64", "Tensor", "float64", repeat=1, clock=ticking_clock())
    assert rounded.dtype == "float64" and "Two passes" in rounded.explanation
    same = conversion_cost(ELEMENTS[0], "float64", "as_tensor", "float64", repeat=1, clock=ticking_clock())
    assert same.shares and "no bytes moved" in same.explanation


def test_the_explanation_says_where_a_path_lands_against_the_yardstick() -> None:
    def explain(source: str, constructor: str, target: str) -> str:
        return conversion_cost(ELEMENTS[0], source, constructor, target, repeat=1, clock=ticking_clock()).explanation

    assert "same bytes as `a.copy()`, the yardstick" in explain("float64", "tensor", "keep")
    assert "can come in under the yardstick" in explain("float64", "as_tensor", "float32")
    assert "longer than the yardstick" in explain("uint8", "from_numpy", "float32")
    assert "as many bytes as `a.copy()`" in explain("int64", "tensor", "float64")


def test_the_explorer_stays_under_a_gigabyte() -> None:
    largest = max(ELEMENTS) * max(np.dtype(t).itemsize for t in SOURCES.values())
    assert largest <= 64 * 2**20  # the array, plus at most a 64 MiB result and a 64 MiB copy


def test_a_failure_is_shown_not_raised() -> None:
    failed = ConversionCost("torch.tensor(a)", 8, "float64", 64, error="MemoryError: out of memory")
    html = render(failed)
    assert "Fails." in html and "MemoryError" in html


# ---- the widget, driven headless ----------------------------------------------------------------


def test_explorer_shows_each_change() -> None:
    explorer = performance_explorer()
    assert "could not" not in explorer.result.value
    shared = explorer.set(elements=ELEMENTS[0], source="float32", constructor="from_numpy", target="keep")
    assert "shares memory" in shared and "torch.float32" in shared and "a.copy()" in shared
    assert "the yardstick" in shared and "floor" not in shared
    copied = explorer.set(constructor="tensor")
    assert "copied" in copied and "torch.tensor(a)" in copied
    converted = explorer.set(constructor="Tensor", source="uint8", target="float64")
    assert "torch.Tensor(a).to(torch.float64)" in converted and "Two passes" in converted
    assert "np.ones(8_192, dtype=np.uint8)" in converted
    assert explorer.last_update_seconds < 2  # it measures; a generous bound for a busy machine


def test_explorer_controls_offer_every_case() -> None:
    explorer = performance_explorer()
    options = {
        name: [option[1] if isinstance(option, tuple) else option for option in control.options]
        for name, control in explorer.controls.items()
    }
    assert options["elements"] == list(ELEMENTS)
    assert options["source"] == list(SOURCES)
    assert options["constructor"] == list(CONSTRUCTORS)
    assert options["target"] == list(TARGETS)


# ---- the questions --------------------------------------------------------------------------------


def median_time(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def median_time_imported_clock(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        start = perf_counter()
        fn()
        samples.append(perf_counter() - start)
    return float(np.median(samples))


def median_time_timeit(fn, repeat):
    fn()
    return statistics.median(timeit.repeat(fn, number=1, repeat=repeat))


def median_time_ns(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1e9


def no_warmup(fn, repeat):
    return statistics.median(_samples(fn, repeat))


def _samples(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def mean_time(fn, repeat):
    fn()
    return statistics.mean(_samples(fn, repeat))


def loop_time(fn, repeat):
    fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def with_warmup_sample(fn, repeat):
    return statistics.median(_samples(fn, repeat + 1))


def milliseconds(fn, repeat):
    return 1000 * median_time(fn, repeat)


def monotonic_clock(fn, repeat):
    """A clock the check does not drive: the result is the real, near-zero time of the stand-in."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.monotonic()
        fn()
        samples.append(time.monotonic() - start)
    return statistics.median(samples)


@pytest.mark.parametrize("answer", [median_time, median_time_imported_clock, median_time_timeit, median_time_ns])
def test_q1_accepts_any_fair_median_time(answer) -> None:
    assert q1.check(answer).status is Status.CORRECT


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (no_warmup, "warm-up"),
        (mean_time, "mean"),
        (loop_time, "mean"),
        (with_warmup_sample, "include the warm-up"),
        (milliseconds, "milliseconds"),
        (lambda fn, repeat: _samples(fn, repeat), "one number"),
        (lambda fn, repeat: None, "`None`"),
        (monotonic_clock, "did not follow"),
    ],
)
def test_q1_names_the_mistake(answer, says: str) -> None:
    feedback = q1.check(answer)
    assert feedback.status is Status.INCORRECT
    assert says in feedback.text()


def test_q1_names_a_clock_it_does_not_drive() -> None:
    feedback = q1.check(monotonic_clock)
    assert feedback.status is Status.INCORRECT and "`time.monotonic()`" in feedback.text()


def wall_clock(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        start = time.time()
        fn()
        samples.append(time.time() - start)
    return statistics.median(samples)


def cpu_clock(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


@pytest.mark.parametrize(("answer", "says"), [(wall_clock, "`time.time()`"), (cpu_clock, "`time.process_time()`")])
def test_q1_passes_another_driven_clock_but_says_which(answer, says: str) -> None:
    feedback = q1.check(answer)
    assert feedback.status is Status.CORRECT and says in feedback.text() and "perf_counter" in feedback.text()
    assert says not in q1.check(median_time).text()


def test_q1_puts_every_clock_back_and_leaves_other_threads_alone() -> None:
    clocks = (
        time.perf_counter,
        time.time,
        time.perf_counter_ns,
        timeit.default_timer,
        timeit.Timer.__init__.__defaults__,
    )
    real_now = time.perf_counter
    elsewhere: list[float] = []

    def peeks_from_another_thread(fn, repeat):
        thread = threading.Thread(target=lambda: elsewhere.append(time.perf_counter() - real_now()))
        thread.start()
        thread.join()
        raise RuntimeError("learner bug")

    assert q1.check(peeks_from_another_thread).status is Status.ERROR
    assert abs(elsewhere[0]) < 1.0
    after = (
        time.perf_counter,
        time.time,
        time.perf_counter_ns,
        timeit.default_timer,
        timeit.Timer.__init__.__defaults__,
    )
    assert after == clocks
    assert globals()["perf_counter"] is real_now


def test_q3_rows_are_float32_whatever_the_numpy() -> None:
    from tensorbridge.lesson06 import _rows

    rows = _rows()
    assert {row.dtype for row in rows} == {np.dtype(np.float32)}
    assert rows[-1][-1] == 256 * 1024 - 1  # exact in float32 (below 2**24)


def test_q3_accepts_fast_batches_and_rejects_slow_or_wrong_ones() -> None:
    for fast in (
        lambda rows: torch.from_numpy(np.stack(rows)),
        lambda rows: torch.stack([torch.from_numpy(r) for r in rows]),
        lambda rows: torch.tensor(np.array(rows)),
    ):
        assert q3.check(fast).status is Status.CORRECT
    slow = q3.check(lambda rows: torch.tensor([r.tolist() for r in rows]))
    assert slow.status is Status.INCORRECT and "as long as" in slow.message
    listed = q3.check(lambda rows: torch.tensor(rows))  # warns once per process, so either message may come
    assert listed.status is Status.INCORRECT and ("slow path" in listed.message or "as long as" in listed.message)
    assert "float64" in q3.check(lambda rows: torch.from_numpy(np.stack(rows).astype(np.float64))).message
    assert "shape" in q3.check(lambda rows: torch.from_numpy(np.stack(rows)).T).message
    assert "returns a list" in q3.check(lambda rows: rows).message
    assert "wants the function itself" in q3.check(torch.ones(2)).message
    assert q3.check(lambda rows: 1 / 0).status is Status.ERROR


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (7.8125, "GiB/s"),
        (8.0, "1,048,576"),
        (48 * 2**20 / 6 / 1e9, "0.006 s"),
        (8.388608e9, "bytes per second"),
        (1 / 8.388608, "seconds per GB"),
        (2 * 8.388608, "twice"),
        (3, "not it"),
        ("8.39", "a number"),
        (True, "a number"),
    ],
)
def test_q4_names_the_mistake(value: object, says: str) -> None:
    feedback = q4.check(value)
    assert feedback.status is Status.INCORRECT and says in feedback.text()


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_q4_is_right_exactly_within_one_percent(value: float) -> None:
    right = math.isclose(value, 48 * 2**20 / 0.006 / 1e9, rel_tol=0.01)
    assert (q4.check(value).status is Status.CORRECT) == right


def test_q5_explains_each_wrong_letter() -> None:
    assert q5.check("B").solved and q5.check({"b"}).solved
    assert "100,000 GB/s" in q5.check("A").message
    assert "cache" in q5.check("D").message
    assert "one letter" in q5.check("AB").message
    assert "not one of the options" in q5.check("Z").message


@pytest.mark.parametrize(
    ("question", "right", "wrong", "says"),
    [
        (q2, {"B", "D", "E", "G"}, {"A", "B"}, "fixed cost"),
        (q6, {"B", "C", "E"}, {"A"}, "two passes"),
        (q7, {"A", "F"}, {"C"}, "np.random.rand"),
        (q7, {"A", "F"}, {"A", "D", "F"}, "a single hiccup"),
    ],
)
def test_choice_questions(question, right: set, wrong: set, says: str) -> None:
    assert question.check(right).solved
    feedback = question.check(wrong)
    assert feedback.status is Status.INCORRECT and says in feedback.text()


def test_the_solutions_are_right() -> None:
    for question, answer in [(q2, {"B", "D", "E", "G"}), (q4, 48 * 2**20 / 0.006 / 1e9), (q5, "B"), (q9, "BCE")]:
        assert question.check(answer).solved
    namespace: dict = {"np": np, "torch": torch, "time": time, "statistics": statistics}
    for question in (q1, q3, q8):
        exec(question.answer, namespace)
    assert q1.check(namespace["median_time"]).solved and q3.check(namespace["to_batch"]).solved
    assert q8.check(namespace["batches"]).solved


def batches_converted_once(X, y, batch_size):
    Xt, yt = torch.from_numpy(X).float(), torch.from_numpy(y)
    for i in range(0, len(Xt), batch_size):
        yield Xt[i : i + batch_size], yt[i : i + batch_size]


def batches_split(X, y, batch_size):
    return zip(torch.from_numpy(X).float().split(batch_size), torch.from_numpy(y).split(batch_size), strict=True)


def batches_converted_per_batch(X, y, batch_size):
    for i in range(0, len(X), batch_size):
        yield torch.tensor(X[i : i + batch_size], dtype=torch.float32), torch.from_numpy(y[i : i + batch_size])


def batches_float64(X, y, batch_size):
    Xt = torch.from_numpy(X)
    for i in range(0, len(X), batch_size):
        yield Xt[i : i + batch_size], torch.from_numpy(y[i : i + batch_size])


def batches_float_labels(X, y, batch_size):
    Xt = torch.from_numpy(X).float()
    for i in range(0, len(X), batch_size):
        yield Xt[i : i + batch_size], torch.from_numpy(y[i : i + batch_size]).float()


def batches_forever(X, y, batch_size):
    Xt = torch.from_numpy(X).float()
    while True:
        yield Xt[:batch_size], torch.from_numpy(y[:batch_size])


def batches_of_four(X, y, batch_size):
    return batches_converted_once(X, y, 4)


def batches_that_raise(X, y, batch_size):
    yield 1 / 0


@pytest.mark.parametrize("answer", [batches_converted_once, batches_split])
def test_q8_accepts_batches_sliced_from_one_conversion(answer) -> None:
    assert q8.check(answer).solved


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (batches_converted_per_batch, "memory of its own"),
        (batches_float64, "float32"),
        (batches_float_labels, "int64"),
        (batches_forever, "or more batches"),
        (batches_of_four, "`batch_size=5`"),
        (lambda X, y, batch_size: [(1, 2)], "gives 1 batch;"),
        (lambda X, y, batch_size: torch.ones(3), "return (or `yield`) the batches"),
        (lambda X, y, batch_size: None, "`None`"),
        (lambda X, y, batch_size: [torch.ones(3)] * 3, "a pair"),
        (batches_converted_once(np.ones((2, 3)), np.ones(2, dtype=np.int64), 1), "the function itself"),
    ],
)
def test_q8_names_the_mistake(answer, says: str) -> None:
    feedback = q8.check(answer)
    assert feedback.status is Status.INCORRECT and says in feedback.text()
    assert len(feedback.text()) <= 500


def test_q8_reports_an_error_raised_while_looping() -> None:
    feedback = q8.check(batches_that_raise)
    assert feedback.status is Status.ERROR and "ZeroDivisionError: division by zero" in feedback.text()


def test_q8_touches_no_random_state() -> None:
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()
    q8.check(batches_converted_once)
    q8.check(batches_converted_per_batch)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state, strict=True))


def test_q9_explains_each_wrong_letter() -> None:
    assert q9.check({"B", "C", "E"}).solved
    assert "persistent_workers" in q9.check({"A", "B", "C", "E"}).text()
    assert "returns the tensor itself" in q9.check("BCDE").text()
    assert "does too" in q9.check("BC").text()


# ---- the lesson notebook --------------------------------------------------------------------------

MEASURING_CALLS = ("measure(", "sweep(", "time_epochs(", "page_faults(")


def test_every_measurement_in_the_lesson_is_predicted_first() -> None:
    """A measuring cell comes after a prompt to predict it, in the markdown since the previous code cell."""
    lesson = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / "06_performance.ipynb", 4)
    prose_since_code, measuring = "", 0
    for cell in lesson.cells:
        if cell.cell_type == "markdown":
            prose_since_code += cell.source
            continue
        if any(call in cell.source for call in MEASURING_CALLS):
            measuring += 1
            assert "**Predict first**" in prose_since_code, cell.source.splitlines()[0]
        prose_since_code = ""
    assert measuring >= 10
