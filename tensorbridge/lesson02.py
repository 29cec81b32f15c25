"""Lesson 02's questions: defaults, casts, what a cast loses, type promotion, and the float64 batch."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import torch

from .feedback import Status
from .questions import (
    ACCEPTED,
    Example,
    Mismatch,
    Question,
    ____,
    a_type,
    call_learner,
    choice_question,
    describe,
    expect_array,
    expect_dtype,
    expect_dtype_answer,
    expect_shape,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
)

__all__ = ["____", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "train_step"]


# ---- helpers for this lesson's kinds of answer ---------------------------------------------------


def train_step(model: torch.nn.Module, batch: torch.Tensor) -> torch.Tensor:
    """The training step of question 1: it is not the place to fix the batch's dtype."""
    loss = model(batch).pow(2).mean()
    loss.backward()
    return loss


def _fresh_model() -> torch.nn.Linear:
    """The same float32 model every time, without disturbing the learner's random state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return torch.nn.Linear(3, 1)


def _is_number(value: object) -> bool:
    """A real number: a Python int or float, or a NumPy one (what ``list(t.numpy())`` holds); not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _number_list(value: object, count: int) -> list[int | float]:
    """A predicted list of values, given as a list, tuple, tensor or array; its size is checked before it is read."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        if value.ndim != 1 or value.shape[0] != count:
            raise Mismatch(f"the line gives {count} values; your answer has shape `{tuple(value.shape)}`.")
        if isinstance(value, torch.Tensor) and value.is_meta:
            raise Mismatch("your tensor is on `meta`, which holds no values; answer with a list of numbers.")
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise Mismatch(f"answer with a list of {count} numbers such as `[1, 2, 3, 4]`; got {a_type(value)}.")
    if len(value) != count:
        raise Mismatch(f"the line gives {count} values; your list has {len(value)}.")
    if not all(_is_number(v) for v in value):
        odd = next(v for v in value if not _is_number(v))
        raise Mismatch(f"every item should be a number; `{describe(odd)}` is {a_type(odd)}.")
    return [int(v) if isinstance(v, numbers.Integral) else float(v) for v in value]


def _predicted_values(value: object, expected: list[int], patterns: Mapping[tuple, str], why: list[str]) -> None:
    """Compare a predicted list: a known wrong pattern gets its explanation, other slips get one per value."""
    got = _number_list(value, len(expected))
    if got == expected:
        return
    if tuple(got) in patterns:
        raise Mismatch(patterns[tuple(got)])
    wrong = [
        f"value {i}: you have {describe(g)}, the cast gives {e!r} ({w})."
        for i, (g, e, w) in enumerate(zip(got, expected, why, strict=True))
        if g != e
    ]
    raise Mismatch(f"{len(wrong)} of your {len(expected)} values {'is' if len(wrong) == 1 else 'are'} off.", *wrong)


def _as_numpy_dtype(value: object) -> np.dtype:
    """A predicted NumPy dtype, given as ``np.float64``, ``np.dtype('float64')`` or a name such as ``'float64'``."""
    if isinstance(value, torch.dtype):
        name = str(value).removeprefix("torch.")
        raise Mismatch(f"`{value}` is a torch dtype; the result is a NumPy array: answer with `np.{name}`.")
    if isinstance(value, str):
        name = value.strip().removeprefix("np.").removeprefix("numpy.")
        try:
            return np.dtype(name)
        except TypeError:
            raise Mismatch(f"`{describe(value)}` is not a NumPy dtype; answer with one such as `np.float32`.") from None
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return np.dtype(value)
    raise Mismatch(f"expected a NumPy dtype such as `np.float32`; got {a_type(value)}.")


def _dtype_name(value: object) -> str:
    return str(value).removeprefix("torch.")


def _is_torch_dtype(value: object) -> bool:
    """A torch dtype, or the name of one: a prediction that can be right or wrong (not malformed)."""
    if isinstance(value, str):
        value = getattr(torch, value.strip().removeprefix("torch."), None)
    return isinstance(value, torch.dtype)


# ---- the questions ----------------------------------------------------------------------------------

_Q1_DTYPE = {
    torch.float64: (
        "your batch is still float64 (“Double”), but the model's weights are float32 (“Float”): "
        "make the batch float32 in this function, where the data enters."
    ),
    torch.float16: "your batch is float16: half precision drops digits the data has, and the float32 model refuses it.",
    torch.bfloat16: "your batch is bfloat16: it keeps only 8 significant bits, and the float32 model refuses it.",
}


def _check_q1(answer: object) -> str:
    if isinstance(answer, torch.Tensor):
        raise Mismatch(
            "you passed a tensor; this check wants the function itself: `q1.check(load_features)`.",
            "The check calls your function on fresh float64 features and trains one step on what it returns.",
        )
    raw = np.random.default_rng(2).normal(size=(8, 3))
    batch = expect_tensor(call_learner(answer, raw), "the batch your function returns")
    if batch.device.type != "cpu":
        raise Mismatch(f"your batch is on `{batch.device}`; the model is on the CPU, so return the batch on the CPU.")
    expect_shape(batch, raw.shape, "your batch")
    if batch.dtype != torch.float32:
        if batch.dtype == torch.bool:
            message = "your batch is bool: every feature that was not 0 became True. The model needs float32."
        elif not batch.is_floating_point():
            first = float(raw[0, 0])
            message = (
                f"your batch is {_dtype_name(batch.dtype)}: an integer cast drops the features' fractions "
                f"({first:.3f} became {math.trunc(first)}). The model needs float32."
            )
        else:
            message = _Q1_DTYPE.get(batch.dtype, f"your batch is {_dtype_name(batch.dtype)}; the model needs float32.")
        try:
            train_step(_fresh_model(), batch)
        except Exception as exc:
            raise Mismatch(message, f"The training step raises `{type(exc).__name__}: {exc}`.") from None
        raise Mismatch(message)
    expect_values(batch, raw.astype(np.float32).astype(np.float64), "your batch")
    model = _fresh_model()
    try:
        loss = train_step(model, batch)
    except Exception as exc:
        raise Mismatch(f"the training step raises `{type(exc).__name__}: {exc}`.") from None
    if loss.dtype != torch.float32 or model.weight.grad is None:
        raise Mismatch(f"the step ran but the loss is {loss.dtype} and the weights got no gradient.")
    return (
        "the batch is float32 from the moment it is made: the step trains (float32 loss, float32 gradients) "
        "and no cast is needed in the loop."
    )


q1 = Question(
    "02.q1",
    "Fix the training step at the source",
    _check_q1,
    (
        "The error comes from a dtype mismatch: NumPy made the features float64, the model's weights are float32.",
        "Change the dtype once, where the NumPy data becomes a tensor, not inside `train_step`.",
        "`return torch.from_numpy(raw.astype(np.float32))`, or `torch.as_tensor(raw, dtype=torch.float32)`.",
    ),
    "def load_features(raw):\n    return torch.from_numpy(raw.astype(np.float32))",
    examples=(
        right(lambda cell: lambda raw: torch.from_numpy(raw.astype(np.float32))),
        right(lambda cell: lambda raw: torch.as_tensor(raw, dtype=torch.float32)),
        mistake(lambda cell: lambda raw: torch.from_numpy(raw), "still float64"),
        mistake(lambda cell: lambda raw: torch.from_numpy(raw).half(), "float16"),
        mistake(lambda cell: lambda raw: torch.from_numpy(raw).long(), "an integer cast drops the features' fractions"),
        mistake(lambda cell: torch.zeros(8, 3), "you passed a tensor"),
        mistake(lambda cell: lambda raw: ____, "still returns `____`", Status.NOT_ATTEMPTED),
        *perturbed(
            lambda cell: lambda raw: torch.from_numpy(raw.astype(np.float32)),
            dtype="still float64",
            copy=ACCEPTED,
            shape="shape `(1, 8, 3)`",
            nan="different values",
            device="your batch is on `meta`",
            type="still a NumPy array",
        ),
    ),
)

_Q2_WHY = {
    "A": "`t` is already float32, so `t.float()` hands back `t` itself.",
    "B": "`t.double()` changes the dtype, which always makes a new tensor (a copy, in float64).",
    "C": "`t.to(torch.float32)` has nothing to do, so it hands back `t` itself.",
    "D": "`copy=True` asks for a new tensor even when the dtype already matches.",
    "E": "`t.type(torch.float32)` has nothing to do, so it hands back `t` itself.",
    "F": "`clone()` always copies.",
}


q2 = choice_question(
    "02.q2",
    "Same tensor, or a new one?",
    correct="ACE",
    why=_Q2_WHY,
    remark="a cast that has nothing to do returns the same tensor: writing into the result writes into `t`.",
    hints=(
        "A cast to the dtype a tensor already has has nothing to do.",
        "`.float()`, `.to(dtype)` and `.type(dtype)` all return the tensor itself when its dtype already matches.",
        "Only a dtype change, `copy=True`, or `clone()` makes a new tensor.",
    ),
    mistakes=(
        mistake(lambda cell: {"A", "C"}, "E does too"),
        mistake(lambda cell: {"A", "B", "C", "E"}, "B does not"),
        mistake(lambda cell: {"A", "C", "E", "F"}, "F does not: `clone()` always copies"),
    ),
)

_Q3_EXPECTED = [2, -2, 0, 0]
_Q3_PATTERNS = {
    (3, -3, 0, 0): "you rounded to the nearest integer; a cast to an integer dtype truncates toward zero.",
    (3, -3, 1, -1): "you rounded (halves away from zero); a cast to an integer dtype truncates toward zero.",
    (3, -3, 1, 0): "you rounded; a cast to an integer dtype truncates toward zero.",
    (2, -3, 0, -1): "that is `floor` (down to the next integer); a cast truncates toward zero, so -2.9 becomes -2.",
    (3, -2, 1, 0): "that is `ceil` (up to the next integer); a cast truncates toward zero, so 2.9 becomes 2.",
}
_Q3_WHY = ["drop the fraction of 2.9", "toward zero, not down", "drop the fraction", "toward zero: -0.5 becomes 0"]


def _check_q3(answer: object) -> str:
    _predicted_values(answer, _Q3_EXPECTED, _Q3_PATTERNS, _Q3_WHY)
    return "a float-to-integer cast drops the fraction (toward zero). Round first if you mean rounding."


q3 = Question(
    "02.q3",
    "Predict the values: float to integer",
    _check_q3,
    (
        "A cast does not round.",
        "It drops everything after the decimal point: the value moves toward zero.",
        "2.9 → 2 and -2.9 → -2.",
    ),
    "answer = [2, -2, 0, 0]",
    examples=(
        right(lambda cell: [2, -2, 0, 0]),
        right(lambda cell: torch.tensor([2.9, -2.9, 0.5, -0.5]).to(torch.int64)),
        Example("type", lambda cell: list(np.array([2, -2, 0, 0])), status=Status.CORRECT),
        mistake(lambda cell: [3, -3, 0, 0], "you rounded"),
        mistake(lambda cell: [2, -3, 0, -1], "that is `floor`"),
        mistake(lambda cell: [2, -2, 0], "the line gives 4 values; your list has 3"),
        Example("nan", lambda cell: [2, -2, 0, float("nan")], "1 of your 4 values is off"),
        Example("shape", lambda cell: np.array([[2, -2], [0, 0]]), "shape `(2, 2)`"),
    ),
)

_Q4_EXPECTED = [255, 0, 44, 255]
_Q4_PATTERNS = {
    (255, 255, 255, 0): "you clamped to 0..255; a cast does not clamp, it wraps around (keeps the low 8 bits).",
    (255, 256, 300, -1): "uint8 holds only 0..255: values outside that range must change.",
}
_Q4_WHY = ["255 fits", "256 mod 256", "300 mod 256", "-1 mod 256"]


def _check_q4(answer: object) -> str:
    _predicted_values(answer, _Q4_EXPECTED, _Q4_PATTERNS, _Q4_WHY)
    return "integers wrap around: the cast keeps the low 8 bits, the value modulo 256. No error, no warning."


q4 = Question(
    "02.q4",
    "Predict the values: wrap-around into uint8",
    _check_q4,
    (
        "uint8 holds 0..255. The cast neither raises nor clamps.",
        "It keeps the low 8 bits: the value modulo 256.",
        "300 → 300 - 256 = 44, and -1 → -1 + 256 = 255.",
    ),
    "answer = [255, 0, 44, 255]",
    examples=(
        right(lambda cell: [255, 0, 44, 255]),
        right(lambda cell: torch.tensor([255, 256, 300, -1]).to(torch.uint8)),
        Example(
            "type", lambda cell: list(torch.tensor([255, 0, 44, 255], dtype=torch.uint8).numpy()), status=Status.CORRECT
        ),
        mistake(lambda cell: [255, 255, 255, 0], "you clamped"),
        mistake(lambda cell: [255, 256, 300, -1], "uint8 holds only 0..255"),
        mistake(lambda cell: [255, 0, 44, -1], "value 3: you have -1"),
        Example("nan", lambda cell: [255, 0, float("nan"), 255], "is off"),
    ),
)

_Q5_WRONG = {
    torch.float64: (
        "float64 is NumPy 2's answer (its scalars keep their dtype). torch treats a NumPy scalar like a Python "
        "float: it changes the kind, integer to float, but the size is torch's default."
    ),
    torch.int64: "an integer tensor plus a float must become a float: 0.5 cannot live in an int64.",
}


def _check_q5(answer: object) -> str:
    expect_dtype_answer(answer, torch.float32, _Q5_WRONG)
    return "a NumPy scalar is weak in torch, like a Python number: int64 plus a float gives the default float32."


q5 = Question(
    "02.q5",
    "Predict the dtype of `torch.tensor([1, 2, 3]) + np.float64(0.5)`",
    _check_q5,
    (
        "torch treats a NumPy scalar the way it treats a Python number.",
        "A Python float added to an int64 tensor gives a float tensor of torch's default dtype.",
        "`torch.get_default_dtype()` is float32.",
    ),
    "answer = torch.float32",
    examples=(
        right(lambda cell: torch.float32),
        right(lambda cell: "float32"),
        mistake(lambda cell: torch.float64, "NumPy 2's answer"),
        mistake(lambda cell: torch.int64, "0.5 cannot live in an int64"),
        mistake(lambda cell: np.float64, "is a NumPy dtype"),
    ),
)

_Q6_EXPECTED = {"A": torch.float64, "B": torch.float32, "C": torch.int16, "D": torch.float32, "E": torch.float64}
_Q6_WHY = {
    "A": "both tensors have dimensions, so the wider float, float64, wins.",
    "B": "a 0-d tensor of the same kind (float) as a tensor with dimensions is ignored: float32.",
    "C": "no 8-bit type holds both 0..255 and -128..127, so torch goes up to int16.",
    "D": "a float beats any integer, at the float's own size: float32 (NumPy would say float64).",
    "E": "a 0-d tensor of a higher kind (float over integer) brings its own size: float64, unlike `0.5`.",
}


def _check_q6(answer: object) -> str:
    if not isinstance(answer, Mapping) or len(answer) > 2 * len(_Q6_EXPECTED):
        raise Mismatch(f"answer with a dict such as `{{'A': torch.float32, ...}}`; got {a_type(answer)}.")
    given = {str(k).strip().upper(): v for k, v in answer.items()}
    missing = sorted(set(_Q6_EXPECTED) - set(given))
    if missing:
        raise Mismatch(f"predict every line: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing.")
    wrong = []
    for letter, expected in _Q6_EXPECTED.items():
        try:
            expect_dtype_answer(given[letter], expected)
        except Mismatch as mismatch:
            why = f" {_Q6_WHY[letter][0].upper()}{_Q6_WHY[letter][1:]}" if _is_torch_dtype(given[letter]) else ""
            wrong.append(f"{letter}: {mismatch.message}{why}")
    if wrong:
        right = len(_Q6_EXPECTED) - len(wrong)
        total = len(_Q6_EXPECTED)
        raise Mismatch(f"{right} of your {total} predictions {'is' if right == 1 else 'are'} right.", *wrong)
    return (
        "wider wins; a float beats an integer; uint8 with int8 needs int16; a 0-d tensor counts only when its kind "
        "is higher, and then with its own size."
    )


q6 = Question(
    "02.q6",
    "Predict the dtypes: tensor meets tensor",
    _check_q6,
    (
        "Between tensors with dimensions, the result holds both: the wider type, and a float beats an integer.",
        "A 0-d tensor (`torch.tensor(1.0)`) is ignored when its kind is not higher; when it is, its dtype counts.",
        "uint8 and int8 have no common 8-bit type. `torch.result_type(x, y)` checks a pair without computing.",
    ),
    "answer = {'A': torch.float64, 'B': torch.float32, 'C': torch.int16, 'D': torch.float32, 'E': torch.float64}",
    examples=(
        right(
            lambda cell: {
                "A": torch.float64,
                "B": torch.float32,
                "C": torch.int16,
                "D": torch.float32,
                "E": torch.float64,
            }
        ),
        Example(
            "type",
            lambda cell: {"a": "float64", "b": "float32", "c": "int16", "d": "float32", "e": "float64"},
            status=Status.CORRECT,
        ),
        mistake(
            lambda cell: {
                "A": torch.float64,
                "B": torch.float64,
                "C": torch.int16,
                "D": torch.float32,
                "E": torch.float64,
            },
            "B: ",
        ),
        mistake(
            lambda cell: {
                "A": torch.float64,
                "B": torch.float32,
                "C": torch.uint8,
                "D": torch.float64,
                "E": torch.float64,
            },
            "3 of your 5",
        ),
        mistake(
            lambda cell: {
                "A": torch.float64,
                "B": torch.float32,
                "C": torch.int16,
                "D": torch.float32,
                "E": torch.float32,
            },
            "E: ",
        ),
        mistake(
            lambda cell: {"A": torch.float64, "B": torch.float32, "C": torch.int16, "E": torch.float64}, "D is missing"
        ),
        mistake(
            lambda cell: {"A": torch.float64, "B": ____, "C": ____, "D": ____, "E": ____}, "", Status.NOT_ATTEMPTED
        ),
    ),
)


_NUMPY_1_RULES = (np.ones(2, dtype=np.float32) + np.float64(0.5)).dtype == np.float32  # before NEP 50 (NumPy 2)


def _check_q7(answer: object) -> str:
    dtype = _as_numpy_dtype(answer)
    here = np.dtype(np.float32 if _NUMPY_1_RULES else np.float64)
    if dtype == here == np.float32:
        return (
            f"float32 is NumPy 1's answer, and NumPy {np.__version__} runs here: it looks at the value 0.5 and keeps "
            "float32. NumPy 2 gives float64 (NEP 50)."
        )
    if dtype == np.float32:
        raise Mismatch(
            "float32 was NumPy 1's answer (it looked at the value 0.5 and kept float32), and it is torch's answer "
            "for a tensor. NumPy 2 keeps the scalar's own dtype (NEP 50)."
        )
    if dtype != np.float64:
        raise Mismatch(f"`{dtype}` is not what you get: the result is a float that holds both operands.")
    if here == np.float32:
        return f"float64 is NumPy 2's answer (NEP 50), which this lesson teaches; NumPy {np.__version__} gives float32."
    return "in NumPy 2 a NumPy scalar has a real dtype (NEP 50): float32 with float64 gives float64."


q7 = Question(
    "02.q7",
    "Predict NumPy's dtype for `np.ones(2, dtype=np.float32) + np.float64(0.5)`",
    _check_q7,
    (
        f"This is NumPy ({np.__version__.rsplit('.', 1)[0]} here), not torch.",
        "NumPy 2 treats a NumPy scalar like a one-element array of its dtype; only Python numbers are weak.",
        "float32 with float64 gives float64.",
    ),
    "answer = np.float64",
    examples=(
        right(lambda cell: np.float64),
        right(lambda cell: np.dtype("float64")),
        right(lambda cell: "np.float64"),
        # float32 is right where NumPy 1's rules run (the check accepts what the installed NumPy gives)
        (right if _NUMPY_1_RULES else mistake)(lambda cell: np.float32, "NumPy 1's answer"),
        mistake(lambda cell: torch.float64, "is a torch dtype"),
        mistake(lambda cell: "float16", "`float16` is not what you get"),
    ),
)

_Q8_W = [1.5, 3.0e38, 1 / 3, -2.0e-5]


def _check_q8(answer: object) -> str:
    expected = torch.tensor(_Q8_W, dtype=torch.bfloat16).float().numpy()
    a = expect_array(answer)
    expect_shape(a, expected.shape, "your array")
    if a.dtype == np.float16:
        raise Mismatch("float16's range ends at 65504: 3.0e38 became inf. bfloat16 has float32's range.")
    if a.dtype == np.float64:
        raise Mismatch(
            "float64 holds the values, but at twice the memory; a smaller NumPy dtype holds every bfloat16 exactly."
        )
    expect_dtype(a, np.float32, "your array")
    expect_values(a, expected.astype(np.float64), "your array")
    return "bfloat16 keeps float32's exponent and fewer fraction bits, so `.float()` is exact, and NumPy has float32."


q8 = Question(
    "02.q8",
    "bfloat16 weights into NumPy",
    _check_q8,
    (
        "`w.numpy()` raises: NumPy has no bfloat16. Cast to a dtype NumPy has first.",
        "float16 is not bfloat16: its range ends at 65504. Pick the float that holds every bfloat16 exactly.",
        "`a = w.float().numpy()`",
    ),
    "a = w.float().numpy()",
    inputs=lambda: {"w": torch.tensor(_Q8_W, dtype=torch.bfloat16)},
    examples=(
        right(lambda cell: cell.w.float().numpy()),
        right(lambda cell: cell.w.to(torch.float32).numpy()),
        mistake(lambda cell: cell.w.half().numpy(), "65504"),
        mistake(lambda cell: cell.w.double().numpy(), "twice the memory"),
        mistake(lambda cell: cell.w.float(), "still a tensor"),
        mistake(lambda cell: np.array(_Q8_W, dtype=np.float32), "different values"),
        *perturbed(
            lambda cell: cell.w.float().numpy(),
            dtype="twice the memory",
            copy=ACCEPTED,
            shape="shape `(1, 4)`",
            nan="different values",
            type="still a tensor",
        ),
    ),
)
