"""What ``DataLoader``'s default collate makes of a list of items, found out by calling it.

``collate()`` builds a few items of one kind (a NumPy array, a NumPy scalar, a Python number, a tensor, a
``(features, label)`` pair, a dict, a list of numbers, a string) with the dtype the learner picked, passes them to
the real ``torch.utils.data.default_collate``, and reports every tensor in the batch (where it sits, its dtype and
shape), the exact error where collating fails, and what a float32 layer says to the features. Where the batch
comes out float64, it also collates the items fixed at their source, so the fix is shown working, not claimed.
Lesson 08's explorer is a view over this function; nothing is looked up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.utils.data import default_collate

DTYPES: tuple[str, ...] = ("float64", "float32", "int64", "int32", "uint8", "bool")

# kind -> (how item i is written, given its values as code; how it is made from its values and i)
_Make = Callable[[np.ndarray, int], Any]
KINDS: dict[str, tuple[str, _Make]] = {
    "NumPy array": ("np.array({values}, dtype=np.{dtype})", lambda a, i: a),
    "NumPy scalar": ("np.{dtype}({first})", lambda a, i: a[0]),
    "Python number": ("{first}", lambda a, i: a[0].item()),
    "tensor": ("torch.tensor({values}, dtype=torch.{dtype})", lambda a, i: torch.from_numpy(a.copy())),
    "(features, label) pair": ("(np.array({values}, dtype=np.{dtype}), {i})", lambda a, i: (a, i)),
    "dict": ('{{"x": np.array({values}, dtype=np.{dtype}), "y": {i}}}', lambda a, i: {"x": a, "y": i}),
    "list of numbers": ("{values}", lambda a, i: a.tolist()),
    "string": ('"item{i}"', lambda a, i: f"item{i}"),
}
SIZED = {"NumPy array", "tensor", "(features, label) pair", "dict", "list of numbers"}


@dataclasses.dataclass(frozen=True)
class Leaf:
    """One value inside the batch: where it sits (``batch[0]``, ``batch["x"]``), what it is, its dtype and shape."""

    path: str
    kind: str
    dtype: str = ""
    shape: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Collated:
    """What ``default_collate(items)`` gave, as plain data."""

    code: str
    shown: str = ""  # repr(batch), shortened
    leaves: tuple[Leaf, ...] = ()
    error: str | None = None
    note: str = ""
    model: str = ""  # what a float32 layer says to the batch's features ("" when there are none to feed)
    fix: str = ""  # the item fixed at its source, as code ("" when nothing needs fixing)
    fixed: tuple[Leaf, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def _values(i: int, size: int, dtype: str) -> np.ndarray:
    """Item ``i``'s values: small, distinct, valid in every dtype offered."""
    if dtype == "bool":
        return (np.arange(size) + i) % 2 == 0
    offset = 0.5 if dtype.startswith("float") else 0
    return (np.arange(size) + 10 * i + offset).astype(dtype)


def item_code(kind: str, values: np.ndarray, dtype: str, i: int) -> str:
    """Item ``i`` as a learner would write it in ``__getitem__``."""
    python = values.tolist()
    return KINDS[kind][0].format(values=repr(python), dtype=dtype, first=repr(python[0]), i=i)


def leaves_of(value: Any, path: str = "batch") -> tuple[Leaf, ...]:
    """Every tensor (or other value) in a collated batch, depth first, with where it sits."""
    if isinstance(value, torch.Tensor):
        return (Leaf(path, "tensor", str(value.dtype).removeprefix("torch."), tuple(value.shape)),)
    if isinstance(value, dict):
        return tuple(leaf for key, item in value.items() for leaf in leaves_of(item, f"{path}[{key!r}]"))
    if isinstance(value, (list, tuple)) and not all(isinstance(item, str) for item in value):
        return tuple(leaf for i, item in enumerate(value) for leaf in leaves_of(item, f"{path}[{i}]"))
    return (Leaf(path, f"{type(value).__name__} {value!r}"[:80]),)


def _note(kind: str, dtype: str) -> str:
    """Why the batch looks as it does, for the cases a learner is likely to wonder about."""
    if kind == "Python number":
        python = type(_values(0, 1, dtype)[0].item()).__name__
        if python == "float":
            return (
                "A Python `float` is a 64-bit number, and `default_collate` turns a list of them into "
                "`torch.tensor(batch, dtype=torch.float64)`: float64, even where the values came from float32."
            )
        return f"A Python `{python}` becomes `torch.tensor(batch)`: " + ("int64." if python == "int" else "bool.")
    if kind == "list of numbers":
        floats = ", and its Python floats become float64" if dtype.startswith("float") else ""
        return (
            "A list is treated as a sequence of fields, not as one vector: the batch is one tensor *per position* "
            f"(a list of tensors, transposed){floats}."
        )
    if kind == "string":
        return "Strings cannot become tensors: the batch is the list of strings, unchanged."
    if kind in {"(features, label) pair", "dict"}:
        return "Each field is collated on its own: the arrays are stacked, and the Python int labels become int64."
    if kind == "NumPy scalar":
        return "NumPy scalars keep their dtype: `torch.as_tensor(batch)`."
    return "Arrays and tensors are stacked along a new first axis, keeping their dtype."


def _fix_for(kind: str, values: np.ndarray) -> str:
    """The item written so that its floats collate to float32."""
    if kind in {"Python number", "NumPy scalar"}:
        return f"np.float32({values.tolist()[0]!r})"
    if kind == "list of numbers":
        return f"np.array({values.tolist()!r}, dtype=np.float32)"
    return item_code(kind, values.astype(np.float32), "float32", 0)


def _fixed_item(kind: str, values: np.ndarray, i: int) -> Any:
    f32 = values.astype(np.float32)
    if kind in {"Python number", "NumPy scalar"}:
        return f32[0]
    if kind == "list of numbers":
        return f32
    return KINDS[kind][1](f32, i)


def _features(batch: Any) -> torch.Tensor | None:
    """The batch's features: the tensor a model's first layer would get, if there is one."""
    if isinstance(batch, dict):
        batch = batch.get("x")
    elif isinstance(batch, list) and batch and isinstance(batch[0], torch.Tensor) and len(batch) == 2:
        batch = batch[0]
    return batch if isinstance(batch, torch.Tensor) and batch.dim() == 2 else None


def _model_says(batch: Any) -> str:
    """What a float32 ``nn.Linear`` layer's computation (weight and bias, no random init) does with the features."""
    x = _features(batch)
    if x is None:
        return ""
    try:
        out = torch.nn.functional.linear(x, torch.ones(1, x.shape[1]), torch.zeros(1))
    except RuntimeError as exc:
        return f"RuntimeError: {exc}"
    return f"works: output {str(out.dtype).removeprefix('torch.')}, shape {tuple(out.shape)}"


def collate(kind: str, dtype: str, ragged: bool = False, batch_size: int = 2) -> Collated:
    """Build ``batch_size`` items of ``kind``, collate them with the real ``default_collate``, and report."""
    if kind not in KINDS or dtype not in DTYPES:
        raise ValueError(f"unknown item kind or dtype: {kind!r}, {dtype!r}")
    sizes = [3 + (i if ragged and kind in SIZED else 0) for i in range(batch_size)]
    values = [_values(i, size, dtype) for i, size in enumerate(sizes)]
    make = KINDS[kind][1]
    items = [make(v, i) for i, v in enumerate(values)]
    lines = ",\n    ".join(item_code(kind, v, dtype, i) for i, v in enumerate(values))
    code = f"items = [\n    {lines},\n]\nbatch = default_collate(items)"
    try:
        batch = default_collate(items)
    except (RuntimeError, TypeError, ValueError) as exc:
        note = "Items of different lengths cannot be stacked: pad them, or pass your own `collate_fn`."
        if kind == "list of numbers":
            note = "The lists are zipped position by position, so every item must have the same length."
        return Collated(code, error=f"{type(exc).__name__}: {exc}", note=note if ragged else "")
    leaves = leaves_of(batch)
    note = _note(kind, dtype)
    if ragged and kind not in SIZED:
        note += " (Items of different lengths: only arrays, tensors and lists have a length, so nothing changed.)"
    shown = repr(batch)
    result = Collated(code, shown if len(shown) < 400 else shown[:400] + " ...", leaves, None, note, _model_says(batch))
    if not any(leaf.dtype == "float64" for leaf in leaves):
        return result
    fixed = leaves_of(default_collate([_fixed_item(kind, v, i) for i, v in enumerate(values)]))
    return dataclasses.replace(result, fix=_fix_for(kind, values[0]), fixed=fixed)
