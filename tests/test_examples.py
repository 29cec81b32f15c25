"""Every question's declared examples get the verdict and the message they declare.

The examples live beside each question in its lesson's bank (``Question(..., examples=...)``): answers learners
really give, and the right answer perturbed. This file only runs them, as the exercise notebooks call ``check()``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from test_questions import QUESTIONS

from tensorbridge.questions import KINDS, MAX_MESSAGE, Example, Question

CASES = [(question, example) for question in QUESTIONS for example in question.examples]
CASE_IDS = [f"{q.qid}-{i}-{example.kind}" for q in QUESTIONS for i, example in enumerate(q.examples)]


@pytest.mark.parametrize(("question", "example"), CASES, ids=CASE_IDS)
def test_example_gets_its_verdict(question: Question, example: Example) -> None:
    feedback = question.run_example(example)
    assert feedback.status is example.status, feedback.text()
    assert example.says in feedback.text(), feedback.text()
    assert len(feedback.message) <= MAX_MESSAGE and not feedback.message.endswith("…"), "a declared message fits"


def test_an_example_names_its_kind() -> None:
    assert set(KINDS) >= {"right", "mistake", "dtype", "copy", "shape", "nan", "device"}
    with pytest.raises(ValueError, match="kind"):
        Example("wrongish", lambda cell: None)


def _perturbations_needed(question: Question) -> set[str]:
    """What a right answer's perturbations must cover: its dtype, shape and memory, NaN and device where they apply."""
    (first, *_) = [example for example in question.examples if example.kind == "right"]
    value = first.answer(SimpleNamespace(**question.inputs()))
    if not isinstance(value, (torch.Tensor, np.ndarray)):
        return set()
    needed = {"dtype", "shape", "copy"}
    if (
        (value.is_floating_point() or value.is_complex())
        if isinstance(value, torch.Tensor)
        else value.dtype.kind in "fc"
    ):
        needed.add("nan")
    if isinstance(value, torch.Tensor):
        needed.add("device")
    return needed


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
def test_every_question_declares_right_answers_mistakes_and_perturbations(question: Question) -> None:
    kinds = [example.kind for example in question.examples]
    assert kinds.count("right") >= 1, "a right answer"
    assert kinds.count("mistake") >= 2, "wrong answers learners really give"
    missing = _perturbations_needed(question) - set(kinds)
    assert not missing, f"the right answer perturbed: {sorted(missing)}"
    if question.given:
        assert "given" in kinds or question.qid in {"05.q8"}, "an input the check is given, changed"
