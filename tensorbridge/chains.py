"""What a chain of tensor-to-NumPy steps does to a tensor, found out by running it.

``run_chain()`` makes a small tensor (requiring grad or not, on a device, with the conjugate bit or not),
applies the steps the learner picked in their order (``detach``, ``cpu``, ``numpy``, ``tolist``, ...), and
reports each step: what it produced, whether that still shares memory with the tensor, any warning, and the
exact error at the step that fails. Lesson 03's explorer is a view over this function; nothing is looked up.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .devices import devices
from .memory import shares_memory, tensor_bounds

# step name -> (how it is written after an expression, or around it with {}; what it does)
STEPS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "detach": ("{}.detach()", lambda x: x.detach()),
    "cpu": ("{}.cpu()", lambda x: x.cpu()),
    "resolve_conj": ("{}.resolve_conj()", lambda x: x.resolve_conj()),
    "numpy": ("{}.numpy()", lambda x: x.numpy()),
    "numpy(force=True)": ("{}.numpy(force=True)", lambda x: x.numpy(force=True)),
    "np.asarray": ("np.asarray({})", np.asarray),
    "np.array": ("np.array({})", np.array),
    "tolist": ("{}.tolist()", lambda x: x.tolist()),
    "item": ("{}.item()", lambda x: x.item()),
}

DEVICES: tuple[str, ...] = ("cpu", "cuda", "mps")


@dataclass(frozen=True)
class StepOutcome:
    """One step of the chain: the expression so far and what it gave (or the error it raised)."""

    name: str
    code: str
    produced: str = ""
    shares: bool | None = None
    note: str = ""
    warnings: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ChainResult:
    """The outcome of a whole chain, as plain data."""

    setup: str
    expression: str
    steps: tuple[StepOutcome, ...] = ()
    value: str = ""
    explanation: str = ""
    unavailable: str | None = None

    @property
    def failed_step(self) -> StepOutcome | None:
        return next((step for step in self.steps if not step.ok), None)

    @property
    def ok(self) -> bool:
        return self.unavailable is None and self.failed_step is None

    @property
    def shares(self) -> bool | None:
        """Whether the final result shares memory with the tensor (None when the chain did not finish)."""
        if not self.ok:
            return None
        return self.steps[-1].shares if self.steps else True


def setup_code(requires_grad: bool, device: str, conj: bool, single: bool) -> str:
    values = ("[1+2j]" if single else "[1+2j, 3-4j, 5j]") if conj else ("[1.5]" if single else "[1.5, 2.5, 3.5]")
    args = [values]
    if device != "cpu":
        args.append(f'device="{device}"')
    if requires_grad:
        args.append("requires_grad=True")
    return f"t = torch.tensor({', '.join(args)}){'.conj()' if conj else ''}"


def make_tensor(requires_grad: bool, device: str, conj: bool, single: bool) -> torch.Tensor:
    if conj:
        values = [1 + 2j] if single else [1 + 2j, 3 - 4j, 5j]
    else:
        values = [1.5] if single else [1.5, 2.5, 3.5]
    t = torch.tensor(values, device=device, requires_grad=requires_grad)
    return t.conj() if conj else t


def expression_for(steps: Iterable[str]) -> str:
    code = "t"
    for name in steps:
        code = STEPS[name][0].format(code)
    return code


def _same_memory(t: torch.Tensor, value: Any) -> bool | None:
    """Does ``value`` use the bytes of the starting tensor ``t``? None for plain Python values."""
    if isinstance(value, np.ndarray):
        return shares_memory(t, value)
    if isinstance(value, torch.Tensor):
        if value.device != t.device or value.layout != torch.strided:
            return False
        lo, hi = tensor_bounds(t)
        v_lo, v_hi = tensor_bounds(value)
        return lo < v_hi and v_lo < hi
    return None


def describe_value(value: Any) -> str:
    """A short description of what a step produced: its type, and for tensors and arrays their state."""
    if isinstance(value, torch.Tensor):
        flags = [str(value.dtype).removeprefix("torch."), f"on {value.device}"]
        if value.requires_grad:
            flags.append("requires_grad")
        if value.is_conj():
            flags.append("conj bit")
        if value.is_neg():
            flags.append("neg bit")
        return f"tensor ({', '.join(flags)})"
    if isinstance(value, np.ndarray):
        return f"numpy.ndarray ({value.dtype}, shape {value.shape})"
    return f"Python {type(value).__name__}"


def _note(name: str, before: Any, after: Any, t: torch.Tensor) -> str:
    """Why a step gave what it gave, for the cases a learner is likely to wonder about."""
    if after is before:
        return "returned the very same object: nothing to do"
    if name == "detach" and isinstance(before, torch.Tensor):
        return "a new tensor on the same memory, out of the autograd graph"
    if name == "cpu":
        return f"copied from {before.device} to CPU memory"
    if name == "resolve_conj":
        return "applied the conjugation for real: a copy with the bit cleared"
    if name == "numpy":
        return "a view of the tensor it was called on: no new copy"
    if name == "numpy(force=True)":
        return "shares: nothing needed resolving" if _same_memory(t, after) else "copied, because it had to"
    if name == "np.asarray":
        if isinstance(before, torch.Tensor):
            return "called the tensor's `__array__`, which is `.numpy()`: no copy"
        return "built a new array from a Python value" if isinstance(before, (list, float, int, complex)) else ""
    if name == "np.array":
        return "always copies"
    if name in {"tolist", "item"}:
        return "plain Python numbers: a copy"
    return ""


def _error_note(name: str, value: Any) -> str:
    """A plain-words reading of an error a learner causes by chaining in an odd order."""
    if isinstance(value, torch.Tensor) or name.startswith("np.") or hasattr(value, name.split("(")[0]):
        return ""
    method = STEPS[name][0].format("")
    return f"the step before gave a {describe_value(value)}, not a tensor: `{method}` is a tensor method."


def run_chain(
    requires_grad: bool = False,
    device: str = "cpu",
    conj: bool = False,
    steps: Iterable[str] = ("numpy",),
    single: bool = False,
) -> ChainResult:
    """Make the tensor, apply ``steps`` in order, and report each one; stops at the first error."""
    steps = tuple(steps)
    setup = setup_code(requires_grad, device, conj, single)
    expression = expression_for(steps)
    available = {info.kind: info for info in devices()}
    info = available.get(device)
    if info is None or not info.available:
        detail = info.detail if info is not None else "unknown device"
        return ChainResult(setup, expression, unavailable=f"`{device}` is not available here: {detail}.")
    try:
        t = make_tensor(requires_grad, device, conj, single)
    except Exception as exc:  # a device may lack complex support
        return ChainResult(setup, expression, unavailable=f"could not make this tensor: {type(exc).__name__}: {exc}")
    value: Any = t
    outcomes = []
    for i, name in enumerate(steps):
        code = expression_for(steps[: i + 1])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = STEPS[name][1](value)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}".strip()
                outcomes.append(StepOutcome(name, code, note=_error_note(name, value), error=error))
                break
        shares = _same_memory(t, result)
        outcomes.append(
            StepOutcome(
                name,
                code,
                produced=describe_value(result),
                shares=bool(shares),
                note=_note(name, value, result, t),
                warnings=tuple(str(w.message) for w in caught),
            )
        )
        value = result
    outcomes = tuple(outcomes)
    return ChainResult(setup, expression, outcomes, value=_short_repr(value), explanation=_explain(outcomes, value))


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _explain(outcomes: tuple[StepOutcome, ...], value: Any) -> str:
    if not outcomes:
        return "No steps yet: add some, in the order you want them applied to `t`."
    last = outcomes[-1]
    if not last.ok:
        return f"The chain stops at step {len(outcomes)}, `{last.code}`. The error above is the library's own message."
    if isinstance(value, np.ndarray):
        if last.shares:
            return (
                "You get a NumPy array that shares memory with `t`: writing to either changes the other, "
                "and later in-place updates to `t` (an optimizer step) show up in the array."
            )
        return "You get a NumPy array with its own copy of the data: later changes to `t` do not reach it."
    if isinstance(value, torch.Tensor):
        return "The result is still a tensor: add `numpy` (or `np.asarray`) to get an array."
    return f"You get a {describe_value(value)}, copied out of the tensor: it shares nothing with `t`."
