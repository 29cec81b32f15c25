"""Lesson 05's questions: negative strides, Fortran order, read-only arrays, and writes through shared memory."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .feedback import Status
from .memory import shares_memory
from .questions import (
    ACCEPTED,
    Example,
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
    expect_device,
    expect_dtype,
    expect_given_array,
    expect_shape,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
    wrong_type,
)

__all__ = ["____", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]


def _cpu_tensor(value: object, what: str = "your tensor") -> torch.Tensor:
    t = expect_tensor(value, what)
    expect_device(t, what=what)
    return t


def _holds(t: torch.Tensor, expected: np.ndarray) -> bool:
    return tuple(t.shape) == expected.shape and np.array_equal(t.detach().numpy(), expected)


# ---- q1: BGR to RGB ------------------------------------------------------------------------------------------


def bgr_image() -> np.ndarray:
    """The exercise's small synthetic image: every value distinct, so each kind of wrong flip is recognisable."""
    return np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)


# (axes reversed, what that gives): the mistakes a learner is likely to make, each named
_Q1_WRONG_FLIPS: tuple[tuple[tuple[int, ...], str], ...] = (
    ((), "the channels are still in BGR order: channel 0 holds the blue values."),
    ((1,), "you reversed the columns (axis 1): a mirror image, with the channels still in BGR order."),
    ((0,), "you reversed the rows (axis 0): the image is upside down, with the channels still in BGR order."),
    (
        (0, 1, 2),
        "`np.flip` (or `torch.flip`) over every axis reverses the rows and columns too, not just the channels: "
        "give it `axis=-1` (`dims=(-1,)`).",
    ),
)


def _check_q1(answer: object, bgr: object) -> str:
    bgr = expect_given_array(bgr, "bgr", bgr_image())
    rgb = _cpu_tensor(answer, "your `rgb`")
    if tuple(rgb.shape) == (3, 4, 6):
        raise Mismatch("your `rgb` is channels-first, shape `(3, 4, 6)`; the task keeps the image's `(4, 6, 3)`.")
    expect_shape(rgb, (4, 6, 3), "your `rgb`")
    if rgb.dtype != torch.uint8:
        raise Mismatch(f"your `rgb` has dtype `{rgb.dtype}`; keep the image's `torch.uint8` (one byte per value).")
    for axes, why in _Q1_WRONG_FLIPS:
        if _holds(rgb, np.flip(bgr, axes)):
            raise Mismatch(why)
    expect_values(rgb, bgr[..., ::-1].astype(np.float64), "your `rgb`")
    return (
        "a negative-stride view cannot become a tensor, so one copy was needed wherever you made it: "
        f"{bgr.nbytes} bytes here, 6 220 800 for a 1080p frame."
    )


q1 = Question(
    "05.q1",
    "BGR to RGB, as a tensor",
    _check_q1,
    (
        "`bgr[..., ::-1]` reverses the channels as a view with a negative stride, which no constructor accepts.",
        "Copy the view first (`np.ascontiguousarray` or `.copy()`), or flip the tensor instead: `torch.flip` copies.",
        "`rgb = torch.from_numpy(np.ascontiguousarray(bgr[..., ::-1]))` or `rgb = torch.from_numpy(bgr).flip(-1)`",
    ),
    "rgb = torch.from_numpy(np.ascontiguousarray(bgr[..., ::-1]))",
    given=("bgr",),
    inputs=lambda: {"bgr": bgr_image()},
    examples=(
        right(lambda cell: torch.from_numpy(np.ascontiguousarray(cell.bgr[..., ::-1]))),
        right(lambda cell: torch.from_numpy(cell.bgr[..., ::-1].copy())),
        right(lambda cell: torch.from_numpy(cell.bgr).flip(-1)),
        mistake(lambda cell: torch.from_numpy(cell.bgr), "still in BGR order"),
        mistake(lambda cell: torch.from_numpy(np.flip(cell.bgr).copy()), "over every axis"),
        mistake(lambda cell: torch.from_numpy(cell.bgr).flip(-1).permute(2, 0, 1), "channels-first"),
        mistake(lambda cell: torch.from_numpy(cell.bgr[:, ::-1].copy()), "reversed the columns"),
        changed_input(lambda cell: torch.from_numpy(cell.bgr).flip(-1), "should be the array `bgr`", bgr=np.flip),
        *perturbed(
            lambda cell: torch.from_numpy(cell.bgr).flip(-1),
            dtype="keep the image's `torch.uint8`",
            copy=ACCEPTED,
            shape="shape `(1, 4, 6, 3)`",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


# ---- q2: which lines raise on a negative stride ---------------------------------------------------------------

Q2_LINES = {
    "A": "torch.from_numpy(a[::-1])",
    "B": "torch.as_tensor(a[::-1])",
    "C": "torch.tensor(a[::-1])",
    "D": "torch.from_numpy(a[::-1].copy())",
    "E": "torch.from_numpy(a).flip(0)",
    "F": "torch.from_numpy(np.flip(a))",
    "G": "torch.from_numpy(a[::2])",
}

_Q2_WHY = {
    "A": "`a[::-1]` has a negative stride, and `torch.from_numpy` never copies.",
    "B": "`torch.as_tensor` would share the view, and a tensor cannot have a negative stride.",
    "C": "`torch.tensor` copies, but it first wraps the array exactly as `torch.from_numpy` does, then copies that "
    "tensor; the wrap refuses the negative stride, with the same message.",
    "D": "`.copy()` makes a fresh C-contiguous array with positive strides; `from_numpy` shares that.",
    "E": "the tensor is made from `a` itself; `torch.flip` then copies into a new tensor with positive strides.",
    "F": "`np.flip(a)` is the same negative-stride view as `a[::-1]`.",
    "G": "a step of 2 is a positive stride: `from_numpy` shares the view (not contiguous, but valid).",
}


q2 = choice_question(
    "05.q2",
    "Which lines raise on a reversed array?",
    correct="ABCF",
    why=_Q2_WHY,
    options=Q2_LINES,
    remark=(
        "every constructor refuses a negative stride, even the copying `torch.tensor`; copy first, or flip in torch."
    ),
    hints=(
        "Look for a negative stride reaching a constructor; a copy or a `torch.flip` made before or after does not.",
        "`np.flip(a)` and `a[::-1]` are the same kind of view. `torch.tensor` copies, but only after wrapping the "
        "array as `torch.from_numpy` does.",
        "Four lines raise: the three constructors given `a[::-1]`, and `from_numpy` given `np.flip(a)`.",
    ),
    mistakes=(
        mistake(lambda cell: {"A", "B", "F"}, "C does too"),
        mistake(lambda cell: {"A", "B", "C", "F", "G"}, "G does not"),
        mistake(lambda cell: {"A", "F"}, "B does too"),
    ),
)


# ---- q3: a C-contiguous tensor from a Fortran-order array ------------------------------------------------------


def fortran_array() -> np.ndarray:
    return np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4))


def _check_q3(answer: object, f: object) -> str:
    f = expect_given_array(f, "f", fortran_array())
    t = _cpu_tensor(answer)
    if tuple(t.shape) == (12,):
        raise Mismatch("you flattened it: keep the shape `(3, 4)`; the point is that `t.view(12)` then works.")
    expect_shape(t, (3, 4))
    expect_dtype(t, torch.float32)
    expect_values(t, np.arange(12.0).reshape(3, 4))
    if not t.is_contiguous():
        if shares_memory(t, f):
            raise Mismatch(
                f"your tensor shares `f`'s Fortran-order memory: strides `{t.stride()}`, not contiguous, "
                "so `t.view(12)` raises.",
            )
        raise Mismatch(
            f"your tensor is a copy, but it kept the Fortran layout (strides `{t.stride()}`), so `t.view(12)` "
            "still raises.",
            "`torch.tensor(f)` and `clone()` copy the layout along with the values.",
        )
    return "C order (strides `(4, 1)`): `.view(12)` works. Getting there copied the 48 bytes once."


q3 = Question(
    "05.q3",
    "A C-contiguous tensor from a Fortran-order array",
    _check_q3,
    (
        "`torch.from_numpy(f)` keeps `f`'s strides: `(1, 3)` in elements, so the tensor is not contiguous.",
        "`torch.tensor(f)` copies, but keeps the layout too. Ask for C order explicitly.",
        "`t = torch.from_numpy(f).contiguous()` or `t = torch.from_numpy(np.ascontiguousarray(f))`",
    ),
    "t = torch.from_numpy(f).contiguous()",
    given=("f",),
    inputs=lambda: {"f": fortran_array()},
    examples=(
        right(lambda cell: torch.from_numpy(cell.f).contiguous()),
        right(lambda cell: torch.from_numpy(np.ascontiguousarray(cell.f))),
        mistake(lambda cell: torch.from_numpy(cell.f), "shares `f`'s Fortran-order memory"),
        mistake(lambda cell: torch.tensor(cell.f), "kept the Fortran layout"),
        mistake(lambda cell: torch.from_numpy(cell.f).reshape(12), "you flattened it"),
        changed_input(lambda cell: torch.from_numpy(cell.f).contiguous(), "should be the array `f`", f=lambda f: f.T),
        *perturbed(
            lambda cell: torch.from_numpy(cell.f).contiguous(),
            dtype="dtype `torch.float64`",
            copy=ACCEPTED,
            shape="shape `(1, 3, 4)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


# ---- q4: a writable tensor from a read-only buffer -------------------------------------------------------------


def weights_values() -> np.ndarray:
    return np.linspace(-1, 1, 6, dtype=np.float32)


def _check_q4(answer: object, weights: object) -> str:
    weights = expect_given_array(weights, "weights", weights_values())
    w = _cpu_tensor(answer, "your `w`")
    if w.dtype == torch.float64:
        raise Mismatch("your `w` is float64: the weights are float32, keep them that way.")
    expect_dtype(w, torch.float32, "your `w`")
    expect_values(w, weights_values().astype(np.float64), "your `w`")
    if shares_memory(w, weights):
        raise Mismatch(
            "your `w` shares the read-only buffer behind `weights` (the `bytes` object `raw`): PyTorch warned, "
            "and a write through `w` would change bytes that Python treats as immutable.",
            "Only a copy is safe to write to.",
        )
    expect_copy(w, weights, "weights")
    return (
        f"a copy of the {weights.nbytes} bytes, writable and independent: nothing undefined. "
        "`torch.tensor(weights)` and `torch.from_numpy(weights.copy())` get there without a warning; "
        "`torch.from_numpy(weights).clone()` gives the same copy but warns first, because `from_numpy` wraps the "
        "read-only array before `clone()` copies it."
    )


q4 = Question(
    "05.q4",
    "A writable tensor from a read-only buffer",
    _check_q4,
    (
        "`np.frombuffer` over `bytes` gives a read-only array; `torch.from_numpy` would wrap it anyway and warn.",
        "Any constructor that copies gives memory you own: `torch.tensor`, or `torch.from_numpy` of a copy.",
        "`w = torch.tensor(weights)` or `w = torch.from_numpy(weights.copy())`",
    ),
    "w = torch.tensor(weights)",
    given=("weights",),
    inputs=lambda: {"weights": np.frombuffer(weights_values().tobytes(), dtype=np.float32)},
    examples=(
        right(lambda cell: torch.tensor(cell.weights)),
        right(lambda cell: torch.from_numpy(cell.weights.copy())),
        mistake(lambda cell: torch.as_tensor(cell.weights.copy()).double(), "float64"),
        mistake(lambda cell: cell.weights.copy(), "still a NumPy array"),
        mistake(lambda cell: torch.tensor(cell.weights[::2]), "shape `(3,)`"),
        *perturbed(
            lambda cell: torch.tensor(cell.weights),
            dtype="your `w` is float64",
            copy=ACCEPTED,
            shape="shape `(1, 6)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


# ---- q5: normalize without writing through shared memory -------------------------------------------------------


def training_data() -> np.ndarray:
    return np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]])


def _check_q5(answer: object) -> str:
    X = training_data()
    x = torch.from_numpy(X)
    out = call_learner(answer, x)
    if not np.array_equal(X, training_data()):
        raise Mismatch(
            "your function changed its input in place, so the training array `X` changed too "
            "(`x = torch.from_numpy(X)` shares its memory).",
            "`-=`, `/=` and methods ending in `_` write into the tensor they are called on.",
        )
    out = _cpu_tensor(out, "what your function returns")
    expect_shape(out, (3, 2), "what your function returns")
    expect_dtype(out, torch.float64, "what your function returns")
    base = torch.from_numpy(training_data())
    expected = ((base - base.mean(0)) / base.std(0)).numpy()
    got = out.detach().numpy()
    if not np.allclose(got, expected):
        population = ((base - base.mean(0)) / base.std(0, correction=0)).numpy()
        if np.allclose(got, population):
            raise Mismatch(
                "your values use the population standard deviation (divide by n); "
                "the original used `x.std(0)`, which divides by n - 1."
            )
        expect_values(out, expected, "what your function returns")
    return "the same numbers in a new tensor, and `X` untouched: out-of-place operations never write into their input."


q5 = Question(
    "05.q5",
    "Normalize without changing the training data",
    _check_q5,
    (
        "The buggy version's `-=` and `/=` write into `x`, and `x` shares `X`'s memory.",
        "Use out-of-place operations (`x - m`), which make new tensors; or `x = x.clone()` first.",
        "`return (x - x.mean(0)) / x.std(0)`",
    ),
    "def normalize(x):\n    return (x - x.mean(0)) / x.std(0)",
    examples=(
        right(lambda cell: lambda x: (x - x.mean(0)) / x.std(0)),
        right(lambda cell: lambda x: x.clone().sub_(x.mean(0)).div_(x.std(0))),
        mistake(lambda cell: lambda x: x.sub_(x.mean(0)).div_(x.std(0)), "changed its input in place"),
        mistake(lambda cell: lambda x: (x - x.mean(0)) / x.std(0, correction=0), "population standard deviation"),
        mistake(lambda cell: lambda x: x - x.mean(0), "different values"),
        *perturbed(
            lambda cell: lambda x: (x - x.mean(0)) / x.std(0),
            dtype="dtype `torch.float32`",
            copy=ACCEPTED,
            shape="shape `(1, 3, 2)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)


# ---- q6: which lines change X --------------------------------------------------------------------------------

Q6_LINES = {
    "A": "t += 1",
    "B": "t = t + 1",
    "C": "t[:2][0].zero_()",
    "D": "t[[0, 1]].zero_()",
    "E": "t.T.contiguous().zero_()",
    "F": "t.reshape(-1).zero_()",
    "G": "t.clone().zero_()",
}

_Q6_WHY = {
    "A": "`+=` on a tensor is in place: it writes into the memory `t` shares with `X`.",
    "B": "`t + 1` makes a new tensor; the name `t` now points to it and `X` is untouched.",
    "C": "a slice of a slice is still a view of `X`'s memory, and `zero_()` writes into it.",
    "D": "indexing with a list (advanced indexing) copies the rows; `zero_()` clears the copy.",
    "E": "`t.T` is not contiguous, so `.contiguous()` copies; `zero_()` clears the copy.",
    "F": "`t` is contiguous, so `reshape` returns a view of the same memory, not a copy.",
    "G": "`clone()` copies; `zero_()` clears the copy.",
}


q6 = choice_question(
    "05.q6",
    "Which lines change the training array?",
    correct="ACF",
    why=_Q6_WHY,
    options=Q6_LINES,
    remark="A, C and F write into `X`: in-place operations on views. The others wrote into copies.",
    hints=(
        "A line changes `X` when an in-place operation (`+=`, a method ending in `_`) runs on a view of its memory.",
        "Slices and a `reshape` of a contiguous tensor are views; list indexing, `.contiguous()` of a transpose, "
        "and `clone()` are copies.",
        "Three lines change `X`.",
    ),
    mistakes=(
        mistake(lambda cell: {"A", "B", "C", "F"}, "B does not"),
        mistake(lambda cell: {"A", "C"}, "F does too"),
        mistake(lambda cell: {"A", "C", "D", "F"}, "D does not"),
    ),
)


# ---- q7: predict the strides -----------------------------------------------------------------------------------


def _as_int_tuple(value: object) -> tuple[int, ...]:
    if isinstance(value, (tuple, list, torch.Size)) and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value
    ):
        return tuple(int(v) for v in value)
    raise Mismatch(f"answer with a tuple of ints such as `(4, 1)`; got {a_type(value)} (`{describe(value)}`).")


_Q7_WRONG = {
    (4, 12): "those are NumPy's strides, in bytes (`a.strides`); a tensor's strides count elements.",
    (4, 1): "`(4, 1)` is C order; `torch.from_numpy` keeps the array's Fortran layout, it does not rearrange it.",
    (16, 4): "those are the C-order strides in bytes; `from_numpy` keeps Fortran order, and counts elements.",
}


def _check_q7(answer: object) -> str:
    strides = _as_int_tuple(answer)
    if len(strides) != 2:
        raise Mismatch(f"the tensor is 2-D, so it has two strides; you gave {len(strides)}.")
    if strides != (1, 3):
        raise Mismatch(_Q7_WRONG.get(strides, f"`{strides}` is not what you get."))
    return "`(1, 3)`: the next row is the next element; the next column is 3 elements on. Not contiguous."


q7 = Question(
    "05.q7",
    "Predict the strides of a tensor from a Fortran-order array",
    _check_q7,
    (
        "`torch.from_numpy` shares memory, so it must describe the array's layout as it is.",
        "A tensor's strides count elements; NumPy's count bytes. In Fortran order the first axis varies fastest.",
        "Moving one row is the next element (1); moving one column skips all 3 rows (3).",
    ),
    "answer = (1, 3)",
    examples=(
        right(lambda cell: (1, 3)),
        right(lambda cell: torch.from_numpy(fortran_array()).stride()),
        Example("type", lambda cell: [np.int64(1), np.int64(3)], status=Status.CORRECT),
        mistake(lambda cell: (4, 12), "NumPy's strides, in bytes"),
        mistake(lambda cell: (4, 1), "C order"),
        mistake(lambda cell: (1, 3, 1), "two strides"),
        mistake(lambda cell: (1.0, 3.0), "a tuple of ints"),
    ),
)


# ---- q8: keep each batch from a reader that reuses its buffer ----------------------------------------------------


def _check_q8(answer: object, buf: object) -> str:
    buf = expect_array(buf, "`buf`")
    if buf.shape != (3,) or buf.dtype != np.float32:
        raise Mismatch("the second value should be the exercise cell's `buf`: run that cell again from the top.")
    if not isinstance(answer, (list, tuple)):
        raise wrong_type(answer, "the list `batches`", "your answer")
    if len(answer) != 4:
        raise Mismatch(f"`batches` holds {len(answer)} items; the loop reads 4.")
    batches = [_cpu_tensor(b, f"batch {i}") for i, b in enumerate(answer)]
    if all(shares_memory(b, buf) for b in batches):
        raise Mismatch(
            f"every batch shares `buf`'s memory, so all four show the last read, `{buf.tolist()}`: "
            "the reader overwrote the same buffer each time.",
            "Copy each batch as you read it.",
        )
    for i, batch in enumerate(batches):
        expect_dtype(batch, torch.float32, f"batch {i}")
        expect_values(batch, np.full(3, float(i)), f"batch {i}")
        expect_copy(batch, buf, "buf")
    return "each batch owns its 12 bytes: here a copy is the right answer, because the buffer is reused."


q8 = Question(
    "05.q8",
    "Keep every batch from a reader that reuses its buffer",
    _check_q8,
    (
        "`data` is `buf` itself: `torch.from_numpy(data)` shares it, and the next read overwrites it.",
        "Make each batch own its memory: a copying constructor, or `.clone()`.",
        "`batch = torch.tensor(data)`",
    ),
    "batch = torch.tensor(data)",
    given=("buf",),
    inputs=lambda: {"buf": np.zeros(3, dtype=np.float32)},
    examples=(
        right(lambda cell: _read_batches(cell.buf, torch.tensor)),
        right(lambda cell: _read_batches(cell.buf, lambda data: torch.from_numpy(data).clone())),
        right(lambda cell: _read_batches(cell.buf, lambda data: torch.from_numpy(data.copy()))),
        mistake(lambda cell: _read_batches(cell.buf, torch.from_numpy), "every batch shares `buf`'s memory"),
        mistake(lambda cell: _read_batches(cell.buf, torch.as_tensor), "every batch shares `buf`'s memory"),
        mistake(lambda cell: _read_batches(cell.buf, torch.tensor)[:3], "holds 3 items"),
        mistake(
            lambda cell: _read_batches(cell.buf, lambda data: torch.tensor(data).double()), "dtype `torch.float64`"
        ),
        mistake(lambda cell: torch.stack(_read_batches(cell.buf, torch.tensor)), "the list `batches`"),
    ),
)


def _read_batches(buf: np.ndarray, keep: Callable[[np.ndarray], object]) -> list:
    """The exercise's loop: a reader that refills ``buf`` four times, and ``keep`` applied to each read."""
    batches = []
    for i in range(4):
        buf[:] = i
        batches.append(keep(buf))
    return batches
