"""Lesson 00's questions: a practice one the lesson demonstrates, and two warm-ups for the exercises."""

from __future__ import annotations

import numpy as np
import torch

from .devices import best_device, devices, has_cuda
from .explorers import widget_check
from .questions import (
    ACCEPTED,
    Question,
    ____,
    expect_device,
    expect_dtype,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
)
from .setup_check import check_versions, format_checks, front_end, front_end_report, too_old_line

__all__ = [
    "____",
    "best_device",
    "check_versions",
    "device_report",
    "devices",
    "practice",
    "q1",
    "q2",
    "setup_report",
    "too_old_line",
    "widget_check",
]


def _check_practice(answer: object) -> str:
    t = expect_tensor(answer)
    expect_values(t, np.zeros(3))
    return "a tensor of three zeros; `check()` looks at the type, the shape and the values."


practice = Question(
    "00.practice",
    "Make a tensor of three zeros",
    _check_practice,
    ("`torch.zeros` takes the size you want.", "`torch.zeros(3)` makes three float32 zeros."),
    "t = torch.zeros(3)",
    examples=(
        right(lambda cell: torch.zeros(3)),
        right(lambda cell: torch.tensor([0, 0, 0])),
        mistake(lambda cell: torch.zeros(2), "shape `(2,)`; expected `(3,)`"),
        mistake(lambda cell: torch.ones(3), "different values"),
        mistake(lambda cell: np.zeros(3), "still a NumPy array"),
        *perturbed(
            lambda cell: torch.zeros(3),
            dtype=ACCEPTED,
            copy=ACCEPTED,
            shape="shape `(1, 3)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


def _check_q1(answer: object) -> str:
    t = expect_tensor(answer)
    expect_values(t, np.array([1.0, 2.0, 3.0]))
    expect_dtype(t, torch.int64)
    return "`torch.tensor` on Python ints gives int64, the same default NumPy 2 uses on every 64-bit platform."


q1 = Question(
    "00.q1",
    "Make an int64 tensor holding the integers 1, 2, 3",
    _check_q1,
    (
        "`torch.tensor` builds a tensor from a Python list.",
        "Python ints become `torch.int64`; writing `1.0` would make floats instead.",
        "`torch.tensor([1, 2, 3])`",
    ),
    "t = torch.tensor([1, 2, 3])",
    examples=(
        right(lambda cell: torch.tensor([1, 2, 3])),
        right(lambda cell: torch.arange(1, 4)),
        mistake(lambda cell: torch.tensor([1.0, 2.0, 3.0]), "dtype `torch.float32`; expected `torch.int64`"),
        mistake(lambda cell: torch.Tensor([1, 2, 3]), "dtype `torch.float32`"),
        mistake(lambda cell: [1, 2, 3], "`list`"),
        mistake(lambda cell: torch.tensor([1, 2]), "shape `(2,)`"),
        *perturbed(
            lambda cell: torch.tensor([1, 2, 3]),
            dtype="dtype `torch.float64`",
            copy=ACCEPTED,
            shape="shape `(1, 3)`",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


def _check_q2(answer: object) -> str:
    t = expect_tensor(answer)
    expect_device(t, "cpu")
    expect_values(t, np.array([0.5, 1.5]))
    expect_dtype(t, torch.float64)
    return "the tensor kept the array's float64 dtype. Lesson 01 shows which constructors share its memory."


q2 = Question(
    "00.q2",
    "Turn a NumPy array into a tensor with the same dtype (float64)",
    _check_q2,
    (
        "Several functions in `torch` accept a NumPy array; lesson 01 compares them.",
        "`torch.from_numpy(x)` is the most direct.",
    ),
    "t = torch.from_numpy(x)",
    inputs=lambda: {"x": np.array([0.5, 1.5])},
    examples=(
        right(lambda cell: torch.from_numpy(cell.x)),
        right(lambda cell: torch.tensor(cell.x)),
        mistake(lambda cell: torch.Tensor(cell.x), "dtype `torch.float32`; expected `torch.float64`"),
        mistake(lambda cell: torch.tensor([0.5, 1.5]), "dtype `torch.float32`"),
        mistake(lambda cell: cell.x, "still a NumPy array"),
        *perturbed(
            lambda cell: torch.from_numpy(cell.x),
            dtype="dtype `torch.float32`",
            copy=ACCEPTED,
            shape="shape `(1, 2)`",
            nan="different values",
            device="is on `meta`; the task asks for `cpu`",
            type="still a NumPy array",
        ),
    ),
)


def setup_report() -> str:
    """The front end, then the installed versions against what the course needs and what its outputs came from."""
    where = front_end()
    return front_end_report(where) + "\n\n" + format_checks(check_versions(where), where)


def device_report() -> str:
    """Which devices exist here, and what that means for the lessons that use a GPU."""
    lines = [f"{'device':<7} {'here?':<6} detail"]
    lines += [f"{d.kind:<7} {'yes' if d.available else 'no':<6} {d.detail}" for d in devices()]
    lines.append(f"\nLessons will use: {best_device()}")
    if has_cuda():
        lines.append("Lesson 04's GPU cells run on this machine.")
    else:
        lines.append("Lesson 04's GPU cells will say they were not run; cells labelled 'Recorded on ...' show")
        lines.append("what a real GPU printed, where the course has a recording.")
    return "\n".join(lines)
