"""A hostile survey of every question's check: a fixed corpus of odd, raising and huge inputs, and known verdicts.

Each check is called as the exercise notebook calls it, and every call is counted: an exception that got out (an
escape), a call over a second (a hang), a verdict other than the one known (wrong), a message or detail over
500 characters (long), and a change to the learner's session (a side effect).

    python tests/hostile.py             # prints the counts
    python tests/hostile.py --no-huge   # without the 10**8-element inputs (for code that would copy them)
"""

from __future__ import annotations

import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from strategies import HUGE, Departing, Hostile, Quit, raising  # noqa: E402
from test_questions import all_questions  # noqa: E402

from tensorbridge.questions import ____  # noqa: E402

LIMIT_SECONDS, LIMIT_CHARS = 1.0, 500
WRONG: list[str] = []  # what each wrong verdict was, for the report


def corpus(huge: bool = True) -> list[Any]:
    """Answers no check expects: odd values, hostile objects, raising functions, huge inputs that cost no memory."""
    values = [
        None, 0, -1, True, 1e308, float("nan"), float("inf"), 1j, "", " ", "A" * 10**6, b"x", ..., type, object(),
        [], [None], [____], {"A": ____}, (____, 1), set(), {""}, {"": ""}, [0] * 10**6,
        np.array([]), np.array(np.nan), np.array(["a"]), np.array([None], dtype=object), np.zeros((0, 3)),
        torch.empty(0), torch.tensor(float("nan")), torch.ones(2, requires_grad=True),
        torch.tensor([1 + 2j]).conj(), torch.zeros(3, dtype=torch.bfloat16), torch.zeros(3, device="meta"),
        torch.nn.Linear(2, 2), Hostile(), Departing(), [Departing()], {"A": Departing()},
        lambda *args: None, lambda *args: ____, lambda *args: [____], lambda *args: args,
        lambda *args: "x" * 10**6, lambda *args: np.zeros(10**6, dtype=np.float32),
        raising(SystemExit(1)), raising(Quit()), raising(GeneratorExit()), raising(ValueError("z" * 10**6)),
        raising(RecursionError()),
    ]  # fmt: skip
    if huge:
        values += [
            np.broadcast_to(np.float32(0), (HUGE,)), np.broadcast_to(np.uint8(0), (HUGE // 3, 3)),
            torch.empty(HUGE, device="meta"), torch.zeros(1).expand(HUGE),
            torch.sparse_coo_tensor(torch.zeros(1, 1, dtype=torch.int64), torch.ones(1), (HUGE,)),
        ]  # fmt: skip
    return values


# Verdicts known whatever the bank declares: (question, answer, the status it must get).
KNOWN = [
    ("03.q6", lambda: float("nan"), "incorrect"),
    ("03.q6", lambda: float("inf"), "incorrect"),
    ("03.q6", lambda: 11 / 3, "correct"),
    ("02.q3", lambda: list(torch.tensor([2, -2, 0, 0]).numpy()), "correct"),
    ("02.q4", lambda: list(torch.tensor([255, 0, 44, 255], dtype=torch.uint8).numpy()), "correct"),
    ("02.q3", lambda: [True, False, 0, 0], "incorrect"),
    ("01.q8", lambda: {"A", "C", "D"}, "correct"),
    ("00.q1", lambda: torch.tensor([1, 2, 3]), "correct"),
]


def session() -> tuple[Any, ...]:
    return (
        torch.get_rng_state().numpy().tobytes(),
        np.random.get_state()[1].tobytes(),
        torch.get_default_dtype(),
        torch.is_grad_enabled(),
        torch.is_warn_always_enabled(),
        tuple(warnings.filters),
    )


def _call(
    count: Counter, check: Callable[[], Any], verdict: Callable[[Any], bool] | None = None, name: str = ""
) -> None:
    count["inputs"] += 1
    before = session()
    start = time.perf_counter()
    try:
        feedback = check()
    except KeyboardInterrupt:
        raise
    except BaseException:
        count["escapes"] += 1
        return
    finally:
        if session() != before:
            count["side effects"] += 1
    if time.perf_counter() - start > LIMIT_SECONDS:
        count["hangs"] += 1
    texts = [feedback.message, *feedback.details]
    if any(len(text) > LIMIT_CHARS for text in texts):
        count["long messages"] += 1
    if verdict is not None and not verdict(feedback):
        count["wrong verdicts"] += 1
        WRONG.append(f"{name}: {feedback.text()[:300]}")


def survey(huge: bool = True) -> Counter:
    """The counts over every question; zero of each but ``inputs`` is a clean bill."""
    count: Counter = Counter({"inputs": 0, "escapes": 0, "hangs": 0, "wrong verdicts": 0, "long messages": 0})
    count["side effects"] = 0
    by_id = {question.qid: question for question in all_questions()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the corpus itself warns (huge sparse tensors, read-only arrays)
        for question in by_id.values():
            make = getattr(question, "inputs", dict)
            for answer in corpus(huge):
                cell = SimpleNamespace(**make())
                given = [getattr(cell, name, None) for name in question.given]
                _call(count, lambda q=question, a=answer, g=given: q.check(a, *g))
                if question.given:
                    _call(count, lambda q=question, a=answer: q.check(a, *[a] * len(q.given)))
            for example in getattr(question, "examples", ()):
                _call(
                    count,
                    lambda q=question, e=example: q.run_example(e),
                    lambda feedback, e=example: feedback.status is e.status and e.says in feedback.text(),
                    f"{question.qid} {example.kind}",
                )
        for qid, answer, status in KNOWN:
            _call(count, lambda q=by_id[qid], a=answer: q.check(a()), lambda f, s=status: f.status.value == s, qid)
    return count


if __name__ == "__main__":
    print(dict(survey(huge="--no-huge" not in sys.argv)))
