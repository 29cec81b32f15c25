"""What a NumPy-to-tensor constructor does with an array, found out by running it.

``convert()`` builds a small array, runs one constructor on it, and reports the tensor's dtype, whether
it shares the array's memory, what it holds after the array is changed, or the exact error. Lesson 01's
explorer is a view over this function; nothing here is looked up in a table.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from .memory import shares_memory

CONSTRUCTORS: dict[str, Callable[..., torch.Tensor]] = {
    "from_numpy": torch.from_numpy,
    "Tensor": torch.Tensor,
    "tensor": torch.tensor,
    "as_tensor": torch.as_tensor,
}

# name shown to the learner -> (NumPy expression shown, array maker, value written by the change)
SOURCES: dict[str, tuple[str, Callable[[], np.ndarray], object]] = {
    "int64": ("np.array([1, 2, 3])", lambda: np.array([1, 2, 3], dtype=np.int64), 9),
    "int32": ("np.array([1, 2, 3], dtype=np.int32)", lambda: np.array([1, 2, 3], dtype=np.int32), 9),
    "float64": ("np.array([1.5, 2.5, 3.5])", lambda: np.array([1.5, 2.5, 3.5]), 9.5),
    "float32": (
        "np.array([1.5, 2.5, 3.5], dtype=np.float32)",
        lambda: np.array([1.5, 2.5, 3.5], dtype=np.float32),
        9.5,
    ),
    "float16": (
        "np.array([1.5, 2.5, 3.5], dtype=np.float16)",
        lambda: np.array([1.5, 2.5, 3.5], dtype=np.float16),
        9.5,
    ),
    "uint8": ("np.array([1, 2, 255], dtype=np.uint8)", lambda: np.array([1, 2, 255], dtype=np.uint8), 9),
    "bool": ("np.array([True, False, True])", lambda: np.array([True, False, True]), False),
    "complex64": (
        "np.array([1+2j, 3, 4j], dtype=np.complex64)",
        lambda: np.array([1 + 2j, 3, 4j], dtype=np.complex64),
        9 + 9j,
    ),
    "object": ("np.array([1, 2, 3], dtype=object)", lambda: np.array([1, 2, 3], dtype=object), 9),
    "str": ("np.array(['1', '2', '3'])", lambda: np.array(["1", "2", "3"]), "9"),
    "big-endian int32": ("np.array([1, 2, 3], dtype='>i4')", lambda: np.array([1, 2, 3], dtype=">i4"), 9),
}

REQUESTS: dict[str, torch.dtype | None] = {
    "none": None,
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "int64": torch.int64,
    "int32": torch.int32,
    "uint8": torch.uint8,
    "bool": torch.bool,
}


@dataclass(frozen=True)
class Conversion:
    """The outcome of one conversion, as plain data."""

    code: str
    source_dtype: str
    error: str | None = None
    dtype: str | None = None
    shares: bool | None = None
    values: list | None = None
    values_after_change: list | None = None
    array_after_change: list | None = None
    warnings: tuple[str, ...] = ()
    explanation: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def code_for(constructor: str, source: str, request: str, change: bool) -> str:
    expression, _, new_value = SOURCES[source]
    dtype_arg = "" if REQUESTS[request] is None else f", dtype=torch.{request}"
    lines = [f"a = {expression}", f"t = torch.{constructor}(a{dtype_arg})"]
    if change:
        lines.append(f"a[0] = {new_value!r}")
    return "\n".join(lines)


def _explain(constructor: str, requested: torch.dtype | None, source_dtype: str, t: torch.Tensor, shared: bool) -> str:
    numpy_twin = str(t.dtype).removeprefix("torch.")
    if shared:
        return (
            f"`torch.{constructor}` wrapped the array's own memory: no bytes were copied, "
            "so a change to `a` shows up in `t` (and the other way round)."
        )
    if constructor == "tensor":
        return "`torch.tensor` always copies, even when it could share: `t` is independent of `a`."
    if numpy_twin != source_dtype:
        cause = "you asked for" if requested is not None else f"`torch.{constructor}` makes"
        lost = ""
        if "complex" in source_dtype and not t.is_complex():
            lost = " The imaginary parts were dropped (PyTorch warns about that only once per session)."
        return (
            f"The array holds {source_dtype} but {cause} `{t.dtype}`, so the values were copied and cast: "
            f"`t` no longer sees changes to `a`.{lost}"
        )
    return f"`torch.{constructor}` copied the data: `t` is independent of `a`."


def convert(constructor: str, source: str, request: str = "none", change: bool = False) -> Conversion:
    """Run ``torch.<constructor>(a[, dtype=...])`` on a fresh array and report what happened."""
    make = CONSTRUCTORS[constructor]
    _, make_array, new_value = SOURCES[source]
    requested = REQUESTS[request]
    a = make_array()
    source_dtype = str(a.dtype) if source != "big-endian int32" else ">i4 (big-endian int32)"
    kwargs = {} if requested is None else {"dtype": requested}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            t = make(a, **kwargs)
        except Exception as exc:
            code = code_for(constructor, source, request, change=False)
            return Conversion(code, source_dtype, error=f"{type(exc).__name__}: {exc}".strip())
    shared = shares_memory(t, a)
    values = t.tolist()
    after = array_after = None
    if change:
        a[0] = new_value
        after, array_after = t.tolist(), a.tolist()
    return Conversion(
        code_for(constructor, source, request, change),
        source_dtype,
        dtype=str(t.dtype),
        shares=shared,
        values=values,
        values_after_change=after,
        array_after_change=array_after,
        warnings=tuple(str(w.message) for w in caught),
        explanation=_explain(constructor, requested, str(a.dtype), t, shared),
    )
