"""check() is safe to call on anything: it never lets an exception out (Ctrl-C aside), never judges wrongly,
never hangs or copies a huge input, keeps its messages short, and leaves the learner's session as it was.

One test per kind of failure seen in an adversarial run, then property tests over arbitrary, raising and huge
inputs for every question.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import Quit, anything, hostile_objects, huge_values, raising, raising_functions
from test_questions import QUESTIONS

from tensorbridge import lesson00, lesson01, lesson02, lesson03, lesson04, lesson07
from tensorbridge.feedback import Feedback, Status
from tensorbridge.questions import MAX_MESSAGE, Question, ____

BY_ID = {question.qid: question for question in QUESTIONS}
# questions whose answer is a function the learner wrote
FUNCTION_QUESTIONS = ["02.q1", "03.q8", "04.q1", "04.q2", "04.q3", "04.q4", "04.q5", "05.q5", "06.q1", "06.q3", "07.b5"]


def solution(question: Question) -> Any:
    """The answer the question's own solution code makes (the function it defines, or the value it assigns)."""
    namespace: dict[str, Any] = {"np": np, "torch": torch, "time": time, "statistics": statistics}
    before = set(namespace)
    exec(question.answer, namespace)
    (name,) = set(namespace) - before - {"__builtins__"}
    return namespace[name]


# ---- escapes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("qid", FUNCTION_QUESTIONS)
@pytest.mark.parametrize("error", [SystemExit(1), Quit(), GeneratorExit()], ids=type)
def test_a_learner_function_that_raises_any_base_exception_gets_feedback(qid: str, error: BaseException) -> None:
    feedback = BY_ID[qid].check(raising(error), *([None] * len(BY_ID[qid].given)))
    assert feedback.status in {Status.ERROR, Status.INCORRECT}
    assert type(error).__name__ in feedback.text()


@pytest.mark.parametrize("qid", FUNCTION_QUESTIONS)
def test_ctrl_c_in_a_learner_function_gets_through(qid: str) -> None:
    with pytest.raises(KeyboardInterrupt):
        BY_ID[qid].check(raising(KeyboardInterrupt()), *([None] * len(BY_ID[qid].given)))


class Leaving:
    """An object whose every dunder a checker might call raises SystemExit (or ``error``)."""

    error: type[BaseException] = SystemExit

    def __repr__(self) -> str:
        raise self.error("repr")

    def __eq__(self, other: object) -> bool:
        raise self.error("eq")

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise self.error("bool")

    def __len__(self) -> int:
        raise self.error("len")

    def __iter__(self):
        raise self.error("iter")

    def __call__(self, *args: object) -> object:
        raise self.error("call")

    def __getattr__(self, name: str) -> object:
        raise self.error(name)


class Interrupting(Leaving):
    error = KeyboardInterrupt


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
def test_an_object_whose_dunders_raise_system_exit_gets_feedback(question: Question) -> None:
    feedback = question.check(Leaving(), *([Leaving()] * len(question.given)))
    assert isinstance(feedback, Feedback) and feedback.status is not Status.CORRECT


def test_ctrl_c_in_a_dunder_gets_through() -> None:
    with pytest.raises(KeyboardInterrupt):
        lesson01.q1.check(Interrupting(), np.arange(6, dtype=np.float32))


def test_the_capstone_report_survives_a_namespace_that_raises_system_exit() -> None:
    class Namespace(dict):
        def __contains__(self, key: object) -> bool:
            raise SystemExit("contains")

    report = lesson07.bug_report(Namespace())
    assert report.remaining == 6 and all(r.status is Status.NOT_ATTEMPTED for r in report.results)


# ---- wrong verdicts ----------------------------------------------------------------------------------


def test_nan_is_not_the_loss() -> None:
    assert lesson03.q6.check(float("nan")).status is Status.INCORRECT
    assert lesson03.q6.check(float("inf")).status is Status.INCORRECT


@pytest.mark.parametrize(
    ("question", "values", "dtype"),
    [(lesson02.q3, [2, -2, 0, 0], torch.int64), (lesson02.q4, [255, 0, 44, 255], torch.uint8)],
)
def test_numpy_integers_are_numbers(question: Question, values: list[int], dtype: torch.dtype) -> None:
    as_numpy = list(torch.tensor(values, dtype=dtype).numpy())  # what a learner copying a result gets
    assert all(isinstance(v, np.integer) for v in as_numpy)
    assert question.check(as_numpy).status is Status.CORRECT
    assert question.check(tuple(np.array(values))).status is Status.CORRECT
    assert question.check([True, False, 0, 0]).status is Status.INCORRECT


def test_a_right_function_is_right_when_the_learner_turned_gradients_off() -> None:
    with torch.no_grad():
        assert lesson02.q1.check(solution(lesson02.q1)).status is Status.CORRECT
        assert not torch.is_grad_enabled()


# ---- time and memory ---------------------------------------------------------------------------------


class HugeDataset:
    """A dataset of ``size`` items that makes each one when asked, as a lazy Dataset does."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.zeros(3), torch.tensor(0.0)


def bounded(check: Callable[[], Feedback]) -> tuple[Feedback, float, int]:
    """Run a check; its feedback, the seconds it took and the bytes of Python and NumPy memory it peaked at."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        feedback = check()
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return feedback, seconds, peak


BIG = 10**8
LIMIT_BYTES = 16 * 2**20  # far below a copy of any of these inputs (a 10**8-element copy is at least 100 MB)


@pytest.mark.parametrize(
    ("check", "says"),
    [
        (lambda: lesson07.b1.check(HugeDataset(BIG), np.zeros((192, 3), dtype=np.float32)), "items"),
        (lambda: lesson07.b2.check(HugeDataset(BIG)), "items"),
        (lambda: lesson02.q3.check(torch.zeros(1).expand(BIG)), "4 values"),
        (lambda: lesson02.q4.check(np.broadcast_to(np.int64(1), (BIG,))), "4 values"),
        (lambda: lesson02.q3.check([0] * 10**6), "4 values"),
        (lambda: lesson03.q7.check(np.broadcast_to(np.float32(1), (BIG,))), "three elements"),
        (lambda: lesson03.q7.check(torch.zeros(1).expand(BIG)), "three elements"),
        (lambda: lesson07.b6.check(*[np.broadcast_to(np.float32(1), (BIG, 3))] * 4), "live_sensors"),
    ],
    ids=["b1", "b2", "02.q3-tensor", "02.q4-array", "02.q3-list", "03.q7-array", "03.q7-tensor", "b6"],
)
def test_a_huge_input_is_judged_at_once_without_being_copied(check: Callable[[], Feedback], says: str) -> None:
    feedback, seconds, peak = bounded(check)
    assert feedback.status is Status.INCORRECT and says in feedback.text(), feedback.text()
    assert seconds < 1.0
    assert peak < LIMIT_BYTES


# ---- message length ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "says"),
    [
        (lambda: lesson07.b5.check(lambda t: np.zeros(10**6, dtype=np.float32)), "shape"),
        (lambda: lesson07.b5.check(lambda t: t.detach().numpy() + 1), "values"),
        (lambda: lesson01.q7.check("float" * 10**5), "not a torch dtype"),
        (lambda: lesson02.q5.check("x" * 10**6), "not a torch dtype"),
        (lambda: lesson02.q7.check("y" * 10**6), "not a NumPy dtype"),
        (lambda: lesson04.q1.check(lambda: "cuda" * 10**5), "string"),
        (lambda: lesson02.q1.check(raising(ValueError("z" * 10**6))), "ValueError"),
        (lambda: lesson01.q8.check({"Q" * 10**4}), "not one of the lines"),
    ],
    ids=["b5-size", "b5-values", "01.q7", "02.q5", "02.q7", "04.q1", "02.q1-error", "01.q8"],
)
def test_a_huge_answer_gets_a_short_message(check: Callable[[], Feedback], says: str) -> None:
    feedback = check()
    assert says in feedback.text()
    assert len(feedback.message) <= MAX_MESSAGE and all(len(d) <= MAX_MESSAGE for d in feedback.details)


# ---- the learner's session ---------------------------------------------------------------------------


@pytest.mark.parametrize("qid", ["03.q8", "04.q3", "04.q4", "04.q5", "02.q1"])
def test_a_check_leaves_torch_random_state_alone(qid: str) -> None:
    answer = solution(BY_ID[qid])
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    assert BY_ID[qid].check(answer).status is Status.CORRECT
    assert torch.equal(torch.rand(3), expected), "the learner's next random numbers changed"


def test_a_check_undoes_what_the_learners_function_changed() -> None:
    def careless(raw: np.ndarray) -> torch.Tensor:
        np.random.seed(99)
        torch.set_default_dtype(torch.float64)
        warnings.simplefilter("ignore")
        torch.set_grad_enabled(False)
        return torch.from_numpy(raw.astype(np.float32))

    np.random.seed(0)
    expected = np.random.rand()
    np.random.seed(0)
    filters = list(warnings.filters)
    lesson02.q1.check(careless)
    assert np.random.rand() == expected
    assert torch.get_default_dtype() is torch.float32
    assert warnings.filters == filters
    assert torch.is_grad_enabled()


# ---- messages that say what happened -----------------------------------------------------------------


def test_a_placeholder_inside_an_answer_is_not_attempted() -> None:
    partial = {"A": torch.float64, "B": ____, "C": ____, "D": ____}
    assert lesson02.q6.check(partial).status is Status.NOT_ATTEMPTED
    assert lesson02.q3.check([2, ____, 0, 0]).status is Status.NOT_ATTEMPTED
    assert lesson07.b5.check(lambda t: ____).status is Status.NOT_ATTEMPTED
    assert lesson03.q8.check(lambda t: {"array": ____}).status is Status.NOT_ATTEMPTED
    assert lesson02.q3.check([2, [____], 0, 0]).status is Status.NOT_ATTEMPTED


def test_a_meta_or_sparse_tensor_is_named_as_such() -> None:
    assert "`meta`" in lesson00.q1.check(torch.tensor([1, 2, 3], device="meta")).text()
    assert "`meta`" in lesson01.q6.check(torch.tensor(2.5, dtype=torch.float64, device="meta")).text()
    sparse = torch.from_numpy(np.arange(6, dtype=np.float32)).to_sparse()
    assert "sparse_coo tensor" in lesson01.q1.check(sparse, np.arange(6, dtype=np.float32)).text()
    assert "`.to_dense()`" in lesson00.q1.check(torch.tensor([1, 2, 3]).to_sparse()).text()


def test_an_empty_entry_in_a_choice_is_not_named_as_a_line() -> None:
    assert lesson01.q8.check({"A", "C", "D", ""}).status is Status.CORRECT
    assert lesson01.q8.check({"", " "}).text().count("picks no line") == 1


def test_the_capstone_names_a_changed_input_not_the_answer() -> None:
    live = np.ones((12, 3), dtype=np.float32)
    feedback = lesson07.b6.check(live[::-1].copy(), np.ones(12), live[:5], np.ones(12))
    assert "needs `live_sensors` from the data cell" in feedback.text()
    assert "`today_sensors`" not in feedback.message
    zeros = torch.zeros(1, 3)
    feedback = lesson07.b4.check(zeros, torch.zeros(1), zeros, torch.zeros(1), np.ones(5))
    assert "needs `y_train` from the data cell" in feedback.text()


# ---- every question, anything at all -----------------------------------------------------------------


def session() -> tuple[Any, ...]:
    """What a check must leave as it found it."""
    return (
        torch.get_rng_state(),
        np.random.get_state()[1].tobytes(),
        torch.get_default_dtype(),
        torch.is_grad_enabled(),
        torch.is_warn_always_enabled(),
        tuple(warnings.filters),
    )


def same_session(before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    return torch.equal(before[0], after[0]) and before[1:] == after[1:]


inputs = st.one_of(anything, hostile_objects, huge_values, raising_functions)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=inputs, given_values=st.lists(inputs, max_size=4))
def test_any_input_is_judged_quickly_briefly_and_without_a_trace(
    question: Question, answer: object, given_values: list
) -> None:
    if len(given_values) > len(question.given):
        given_values = given_values[: len(question.given)]
    before = session()
    feedback, seconds, peak = bounded(lambda: question.check(answer, *given_values))
    assert isinstance(feedback, Feedback) and feedback.message.strip()
    assert len(feedback.message) <= MAX_MESSAGE and all(len(d) <= MAX_MESSAGE for d in feedback.details)
    assert seconds < 1.0, f"{seconds:.2f} s"
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB"
    assert same_session(before, session())
