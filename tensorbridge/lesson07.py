"""Lesson 07's checks: the bug hunt. Six planted bugs, one question each, and a report over all of them.

The exercise notebook is a small training pipeline with the bugs in it. Each question inspects the objects
the pipeline made (a dataset, parameter tensors, arrays, a function) and says whether its bug is still there;
``bug_report(globals())`` runs all six and says which remain, each with the lesson that covers it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

# The first optimizer a session makes loads `torch._dynamo`, about a second's wait on a laptop. The exercise
# imports its checks from here in its first cell, so loading it now puts that wait in the import cell, and the
# cell that trains runs as quickly as it reads.
import torch._dynamo  # noqa: F401

from .devices import best_device, has_cuda
from .feedback import Feedback, Status, inline_html
from .memory import shares_memory
from .pipeline import (
    column_stats,
    first_features,
    negative_strides,
    not_binary,
    rescaled_columns,
    same_storage,
    stack_dataset,
)
from .questions import (
    LearnerCodeError,
    Mismatch,
    Question,
    a_type,
    call_learner,
    error_text,
    expect_array,
    expect_dtype,
    expect_shape,
    expect_tensor,
)

__all__ = ["b1", "b2", "b3", "b4", "b5", "b6", "best_device", "bug_report"]

# The pipeline's contract: 8 days of hourly readings (6 train, 2 test), 3 sensor columns, a 12-hour live feed.
HOURS, TRAIN_HOURS, LIVE_HOURS, FEATURES = 192, 144, 12, 3
OCCUPIED = 2  # the sensor column that holds 0 or 1


def _training_set(train_set: object) -> tuple[torch.Tensor, torch.Tensor]:
    """The training set's features and targets, read the way a DataLoader reads them, once its size is right."""
    not_a_dataset = Mismatch(
        f"`train_set` should be the training dataset (an `Hourly`); got {a_type(train_set)}, "
        "which does not give `(features, energy)` pairs for `train_set[i]`."
    )
    if isinstance(train_set, (np.ndarray, torch.Tensor, str, bytes)):
        raise not_a_dataset
    try:
        size = len(train_set)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        raise
    except BaseException:
        raise not_a_dataset from None
    if size != TRAIN_HOURS:  # before reading any item: a huge dataset is not walked
        raise Mismatch(f"`train_set` has {size} items; the first six days are {TRAIN_HOURS} hours.")
    try:
        features, targets = stack_dataset(train_set)
    except KeyboardInterrupt:
        raise
    except BaseException:
        raise not_a_dataset from None
    expect_shape(features, (TRAIN_HOURS, FEATURES), "`train_set`'s stacked feature tensor")
    expect_shape(targets, (TRAIN_HOURS,), "`train_set`'s stacked target tensor")
    return features, targets


def _from_data_cell(value: object, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """An array the data cell made, which the check reads to judge another variable: a changed one is named."""
    try:
        array = expect_array(value, f"`{name}`")
        expect_shape(array, shape, f"`{name}`")
        if array.dtype.kind != "f":
            raise Mismatch(f"`{name}` has dtype `{array.dtype}`; the data cell makes floats.")
    except Mismatch as mismatch:
        raise Mismatch(
            f"the check needs `{name}` from the data cell: {mismatch.message}",
            "Run the notebook again from the top, so that the data cell makes it afresh.",
        ) from None
    return array


# ---- b1: the dataset standardises `sensors` in place through shared memory (lesson 01) --------------


def _check_b1(train_set: object, sensors: object) -> str:
    sensors = _from_data_cell(sensors, "sensors", (HOURS, FEATURES))
    features, _ = _training_set(train_set)
    first = first_features(train_set)
    if isinstance(first, torch.Tensor) and shares_memory(first, sensors):
        raise Mismatch(
            "`train_set`'s features share memory with `sensors`: `torch.from_numpy` made no copy, so standardising "
            "the features in place (`-=`, `/=`) standardised `sensors` too. Nothing raises, but every later use "
            "of `sensors` sees the wrong numbers: the test days' occupied hours and temperatures that the "
            "evaluation cell prints, and the plot's temperature axis.",
            "Give the dataset its own copy of the readings, then run the notebook again from the top.",
        )
    odd = not_binary(sensors[:, OCCUPIED])
    if odd.size:
        shown = ", ".join(f"{v:.2f}" for v in odd[:2])
        raise Mismatch(
            f"`sensors` no longer holds the logged readings: its *occupied* column, 0 or 1 as logged, now holds "
            f"{shown}. It was changed in place, through a tensor that shares its memory.",
            "If you have already given the dataset its own copy, run the notebook again from the top: the array "
            "keeps the change until the cell that makes it runs again.",
        )
    mean, std = column_stats(features)
    if not (np.allclose(mean, 0, atol=1e-3) and np.allclose(std, 1, atol=1e-3)):
        raise Mismatch(
            "`train_set`'s features are not standardised any more: their column means are "
            f"{np.round(mean, 2).tolist()} and their standard deviations {np.round(std, 2).tolist()} "
            "(expected 0 and 1). Keep the standardisation; give it a copy to work on."
        )
    return "the dataset standardises its own copy, and `sensors` stays as logged."


b1 = Question(
    "07.b1",
    "The dataset gets its own copy of the readings",
    _check_b1,
    (
        "Lessons 01 and 05 cover this: which constructors share the array's memory (01), and what an in-place "
        "change through a tensor that shares it does to the array (05). The symptom: the evaluation cell's first "
        "line, the test days' occupied hours and temperatures, against what the data cell says they are.",
        "`torch.from_numpy(readings)` wraps the array's memory, so the in-place `-=` and `/=` in `Hourly.__init__` "
        "change `sensors` as well. Give the dataset its own copy.",
        "In `Hourly.__init__`: `self.x = torch.tensor(readings, dtype=torch.float32)`. It copies, so standardising "
        "it in place leaves `sensors` alone. Then run the notebook again from the top.",
    ),
    "# in Hourly.__init__: a copy, which the in-place standardisation may change\n"
    "self.x = torch.tensor(readings, dtype=torch.float32)",
    given=("sensors",),
)


# ---- b2: float64 targets from the meter (lesson 02) ----------------------------------------------------


def _check_b2(train_set: object) -> str:
    features, targets = _training_set(train_set)
    if targets.dtype == torch.float64:
        raise Mismatch(
            "`train_set` gives float64 targets: `energy` comes from the meter as float64, and `torch.from_numpy` "
            "keeps the array's dtype. The model computes in float32, and the backward pass of `F.huber_loss` "
            "refuses the mix: `RuntimeError: Found dtype Double but expected Float`. On a Mac's `mps` device it "
            "fails earlier, when the batch moves there: `TypeError: Cannot convert a MPS Tensor to "
            "float64 dtype`, since MPS has no float64.",
            "Casting each batch in the loop (`yb.float()`) runs, but every other use of the dataset needs the same "
            "cast. Fix it once, where the targets become a tensor.",
        )
    expect_dtype(targets, torch.float32, "`train_set`'s target tensor")
    expect_dtype(features, torch.float32, "`train_set`'s feature tensor")
    return "features and targets are float32 from the start, like the model."


b2 = Question(
    "07.b2",
    "Targets in float32, from the dataset",
    _check_b2,
    (
        "Lesson 02 covers this: NumPy's float64 default meets torch's float32. Compare the two dtypes the "
        "one-batch cell prints (on a Mac's `mps` device, the line after the print raises a `TypeError` about "
        "float64: the same bug).",
        "`energy` is float64, and `torch.from_numpy` keeps that dtype. Ask for float32 where the targets become "
        "a tensor, in the dataset.",
        "In `Hourly.__init__`: `self.y = torch.tensor(energy, dtype=torch.float32)`.",
    ),
    "# in Hourly.__init__\nself.y = torch.tensor(energy, dtype=torch.float32)",
)


# ---- b3: the bias is not a leaf: `.to()` after requires_grad (lesson 04) -------------------------------


def _expect_trainable(value: object, name: str, shape: tuple[int, ...]) -> None:
    t = expect_tensor(value, f"`{name}`")
    if not t.requires_grad:
        raise Mismatch(f"`{name}` does not require grad: training cannot change it.")
    if not t.is_leaf:
        node = type(t.grad_fn).__name__
        raise Mismatch(
            f"`{name}` is not a leaf tensor: it is the output of an operation (its `grad_fn` is `{node}`) on "
            "another tensor that requires grad. The gradient flows past it to that hidden tensor, so "
            f"`{name}.grad` stays `None`, and the optimizer refuses it: `can't optimize a non-leaf Tensor`.",
            "Make it in one call, with the dtype, device and `requires_grad=True` it needs.",
        )
    expect_dtype(t, torch.float32, f"`{name}`")
    expect_shape(t, shape, f"`{name}`")
    device = best_device().type
    if t.device.type != device:
        raise Mismatch(f"`{name}` is on `{t.device}`; the pipeline runs on `{device}`, as `best_device()` says.")


def _check_b3(b: object, w: object) -> str:
    _expect_trainable(b, "b", (1,))
    _expect_trainable(w, "w", (1, FEATURES))
    return "`w` and `b` are float32 leaves on the pipeline's device: the optimizer can train them."


b3 = Question(
    "07.b3",
    "A bias the optimizer can train",
    _check_b3,
    (
        "Lesson 04 covers this: `.to()`, `.cuda()` or `.float()` on a tensor that requires grad returns a new "
        "tensor, and that one is not a leaf.",
        "`torch.tensor([...], dtype=torch.float64, requires_grad=True)` makes a float64 leaf; "
        "`.to(device, torch.float32)` then makes a float32 copy of it, and the copy is what `b` names. Keeping the "
        "mean in float64 gains nothing: the model computes in float32.",
        "`b = torch.tensor([y_train.mean()], dtype=torch.float32, device=device, requires_grad=True)`",
    ),
    "b = torch.tensor([y_train.mean()], dtype=torch.float32, device=device, requires_grad=True)",
    given=("w",),
)


# ---- b4: the "before training" snapshot is a view of the weights (lesson 03) ---------------------------


def _expect_snapshot(
    saved_value: object, param_value: object, name: str, param_name: str, start: np.ndarray, what_start: str
) -> None:
    """Raise unless ``saved`` is a copy of ``param`` that holds its starting values (``start``, ``what_start``)."""
    saved = expect_tensor(saved_value, f"`{name}`")
    try:
        param = expect_tensor(param_value, f"`{param_name}`")
    except Mismatch as mismatch:
        raise Mismatch(f"the check needs the model's `{param_name}` too: {mismatch.message}") from None
    if same_storage(saved, param):
        raise Mismatch(
            f"`{name}` shares memory with `{param_name}`: `detach()` returns a new tensor over the same memory, "
            f"not a copy. Every `optimizer.step()` updates `{param_name}` in place, so `{name}` follows it, and "
            "'before training' shows the trained model.",
            "Detach, then clone.",
        )
    if saved.requires_grad:
        raise Mismatch(f"`{name}` requires grad: it is still part of autograd's graph. Detach it before you copy.")
    expect_shape(saved, tuple(param.shape), f"`{name}`")
    if saved.device != param.device:
        raise Mismatch(f"`{name}` is on `{saved.device}` and `{param_name}` on `{param.device}`; keep them together.")
    # compared with the known starting values, not with `param`: training may not have run yet (bug b3)
    values = saved.detach().cpu().double().numpy()
    if not np.allclose(values, start, rtol=1e-5, atol=1e-5):
        if torch.equal(saved, param.detach()):
            raise Mismatch(
                f"`{name}` holds the trained values, not {what_start}: copy `{param_name}` before training starts."
            )
        raise Mismatch(
            f"`{name}` holds {np.round(values, 2).ravel().tolist()}, not {what_start}: copy `{param_name}` right "
            "after it is made."
        )


def _check_b4(w_start: object, b_start: object, w: object, b: object, y_train: object) -> str:
    average = float(np.mean(_from_data_cell(y_train, "y_train", (TRAIN_HOURS,))))
    _expect_snapshot(w_start, w, "w_start", "w", np.zeros((1, FEATURES)), "`w`'s starting zeros")
    _expect_snapshot(
        b_start, b, "b_start", "b", np.array([average]), f"`b`'s starting value (the average use, {average:.2f} kWh)"
    )
    return "`w_start` and `b_start` are copies: they keep the weights from before training."


b4 = Question(
    "07.b4",
    "A snapshot of the weights that training does not change",
    _check_b4,
    (
        "Lesson 03 covers this: what `detach()` returns, and when you want a copy instead.",
        "`w.detach()` is a tensor over the same memory as `w`. The optimizer updates `w` in place, so the "
        "snapshot changes with it: compare the two errors the evaluation prints.",
        "`w_start, b_start = w.detach().clone(), b.detach().clone()`",
    ),
    "w_start, b_start = w.detach().clone(), b.detach().clone()",
    given=("b_start", "w", "b", "y_train"),
)


# ---- b5: `.cpu().numpy()` on a model output that requires grad (lessons 03 and 04) ---------------------


def _outputs() -> list[tuple[str, torch.Tensor]]:
    """Tensors like the ones the model returns: in the graph, on the CPU and, where there is one, on a GPU."""
    cases = [
        ("a model output that requires grad", torch.tensor([1.0, 2.0, 3.0], requires_grad=True) * 2),
        ("a tensor that does not require grad", torch.tensor([2.0, 4.0, 6.0])),
    ]
    if has_cuda():
        cases.append(
            ("a model output on the GPU", torch.tensor([1.0, 2.0, 3.0], device="cuda", requires_grad=True) * 2)
        )
    return cases


def _why(error: str) -> str:
    if "requires grad" in error:
        return (
            "`.cpu()` copies a tensor to host memory (or, on the CPU, returns it as it is), but the result is still "
            "in autograd's graph, and `.numpy()` refuses any tensor that requires grad. Leave the graph first."
        )
    if "device type tensor" in error:
        return "NumPy reads only CPU memory: copy the tensor to the CPU first."
    return "Fix the error and run the cell that defines `to_numpy` again."


def _check_b5(to_numpy: object) -> str:
    if not callable(to_numpy):
        raise Mismatch(f"pass the function itself, `b5.check(to_numpy)`; got {a_type(to_numpy)}.")
    for case, t in _outputs():
        try:
            result = call_learner(to_numpy, t)
        except LearnerCodeError as raised:
            error = error_text(raised.__cause__ or raised)
            raise Mismatch(f"`to_numpy` raises on {case}: `{error}`", _why(error)) from None
        result = expect_array(result, f"what `to_numpy` returns for {case}")
        expect_dtype(result, np.dtype(np.float32), f"what `to_numpy` returns for {case}")
        expected = t.detach().cpu().numpy()
        if result.shape != expected.shape:
            raise Mismatch(
                f"`to_numpy` changes the shape of {case}: got `{result.shape}`, expected `{expected.shape}`."
            )
        if not np.array_equal(result, expected):
            raise Mismatch(
                f"`to_numpy` changes the values of {case}: got {result.tolist()}, expected {expected.tolist()}."
            )
    return "`to_numpy` leaves the graph, then the device, and only then asks NumPy."


b5 = Question(
    "07.b5",
    "`to_numpy` for a model output that requires grad",
    _check_b5,
    (
        "Lesson 03 covers this, and lesson 04 for GPUs: what stands between a model's output and NumPy.",
        "`.cpu()` moves a tensor to host memory but keeps it in autograd's graph; `.numpy()` refuses any tensor "
        "that requires grad. Leave the graph first, then the device.",
        "`return t.detach().cpu().numpy()` (or `return t.numpy(force=True)`).",
    ),
    "def to_numpy(t):\n    return t.detach().cpu().numpy()",
)


# ---- b6: the live feed, flipped into time order, has negative strides (lesson 05) ----------------------


def _expect_time_order(
    today_value: object, live_value: object, name: str, live_name: str, shape: tuple[int, ...]
) -> bool:
    """Raise unless ``today`` is ``live`` oldest first, in forward memory; True if it was rescaled in place since."""
    live = _from_data_cell(live_value, live_name, shape)
    today = expect_array(today_value, f"`{name}`")
    expect_shape(today, live.shape, f"`{name}`")
    in_order = np.allclose(today, live[::-1], rtol=1e-5, atol=1e-5)
    # the dataset may have standardised the readings in place since (bug b1): the order is what counts here
    rescaled = not in_order and rescaled_columns(today, live[::-1]) and not rescaled_columns(today, live)
    in_order = in_order or rescaled
    if not in_order and np.allclose(today, live, rtol=1e-5, atol=1e-5):
        raise Mismatch(f"`{name}` is newest first, like the live feed; the pipeline wants the hours oldest first.")
    if not in_order:
        raise Mismatch(f"`{name}` does not hold `{live_name}`'s readings in time order (oldest first).")
    if negative_strides(today):
        raise Mismatch(
            f"`{name}` is a reversed view of `{live_name}` (strides {today.strides}): it steps backwards through "
            "memory, and no torch constructor accepts that (`ValueError: At least one stride in the given numpy "
            "array is negative`).",
            "If the cell that flags today's hours runs anyway, your dataset copies what it is given (a `.copy()` or "
            "`.astype()` in `Hourly`): that hides the reversed view there, and only there. `torch.from_numpy` or "
            f"`torch.tensor` on `{name}` anywhere else still raises.",
            "Flip it and copy it once, where it is made, so that every later use gets an ordinary array.",
        )
    return rescaled


def _check_b6(today_sensors: object, today_energy: object, live_sensors: object, live_energy: object) -> str:
    rescaled = _expect_time_order(today_sensors, live_sensors, "today_sensors", "live_sensors", (LIVE_HOURS, FEATURES))
    _expect_time_order(today_energy, live_energy, "today_energy", "live_energy", (LIVE_HOURS,))
    remark = "today's readings run oldest first, in memory that torch can wrap."
    if rescaled:
        remark += " (The dataset has since standardised `today_sensors` in place: that is bug b1's doing.)"
    return remark


b6 = Question(
    "07.b6",
    "Today's readings in time order, in memory torch accepts",
    _check_b6,
    (
        "Lesson 05 covers this: negative strides, and why torch refuses them.",
        "`live_sensors[::-1]` is a view that walks the array backwards (a negative stride). Make one forward copy "
        "where you flip it, for the energy readings too. A copy inside the dataset (`.copy()`, `.astype()`) makes "
        "the error go away too, but only there: the arrays themselves still run backwards.",
        "`today_sensors = np.ascontiguousarray(live_sensors[::-1])` and "
        "`today_energy = np.ascontiguousarray(live_energy[::-1])` (or `.copy()` on each).",
    ),
    "today_sensors = np.ascontiguousarray(live_sensors[::-1])\ntoday_energy = np.ascontiguousarray(live_energy[::-1])",
    given=("today_energy", "live_sensors", "live_energy"),
)


# ---- the report over all six -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bug:
    question: Question
    names: tuple[str, ...]  # the notebook variables its check reads, in the order check() takes them
    lessons: tuple[str, ...]
    topic: str

    @property
    def handle(self) -> str:
        return self.question.qid.split(".")[-1]

    @property
    def where_taught(self) -> str:
        """'lesson 02' or 'lessons 01 and 05'."""
        if len(self.lessons) == 1:
            return f"lesson {self.lessons[0]}"
        return f"lessons {', '.join(self.lessons[:-1])} and {self.lessons[-1]}"

    @property
    def label(self) -> str:
        return f"{self.handle}, {self.where_taught} ({self.topic})"


BUGS = (
    Bug(b1, ("train_set", "sensors"), ("01", "05"), "memory shared by an array and a tensor"),
    Bug(b2, ("train_set",), ("02",), "dtypes"),
    Bug(b3, ("b", "w"), ("04",), "a tensor that requires grad, moved or cast"),
    Bug(b4, ("w_start", "b_start", "w", "b", "y_train"), ("03",), "`detach()` and copies"),
    Bug(b5, ("to_numpy",), ("03", "04"), "tensor to NumPy, on any device"),
    Bug(b6, ("today_sensors", "today_energy", "live_sensors", "live_energy"), ("05",), "negative strides"),
)


def _check_bug(bug: Bug, namespace: Mapping[str, Any]) -> Feedback:
    """One bug's verdict from the notebook's variables, with the lesson that covers it when it remains."""
    missing = [name for name in bug.names if name not in namespace]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        feedback = Feedback(
            Status.NOT_ATTEMPTED,
            bug.question.qid,
            f"{names} {'is' if len(missing) == 1 else 'are'} not defined: run the notebook from the top.",
        )
    else:
        feedback = bug.question.check(*(namespace[name] for name in bug.names))
    if feedback.solved:
        return feedback
    verb = "covers" if len(bug.lessons) == 1 else "cover"
    pointer = f"{bug.where_taught.capitalize()} ({bug.topic}) {verb} this; `{bug.handle}.hint()` gives a hint."
    return Feedback(feedback.status, feedback.question, feedback.message, (*feedback.details, pointer))


def _state(result: Feedback) -> str:
    """A bug's state in one line, giving nothing away about where it is."""
    if result.solved:
        return "fixed"
    if result.status is Status.NOT_ATTEMPTED:
        return f"not checked: {result.message}"
    return "not fixed yet"


@dataclass(frozen=True)
class Report:
    """The verdict on every planted bug, one line each, or in full with ``details``; text and HTML."""

    results: tuple[Feedback, ...]
    details: bool = False

    @property
    def remaining(self) -> int:
        return sum(not result.solved for result in self.results)

    @property
    def headline(self) -> str:
        total = len(self.results)
        if not self.remaining:
            return f"All {total} bugs fixed: the pipeline trains, and every conversion does what it should."
        more = "" if self.details else " `bug_report(globals(), details=True)` says what each check found."
        return f"{self.remaining} of {total} bugs remain ({total - self.remaining} fixed).{more}"

    def _lines(self) -> list[tuple[Feedback, str]]:
        return [
            (result, f"{'✓' if result.solved else '✗'} {bug.label}: {_state(result)}")
            for bug, result in zip(BUGS, self.results, strict=True)
        ]

    def text(self) -> str:
        symbol = "✓" if not self.remaining else "✗"
        body = [result.text() for result in self.results] if self.details else [line for _, line in self._lines()]
        return "\n".join([f"{symbol} {self.headline}", *body])

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        colour = "#2e7d32" if not self.remaining else "#c62828"
        head = f"<p style='margin:.2em 0'><strong style='color:{colour}'>{inline_html(self.headline)}</strong></p>"
        if self.details:
            return head + "".join(result._repr_html_() for result in self.results)
        items = "".join(
            f"<li style='color:{'#2e7d32' if result.solved else '#c62828'}'>{inline_html(line)}</li>"
            for result, line in self._lines()
        )
        return f"{head}<ul style='list-style:none;padding-left:.5em;margin:.2em 0'>{items}</ul>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        data = {"text/plain": self.text(), "text/html": self._repr_html_()}
        bugs = {result.question: result.status.value for result in self.results}
        return data, {"tensorbridge": {"question": "07.report", "bugs": bugs}}


def bug_report(namespace: object, details: bool = False) -> Report:
    """Check every bug against the notebook's variables: ``bug_report(globals())``. Never raises.

    One line per bug says whether it remains and which lesson covers it; ``details=True`` adds what each check
    found, which says where the bug is.
    """
    details = details is True
    if not isinstance(namespace, Mapping):
        message = f"pass the notebook's variables, `bug_report(globals())`; got {a_type(namespace)}."
        return Report(tuple(Feedback(Status.NOT_ATTEMPTED, bug.question.qid, message) for bug in BUGS), details)
    results = []
    for bug in BUGS:
        try:
            results.append(_check_bug(bug, namespace))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a mapping odd enough to fail on lookup
            text = f"the notebook's variables could not be read (`{type(exc).__name__}`)."
            results.append(Feedback(Status.NOT_ATTEMPTED, bug.question.qid, text))
    return Report(tuple(results), details)
