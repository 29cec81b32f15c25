"""Exercise questions in the spirit of Kaggle Learn: ``check()``, ``hint()`` and ``solution()``.

A question's checker raises ``Mismatch`` with a message that names the mistake (dtype, shared vs copied,
device, shape, values, type); ``Question.check`` turns that, an untouched placeholder, an error in the
learner's own code, or anything else into ``Feedback``. ``check()`` never raises.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .feedback import Feedback, Status
from .memory import shares_memory


class Blank:
    """The placeholder an exercise cell starts with: ``t = ____``."""

    _instance: Blank | None = None

    def __new__(cls) -> Blank:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"


____ = Blank()


class Mismatch(Exception):
    """The answer is not what the question asks; the message says what differs."""

    def __init__(self, message: str, *details: str) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class LearnerCodeError(Exception):
    """The learner's own function raised while being checked."""


class NotAttempted(Exception):
    """The learner's function still returns the placeholder."""


_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60


def describe(value: Any) -> str:
    """A short, safe description of any object, even one whose __repr__ raises."""
    try:
        text = _short.repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text


def type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    if module == "builtins":
        return kind.__qualname__
    return f"{module.split('.')[0]}.{kind.__qualname__}"


def a_type(value: Any) -> str:
    """'an int', 'a numpy.ndarray': a value's type with its article, for messages."""
    name = type_name(value)
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} `{name}`"


def contains_blank(value: Any) -> bool:
    if isinstance(value, Blank):
        return True
    if isinstance(value, (tuple, list, set, frozenset)):
        return any(isinstance(item, Blank) for item in value)
    return False


def call_learner(fn: Any, *args: Any) -> Any:
    """Call a function the learner wrote, turning what it raises into a readable report."""
    if not callable(fn):
        raise Mismatch(f"expected a function, got {a_type(fn)}: `{describe(fn)}`")
    try:
        result = fn(*args)
    except Exception as exc:
        raise LearnerCodeError(f"your function raised `{type(exc).__name__}: {exc}`") from exc
    if contains_blank(result):
        raise NotAttempted
    return result


# ---- reusable expectations: each raises Mismatch with a specific message -----------------------


def wrong_type(value: Any, expected: str, what: str) -> Mismatch:
    if value is None:
        return Mismatch(
            f"{what} is `None`; expected {expected}.",
            "A function that ends without `return` gives `None`, and so do in-place methods like `list.sort()`.",
        )
    return Mismatch(f"{what} is {a_type(value)} (`{describe(value)}`); expected {expected}.")


def expect_tensor(value: Any, what: str = "your answer") -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        raise Mismatch(f"{what} is still a NumPy array (dtype {value.dtype}); the task asks for a `torch.Tensor`.")
    raise wrong_type(value, "a `torch.Tensor`", what)


def expect_array(value: Any, what: str = "your answer") -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, torch.Tensor):
        raise Mismatch(f"{what} is still a tensor ({value.dtype}, on {value.device}); expected a NumPy array.")
    raise wrong_type(value, "a `numpy.ndarray`", what)


def expect_device(t: torch.Tensor, device: str = "cpu", what: str = "your tensor") -> None:
    if t.device.type != device:
        reason = " (NumPy can only see CPU memory)" if device == "cpu" else ""
        raise Mismatch(f"{what} is on `{t.device}`; the task asks for `{device}`{reason}.")


def expect_dtype(t: torch.Tensor | np.ndarray, dtype: Any, what: str = "your tensor") -> None:
    if t.dtype != dtype:
        raise Mismatch(f"{what} has dtype `{t.dtype}`; expected `{dtype}`.")


def expect_shape(t: torch.Tensor | np.ndarray, shape: tuple[int, ...], what: str = "your tensor") -> None:
    if tuple(t.shape) != tuple(shape):
        raise Mismatch(f"{what} has shape `{tuple(t.shape)}`; expected `{tuple(shape)}`.")


def expect_values(t: torch.Tensor | np.ndarray, expected: np.ndarray, what: str = "your tensor") -> None:
    """Same shape and values as ``expected`` (compared as float64, NaN equal to NaN)."""
    expect_shape(t, expected.shape, what)
    got = t.detach().cpu().resolve_conj().resolve_neg().numpy() if isinstance(t, torch.Tensor) else t
    got64 = np.asarray(got).astype(np.float64 if not np.iscomplexobj(got) else np.complex128)
    if not np.array_equal(got64, expected, equal_nan=True):
        index = tuple(int(i) for i in np.argwhere(~np.isclose(got64, expected, equal_nan=True))[0])
        where = "" if not index else f"at index {index[0] if len(index) == 1 else index} "
        have, want = np.asarray(got)[index].tolist(), np.asarray(expected)[index].tolist()
        raise Mismatch(f"{what} holds different values: {where}it has {have!r}, expected {want!r}.")


def expect_shares(t: torch.Tensor, a: np.ndarray, name: str, answer: str = "tensor") -> None:
    """The answer (a tensor, or an array made from tensor ``name``) must use the same memory as its source."""
    if not shares_memory(t, a):
        raise Mismatch(
            f"your {answer} is a copy: it has its own memory, so changes to `{name}` will not show in it. "
            f"The task asks for {'an' if answer[0] in 'aeiou' else 'a'} {answer} that shares `{name}`'s memory."
        )


def expect_copy(t: torch.Tensor, a: np.ndarray, name: str, answer: str = "tensor") -> None:
    """The answer must own its memory: a later change to its source must not reach it."""
    if shares_memory(t, a):
        raise Mismatch(
            f"your {answer} shares memory with `{name}`: changing one changes the other. The task asks for a copy."
        )


def expect_given_array(value: Any, name: str, expected: np.ndarray) -> np.ndarray:
    """An input the learner passes back to ``check()`` must still be the array the exercise cell made."""
    try:
        a = expect_array(value, f"`{name}`")
        expect_dtype(a, expected.dtype, f"`{name}`")
        expect_values(a, expected, f"`{name}`")
    except Mismatch as mismatch:
        raise Mismatch(
            f"the second value should be the array `{name}` from the exercise cell: {mismatch.message}",
            "Run the exercise cell again from the top so it makes a fresh array.",
        ) from None
    return a


def expect_dtype_answer(value: Any, expected: torch.dtype, wrong: Mapping[torch.dtype, str] | None = None) -> None:
    """A predicted dtype, given as ``torch.float32`` or as the string ``'float32'`` / ``'torch.float32'``.

    ``wrong`` explains the likely wrong predictions, each by the dtype predicted.
    """
    if isinstance(value, str):
        name = value.strip().removeprefix("torch.")
        candidate = getattr(torch, name, None)
        if not isinstance(candidate, torch.dtype):
            raise Mismatch(f"`{value}` is not a torch dtype; answer with one such as `torch.float32`.")
        value = candidate
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        raise Mismatch(f"`{describe(value)}` is a NumPy dtype; the question asks for the tensor's `torch.dtype`.")
    if not isinstance(value, torch.dtype):
        raise Mismatch(f"expected a `torch.dtype` such as `torch.float32`; got {a_type(value)}.")
    if value != expected:
        raise Mismatch((wrong or {}).get(value, f"`{value}` is not what you get."))


def expect_choices(value: Any, correct: Iterable[str], why: Mapping[str, str], options: Iterable[str]) -> None:
    """A set of letters. Each wrong pick and each missed letter gets its own explanation."""
    options = [o.upper() for o in options]
    if isinstance(value, str):
        picked = {c.upper() for c in value if c.strip() and c not in ",;"}
    elif isinstance(value, (set, frozenset, list, tuple)) and all(isinstance(v, str) for v in value):
        picked = {v.strip().upper() for v in value}
    else:
        raise Mismatch(f"answer with a set of letters such as `{{'A', 'C'}}`; got {a_type(value)}.")
    unknown = sorted(picked - set(options))
    if unknown:
        raise Mismatch(f"{', '.join(unknown)} is not one of the lines; pick from {', '.join(options)}.")
    correct = {c.upper() for c in correct}
    wrong = [f"{c} does not: {why[c]}" for c in sorted(picked - correct)]
    missed = [f"{c} does too: {why[c]}" for c in sorted(correct - picked)]
    if wrong or missed:
        right = len(picked & correct)
        raise Mismatch(f"{right} of your picks {'is' if right == 1 else 'are'} right, but not all.", *wrong, *missed)


# ---- the question ------------------------------------------------------------------------------


@dataclass
class Question:
    """One exercise question. ``checker`` raises ``Mismatch`` or returns a closing remark."""

    qid: str
    title: str
    checker: Callable[..., str | None]
    hints: tuple[str, ...]
    answer: str
    given: tuple[str, ...] = ()
    _hints_shown: int = field(default=0, repr=False)

    def check(self, answer: Any = ____, *given: Any) -> Feedback:
        """Check an answer (and the inputs it was made from, for questions that name them); never raises."""
        try:
            if contains_blank(answer):
                return Feedback(
                    Status.NOT_ATTEMPTED,
                    self.qid,
                    "replace `____` with your answer, run the cell, and check again.",
                )
            if len(given) != len(self.given):
                needs = " and ".join(f"`{name}`" for name in self.given) or "nothing else"
                return Feedback(
                    Status.INCORRECT,
                    self.qid,
                    f"this check needs your answer and {needs}: call it as `{self.call}`.",
                )
            remark = self.checker(answer, *given)
        except Mismatch as mismatch:
            return Feedback(Status.INCORRECT, self.qid, mismatch.message, mismatch.details)
        except NotAttempted:
            return Feedback(Status.NOT_ATTEMPTED, self.qid, "your function still returns `____`.")
        except LearnerCodeError as error:
            return Feedback(Status.ERROR, self.qid, str(error), ("Fix the error and run the cell again.",))
        except Exception as exc:  # an answer odd enough to trip the checker itself
            return Feedback(
                Status.INCORRECT,
                self.qid,
                f"this answer could not be checked (`{type(exc).__name__}` while looking at it).",
                (f"You gave {a_type(answer)}: `{describe(answer)}`.",),
            )
        return Feedback(Status.CORRECT, self.qid, remark or "well done.")

    @property
    def call(self) -> str:
        """How the exercise notebook calls this check, e.g. ``q1.check(t, a)``."""
        return f"{self.qid.split('.')[-1]}.check({', '.join(('answer', *self.given))})"

    def hint(self, level: int | None = None) -> Feedback:
        """The next hint each call (or hint ``level``, from 1); later hints say more."""
        count = len(self.hints)
        if not isinstance(level, int):
            self._hints_shown = min(self._hints_shown + 1, count)
            level = self._hints_shown
        level = max(1, min(level, count))
        more = " Call `hint()` again for more." if level < count else ""
        return Feedback(Status.HINT, self.qid, f"({level} of {count}) {self.hints[level - 1]}{more}")

    def solution(self) -> Feedback:
        return Feedback(Status.SOLUTION, self.qid, self.title, code=self.answer)


def choice_question(
    qid: str,
    title: str,
    *,
    correct: str,
    why: Mapping[str, str],
    remark: str,
    hints: tuple[str, ...],
    options: Iterable[str] | None = None,
) -> Question:
    """A "which of these lines..." question: the answer is a set of letters, each explained by ``why``."""

    def checker(answer: Any) -> str:
        expect_choices(answer, correct, why, options if options is not None else why)
        return remark

    return Question(qid, title, checker, hints, f"answer = {{{', '.join(repr(c) for c in sorted(correct))}}}")
