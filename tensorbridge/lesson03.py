"""Lesson 03's questions: from tensors to NumPy, sharing memory or copying on purpose, whatever the tensor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .devices import has_cuda
from .feedback import Status
from .memory import shares_memory
from .questions import (
    ACCEPTED,
    Example,
    LearnerCodeError,
    Mismatch,
    Question,
    ____,
    a_type,
    call_learner,
    changed_input,
    choice_question,
    describe,
    expect_array,
    expect_copy,
    expect_dtype,
    expect_shares,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
)

__all__ = ["____", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]


def _given_tensor(value: object, name: str, expected: np.ndarray, requires_grad: bool) -> torch.Tensor:
    """The input tensor the learner passes back must still be the one the exercise cell made."""
    try:
        t = expect_tensor(value, f"`{name}`")
        expect_values(t, expected, f"`{name}`")
        if t.requires_grad != requires_grad or t.device.type != "cpu":
            raise Mismatch(f"`{name}` is not the CPU tensor the exercise cell made.")
    except Mismatch as mismatch:
        raise Mismatch(
            f"the second value should be the tensor `{name}` from the exercise cell: {mismatch.message}",
            "Run the exercise cell again from the top so it makes a fresh tensor.",
        ) from None
    return t


def _check_q1(answer: object, w: object) -> str:
    w = _given_tensor(w, "w", np.linspace(0, 1, 5), requires_grad=True)
    a = expect_array(answer, "your answer")
    expect_dtype(a, np.float32, "your array")
    expect_values(a, np.linspace(0, 1, 5).astype(np.float32).astype(np.float64), "your array")
    expect_shares(w, a, "w", answer="array")
    return "`w.detach()` shares `w`'s memory and leaves the graph, so `.numpy()` is allowed and copies nothing."


q1 = Question(
    "03.q1",
    "A NumPy view of a tensor that requires grad",
    _check_q1,
    (
        "`w.numpy()` raises: PyTorch will not hand NumPy a tensor that autograd is tracking.",
        "One method gives a tensor on the same memory that autograd no longer tracks; `.numpy()` works on that.",
        "`a = w.detach().numpy()`",
    ),
    "a = w.detach().numpy()",
    given=("w",),
    inputs=lambda: {"w": torch.linspace(0, 1, 5, requires_grad=True)},
    examples=(
        right(lambda cell: cell.w.detach().numpy()),
        right(lambda cell: cell.w.numpy(force=True)),
        mistake(lambda cell: cell.w.detach().numpy().copy(), "your array is a copy"),
        mistake(lambda cell: cell.w.detach().clone().numpy(), "your array is a copy"),
        mistake(lambda cell: cell.w.detach(), "still a tensor"),
        changed_input(lambda cell: cell.w.detach().numpy(), "should be the tensor `w`", w=lambda w: w.detach()),
        *perturbed(
            lambda cell: cell.w.detach().numpy(),
            dtype="dtype `float64`; expected `float32`",
            copy="your array is a copy",
            shape="shape `(1, 5)`",
            nan="different values",
            type="still a tensor",
        ),
    ),
)

# ---- q2: which lines work on a tensor that requires grad -------------------------------------------

_Q2_WHY = {
    "A": "`.numpy()` refuses a tensor that requires grad.",
    "B": "`.detach()` leaves the graph, so `.numpy()` is allowed.",
    "C": "`.cpu()` on a CPU tensor returns the same tensor, still requiring grad, so `.numpy()` still refuses.",
    "D": "`force=True` detaches (and moves, and resolves bits) for you.",
    "E": "`np.asarray` calls the tensor's `__array__`, which calls `.numpy()`: same error.",
    "F": "`.tolist()` copies the values out as Python numbers; grad does not matter.",
    "G": "`.item()` needs exactly one element; `w` has three.",
    "H": "`w.sum()` has one element, so `.item()` gives a Python float.",
}


q2 = choice_question(
    "03.q2",
    "Which of these lines work on a tensor that requires grad?",
    correct="BDFH",
    why=_Q2_WHY,
    remark="B, D, F and H work; `.cpu()` and `np.asarray` do nothing about `requires_grad`.",
    hints=(
        "Anything that ends in `.numpy()` of a tensor that still requires grad raises; so does `np.asarray`.",
        "`.cpu()` is free on a CPU tensor: it returns the tensor itself, `requires_grad` and all.",
        "`.tolist()` and `.item()` copy values out and do not care about grad, but `.item()` wants one element.",
    ),
    mistakes=(
        mistake(lambda cell: {"B", "C", "D", "F", "H"}, "C does not"),
        mistake(lambda cell: {"B", "D", "F", "G", "H"}, "G does not"),
        mistake(lambda cell: {"B", "D"}, "F does too"),
    ),
)

# ---- q3: which results share memory ----------------------------------------------------------------

_Q3_WHY = {
    "A": "`.numpy()` is a view of the tensor's memory.",
    "B": "`np.asarray(t)` calls `t.__array__()`, i.e. `t.numpy()`: a view.",
    "C": "`np.array` copies by default (and, with NumPy 2 and this torch, warns about `__array__` and `copy`).",
    "D": "`force=True` copies only when it must (another device, conj or neg bit); a plain CPU tensor is shared.",
    "E": "`.copy()` makes a new array.",
    "F": "`.detach()` and `.cpu()` on a plain CPU tensor give the same memory, and `.numpy()` views it.",
    "G": "`.clone()` copies the tensor first, so the array views the clone.",
}


q3 = choice_question(
    "03.q3",
    "Which of these arrays share memory with `t`?",
    correct="ABDF",
    why=_Q3_WHY,
    remark="A, B, D and F are views of `t`'s memory: writing to them changes `t`.",
    hints=(
        "Only two things in the list copy on purpose; one more copies by default.",
        "`np.asarray` shares when it can; `np.array` copies unless told otherwise.",
        "`numpy(force=True)` has nothing to force on a plain CPU float tensor.",
    ),
    mistakes=(
        mistake(lambda cell: {"A", "B", "C", "D", "F"}, "C does not"),
        mistake(lambda cell: {"A", "F"}, "B does too"),
        mistake(lambda cell: {"A", "B", "D", "F", "G"}, "G does not"),
    ),
)

# ---- q4: an independent copy -----------------------------------------------------------------------


def _check_q4(answer: object, t: object) -> str:
    t = _given_tensor(t, "t", np.arange(4.0), requires_grad=False)
    a = expect_array(answer, "your answer")
    expect_values(a, np.arange(4.0), "your array")
    if a.dtype == np.float64:
        raise Mismatch(
            "your array is float64; `t` is float32, and the copy should keep that dtype.",
            "Likely causes: a round trip through `.tolist()` (Python floats become float64), `.double()`, "
            "or `np.array(..., dtype=np.float64)`.",
        )
    expect_dtype(a, np.float32, "your array")
    expect_copy(t, a, "t", answer="array")
    return "`t.numpy().copy()` is one copy with no warning; `np.array(t)` copies too, but warns with NumPy 2."


q4 = Question(
    "03.q4",
    "A NumPy copy that does not follow the tensor",
    _check_q4,
    (
        "`t.numpy()` is a view: it would change when `t` changes.",
        "Make the view, then copy it with the NumPy method that copies.",
        "`a = t.numpy().copy()`",
    ),
    "a = t.numpy().copy()",
    given=("t",),
    inputs=lambda: {"t": torch.arange(4.0)},
    examples=(
        right(lambda cell: cell.t.numpy().copy()),
        right(lambda cell: cell.t.clone().numpy()),
        right(lambda cell: np.array(cell.t.numpy())),
        mistake(lambda cell: cell.t.numpy(), "shares memory with `t`"),
        mistake(lambda cell: np.asarray(cell.t), "shares memory with `t`"),
        mistake(lambda cell: np.array(cell.t.tolist()), "round trip through `.tolist()`"),
        changed_input(lambda cell: cell.t.numpy().copy(), "should be the tensor `t`", t=lambda t: t + 1),
        *perturbed(
            lambda cell: cell.t.numpy().copy(),
            dtype="float64",
            copy=ACCEPTED,
            shape="shape `(1, 4)`",
            nan="different values",
            type="still a tensor",
        ),
    ),
)

# ---- q5: the conjugate bit -------------------------------------------------------------------------

_Q5_VALUES = np.array([1 - 2j, 3 + 4j])


def _check_q5(answer: object) -> str:
    a = expect_array(answer, "your answer")
    if not np.iscomplexobj(a):
        raise Mismatch(
            f"your array is {a.dtype}: the imaginary parts are gone. `z` is complex64; keep it complex.",
            "`z.real` keeps only the real part.",
        )
    expect_dtype(a, np.complex64, "your array")
    if a.shape == _Q5_VALUES.shape and np.array_equal(a, np.conj(_Q5_VALUES)):
        raise Mismatch(
            "your array holds the values *before* conjugation: `[1+2j, 3-4j]`. The conj bit is part of `z`'s "
            "value; `z.conj()` conjugates again, which clears the bit and undoes it.",
        )
    expect_values(a, _Q5_VALUES, "your array")
    return "`resolve_conj()` (or `numpy(force=True)`) writes the conjugated values into new memory."


q5 = Question(
    "03.q5",
    "The values of a conjugated tensor, as NumPy",
    _check_q5,
    (
        "`z.numpy()` raises: `z` has the conjugate bit set, a promise to conjugate that NumPy cannot see.",
        "The error message names the method that carries the promise out.",
        "`a = z.resolve_conj().numpy()` (or `a = z.numpy(force=True)`)",
    ),
    "a = z.resolve_conj().numpy()",
    inputs=lambda: {"z": torch.tensor([1 + 2j, 3 - 4j]).conj()},
    examples=(
        right(lambda cell: cell.z.resolve_conj().numpy()),
        right(lambda cell: cell.z.numpy(force=True)),
        mistake(lambda cell: cell.z.conj().numpy(), "values *before* conjugation"),
        mistake(lambda cell: cell.z.resolve_conj().numpy().real, "imaginary parts are gone"),
        mistake(lambda cell: cell.z.resolve_conj().numpy().astype(np.complex128), "dtype `complex128`"),
        *perturbed(
            lambda cell: cell.z.resolve_conj().numpy(),
            dtype="imaginary parts are gone",
            copy=ACCEPTED,
            shape="shape `(1, 2)`",
            nan="different values",
            type="still a tensor",
        ),
    ),
)

# ---- q6: a scalar loss for logging -----------------------------------------------------------------

_Q6_VALUE = 11 / 3


def _check_q6(answer: object) -> str:
    if isinstance(answer, torch.Tensor):
        grad = ", still attached to the graph" if answer.requires_grad else ""
        raise Mismatch(
            f"your answer is still a tensor ({answer.dtype}{grad}); a logger wants a Python `float`.",
            "Keeping the tensor in a list of losses also keeps its whole graph in memory.",
        )
    if isinstance(answer, np.ndarray):
        raise Mismatch(f"your answer is a {answer.ndim}-d NumPy array; one method gives a Python `float` directly.")
    if isinstance(answer, np.generic):
        raise Mismatch(f"your answer is a NumPy scalar (`{type(answer).__name__}`); expected a plain Python `float`.")
    if type(answer) is not float:
        raise Mismatch(f"your answer is {a_type(answer)} (`{describe(answer)}`); expected a Python `float`.")
    if not abs(answer - _Q6_VALUE) <= 1e-6:  # written so that NaN fails too
        raise Mismatch(f"your value is {answer!r}; the loss is {_Q6_VALUE:.7f}.")
    return "`.item()` copies the one value out as a Python float, with no warning about grad."


q6 = Question(
    "03.q6",
    "A scalar loss, as a Python number for logging",
    _check_q6,
    (
        "`loss` is a 0-d tensor that requires grad; you want a plain Python `float`.",
        "One tensor method turns a one-element tensor into a Python number.",
        "`value = loss.item()`",
    ),
    "value = loss.item()",
    inputs=lambda: {"loss": ((torch.tensor([0.0, 2.0, 4.0], requires_grad=True) - 1) ** 2).mean()},
    examples=(
        right(lambda cell: cell.loss.item()),
        right(lambda cell: float(cell.loss)),
        mistake(lambda cell: cell.loss, "still attached to the graph"),
        mistake(lambda cell: cell.loss.detach().numpy(), "0-d NumPy array"),
        mistake(lambda cell: np.float32(cell.loss.item()), "NumPy scalar"),
        mistake(lambda cell: cell.loss.item() * 2, "the loss is 3.6666667"),
        Example("nan", lambda cell: float("nan"), "your value is nan"),
        Example("type", lambda cell: str(cell.loss.item()), "expected a Python `float`"),
    ),
)

# ---- q7: predict what the array holds --------------------------------------------------------------


def _check_q7(answer: object) -> str:
    if not isinstance(answer, (list, tuple, np.ndarray, torch.Tensor)):
        raise Mismatch(f"answer with a list of three numbers such as `[0, 0, 0]`; got {a_type(answer)}.")
    size = answer.shape if isinstance(answer, (np.ndarray, torch.Tensor)) else (len(answer),)
    if tuple(size) != (3,):  # before anything reads the values, so that a huge answer is not copied
        raise Mismatch(f"`a` has three elements; your answer has shape `{tuple(size)}`.")
    if isinstance(answer, torch.Tensor):
        if answer.is_meta or answer.layout != torch.strided:
            raise Mismatch(
                "answer with a list of three numbers such as `[0, 0, 0]`; this tensor's values cannot be read."
            )
        answer = answer.detach().cpu().resolve_conj().resolve_neg().numpy()
    try:
        got = np.asarray(answer)
    except (TypeError, ValueError):
        got = np.asarray(None)
    if got.dtype.kind not in "biuf":
        raise Mismatch("answer with a list of three real numbers such as `[0, 0, 0]`.")
    got = got.astype(np.float64)
    if got.shape != (3,):
        raise Mismatch(f"`a` has three elements; your answer has shape `{got.shape}`.")
    if np.array_equal(got, [0, 0, 0]):
        raise Mismatch("`t += 1` works in place: it writes into the very memory `a` is a view of.")
    if np.array_equal(got, [2, 2, 2]):
        raise Mismatch(
            "`t = t * 2` is not in place: it makes a new tensor and points the name `t` at it. "
            "`a` still views the old memory."
        )
    if not np.array_equal(got, [1, 1, 1]):
        raise Mismatch(f"`a` does not hold `{got.tolist()}`: follow which lines write into `a`'s memory.")
    return "in-place updates (`+=`, `add_`, an optimizer step) reach the array; rebinding the name does not."


q7 = Question(
    "03.q7",
    "Predict what the array holds",
    _check_q7,
    (
        "`a = t.numpy()` makes `a` a view of `t`'s memory at that moment.",
        "`t += 1` changes that memory in place; `t = t * 2` makes new memory and moves the name `t` to it.",
    ),
    "answer = [1, 1, 1]",
    examples=(
        right(lambda cell: [1, 1, 1]),
        right(lambda cell: np.ones(3, dtype=np.float32)),
        right(lambda cell: torch.ones(3)),
        mistake(lambda cell: [0, 0, 0], "works in place"),
        mistake(lambda cell: [2, 2, 2], "is not in place"),
        mistake(lambda cell: [1, 1], "three elements"),
        Example("nan", lambda cell: [1, 1, float("nan")], "does not hold"),
        Example("shape", lambda cell: [[1, 1, 1]], "three elements"),
        Example("type", lambda cell: (1.0, 1.0, 1.0), status=Status.CORRECT),
    ),
)

# ---- q8: a to_numpy that works for any tensor ------------------------------------------------------


def _cases() -> list[tuple[str, Callable[[], torch.Tensor], bool]]:
    """(what the tensor is, how to make it, whether the result should share its memory)."""
    cases: list[tuple[str, Callable[[], torch.Tensor], bool]] = [
        ("a plain CPU tensor, `torch.arange(3.0)`", lambda: torch.arange(3.0), True),
        (
            "a tensor that requires grad, `torch.ones(2, requires_grad=True)`",
            lambda: torch.ones(2, requires_grad=True),
            True,
        ),
        (
            "a model output, `torch.nn.Linear(2, 3)(torch.ones(1, 2))`",
            lambda: torch.nn.Linear(2, 3)(torch.ones(1, 2)),
            True,
        ),
        ("an int64 tensor, `torch.tensor([1, 2, 3])`", lambda: torch.tensor([1, 2, 3]), True),
        ("a 0-d tensor, `torch.tensor(2.5)`", lambda: torch.tensor(2.5), True),
        ("a conjugated tensor, `torch.tensor([1+2j]).conj()`", lambda: torch.tensor([1 + 2j]).conj(), False),
        (
            "a tensor with the negative bit, `torch.tensor([1+2j]).conj().imag`",
            lambda: torch.tensor([1 + 2j]).conj().imag,
            False,
        ),
    ]
    if has_cuda():
        cases.append(
            ("a CUDA tensor, `torch.arange(3.0, device='cuda')`", lambda: torch.arange(3.0, device="cuda"), False)
        )
    return cases


def _check_case(fn: Any, case: str, t: torch.Tensor, should_share: bool) -> None:
    expected = t.numpy(force=True).copy()
    try:
        result = call_learner(fn, t)
    except LearnerCodeError as error:
        raise LearnerCodeError(f"for {case}, {error}") from error
    if isinstance(result, torch.Tensor):
        raise Mismatch(f"for {case}, your function returned a tensor ({result.dtype}); expected a NumPy array.")
    a = expect_array(result, f"for {case}, your result")
    expect_dtype(a, expected.dtype, f"for {case}, your array")
    if t.is_conj() and a.shape == expected.shape and np.array_equal(a, np.conj(expected)):
        raise Mismatch(f"for {case}, your array holds the values before conjugation: the conj bit was dropped.")
    if t.is_neg() and a.shape == expected.shape and np.array_equal(a, -expected):
        raise Mismatch(f"for {case}, your array holds the values before negation: the neg bit was dropped.")
    expect_values(
        a, expected.astype(np.complex128 if expected.dtype.kind == "c" else np.float64), f"for {case}, your array"
    )
    if should_share and not shares_memory(t, a):
        raise Mismatch(
            f"for {case}, your array is a copy. Nothing forces one here: return a view of the tensor's memory.",
            "`np.array(...)` and `.copy()` always copy; `.numpy()` and `np.asarray(...)` do not.",
        )


def _check_q8(answer: object) -> str:
    if not callable(answer):
        raise Mismatch(f"pass your function itself, `q8.check(to_numpy)`; got {a_type(answer)}.")
    for case, make, should_share in _cases():
        _check_case(answer, case, make(), should_share)
    if has_cuda():
        return "it handles grad, conj and neg bits and devices, and copies only when it must."
    return (
        "it handles grad and the conj and neg bits, and copies only when it must. There is no CUDA device here, "
        "so the GPU case was not tested: `.numpy()` refuses a GPU tensor, so make sure your function moves it "
        "to the CPU with `.cpu()` (as `numpy(force=True)` does)."
    )


q8 = Question(
    "03.q8",
    "Write `to_numpy(t)` for any tensor a model returns",
    _check_q8,
    (
        "Three things can stand between a tensor and NumPy: the autograd graph, the device, the conj/neg bits.",
        "`.detach()`, `.cpu()` and `.resolve_conj()` each return the tensor's own memory when there is nothing "
        "to do, so chaining them costs nothing on a plain CPU tensor.",
        "`return t.numpy(force=True)`, or spelled out: `return t.detach().cpu().resolve_conj().resolve_neg().numpy()`",
    ),
    "def to_numpy(t):\n    return t.numpy(force=True)",
    examples=(
        right(lambda cell: lambda t: t.numpy(force=True)),
        right(lambda cell: lambda t: t.detach().cpu().resolve_conj().resolve_neg().numpy()),
        mistake(lambda cell: lambda t: t.numpy(), "requires grad", Status.ERROR),
        mistake(lambda cell: lambda t: t.detach().cpu().numpy(), "conjugated tensor", Status.ERROR),
        mistake(lambda cell: lambda t: t.detach().resolve_conj().resolve_neg().numpy().copy(), "your array is a copy"),
        mistake(lambda cell: lambda t: ____, "still returns `____`", Status.NOT_ATTEMPTED),
        *perturbed(
            lambda cell: lambda t: t.numpy(force=True),
            dtype="dtype `float64`",
            copy="your array is a copy",
            shape="shape `(1, 3)`",
            nan="different values",
            type="returned a tensor",
        ),
    ),
)
