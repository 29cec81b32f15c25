"""Lesson 01's questions: from NumPy to tensors, sharing memory or copying on purpose."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import numpy as np
import torch

from .feedback import Status
from .questions import (
    ACCEPTED,
    Example,
    Mismatch,
    Question,
    ____,
    changed_input,
    choice_question,
    expect_copy,
    expect_device,
    expect_dtype,
    expect_dtype_answer,
    expect_given_array,
    expect_shape,
    expect_shares,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
)

__all__ = ["____", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "warning_from"]

# PyTorch ends warnings raised in C++ with the source file and line, which differ between builds.
_SOURCE_LOCATION = re.compile(r"\s*\(Triggered internally at [^)]*\)\s*$")


def warning_from(call: Callable[[], object]) -> str:
    """The first warning ``call()`` gives, without PyTorch's C++ source location.

    Some PyTorch warnings are given only once per session; ``torch.set_warn_always`` on while ``call`` runs gives
    them every time, so a cell that prints one prints the same line on every run. The previous setting comes back
    even if ``call`` raises.
    """
    previous = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
    finally:
        torch.set_warn_always(previous)
    if not caught:
        return "no warning"
    return _SOURCE_LOCATION.sub("", str(caught[0].message))


def _check_q1(answer: object, a: object) -> str:
    a = expect_given_array(a, "a", np.arange(6, dtype=np.float32))
    t = expect_tensor(answer)
    expect_device(t)
    expect_dtype(t, torch.float32)
    expect_values(t, np.arange(6))
    expect_shares(t, a, "a")
    return "your tensor wraps `a`'s memory: no bytes were copied, and a change to either one shows in the other."


q1 = Question(
    "01.q1",
    "Convert without copying",
    _check_q1,
    (
        "Two of the four constructors can reuse the array's memory instead of copying it.",
        "`torch.tensor` always copies; `torch.from_numpy` never does.",
        "`t = torch.from_numpy(a)`",
    ),
    "t = torch.from_numpy(a)",
    given=("a",),
    inputs=lambda: {"a": np.arange(6, dtype=np.float32)},
    examples=(
        right(lambda cell: torch.from_numpy(cell.a)),
        right(lambda cell: torch.as_tensor(cell.a)),
        right(lambda cell: torch.Tensor(cell.a)),
        mistake(lambda cell: torch.tensor(cell.a), "is a copy"),
        mistake(lambda cell: torch.from_numpy(cell.a).double(), "dtype `torch.float64`; expected `torch.float32`"),
        mistake(lambda cell: cell.a, "still a NumPy array"),
        changed_input(lambda cell: torch.from_numpy(cell.a), "should be the array `a`", a=lambda a: a * 2),
        *perturbed(
            lambda cell: torch.from_numpy(cell.a),
            dtype="dtype `torch.float64`",
            copy="is a copy",
            shape="shape `(1, 6)`; expected `(6,)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


def _check_q2(answer: object, a: object) -> str:
    a = expect_given_array(a, "a", np.linspace(0, 1, 5))
    t = expect_tensor(answer)
    expect_device(t)
    expect_values(t, np.linspace(0, 1, 5))
    if t.dtype == torch.float32:
        raise Mismatch(
            "your tensor is float32: the values were rounded to single precision.",
            "Whatever made it float32 (`torch.Tensor`, `dtype=torch.float32`, `.float()`), keep the array's float64.",
        )
    expect_dtype(t, torch.float64)
    expect_copy(t, a, "a")
    return "`torch.tensor` (or `torch.from_numpy(a.copy())`) gives a tensor that owns its memory."


q2 = Question(
    "01.q2",
    "Make an independent copy that keeps the dtype",
    _check_q2,
    (
        "You need a constructor that copies, and one that keeps float64.",
        "`torch.Tensor` copies this array but casts it to float32; another constructor always copies and keeps it.",
        "`t = torch.tensor(a)`",
    ),
    "t = torch.tensor(a)",
    given=("a",),
    inputs=lambda: {"a": np.linspace(0, 1, 5)},
    examples=(
        right(lambda cell: torch.tensor(cell.a)),
        right(lambda cell: torch.from_numpy(cell.a.copy())),
        right(lambda cell: torch.from_numpy(cell.a).clone()),
        mistake(lambda cell: torch.from_numpy(cell.a), "shares memory with `a`"),
        mistake(lambda cell: torch.as_tensor(cell.a), "shares memory with `a`"),
        mistake(lambda cell: torch.Tensor(cell.a), "float32"),
        changed_input(lambda cell: torch.tensor(cell.a), "should be the array `a`", a=lambda a: a.astype(np.float32)),
        *perturbed(
            lambda cell: torch.tensor(cell.a),
            dtype="float32",
            copy=ACCEPTED,
            shape="shape `(1, 5)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


def _check_q3(answer: object) -> str:
    y = expect_tensor(answer)
    expect_device(y)
    expect_values(y, np.array([0.0, 1.0, 1.0, 0.0, 2.0]))
    expect_dtype(y, torch.float32)
    return "a dtype change is always a copy, so asking for it at creation costs nothing extra."


q3 = Question(
    "01.q3",
    "Labels as float32",
    _check_q3,
    (
        "Two constructors take a `dtype=` argument; `torch.from_numpy` does not.",
        "`torch.tensor(labels, dtype=torch.float32)` or `torch.as_tensor(labels, dtype=torch.float32)`.",
    ),
    "y = torch.as_tensor(labels, dtype=torch.float32)",
    inputs=lambda: {"labels": np.array([0, 1, 1, 0, 2])},
    examples=(
        right(lambda cell: torch.as_tensor(cell.labels, dtype=torch.float32)),
        right(lambda cell: torch.tensor(cell.labels, dtype=torch.float32)),
        right(lambda cell: torch.from_numpy(cell.labels).float()),
        mistake(lambda cell: torch.from_numpy(cell.labels), "dtype `torch.int64`"),
        mistake(lambda cell: torch.tensor(cell.labels, dtype=torch.float64), "dtype `torch.float64`"),
        mistake(lambda cell: cell.labels.astype(np.float32), "still a NumPy array"),
        *perturbed(
            lambda cell: torch.tensor(cell.labels, dtype=torch.float32),
            dtype="dtype `torch.float64`",
            copy=ACCEPTED,
            shape="shape `(1, 5)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


def _check_q4(answer: object, counts: object) -> str:
    counts = expect_given_array(counts, "counts", np.array([3, 0, 7], dtype=np.int64))
    t = expect_tensor(answer)
    expect_device(t)
    expect_values(t, np.array([3.0, 0.0, 7.0]))
    if t.dtype == torch.float32:
        raise Mismatch("your tensor is float32, the default dtype `torch.Tensor` makes; `counts` is int64.")
    expect_dtype(t, torch.int64)
    expect_shares(t, counts, "counts")
    return "your tensor keeps int64 and shares `counts`' memory; `torch.Tensor(counts)` copied it and cast to float32."


q4 = Question(
    "01.q4",
    "Fix the legacy constructor",
    _check_q4,
    (
        "`torch.Tensor` (capital T) makes the default dtype, float32, so an int64 array is copied and cast.",
        "Use the constructor that keeps the dtype and shares memory.",
        "`t = torch.from_numpy(counts)`",
    ),
    "t = torch.from_numpy(counts)",
    given=("counts",),
    inputs=lambda: {"counts": np.array([3, 0, 7], dtype=np.int64)},
    examples=(
        right(lambda cell: torch.from_numpy(cell.counts)),
        right(lambda cell: torch.as_tensor(cell.counts)),
        mistake(lambda cell: torch.Tensor(cell.counts), "float32, the default dtype"),
        mistake(lambda cell: torch.tensor(cell.counts), "is a copy"),
        mistake(lambda cell: torch.from_numpy(cell.counts.astype(np.int32)), "dtype `torch.int32`"),
        changed_input(lambda cell: torch.from_numpy(cell.counts), "should be the array `counts`", counts=np.sort),
        *perturbed(
            lambda cell: torch.from_numpy(cell.counts),
            dtype="dtype `torch.float64`",
            copy="is a copy",
            shape="shape `(1, 3)`",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


def _check_q5(answer: object) -> str:
    batch = expect_tensor(answer, "your batch")
    expect_device(batch, what="your batch")
    expect_shape(batch, (3, 4), "your batch")
    expect_dtype(batch, torch.float32, "your batch")
    expect_values(batch, np.repeat(np.arange(3.0), 4).reshape(3, 4), "your batch")
    return (
        "`batch` has the right shape, dtype and values. The fast path is one `np.stack` (a single copy), then a "
        "zero-copy `torch.from_numpy`; `torch.tensor(rows)` walks the list element by element."
    )


q5 = Question(
    "01.q5",
    "One tensor from a list of arrays",
    _check_q5,
    (
        "`torch.tensor(rows)` works but warns: it walks the list element by element, which is slow.",
        "Make one NumPy array first: `np.stack` joins arrays along a new first axis.",
        "`batch = torch.from_numpy(np.stack(rows))`",
    ),
    "batch = torch.from_numpy(np.stack(rows))",
    inputs=lambda: {"rows": [np.full(4, i, dtype=np.float32) for i in range(3)]},
    examples=(
        right(lambda cell: torch.from_numpy(np.stack(cell.rows))),
        right(lambda cell: torch.stack([torch.from_numpy(r) for r in cell.rows])),
        right(lambda cell: torch.tensor(np.array(cell.rows))),
        mistake(lambda cell: np.stack(cell.rows), "still a NumPy array"),
        mistake(lambda cell: torch.from_numpy(np.concatenate(cell.rows)), "shape `(12,)`; expected `(3, 4)`"),
        mistake(lambda cell: torch.from_numpy(np.stack(cell.rows, axis=1)), "shape `(4, 3)`"),
        mistake(lambda cell: torch.tensor(np.stack(cell.rows), dtype=torch.float64), "dtype `torch.float64`"),
        *perturbed(
            lambda cell: torch.from_numpy(np.stack(cell.rows)),
            dtype="dtype `torch.float64`",
            copy=ACCEPTED,
            shape="shape `(1, 3, 4)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


def _check_q6(answer: object) -> str:
    s = expect_tensor(answer)
    expect_shape(s, ())
    expect_dtype(s, torch.float64)
    expect_values(s, np.array(2.5))
    return "`torch.tensor` accepts NumPy scalars and keeps their dtype; `torch.from_numpy` wants an ndarray."


q6 = Question(
    "01.q6",
    "A NumPy scalar into a 0-d tensor",
    _check_q6,
    (
        "`torch.from_numpy(x)` raises here: `x` is a NumPy scalar, not an array.",
        "`torch.tensor` accepts scalars and keeps float64.",
        "`s = torch.tensor(x)`",
    ),
    "s = torch.tensor(x)",
    inputs=lambda: {"x": np.float64(2.5)},
    examples=(
        right(lambda cell: torch.tensor(cell.x)),
        right(lambda cell: torch.as_tensor(cell.x)),
        right(lambda cell: torch.from_numpy(np.array(cell.x))),
        mistake(lambda cell: torch.tensor([cell.x]), "shape `(1,)`; expected `()`"),
        mistake(lambda cell: torch.tensor(float(cell.x), dtype=torch.float32), "dtype `torch.float32`"),
        mistake(lambda cell: cell.x, "`numpy.float64`"),
        *perturbed(
            lambda cell: torch.tensor(cell.x),
            dtype="dtype `torch.float32`",
            copy=ACCEPTED,
            shape="shape `(1,)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


_Q7_WRONG = {
    torch.int64: "int64 is the array's dtype, but `torch.Tensor` does not keep it.",
    torch.float64: "float64 is NumPy's default float, but `torch.Tensor` does not follow NumPy.",
}


def _check_q7(answer: object) -> str:
    expect_dtype_answer(answer, torch.float32, _Q7_WRONG)
    return "`torch.Tensor` is the legacy constructor: it always makes the default dtype, float32."


q7 = Question(
    "01.q7",
    "Predict the dtype of `torch.Tensor(np.arange(3))`",
    _check_q7,
    (
        "`np.arange(3)` is int64 on Linux and macOS with NumPy 2.",
        "`torch.Tensor` ignores the array's dtype: it always makes `torch.get_default_dtype()`.",
    ),
    "answer = torch.float32",
    examples=(
        right(lambda cell: torch.float32),
        right(lambda cell: "torch.float32"),
        Example("type", lambda cell: " float32", status=Status.CORRECT),
        mistake(lambda cell: torch.int64, "the array's dtype"),
        mistake(lambda cell: torch.float64, "NumPy's default float"),
        mistake(lambda cell: np.float32, "NumPy dtype"),
        mistake(lambda cell: "float" * 1000, "is not a torch dtype"),
    ),
)

_Q8_WHY = {
    "A": "`torch.from_numpy` always wraps the array's memory.",
    "B": "`torch.tensor` always copies.",
    "C": "`torch.as_tensor` shares when it needs no dtype or device change.",
    "D": "`torch.Tensor` shares a float32 array (under the default float32 dtype): no cast is needed "
    "(it copies any other dtype).",
    "E": "asking for float64 from a float32 array forces a copy and a cast.",
    "F": "`a.astype(np.float64)` makes a new array first; the tensor shares that one, not `a`.",
}


q8 = choice_question(
    "01.q8",
    "Which of these lines shares memory with `a`, and why?",
    correct="ACD",
    why=_Q8_WHY,
    remark="A, C and D share `a`'s memory: no copy was needed for any of them.",
    hints=(
        "A tensor can only share an array's memory when no dtype change is needed.",
        "`torch.tensor` never shares. `torch.Tensor` shares only float32 arrays.",
        "`astype` returns a new array (a copy) unless you pass `copy=False` and the dtype already matches.",
    ),
    mistakes=(
        mistake(lambda cell: {"A", "B"}, "B does not: `torch.tensor` always copies"),
        mistake(lambda cell: {"A", "C"}, "D does too"),
        mistake(lambda cell: {"A", "C", "D", "F"}, "F does not"),
        mistake(lambda cell: "AX", "`X` is not one of the lines"),
        Example("type", lambda cell: {"A", "C", "D", ""}, status=Status.CORRECT),
    ),
)
