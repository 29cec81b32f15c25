"""Lesson 08's questions: labels and targets, images, batches, inference, DataFrames and logged losses."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .feedback import Status
from .questions import (
    ACCEPTED,
    LearnerCodeError,
    Mismatch,
    Question,
    ____,
    a_type,
    call_learner,
    choice_question,
    expect_array,
    expect_device,
    expect_dtype,
    expect_dtype_answer,
    expect_shape,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
)

__all__ = ["____", "q1", "q2", "q3", "q4", "q5", "q6", "q7"]

# ---- q1: class labels for cross_entropy ------------------------------------------------------------

_Q1_LABELS = np.array([0, 2, 1, 0])


def _check_q1(answer: object) -> str:
    y = expect_tensor(answer, "your answer")
    expect_device(y, "cpu", "your tensor")
    if y.is_floating_point():
        raise Mismatch(
            f"your labels are {y.dtype}. `F.cross_entropy` reads a 1-D float target as nothing it accepts: "
            "class indices must be int64 (`expected target dtype to be Long or Byte, but got Float`).",
            "Float targets are for regression and BCE, or class probabilities of the logits' shape (4, 3).",
        )
    if y.dtype not in (torch.int64, torch.uint8):
        raise Mismatch(
            f"your labels are {y.dtype}; `F.cross_entropy` accepts only int64 (or uint8) class indices and "
            "raises `expected target dtype to be Long or Byte` for any other integer dtype."
        )
    expect_shape(y, (4,), "your labels")
    expect_values(y, _Q1_LABELS.astype(np.float64), "your labels")
    if y.dtype == torch.uint8:
        return (
            "`F.cross_entropy` accepts uint8 indices too, but `F.one_hot` and most index-taking code want int64, "
            "and uint8 stops at 255 classes: int64 is the dtype to reach for."
        )
    return "class indices are int64, one per sample; `F.cross_entropy(logits, y)` accepts them."


q1 = Question(
    "08.q1",
    "Class labels that `F.cross_entropy` accepts",
    _check_q1,
    (
        "`labels` is int32 (as a CSV reader or `np.int32` code might give). Which dtype do class indices need?",
        "`F.cross_entropy` wants int64 (`torch.long`) class indices; a cast in the constructor does it in one copy.",
        "`y = torch.as_tensor(labels, dtype=torch.int64)` (or `torch.from_numpy(labels).long()`)",
    ),
    "y = torch.as_tensor(labels, dtype=torch.int64)",
    inputs=lambda: {"labels": np.array([0, 2, 1, 0], dtype=np.int32)},
    examples=(
        right(lambda cell: torch.as_tensor(cell.labels, dtype=torch.int64)),
        right(lambda cell: torch.from_numpy(cell.labels).long()),
        right(lambda cell: torch.tensor(cell.labels, dtype=torch.uint8), "uint8 indices too"),
        mistake(lambda cell: torch.as_tensor(cell.labels, dtype=torch.float32), "but got Float"),
        mistake(lambda cell: torch.from_numpy(cell.labels), "only int64 (or uint8)"),
        mistake(lambda cell: cell.labels, "still a NumPy array"),
        mistake(lambda cell: torch.nn.functional.one_hot(torch.as_tensor(cell.labels).long()), "shape `(4, 3)`"),
        *perturbed(
            lambda cell: torch.as_tensor(cell.labels, dtype=torch.int64),
            dtype="torch.float64",
            copy=ACCEPTED,
            shape="shape `(1, 4)`",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)

# ---- q2: which loss calls run ----------------------------------------------------------------------

_Q2_WHY = {
    "A": "`F.cross_entropy` wants int64 class indices: a float32 1-D target raises "
    "`expected target dtype to be Long or Byte, but got Float`.",
    "B": "int64 class indices, one per row of logits: what `F.cross_entropy` wants.",
    "C": "float class probabilities with the logits' shape (4, 3) are the other target `F.cross_entropy` accepts.",
    "D": "a one-hot int64 target of shape (4, 3) is read as probabilities, which must be float: "
    "`Expected floating point type for target with class probabilities, got Long`.",
    "E": "`F.binary_cross_entropy_with_logits` wants a float target: int64 raises "
    "`result type Float can't be cast to the desired output type Long`.",
    "F": "float32 targets with the input's shape (4,): what BCE with logits wants.",
    "G": "`F.mse_loss` with a (4, 1) target and a (4,) input does run: it only warns, and broadcasts to 4 x 4 pairs.",
    "H": "`F.binary_cross_entropy` insists on matching dtypes: a float64 target raises "
    "`Found dtype Double but expected Float`.",
}

q2 = choice_question(
    "08.q2",
    "Which loss calls run without an error?",
    correct="BCFG",
    why=_Q2_WHY,
    remark="B, C, F and G run; G runs and is still wrong: MSE warns and broadcasts a (4, 1) target against (4,).",
    hints=(
        "Classification losses take int64 class indices, or float probabilities shaped like the logits.",
        "BCE and BCE with logits take float targets of the input's shape; plain BCE also wants the same float dtype.",
        "One of the calls that runs is still a bug: it warns instead of raising.",
    ),
    mistakes=(
        mistake(lambda cell: {"A", "B", "C", "F", "G"}, "A does not"),
        mistake(lambda cell: {"B", "C", "D", "F", "G"}, "D does not"),
        mistake(lambda cell: {"B", "C", "F"}, "G does too"),
        mistake(lambda cell: {"B", "C", "F", "G", "H"}, "H does not"),
    ),
)

# ---- q3: an image into a model ---------------------------------------------------------------------

_Q3_IMAGE = (np.arange(4 * 6 * 3).reshape(4, 6, 3) * 3 % 256).astype(np.uint8)


def _check_q3(answer: object) -> str:
    x = expect_tensor(answer, "your answer")
    expect_device(x, "cpu", "your tensor")
    expected = torch.from_numpy(_Q3_IMAGE).permute(2, 0, 1).unsqueeze(0).double() / 255
    if tuple(x.shape) == (1, 4, 6, 3):
        raise Mismatch("your tensor is N x H x W x C, channels last; a model's convolutions want N x C x H x W.")
    if tuple(x.shape) == (3, 4, 6):
        raise Mismatch("your tensor is C x H x W: one image, but a model takes a batch. Add the batch axis.")
    expect_shape(x, (1, 3, 4, 6), "your tensor")
    if not x.is_floating_point():
        raise Mismatch(f"your tensor is {x.dtype}; a model's weights are float32, and a uint8 input raises.")
    expect_dtype(x, torch.float32, "your tensor")
    got = x.detach().cpu().double()
    if got.max() > 1.5:
        raise Mismatch("your values go up to 255: divide by 255 so they lie in [0, 1], as the model was trained.")
    reshaped = torch.from_numpy(_Q3_IMAGE.reshape(1, 3, 4, 6)).double() / 255
    if torch.allclose(got, reshaped, atol=1e-6):
        raise Mismatch(
            "the shape is right but the pixels are scrambled: `reshape`/`view` keep the memory order "
            "(H, W, C) and only relabel it. `permute(2, 0, 1)` moves the channel axis itself.",
        )
    if not torch.allclose(got, expected, atol=1e-6):
        raise Mismatch("your values differ from the image's pixels scaled to [0, 1]: check the axis order.")
    return "`permute(2, 0, 1)` moves channels first (a view), `unsqueeze(0)` adds the batch, `/ 255` scales."


q3 = Question(
    "08.q3",
    "An H x W x C uint8 image into a model's N x C x H x W float32 batch",
    _check_q3,
    (
        "Three changes: channels first, a batch axis in front, and float32 values in [0, 1].",
        "`permute` reorders axes; `reshape` would only relabel the same memory order. `unsqueeze(0)` adds N.",
        "`x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).float() / 255`",
    ),
    "x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).float() / 255",
    inputs=lambda: {"img": _Q3_IMAGE.copy()},
    examples=(
        right(lambda cell: torch.from_numpy(cell.img).permute(2, 0, 1).unsqueeze(0).float() / 255),
        right(lambda cell: torch.from_numpy(cell.img.transpose(2, 0, 1)[None].astype(np.float32) / 255)),
        mistake(lambda cell: torch.from_numpy(cell.img).unsqueeze(0).float() / 255, "channels last"),
        mistake(lambda cell: torch.from_numpy(cell.img).reshape(1, 3, 4, 6).float() / 255, "pixels are scrambled"),
        mistake(lambda cell: torch.from_numpy(cell.img).permute(2, 0, 1).unsqueeze(0).float(), "divide by 255"),
        mistake(lambda cell: torch.from_numpy(cell.img).permute(2, 0, 1).unsqueeze(0), "a uint8 input raises"),
        mistake(lambda cell: torch.from_numpy(cell.img).permute(2, 0, 1).float() / 255, "Add the batch axis"),
        *perturbed(
            lambda cell: torch.from_numpy(cell.img).permute(2, 0, 1).unsqueeze(0).float() / 255,
            dtype="expected `torch.float32`",
            copy=ACCEPTED,
            shape="shape `(1, 1, 3, 4, 6)`",
            nan="your values differ",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)

# ---- q4: predict the collated dtype ----------------------------------------------------------------


def _check_q4(answer: object) -> str:
    expect_dtype_answer(
        answer,
        torch.float64,
        {
            torch.float32: "the values came from a float32 array, but `.item()` made them Python floats, and "
            "`default_collate` builds `torch.tensor(batch, dtype=torch.float64)` from Python floats.",
            torch.int64: "the values are Python floats, not ints.",
        },
    )
    return "Python floats collate to float64: return `np.float32` values or float32 arrays from `__getitem__`."


q4 = Question(
    "08.q4",
    "Predict the dtype of a collated batch",
    _check_q4,
    (
        "What type is `self.x[i].item()`? Not a NumPy scalar any more.",
        "`default_collate` has one rule for Python floats, whatever array they came from.",
    ),
    "answer = torch.float64",
    examples=(
        right(lambda cell: torch.float64),
        right(lambda cell: "float64"),
        mistake(lambda cell: torch.float32, "`.item()` made them Python floats"),
        mistake(lambda cell: np.float64, "NumPy dtype"),
    ),
)

# ---- q5: a nullable DataFrame column into a tensor -------------------------------------------------


def _q5_frame() -> Any:
    """The exercise cell's DataFrame (pandas is imported only when an example needs it)."""
    import pandas as pd

    return pd.DataFrame({"age": pd.array([31, 45, None, 27], dtype="Int64")})


def _check_q5(answer: object) -> str:
    if isinstance(answer, np.ndarray):
        raise Mismatch(f"your answer is still a NumPy array ({answer.dtype}); the task asks for a tensor.")
    x = expect_tensor(answer, "your answer")
    expect_device(x, "cpu", "your tensor")
    expect_shape(x, (4,), "your tensor")
    if not x.is_floating_point():
        raise Mismatch(f"your tensor is {x.dtype}; integers cannot hold the missing value as NaN. Use float32.")
    expect_dtype(x, torch.float32, "your tensor")
    got = x.detach().cpu().double().numpy()
    if not np.isnan(got[2]):
        raise Mismatch(
            f"the missing age came out as {float(got[2])!r}; the task keeps it as NaN, for the model's code to handle.",
            "`fillna` or a `na_value` other than `np.nan` replaces it.",
        )
    expect_values(x, np.array([31.0, 45.0, np.nan, 27.0]), "your tensor")
    return "`to_numpy(dtype=np.float32, na_value=np.nan)` states both choices, so no pandas version decides them."


q5 = Question(
    "08.q5",
    "A nullable `Int64` column with a missing value, as a float32 tensor",
    _check_q5,
    (
        "`torch.tensor` cannot read `pd.NA`; `Series.to_numpy` can be told the dtype and what to put for NA.",
        "Ask for float32, with NaN where the age is missing.",
        "`x = torch.from_numpy(df['age'].to_numpy(dtype=np.float32, na_value=np.nan))`",
    ),
    "x = torch.from_numpy(df['age'].to_numpy(dtype=np.float32, na_value=np.nan))",
    inputs=lambda: {"df": _q5_frame()},
    examples=(
        right(lambda cell: torch.from_numpy(cell.df["age"].to_numpy(dtype=np.float32, na_value=np.nan))),
        right(lambda cell: torch.tensor(cell.df["age"].to_numpy(dtype=np.float64, na_value=np.nan)).float()),
        mistake(lambda cell: cell.df["age"].to_numpy(dtype=np.float32, na_value=np.nan), "still a NumPy array"),
        mistake(lambda cell: torch.tensor(cell.df["age"].fillna(0).to_numpy()), "integers cannot hold"),
        mistake(
            lambda cell: torch.from_numpy(cell.df["age"].to_numpy(dtype=np.float32, na_value=0.0)), "came out as 0.0"
        ),
        *perturbed(
            lambda cell: torch.from_numpy(cell.df["age"].to_numpy(dtype=np.float32, na_value=np.nan)),
            dtype="expected `torch.float32`",
            copy=ACCEPTED,
            shape="shape `(1, 4)`",
            nan="different values",
            device="is on `meta`",
            type="still a NumPy array",
        ),
    ),
)

# ---- q6: predictions as NumPy ----------------------------------------------------------------------


def _q6_model() -> torch.nn.Module:
    """A small model with dropout, built without touching the learner's random state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(8)
        return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Dropout(0.5), torch.nn.Linear(4, 2))


def _check_q6(answer: object) -> str:
    if not callable(answer):
        raise Mismatch(f"pass your function itself, `q6.check(predict)`; got {a_type(answer)}.")
    grad_mode, default_dtype = torch.is_grad_enabled(), torch.get_default_dtype()
    model = _q6_model()
    x = torch.linspace(-1, 1, 15).reshape(5, 3)
    with torch.no_grad():
        expected = model.eval()(x).numpy().copy()
    model.train()
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            results = [call_learner(answer, model, x) for _ in range(2)]
    except LearnerCodeError as error:
        raise LearnerCodeError(f"called as `predict(model, x)`, {error}") from error
    finally:
        changed = torch.is_grad_enabled() != grad_mode
        torch.set_grad_enabled(grad_mode)
        torch.set_default_dtype(default_dtype)
    if changed:
        raise Mismatch(
            "your function switched autograd off for the whole session (`torch.set_grad_enabled(False)`); "
            "use `with torch.no_grad():` or `with torch.inference_mode():`, which end with the block."
        )
    first, second = results
    if isinstance(first, torch.Tensor):
        raise Mismatch(f"your function returned a tensor ({first.dtype}); it should return a NumPy array.")
    a = expect_array(first, "your result")
    expect_shape(a, (5, 2), "your array")
    expect_dtype(a, np.float32, "your array")
    b = expect_array(second, "your second result")
    if not (np.allclose(a, expected, atol=1e-6) and np.allclose(b, expected, atol=1e-6)):
        raise Mismatch(
            "two calls gave different (or wrong) predictions: dropout is still on. `torch.no_grad()` does not "
            "change dropout or batch norm; `model.eval()` does.",
        )
    return "`model.eval()` turns dropout off, `no_grad`/`inference_mode` records no graph, `.numpy()` then works."


q6 = Question(
    "08.q6",
    "Write `predict(model, x)`: a model's predictions as a NumPy array",
    _check_q6,
    (
        "Two separate switches: one for what layers like dropout do, one for whether autograd records.",
        "`model.eval()` is the first; `with torch.no_grad():` (or `torch.inference_mode()`) is the second.",
        "`model.eval()`, then `with torch.no_grad(): return model(x).numpy()`",
    ),
    "def predict(model, x):\n    model.eval()\n    with torch.no_grad():\n        return model(x).numpy()",
    examples=(
        right(lambda cell: _predict),
        right(lambda cell: lambda m, x: m.eval()(x).detach().numpy()),
        mistake(lambda cell: lambda m, x: m(x).numpy(force=True), "dropout is still on"),
        mistake(lambda cell: lambda m, x: m.eval()(x).numpy(), "requires grad", Status.ERROR),
        mistake(lambda cell: lambda m, x: m.eval()(x), "returned a tensor"),
        mistake(lambda cell: _switched_off, "for the whole session"),
        mistake(lambda cell: lambda m, x: ____, "still returns `____`", Status.NOT_ATTEMPTED),
        *perturbed(lambda cell: _predict, dtype="expected `float32`", shape="shape `(1, 5, 2)`"),
    ),
)


def _predict(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return model(x).numpy()


def _switched_off(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    torch.set_grad_enabled(False)
    return model.eval()(x).numpy()


# ---- q7: which lines keep every step's graph -------------------------------------------------------

_Q7_WHY = {
    "A": "`total += loss` makes `total` a tensor whose graph holds every step's graph: nothing is freed.",
    "B": "`.item()` gives a Python float: the step's graph can be freed.",
    "C": "a list of loss tensors keeps each one, and each one keeps its graph.",
    "D": "`.detach()` gives a tensor with no `grad_fn`: the graph is not kept.",
    "E": "`float(loss)` is a Python float, like `.item()` (it also warns on a tensor that requires grad).",
    "F": "`loss.tolist()` of a 0-d tensor is a Python float.",
}

q7 = choice_question(
    "08.q7",
    "Which lines keep every step's graph alive?",
    correct="AC",
    why=_Q7_WHY,
    remark="A and C keep a reference to each step's graph; the others keep a number or a tensor without a graph.",
    hints=(
        "A graph lives as long as some tensor with a `grad_fn` refers to it.",
        "Which lines keep a tensor that requires grad, and which keep a Python number or a detached tensor?",
    ),
    mistakes=(
        mistake(lambda cell: {"A"}, "C does too"),
        mistake(lambda cell: {"A", "C", "D"}, "D does not"),
        mistake(lambda cell: {"A", "C", "E"}, "E does not"),
    ),
)
