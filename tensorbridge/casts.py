"""What a cast does to each value, found out by running it in torch and in NumPy side by side.

``cast()`` builds a small array of a source dtype from a set of sample values, makes it a tensor and casts it
to a target dtype, casts the same array with NumPy, and says for each value what was kept, what was lost and
why; then it adds ``a[0]`` (a NumPy scalar) to the result in both libraries to show what the mix promotes to.
Lesson 02's explorer is a view over this function. The values are measured; the rules only explain them.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import torch

SOURCES: tuple[str, ...] = (
    "float64",
    "float32",
    "float16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
)

TARGETS: dict[str, torch.dtype] = {
    name: getattr(torch, name)
    for name in (
        "float32",
        "float64",
        "float16",
        "bfloat16",
        "int64",
        "int32",
        "int16",
        "int8",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "bool",
    )
}

Number = int | float | bool
T = TypeVar("T")

SAMPLES: dict[str, tuple[Number, ...]] = {
    "fractions": (2.7, -2.7, 0.5, -0.5, 1.0),
    "out of range": (127, 128, 255, 256, 300, -1, 70_000, 2**31),
    "big integers": (2**24, 2**24 + 1, 2**24 + 3, 1_709_294_401, 2**53 + 1),
    "NaN and inf": (math.nan, math.inf, -math.inf, 1e20, 1.0),
    "tiny and huge": (1e-8, 0.1, 65_504.0, 70_000.0, 3.0e38, 1e300),
    "small integers": (0, 1, -1, 2, 42),
}

# What a value went through; the last three lose information, "undefined" is worse: no rule at all.
KEPT, TRUNCATED, ROUNDED, WRAPPED, OVERFLOW, UNDERFLOW, TO_BOOL, UNDEFINED, UNEXPECTED = (
    "kept",
    "truncated",
    "rounded",
    "wrapped around",
    "overflow",
    "underflow",
    "became True",
    "undefined",
    "unexpected",
)


@dataclass(frozen=True)
class ValueCast:
    """One sample value: as the source array holds it, after torch's cast, after NumPy's cast, and why."""

    picked: Number
    source: Number
    torch_value: Number
    numpy_value: Number | None
    outcome: str
    why: str

    @property
    def lost(self) -> bool:
        return self.outcome != KEPT

    @property
    def numpy_agrees(self) -> bool | None:
        """None when NumPy has no twin of the target dtype."""
        return None if self.numpy_value is None else _same(self.torch_value, self.numpy_value)


@dataclass(frozen=True)
class Mixing:
    """``t + a[0]``: the cast tensor meets a NumPy scalar of the source dtype, in torch and in NumPy."""

    scalar: str
    torch_result: str
    numpy_result: str
    torch_explanation: str
    numpy_explanation: str


@dataclass(frozen=True)
class Cast:
    """The outcome of casting one set of sample values from a source dtype to a target dtype."""

    code: str
    source: str
    target: str
    numpy_twin: str | None
    values: tuple[ValueCast, ...] = ()
    left_out: tuple[str, ...] = ()
    torch_warnings: tuple[str, ...] = ()
    numpy_warnings: tuple[str, ...] = ()
    mixing: Mixing | None = None
    error: str | None = None

    @property
    def summary(self) -> str:
        if self.error is not None:
            return f"The cast failed: {self.error}"
        if not self.values:
            return f"None of these values fits in a {self.source} array: pick another source dtype or sample set."
        counts = Counter(v.outcome for v in self.values if v.lost)
        if not counts:
            return f"All {len(self.values)} values survive the cast to {self.target} unchanged."
        changed = ", ".join(f"{n} {outcome}" for outcome, n in counts.items())
        return f"{sum(counts.values())} of {len(self.values)} values changed: {changed}."


def _same(x: Number, y: Number) -> bool:
    both_nan = isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)
    return both_nan or (x == y and type(x) is type(y))


def _name(dtype: torch.dtype | np.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _unfit(value: Number, dtype: np.dtype) -> str | None:
    """Why a source array of ``dtype`` cannot hold ``value`` (None when it can)."""
    if dtype.kind == "b":
        return None if value in (0, 1) else f"{value!r}: a bool array holds only False and True"
    if dtype.kind in "iu":
        if not math.isfinite(value):
            return f"{value!r}: {dtype} has no NaN or infinity"
        if value != int(value):
            return f"{value!r}: not a whole number, and {dtype} holds only whole numbers"
        info = np.iinfo(dtype)
        if not info.min <= value <= info.max:
            return f"{value!r}: outside {dtype}'s range {info.min}..{info.max}"
        return None
    if math.isfinite(value) and abs(value) > float(np.finfo(dtype).max):
        return f"{value!r}: larger than the largest {dtype} ({float(np.finfo(dtype).max):g})"
    return None


def _source_array(values: tuple[Number, ...], dtype: np.dtype) -> tuple[np.ndarray, list[Number], list[str]]:
    kept, left_out = [], []
    for value in values:
        reason = _unfit(value, dtype)
        if reason is None:
            kept.append(value)
        else:
            left_out.append(reason)
    python_type = {"b": bool, "i": int, "u": int}.get(dtype.kind, float)
    return np.array([python_type(v) for v in kept], dtype=dtype), kept, left_out


def _explain_float_target(s: Number, r: float, name: str, target: torch.dtype) -> tuple[str, str]:
    info = torch.finfo(target)
    if r != r and s != s:
        return KEPT, "NaN stays NaN"
    if r == s:
        return KEPT, f"{name} holds this value exactly"
    if math.isinf(r):
        return OVERFLOW, f"larger than the largest {name} ({info.max:g}), so it became {r}"
    if r == 0:
        return UNDERFLOW, f"too close to 0 for {name} (its smallest positive value is {info.tiny * info.eps:.2g})"
    bits = round(-math.log2(info.eps)) + 1
    return ROUNDED, f"{name} keeps {bits} significant bits; the nearest {name} is {r!r}"


def _explain_int_target(s: Number, r: int, name: str, target: torch.dtype) -> tuple[str, str]:
    info = torch.iinfo(target)
    if isinstance(s, float):
        if not math.isfinite(s):
            return UNDEFINED, f"{name} has no NaN or infinity: the result is undefined, it depends on the machine"
        whole = math.trunc(s)
        if not info.min <= whole <= info.max:
            return UNDEFINED, (
                f"outside {name}'s range {info.min}..{info.max}: casting such a float is undefined, "
                "the result depends on the machine"
            )
        if r != whole:
            return UNEXPECTED, f"the rule predicts {whole} (truncation toward zero), torch gave {r}"
        if whole != s:
            return TRUNCATED, f"the fraction is dropped: truncation toward zero gives {whole}, not rounding"
        return KEPT, f"a whole number inside {name}'s range"
    if info.min <= s <= info.max:
        return KEPT, f"inside {name}'s range {info.min}..{info.max}"
    wrapped = (int(s) - info.min) % (1 << info.bits) + info.min
    if r != wrapped:
        return UNEXPECTED, f"the rule predicts {wrapped} (wrap-around), torch gave {r}"
    return WRAPPED, (
        f"outside {info.min}..{info.max}: the cast keeps the low {info.bits} bits, so {s} becomes {r} "
        f"({s} mod {1 << info.bits}{'' if info.min == 0 else ', read as signed'})"
    )


def explain(s: Number, r: Number, target: torch.dtype) -> tuple[str, str]:
    """(outcome, why) for source value ``s`` that torch cast to ``r`` of dtype ``target``."""
    name = _name(target)
    if isinstance(s, bool):
        return KEPT, "False and True become 0 and 1"
    if target == torch.bool:
        if s == 0 or s == 1:
            return KEPT, "0 is False, 1 is True"
        return TO_BOOL, "any value that is not 0 (NaN too) becomes True: the magnitude is gone"
    if target.is_floating_point:
        return _explain_float_target(s, r, name, target)
    return _explain_int_target(s, r, name, target)


def _a_kind(dtype: torch.dtype | np.dtype) -> str:
    """'a bool', 'an integer', 'a float': the kind that decides promotion, with its article."""
    name = _name(dtype)
    if name == "bool":
        return "a bool"
    return "a float" if "float" in name else "a complex" if "complex" in name else "an integer"


def _result(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor, {value.dtype}"
    if isinstance(value, np.ndarray):
        return f"NumPy array, {value.dtype}"
    return type(value).__name__


def _torch_mix_explanation(result: object, t: torch.Tensor, source: np.dtype) -> str:
    target = t.dtype
    if not isinstance(result, torch.Tensor):
        return "torch declined this scalar, so NumPy did the arithmetic and handed back its own kind of result."
    if result.dtype == target:
        return (
            "`a[0]` did not change the tensor's dtype: torch treats a NumPy scalar like a Python number, "
            "which can change the kind (bool, integer, float) but never the size."
        )
    if source.kind == "b" and result.is_floating_point() and not target.is_floating_point:
        return (
            f"torch reads a NumPy bool scalar as a float, so the {_name(target)} tensor became the default float "
            f"dtype, {_name(result.dtype)}. (A Python `True` would keep {_name(target)}.)"
        )
    return (
        f"`a[0]` is {_a_kind(source)} and `t` {_a_kind(target)} tensor: the result takes the scalar's kind at "
        f"torch's default size for it, {_name(result.dtype)}, not the scalar's own {source}."
    )


def _mix(t: torch.Tensor, a: np.ndarray, twin: np.dtype | None) -> Mixing:
    scalar = a[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = t + scalar
        torch_result, torch_why = _result(got), _torch_mix_explanation(got, t, a.dtype)
    except Exception as exc:
        torch_result = f"{type(exc).__name__}: {exc}"
        torch_why = "torch refuses this mix."
        if t.dtype in (torch.uint16, torch.uint32, torch.uint64):
            torch_why += " Few operations support uint16/32/64 tensors: convert to a signed dtype first."
    if twin is None:
        numpy_result, numpy_why = "(no NumPy twin)", f"NumPy has no {_name(t.dtype)}, so there is nothing to compare."
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mixed = a.astype(twin) + scalar
        numpy_result = _result(mixed)
        numpy_why = (
            f"NumPy 2 treats `a[0]` as a typed {a.dtype} value (NEP 50), like an array: "
            f"{twin} with {a.dtype} gives {mixed.dtype}."
        )
    return Mixing(f"np.{a.dtype}({scalar.item()!r})", torch_result, numpy_result, torch_why, numpy_why)


def _literal(value: Number) -> str:
    """A value as Python source: NaN and infinity as NumPy's names for them."""
    if isinstance(value, float) and not math.isfinite(value):
        return "np.nan" if value != value else "np.inf" if value > 0 else "-np.inf"
    return repr(value)


def _recording_warnings(run: Callable[[], T]) -> tuple[T, tuple[str, ...]]:
    """Run, and return the result with the distinct warnings it gave (NumPy warns on bad casts, torch does not)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run()
    return result, tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))


def code_for(source: str, target: str, values: list[Number]) -> str:
    twin = f"np.{target}" if target != "bfloat16" else None
    lines = [
        f"a = np.array([{', '.join(map(_literal, values))}], dtype=np.{source})",
        f"t = torch.from_numpy(a).to(torch.{target})",
        f"b = a.astype({twin})   # NumPy's cast, side by side" if twin else "# NumPy has no bfloat16: no NumPy cast",
        "t + a[0]   # a NumPy scalar meets the tensor",
    ]
    return "\n".join(lines)


def cast(source: str, target: str, samples: str) -> Cast:
    """Cast the sample values from ``source`` to ``target`` in torch and NumPy, and explain each value."""
    source_dtype, target_dtype = np.dtype(source), TARGETS[target]
    twin = None if target == "bfloat16" else np.dtype(target)
    a, picked, left_out = _source_array(SAMPLES[samples], source_dtype)
    code = code_for(source, target, picked)
    if not len(a):
        return Cast(code, source, target, _name(twin) if twin else None, left_out=tuple(left_out))
    try:
        t, torch_warned = _recording_warnings(lambda: torch.from_numpy(a).to(target_dtype))
    except Exception as exc:
        return Cast(code, source, target, None, error=f"{type(exc).__name__}: {exc}")
    numpy_values, numpy_warned = [None] * len(a), ()
    if twin is not None:
        numpy_values, numpy_warned = _recording_warnings(lambda: a.astype(twin).tolist())
    values = tuple(
        ValueCast(p, s, r, n, *explain(s, r, target_dtype))
        for p, s, r, n in zip(picked, a.tolist(), t.tolist(), numpy_values, strict=True)
    )
    return Cast(
        code,
        source,
        target,
        None if twin is None else str(twin),
        values=values,
        left_out=tuple(left_out),
        torch_warnings=torch_warned,
        numpy_warnings=numpy_warned,
        mixing=_mix(t, a, twin),
    )
