"""The exercise system: every question in every lesson answers anything with Feedback, never an exception."""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import Hostile, anything

import tensorbridge
from tensorbridge.feedback import Feedback, Status
from tensorbridge.questions import Question, ____


def all_questions() -> list[Question]:
    found = []
    for info in pkgutil.iter_modules(tensorbridge.__path__):
        if info.name.startswith("lesson"):
            module = importlib.import_module(f"tensorbridge.{info.name}")
            found += [value for value in vars(module).values() if isinstance(value, Question)]
    return found


QUESTIONS = all_questions()
IDS = [q.qid for q in QUESTIONS]


def test_every_lesson_bank_is_found() -> None:
    assert {"00.q1", "01.q1", "01.q8"} <= set(IDS)
    assert len(IDS) == len(set(IDS)), "question ids must be unique: progress is recorded by id"


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=anything, given_values=st.lists(anything, max_size=2))
def test_check_never_raises(question: Question, answer: object, given_values: list) -> None:
    feedback = question.check(answer, *given_values)
    assert isinstance(feedback, Feedback)
    assert feedback.message.strip()
    assert feedback.text() and feedback._repr_html_()


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_untouched_placeholder_is_not_attempted(question: Question) -> None:
    assert question.check().status is Status.NOT_ATTEMPTED
    assert question.check(____).status is Status.NOT_ATTEMPTED


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_hints_grow_then_stop_and_solution_shows_code(question: Question) -> None:
    fresh = Question(question.qid, question.title, question.checker, question.hints, question.answer, question.given)
    shown = [fresh.hint().message for _ in range(len(question.hints) + 1)]
    assert shown[0].startswith(f"(1 of {len(question.hints)})")
    assert shown[-1] == shown[-2], "asking past the last hint repeats the last one"
    assert fresh.hint(1).message == shown[0]
    assert fresh.hint("x").status is Status.HINT
    assert fresh.solution().code == question.answer


def test_hostile_object_gets_feedback_not_an_exception() -> None:
    for question in QUESTIONS:
        assert question.check(Hostile()).status in {Status.INCORRECT, Status.ERROR}


def test_feedback_carries_its_question_for_progress() -> None:
    from tensorbridge.lesson00 import q1

    data, metadata = q1.check(torch.tensor([1, 2, 3]))._repr_mimebundle_()
    assert metadata == {"tensorbridge": {"question": "00.q1", "status": "correct"}}
    assert "✓ Correct" in data["text/plain"] and "<div" in data["text/html"]


def test_feedback_names_the_mistake() -> None:
    from tensorbridge import lesson01 as l01

    a = np.arange(6, dtype=np.float32)
    b = np.linspace(0, 1, 5)
    counts = np.array([3, 0, 7], dtype=np.int64)
    cases = [
        (l01.q1.check(torch.tensor(a), a), "is a copy"),
        (l01.q1.check(torch.from_numpy(a).double(), a), "dtype `torch.float64`; expected `torch.float32`"),
        (l01.q1.check(a, a), "still a NumPy array"),
        (l01.q1.check(torch.from_numpy(a).reshape(2, 3), a), "shape `(2, 3)`; expected `(6,)`"),
        (l01.q1.check(torch.from_numpy(a) + 1, a), "different values"),
        (l01.q1.check(torch.from_numpy(a)), "call it as `q1.check(answer, a)`"),
        (l01.q1.check(torch.from_numpy(a), np.zeros(3)), "should be the array `a`"),
        (l01.q1.check(None, a), "is `None`"),
        (l01.q2.check(torch.from_numpy(b), b), "shares memory with `a`"),
        (l01.q4.check(torch.Tensor(counts), counts), "float32"),
        (l01.q7.check("int64"), "the array's dtype"),
        (l01.q7.check(np.float32), "NumPy dtype"),
        (l01.q8.check({"A", "B"}), "B does not: `torch.tensor` always copies"),
        (l01.q8.check("AX"), "`X` is not one of the lines"),
    ]
    for feedback, expected in cases:
        assert feedback.status is Status.INCORRECT, feedback
        assert expected in feedback.text(), feedback


def test_device_mismatch_is_named() -> None:
    from tensorbridge import lesson01 as l01

    meta = torch.empty(6, device="meta")
    assert "is on `meta`; the task asks for `cpu`" in l01.q3.check(meta).text()


def test_learner_function_errors_are_reported() -> None:
    from tensorbridge.questions import LearnerCodeError, Mismatch, call_learner

    with pytest.raises(LearnerCodeError, match="ZeroDivisionError"):
        call_learner(lambda t: 1 / 0, 1)
    with pytest.raises(Mismatch, match="expected a function"):
        call_learner(3, 1)
