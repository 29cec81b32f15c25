"""Every question's declared examples get the verdict and the message they declare.

The examples live beside each question in its lesson's bank (``Question(..., examples=...)``): answers learners
really give, and the right answer perturbed. This file only runs them, as the exercise notebooks call ``check()``.
"""

from __future__ import annotations

import pytest
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
