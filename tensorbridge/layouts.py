"""What each NumPy-to-tensor constructor does with an array's memory layout, found out by running it.

``explore()`` builds a small float32 array (a shape, C or Fortran order, a step along the last axis, flipped
or not, read-only or not), reports its strides and flags, runs every constructor on it, and says for each
whether it shares, copies, warns or fails (with the exact message), then what each way of copying it to
contiguous memory costs, in bytes. Lesson 05's explorer is a view over this function; nothing is looked up.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

from .conversions import CONSTRUCTORS
from .memory import shares_memory

# (2, 3, 1) is a one-channel image: reversing its length-1 last axis leaves NumPy calling it C-contiguous.
SHAPES: dict[str, tuple[int, ...]] = {"(6,)": (6,), "(3, 4)": (3, 4), "(2, 3, 4)": (2, 3, 4), "(2, 3, 1)": (2, 3, 1)}
ORDERS: tuple[str, ...] = ("C", "F")
STEPS: tuple[int, ...] = (1, 2, 3)

# The source location torch appends to its C++ warnings says nothing to a learner.
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)")


@dataclass(frozen=True)
class ArrayFacts:
    """The array as NumPy sees it: strides in bytes, and the flags that decide what a tensor can do with it."""

    shape: tuple[int, ...]
    strides: tuple[int, ...]
    itemsize: int
    c_contiguous: bool
    f_contiguous: bool
    writeable: bool
    nbytes: int
    buffer_nbytes: int


@dataclass(frozen=True)
class Outcome:
    """What one constructor did with the array: the tensor's strides (in elements), or the exact error."""

    constructor: str
    code: str
    shares: bool | None = None
    strides: tuple[int, ...] | None = None
    contiguous: bool | None = None
    warning: str | None = None
    error: str | None = None

    @property
    def verdict(self) -> str:
        """One of "fails", "shares, warns", "shares", "copies", "copies, warns"."""
        if self.error is not None:
            return "fails"
        kind = "shares" if self.shares else "copies"
        return f"{kind}, warns" if self.warning else kind


@dataclass(frozen=True)
class Fix:
    """One way of getting contiguous memory, and how many bytes it copied (0: it returned the same memory)."""

    code: str
    bytes_copied: int | None = None
    writeable: bool | None = None
    error: str | None = None


@dataclass(frozen=True)
class LayoutResult:
    """The array, every constructor's outcome, the fixes and their cost, and a short explanation."""

    code: str
    array: ArrayFacts
    outcomes: tuple[Outcome, ...]
    fixes: tuple[Fix, ...]
    explanation: str
    flat_view_error: str | None = None

    def outcome(self, constructor: str) -> Outcome:
        return next(o for o in self.outcomes if o.constructor == constructor)


def _slice_code(ndim: int, step: int) -> str:
    return ", ".join([":"] * (ndim - 1) + [f"::{step}"])


def array_code(shape: str, order: str, step: int, flip: bool, read_only: bool) -> str:
    """The NumPy lines that build the array, as the learner would type them."""
    dims = SHAPES[shape]
    order_arg = ', order="F"' if order == "F" else ""
    lines = [f"a = np.arange({math.prod(dims)}, dtype=np.float32).reshape({dims}{order_arg})"]
    signed = -step if flip else step
    if signed != 1:
        lines.append(f"a = a[{_slice_code(len(dims), signed)}]")
    if read_only:
        lines.append("a.flags.writeable = False")
    return "\n".join(lines)


def make_array(shape: str, order: str, step: int, flip: bool, read_only: bool) -> np.ndarray:
    dims = SHAPES[shape]
    a = np.arange(math.prod(dims), dtype=np.float32).reshape(dims, order=order)
    signed = -step if flip else step
    a = a[(..., slice(None, None, signed))]
    if read_only:
        a.flags.writeable = False
    return a


def array_facts(a: np.ndarray) -> ArrayFacts:
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    return ArrayFacts(
        shape=a.shape,
        strides=a.strides,
        itemsize=a.itemsize,
        c_contiguous=bool(a.flags.c_contiguous),
        f_contiguous=bool(a.flags.f_contiguous),
        writeable=bool(a.flags.writeable),
        nbytes=a.nbytes,
        buffer_nbytes=root.nbytes,
    )


@contextmanager
def every_warning() -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning, including those torch gives only once per process (it would hide them after that)."""
    was = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield caught
    finally:
        torch.set_warn_always(was)


def message(exc_or_warning: BaseException | warnings.WarningMessage) -> str:
    """The text a learner reads, without torch's internal source location."""
    if isinstance(exc_or_warning, BaseException):
        text = f"{type(exc_or_warning).__name__}: {exc_or_warning}"
    else:
        text = str(exc_or_warning.message)
    return _TRIGGERED.sub("", text).strip()


def run_constructor(name: str, a: np.ndarray) -> Outcome:
    make: Callable[[np.ndarray], torch.Tensor] = CONSTRUCTORS[name]
    code = f"torch.{name}(a)"
    with every_warning() as caught:
        try:
            t = make(a)
        except Exception as exc:
            return Outcome(name, code, error=message(exc))
    warning = "; ".join(message(w) for w in caught) or None
    return Outcome(name, code, shares_memory(t, a), tuple(t.stride()), t.is_contiguous(), warning)


def _fix(code: str, copy: Callable[[], np.ndarray | torch.Tensor], a: np.ndarray) -> Fix:
    """Run one way of copying ``a`` and measure it: bytes copied, whether the result can be written."""
    with every_warning():
        try:
            result = copy()
        except Exception as exc:
            return Fix(code, error=message(exc))
    if isinstance(result, torch.Tensor):
        copied = 0 if shares_memory(result, a) else result.numel() * result.element_size()
        return Fix(code, copied, writeable=copied > 0 or bool(a.flags.writeable))
    copied = 0 if np.shares_memory(result, a) else result.nbytes
    return Fix(code, copied, writeable=bool(result.flags.writeable))


def measure_fixes(a: np.ndarray) -> tuple[Fix, ...]:
    return (
        _fix("np.ascontiguousarray(a)", lambda: np.ascontiguousarray(a), a),
        _fix("a.copy()", a.copy, a),
        _fix("torch.from_numpy(a).contiguous()", lambda: torch.from_numpy(a).contiguous(), a),
    )


def flat_view_error(a: np.ndarray) -> str | None:
    """What ``torch.from_numpy(a).view(-1)`` raises (None when it works, or when the tensor cannot be made)."""
    with every_warning():  # a read-only array warns; keep that out of the learner's output
        try:
            t = torch.from_numpy(a)
        except Exception:
            return None
    try:
        t.view(-1)
    except RuntimeError as exc:
        return message(exc)
    return None


def explain(
    facts: ArrayFacts, outcomes: tuple[Outcome, ...], fixes: tuple[Fix, ...], view_error: str | None = None
) -> str:
    """A few sentences: why the constructors did what they did, and what fixing it costs."""
    ascontiguous, copy, _ = fixes
    shared = next(o for o in outcomes if o.constructor == "from_numpy")
    strides = f"`{facts.strides}` (bytes)"
    if any(s < 0 for s in facts.strides):
        if ascontiguous.bytes_copied == 0:
            fix = (
                "`np.ascontiguousarray(a)` is no fix here: the reversed axis has length 1, so NumPy flags `a` "
                "C-contiguous and returns it unchanged, negative stride and all. `a.copy()` always makes fresh "
                f"C-ordered memory: it copies {copy.bytes_copied} bytes, then `torch.from_numpy` shares that."
            )
        else:
            fix = (
                f"Copy to positive strides first: `a.copy()` copies {copy.bytes_copied} bytes, then "
                "`torch.from_numpy` shares that. (`np.ascontiguousarray(a)` copies too here, but it returns `a` "
                "unchanged when NumPy still calls it C-contiguous: a reversed axis of length 1, in C order.)"
            )
        return (
            f"The flip gives `a` a negative stride, {strides}. Tensor strides cannot be negative, so every "
            f"constructor refuses, even `torch.tensor`, which copies anyway. {fix}"
            + ("" if facts.writeable else " The copy is writable, so it also settles `a` being read-only.")
        )
    parts = []
    if facts.c_contiguous:
        parts.append(
            f"`a` is C-contiguous, strides {strides}: `torch.from_numpy` shares it as it is, and "
            "`.contiguous()` returns the same tensor (0 bytes copied)."
        )
    else:
        layout = (
            "in Fortran order (no gaps, but the first axis varies fastest)"
            if facts.f_contiguous
            else "not contiguous (the step leaves gaps between elements)"
        )
        parts.append(
            f"`a` is {layout}, strides {strides}. `torch.from_numpy` shares it and keeps the layout: tensor strides "
            f"`{shared.strides}` (elements), not contiguous. Most operations accept that; "
            + (
                "`.view(-1)` does not, "
                if view_error
                else "`.view(-1)` works here (the elements are evenly spaced, so one stride describes them), "
            )
            + f"and `.contiguous()` copies {fixes[2].bytes_copied} bytes."
        )
    if not facts.writeable:
        parts.append(
            "`a` is read-only: the sharing constructors wrap it anyway and warn, because PyTorch has no read-only "
            f"tensors. Only a real copy can be written safely: `a.copy()` copies {copy.bytes_copied} bytes"
            + (
                " (`np.ascontiguousarray(a)` returns `a` itself, still read-only)."
                if ascontiguous.bytes_copied == 0
                else "."
            )
        )
    return " ".join(parts)


def explore(
    shape: str = "(3, 4)", order: str = "C", step: int = 1, flip: bool = False, read_only: bool = False
) -> LayoutResult:
    """Build the array, run every constructor and every fix on it, and report what happened."""
    a = make_array(shape, order, step, flip, read_only)
    facts = array_facts(a)
    outcomes = tuple(run_constructor(name, a) for name in CONSTRUCTORS)
    fixes = measure_fixes(a)
    view_error = flat_view_error(a)
    code = array_code(shape, order, step, flip, read_only)
    return LayoutResult(code, facts, outcomes, fixes, explain(facts, outcomes, fixes, view_error), view_error)
