"""Exercise questions in the spirit of Kaggle Learn: ``check()``, ``hint()`` and ``solution()``.

A question's checker raises ``Mismatch`` with a message that names the mistake (dtype, shared vs copied,
device, shape, values, type); ``Question.check`` turns that, an untouched placeholder, an error in the
learner's own code, or anything else into ``Feedback``. ``check()`` never raises (only Ctrl-C gets through),
keeps its message under ``MAX_MESSAGE`` characters, and leaves the learner's session as it found it: random
state, default dtype, grad mode and warning filters.

Each question declares ``examples``: answers learners really give, and the right answer perturbed, each with
the verdict it must get. The test suite runs them; see ``Example``.
"""

from __future__ import annotations

import hashlib
import linecache
import reprlib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
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


MAX_MESSAGE = 500  # characters, for a message and for each detail, whatever the answer


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value: Any) -> str:
    """A short, safe description of any object, even one whose __repr__ raises (anything but Ctrl-C)."""
    try:
        text = _short.repr(value)
    except KeyboardInterrupt:
        raise
    except BaseException:
        text = f"<{type(value).__name__} object>"
    return clip(text if isinstance(text, str) else "<object>", 80)


def error_text(exc: BaseException) -> str:
    """``Type: message`` for an exception the learner's code raised, short, even if its __str__ raises."""
    try:
        message = str(exc)
    except KeyboardInterrupt:
        raise
    except BaseException:
        message = "(its message could not be read)"
    return clip(f"{type(exc).__name__}: {message}" if message else type(exc).__name__, 200)


def type_name(value: Any) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", None)
    if not isinstance(module, str) or module == "builtins":
        return kind.__qualname__
    return f"{module.split('.')[0]}.{kind.__qualname__}"


def a_type(value: Any) -> str:
    """'an int', 'a numpy.ndarray': a value's type with its article, for messages."""
    name = type_name(value)
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} `{name}`"


def contains_blank(value: Any, depth: int = 3) -> bool:
    """Whether ``____`` is the answer or sits inside it (a list, tuple, set or dict's keys and values).

    Only the first 64 items of each container are looked at, a few levels deep: a huge list is not walked.
    """
    if isinstance(value, Blank):
        return True
    if depth == 0 or type(value) not in (tuple, list, set, frozenset, dict):
        return False
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    return any(contains_blank(item, depth - 1) for _, item in zip(range(64), items, strict=False))


def call_learner(fn: Any, *args: Any) -> Any:
    """Call a function the learner wrote, turning whatever it raises (even ``SystemExit``; not Ctrl-C) into a
    readable report."""
    if not callable(fn):
        raise Mismatch(f"expected a function, got {a_type(fn)}: `{describe(fn)}`")
    try:
        result = fn(*args)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise LearnerCodeError(f"your function raised `{error_text(exc)}`") from exc
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
        if value.layout != torch.strided:
            raise Mismatch(
                f"{what} is a {str(value.layout).removeprefix('torch.')} tensor; the task asks for an ordinary "
                "(dense, strided) one: `.to_dense()` makes it."
            )
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
        shown = np.dtype(dtype) if isinstance(dtype, type) and issubclass(dtype, np.generic) else dtype
        raise Mismatch(f"{what} has dtype `{t.dtype}`; expected `{shown}`.")


def expect_shape(t: torch.Tensor | np.ndarray, shape: tuple[int, ...], what: str = "your tensor") -> None:
    if tuple(t.shape) != tuple(shape):
        raise Mismatch(f"{what} has shape `{tuple(t.shape)}`; expected `{tuple(shape)}`.")


def expect_values(t: torch.Tensor | np.ndarray, expected: np.ndarray, what: str = "your tensor") -> None:
    """Same shape and values as ``expected`` (compared as float64, NaN equal to NaN)."""
    expect_shape(t, expected.shape, what)
    if isinstance(t, torch.Tensor) and t.is_meta:
        raise Mismatch(f"{what} is on `meta`, a device that holds shapes but no values; the task asks for `cpu`.")
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
            raise Mismatch(f"`{describe(value)}` is not a torch dtype; answer with one such as `torch.float32`.")
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
    if isinstance(value, str) and len(value) <= 4 * len(options):
        picked = {c.upper() for c in value if c.strip() and c not in ",;"}
    elif (
        isinstance(value, (set, frozenset, list, tuple))
        and len(value) <= 4 * len(options)
        and all(isinstance(v, str) for v in value)
    ):
        picked = {v.strip().upper() for v in value} - {""}  # an empty entry picks nothing
    else:
        raise Mismatch(f"answer with a set of letters such as `{{'A', 'C'}}`; got {a_type(value)}.")
    if not picked:
        raise Mismatch(f"your answer picks no line; pick from {', '.join(options)}.")
    unknown = sorted(picked - set(options))
    if unknown:
        named = ", ".join(f"`{clip(u, 20)}`" for u in unknown[:3])
        raise Mismatch(
            f"{named} {'is' if len(unknown) == 1 else 'are'} not one of the lines; pick from {', '.join(options)}."
        )
    correct = {c.upper() for c in correct}
    wrong = [f"{c} does not: {why[c]}" for c in sorted(picked - correct)]
    missed = [f"{c} does too: {why[c]}" for c in sorted(correct - picked)]
    if wrong or missed:
        right = len(picked & correct)
        raise Mismatch(f"{right} of your picks {'is' if right == 1 else 'are'} right, but not all.", *wrong, *missed)


# ---- the learner's session, kept as it was ---------------------------------------------------


@contextmanager
def session_kept() -> Iterator[None]:
    """Run a check without leaving a trace in the learner's session.

    A check may build a model (which draws from torch's random generator), call the learner's code (which may
    change the default dtype or filter warnings), or need gradients where the learner turned them off. Afterwards
    torch's and NumPy's random state, the default dtype, grad mode, warn-always and the warning filters are as
    they were.
    """
    cuda = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    numpy_state = np.random.get_state()
    dtype, warn_always = torch.get_default_dtype(), torch.is_warn_always_enabled()
    try:
        with torch.random.fork_rng(devices=cuda), torch.enable_grad(), warnings.catch_warnings():
            yield
    finally:
        np.random.set_state(numpy_state)
        torch.set_default_dtype(dtype)
        torch.set_warn_always(warn_always)


# ---- known answers, declared beside each question ---------------------------------------------

KINDS = ("right", "mistake", "given", "dtype", "copy", "shape", "nan", "device", "type")


@dataclass(frozen=True)
class Example:
    """An answer to a question and the verdict ``check()`` must give it: data the test suite runs.

    Declared beside each question (``Question(..., inputs=..., examples=(...))``), as Kaggle's learntools keeps
    known right and wrong answers next to each problem. The suite calls ``question.check`` the way the exercise
    notebook does, with the answer this example builds and then the ``given`` inputs, and asserts the status and
    that ``says`` appears in the feedback's text.

    - ``answer`` builds the answer from the exercise cell's inputs (a fresh ``SimpleNamespace`` made by the
      question's ``inputs``), e.g. ``lambda cell: torch.from_numpy(cell.a)``, so an answer that must share
      memory with a given array really does. It may change an input too, to stand for a learner who edited it.
    - ``kind`` is one of ``KINDS``: ``"right"`` (a correct answer, one per way of writing it), ``"mistake"`` (a
      wrong answer learners really give), ``"given"`` (the answer is right but an input the check is also given
      was changed), or the way a right answer was perturbed: ``"dtype"``, ``"copy"`` (copy instead of share,
      or the reverse), ``"shape"``, ``"nan"`` (a NaN in the values), ``"device"`` (on another device, such as
      ``meta``), ``"type"`` (the same value as another type). ``perturbed()`` writes the last six for you.
    - ``status`` is the verdict (``Status.INCORRECT`` unless said), ``says`` a piece of the message.
    """

    kind: str
    answer: Callable[[SimpleNamespace], Any]
    says: str = ""
    status: Status = Status.INCORRECT

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"an example's kind is one of {KINDS}, not {self.kind!r}")


def right(answer: Callable[[SimpleNamespace], Any], says: str = "") -> Example:
    """A correct answer."""
    return Example("right", answer, says, Status.CORRECT)


def mistake(answer: Callable[[SimpleNamespace], Any], says: str, status: Status = Status.INCORRECT) -> Example:
    """A wrong answer learners really give, and a piece of the message it must get."""
    return Example("mistake", answer, says, status)


def changed_input(answer: Callable[[SimpleNamespace], Any], says: str, **changes: Callable[[Any], Any]) -> Example:
    """A right answer, checked after the learner changed an input the check is also given (``a=lambda a: a[:3]``)."""

    def build(cell: SimpleNamespace) -> Any:
        value = answer(cell)
        for name, change in changes.items():
            setattr(cell, name, change(getattr(cell, name)))
        return value

    return Example("given", build, says)


def defined(source: str) -> Callable[..., Any]:
    """The one function ``source`` defines, with its source readable by ``inspect`` (as a notebook cell's is)."""
    filename = f"<example {hashlib.sha256(source.encode()).hexdigest()[:12]}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {"np": np, "torch": torch}
    exec(compile(source, filename, "exec"), namespace)
    (function,) = [v for k, v in namespace.items() if callable(v) and k not in ("np", "torch")]
    return function


ACCEPTED = "✓"  # in ``perturbed()``: this change keeps the answer right


def _other_dtype(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.double() if value.dtype != torch.float64 else value.float()
    return value.astype(np.float64 if value.dtype != np.float64 else np.float32)


def _with_nan(value: Any) -> Any:
    copy = value.clone() if isinstance(value, torch.Tensor) else value.copy()
    copy[(0,) * copy.ndim] = float("nan")  # by index: reshape(-1) of a non-contiguous clone would be a copy
    return copy


_PERTURB: dict[str, Callable[[Any], Any]] = {
    "dtype": _other_dtype,
    "copy": lambda v: v.clone() if isinstance(v, torch.Tensor) else v.copy(),
    "shape": lambda v: v[None],
    "nan": _with_nan,
    "device": lambda v: v.to("meta"),
    "type": lambda v: v.numpy() if isinstance(v, torch.Tensor) else torch.from_numpy(v),
}


def perturb(kind: str, value: Any) -> Any:
    """A tensor or array changed one way (``"dtype"``, ``"copy"``, ...); a function's result changed so."""
    change = _PERTURB[kind]
    if callable(value) and not isinstance(value, (torch.Tensor, np.ndarray)):
        return lambda *args: change(value(*args))
    return change(value)


def perturbed(answer: Callable[[SimpleNamespace], Any], **says: str) -> tuple[Example, ...]:
    """The right ``answer`` perturbed each way named, with a piece of the message each must get.

    ``perturbed(lambda cell: torch.from_numpy(cell.a), dtype="float64", copy="is a copy", device="meta")``;
    ``ACCEPTED`` for a change that keeps the answer right. A function's answer is perturbed in what it returns.
    """
    return tuple(
        Example(
            kind,
            lambda cell, kind=kind: perturb(kind, answer(cell)),
            "" if text == ACCEPTED else text,
            Status.CORRECT if text == ACCEPTED else Status.INCORRECT,
        )
        for kind, text in says.items()
    )


# ---- the question ------------------------------------------------------------------------------


def _no_inputs() -> dict[str, Any]:
    return {}


@dataclass
class Question:
    """One exercise question. ``checker`` raises ``Mismatch`` or returns a closing remark.

    ``given`` names the exercise cell's inputs that ``check()`` takes after the answer; ``inputs`` makes those
    inputs (and any others the answer is built from) as the cell does, for ``examples`` (see ``Example``).
    """

    qid: str
    title: str
    checker: Callable[..., str | None]
    hints: tuple[str, ...]
    answer: str
    given: tuple[str, ...] = ()
    inputs: Callable[[], Mapping[str, Any]] = field(default=_no_inputs, repr=False)
    examples: tuple[Example, ...] = field(default=(), repr=False)
    _hints_shown: int = field(default=0, repr=False)
    _solved: bool = field(default=False, repr=False)

    def check(self, answer: Any = ____, *given: Any) -> Feedback:
        """Check an answer (and the inputs it was made from, for questions that name them); never raises."""
        try:
            with session_kept():
                feedback = self._verdict(answer, given)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # an answer odd enough to trip the checker itself
            feedback = Feedback(
                Status.INCORRECT,
                self.qid,
                f"this answer could not be checked (`{type(exc).__name__}` while looking at it).",
                (f"You gave {a_type(answer)}: `{describe(answer)}`.",),
            )
        details = tuple(clip(d) for d in feedback.details)
        solved_before = self._solved and feedback.status is Status.NOT_ATTEMPTED
        if solved_before:
            details += ("You solved this one earlier in this session; that answer is no longer in the cell.",)
        self._solved = self._solved or feedback.solved
        return Feedback(
            feedback.status, feedback.question, clip(feedback.message), details, solved_before=solved_before
        )

    def _verdict(self, answer: Any, given: tuple[Any, ...]) -> Feedback:
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
        return Feedback(Status.CORRECT, self.qid, remark or "well done.")

    def run_example(self, example: Example) -> Feedback:
        """Check one declared example, called as the exercise notebook calls ``check()``."""
        cell = SimpleNamespace(**self.inputs())
        answer = example.answer(cell)
        return self.check(answer, *(getattr(cell, name) for name in self.given))

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
    mistakes: tuple[Example, ...] = (),
) -> Question:
    """A "which of these lines..." question: the answer is a set of letters, each explained by ``why``.

    Its examples are the right set, the same letters as a string and as a lower-case list, and ``mistakes``.
    """

    def checker(answer: Any) -> str:
        expect_choices(answer, correct, why, options if options is not None else why)
        return remark

    examples = (
        right(lambda cell: set(correct)),
        Example("type", lambda cell: ", ".join(sorted(correct)), status=Status.CORRECT),
        Example("type", lambda cell: [c.lower() for c in correct], status=Status.CORRECT),
        *mistakes,
    )
    answer = f"answer = {{{', '.join(repr(c) for c in sorted(correct))}}}"
    return Question(qid, title, checker, hints, answer, examples=examples)
