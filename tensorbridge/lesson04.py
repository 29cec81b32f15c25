"""Lesson 04's questions, on GPU code that every machine can check, and the helpers the lesson's cells use.

No check needs a GPU. A function the learner writes is run on the CPU; on the ``meta`` device (shapes and
dtypes without data, present on every machine), which stands in for "another device" and exposes the bugs
the CPU hides (``.to('cpu')`` returns the very same tensor); on CUDA as well where it exists; and, to check
a device choice, under simulated answers to ``torch.cuda.is_available()``. One question also reads the
function's source, for the one thing no run on the CPU can show: where it waits for the GPU.
"""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch

# The lesson's first optimizer, and its first error between devices on `meta`, each load `torch._dynamo`: about
# a second's wait on a laptop. The lesson imports from here in its first cell, so loading it now puts that wait
# in the import cell, and the cells that show those errors answer at once in a live demo.
import torch._dynamo  # noqa: F401

from .devices import best_device, has_cuda
from .feedback import Status
from .questions import (
    ACCEPTED,
    Example,
    LearnerCodeError,
    Mismatch,
    Question,
    ____,
    a_type,
    call_learner,
    defined,
    describe,
    expect_array,
    expect_choices,
    expect_dtype,
    expect_shape,
    expect_tensor,
    expect_values,
    mistake,
    perturbed,
    right,
    wrong_type,
)
from .transfers import recorded, recorded_sweep, sweep

__all__ = [
    "____",
    "best_device",
    "has_cuda",
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "q6",
    "q7",
    "q8",
    "recorded",
    "recorded_sweep",
    "simulated_machine",
    "sweep",
]

META = torch.device("meta")
_META_NOTE = (
    "The check also runs your function on the `meta` device, which holds shapes but no data and exists on every "
    "machine: it stands in for a GPU, where the CPU would hide this (`.to('cpu')` returns the very same tensor)."
)


def _expect_function(answer: object, call: str) -> Callable[..., Any]:
    if not callable(answer) or isinstance(answer, type):
        raise Mismatch(f"pass your function itself, `{call}`; got {a_type(answer)}.")
    return answer


def _run(fn: Callable[..., Any], where: str, *args: Any, advice: str = "") -> Any:
    """Call the learner's function, naming the case in any error it raises."""
    try:
        return call_learner(fn, *args)
    except LearnerCodeError as error:
        message = f"{where}, {error}"
        if advice and ("CUDA" in message or "accelerator" in message):
            message += f" {advice}"
        raise LearnerCodeError(message) from error


def _linear(n_in: int, n_out: int) -> torch.nn.Linear:
    """A layer with fixed weights, so that expected values never depend on a random seed."""
    layer = torch.nn.Linear(n_in, n_out)
    with torch.no_grad():
        layer.weight.copy_(torch.linspace(-1, 1, n_in * n_out).reshape(n_out, n_in))
        layer.bias.copy_(torch.linspace(0, 1, n_out))
    return layer


def _model_device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


# ---- q1: pick the device once ------------------------------------------------------------------

_MACHINES = (
    ("a machine with an NVIDIA GPU", True, False, "cuda"),
    ("a Mac with an Apple GPU", False, True, "mps"),
    ("a laptop with neither", False, False, "cpu"),
)


@contextmanager
def simulated_machine(cuda: bool, mps: bool) -> Iterator[None]:
    """Answer "is CUDA (or MPS) available?" as another machine would, without touching any device."""
    kind = "cuda" if cuda else "mps" if mps else None
    fakes: list[tuple[Any, str, Callable[..., Any]]] = [
        (torch.cuda, "is_available", lambda: cuda),
        (torch.cuda, "device_count", lambda: int(cuda)),
        (torch.cuda, "get_device_name", lambda *_: "a simulated GPU"),
        (torch.backends.mps, "is_available", lambda: mps),
    ]
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None:
        fakes.append((accelerator, "is_available", lambda: kind is not None))
        fakes.append((accelerator, "current_accelerator", lambda *_, **__: torch.device(kind) if kind else None))
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in fakes if hasattr(owner, name)]
    try:
        for owner, name, fake in fakes:
            if hasattr(owner, name):
                setattr(owner, name, fake)
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


_Q1_ADVICE = {
    "cuda": "Ask `torch.cuda.is_available()` first: where an NVIDIA GPU exists it is the one to use.",
    "mps": "After CUDA, ask `torch.backends.mps.is_available()`: that is the Apple GPU.",
    "cpu": "With no GPU at all, the CPU is what is left.",
}


def _q1_advice(got: str, expected: str, cuda: bool, mps: bool) -> str:
    present = {"cuda": cuda, "mps": mps, "cpu": True}
    if not present.get(got, False):
        return f"That machine has no `{got}`: `.to(device)` would raise there. Ask before you pick."
    return _Q1_ADVICE[expected]


def _check_q1(answer: object) -> str:
    fn = _expect_function(answer, "q1.check(pick_device)")
    for machine, cuda, mps, expected in _MACHINES:
        with simulated_machine(cuda, mps):
            result = _run(fn, f"on {machine}")
        if isinstance(result, str):
            raise Mismatch(
                f"on {machine}, your function returned the string `{describe(result)}`; return a `torch.device`, "
                f"such as `torch.device({expected!r})`.",
                "A string works in `.to()`, but code that asks `device.type` needs a `torch.device`.",
            )
        if not isinstance(result, torch.device):
            raise wrong_type(result, "a `torch.device`", f"on {machine}, your result")
        if result.type != expected:
            raise Mismatch(
                f"on {machine}, your function returned `{result}`; expected `{expected}`.",
                _q1_advice(result.type, expected, cuda, mps),
            )
    return "one `torch.device`, chosen once: everything after it says `.to(device)` and runs anywhere."


q1 = Question(
    "04.q1",
    "Pick the device once",
    _check_q1,
    (
        "Three questions, in order: is there CUDA? is there an Apple GPU (MPS)? otherwise the CPU.",
        "`torch.cuda.is_available()` and `torch.backends.mps.is_available()` answer them; "
        "`torch.device('cuda')` makes the answer.",
        "`return torch.device('cuda' if torch.cuda.is_available() else "
        "'mps' if torch.backends.mps.is_available() else 'cpu')`",
    ),
    "def pick_device():\n"
    "    if torch.cuda.is_available():\n"
    "        return torch.device('cuda')\n"
    "    if torch.backends.mps.is_available():\n"
    "        return torch.device('mps')\n"
    "    return torch.device('cpu')",
    examples=(
        right(lambda cell: defined(q1.answer)),
        right(lambda cell: lambda: torch.device(best_device())),
        mistake(lambda cell: lambda: "cuda" if torch.cuda.is_available() else "cpu", "returned the string `'cuda'`"),
        mistake(lambda cell: lambda: torch.device("cuda"), "That machine has no `cuda`"),
        mistake(lambda cell: lambda: torch.device("cuda" if torch.cuda.is_available() else "cpu"), "expected `mps`"),
        mistake(lambda cell: lambda: None, "is `None`"),
        mistake(lambda cell: torch.device("cpu"), "pass your function itself"),
    ),
)

# ---- q2: weights that never get gradients -----------------------------------------------------------


def _expect_leaf(w: torch.Tensor, where: str) -> None:
    if w.is_leaf:
        return
    node = w.grad_fn.name() if w.grad_fn is not None else "an operation"
    raise Mismatch(
        f"{where}, your weights are not a leaf: `{node}` made them, so `backward()` leaves their `.grad` at "
        "`None` and an optimizer refuses them.",
        "`.to(device)` after `requires_grad=True` records the move as a copy: the gradient goes to the CPU "
        "tensor it copied from, which has no name.",
        "Create them on the device, or move first and then call `.requires_grad_()`.",
    )


def _expect_weights(w: object, device: torch.device, where: str) -> torch.Tensor:
    w = expect_tensor(w, f"{where}, your weights")
    if w.device.type != device.type:
        raise Mismatch(f"{where}, your weights are on `{w.device}`; they belong on `{device}`, the device passed in.")
    expect_shape(w, (3,), "your weight tensor")
    expect_dtype(w, torch.float32, "your weight tensor")
    if not w.requires_grad:
        raise Mismatch(
            "your weights do not require grad: `backward()` computes no gradient for them, so training never "
            "changes them.",
            "Pass `requires_grad=True` when you create them, or call `.requires_grad_()`.",
        )
    _expect_leaf(w, where)
    return w


def _check_q2(answer: object) -> str:
    fn = _expect_function(answer, "q2.check(init_weights)")
    cpu = torch.device("cpu")
    w = _expect_weights(_run(fn, "on the CPU", cpu), cpu, "on the CPU")
    try:
        expect_values(w, np.zeros(3), "your weight tensor")
    except Mismatch as mismatch:
        raise Mismatch(
            mismatch.message, "Keep them zeros: the fix is where the weights are made, not what they hold."
        ) from None
    try:
        _expect_weights(_run(fn, "on the `meta` device", META), META, "on the `meta` device")
    except Mismatch as mismatch:
        raise Mismatch(mismatch.message, *mismatch.details, _META_NOTE) from None
    if has_cuda():
        gpu = torch.device("cuda")
        w = _expect_weights(_run(fn, "on the GPU", gpu), gpu, "on the GPU")
        (w * 2).sum().backward()
        if w.grad is None:
            raise Mismatch("on the GPU, `backward()` left your weights' `.grad` at `None`.")
    return "the weights are leaves wherever they live: `backward()` fills their `.grad` and an optimizer takes them."


q2 = Question(
    "04.q2",
    "This training loop's weights never get gradients: fix it",
    _check_q2,
    (
        "On a GPU, `w.is_leaf` is `False`: `.to(device)` came after `requires_grad=True`, and autograd recorded it.",
        "Make the tensor where it will live, with `device=device`, and ask for grad at the same time.",
        "`return torch.zeros(3, device=device, requires_grad=True)` (or `torch.zeros(3).to(device).requires_grad_()`)",
    ),
    "def init_weights(device):\n    return torch.zeros(3, device=device, requires_grad=True)",
    examples=(
        right(lambda cell: lambda device: torch.zeros(3, device=device, requires_grad=True)),
        right(lambda cell: lambda device: torch.zeros(3).to(device).requires_grad_()),
        mistake(lambda cell: lambda device: torch.zeros(3, requires_grad=True).to(device), "not a leaf"),
        mistake(lambda cell: lambda device: torch.zeros(3, device=device), "do not require grad"),
        mistake(lambda cell: lambda device: torch.ones(3, device=device, requires_grad=True), "Keep them zeros"),
        mistake(lambda cell: lambda device: torch.zeros(3, requires_grad=True), "they belong on `meta`"),
        *perturbed(
            lambda cell: lambda device: torch.zeros(3, device=device, requires_grad=True),
            dtype="dtype `torch.float64`",
            copy="not a leaf",
            shape="shape `(1, 3)`",
            device="your weights are on `meta`; they belong on `cpu`",
        ),
    ),
)

# ---- q3: a batch onto the model's device ----------------------------------------------------------

_CUDA_ADVICE = "`.cuda()` works only where CUDA exists: use `.to(...)` with the device the model is on."


def _q3_models() -> list[tuple[str, Callable[[], torch.nn.Module]]]:
    models: list[tuple[str, Callable[[], torch.nn.Module]]] = [
        ("for a model on the CPU", lambda: _linear(4, 2)),
        ("for a model on the `meta` device", lambda: _linear(4, 2).to(META)),
    ]
    if has_cuda():
        models.append(("for a model on the GPU", lambda: _linear(4, 2).cuda()))
    return models


def _check_q3(answer: object) -> str:
    fn = _expect_function(answer, "q3.check(to_model_device)")
    values = np.arange(8.0).reshape(2, 4)
    for where, make in _q3_models():
        model = make()
        device = _model_device(model)
        moved = _run(fn, where, torch.tensor(values, dtype=torch.float32), model, advice=_CUDA_ADVICE)
        if _model_device(model) != device:
            raise Mismatch(f"{where}, your function moved the model to `{_model_device(model)}`; move the batch.")
        batch = expect_tensor(moved, f"{where}, your batch")
        if batch.device.type != device.type:
            details = ["Ask the model where it is: `next(model.parameters()).device`."]
            if device.type == "meta":
                details.append(_META_NOTE)
            raise Mismatch(
                f"{where}, your batch is on `{batch.device}`; the model is on `{device}`, and a layer needs its "
                "input on its own device.",
                *details,
            )
        expect_shape(batch, (2, 4), "your batch")
        expect_dtype(batch, torch.float32, "your batch")
        if device.type != "meta":
            expect_values(batch, values, "your batch")
    return "`next(model.parameters()).device` says where a model lives; `.to()` it, whatever device that is."


q3 = Question(
    "04.q3",
    "Move a batch to the model's device",
    _check_q3,
    (
        "A model has no `.device`, but each of its parameters does.",
        "`next(model.parameters())` is the first parameter; its `.device` is where the model lives.",
        "`return batch.to(next(model.parameters()).device)`",
    ),
    "def to_model_device(batch, model):\n    return batch.to(next(model.parameters()).device)",
    examples=(
        right(lambda cell: lambda batch, model: batch.to(next(model.parameters()).device)),
        right(lambda cell: lambda batch, model: batch.to(model.weight.device)),
        mistake(lambda cell: lambda batch, model: batch, "your batch is on `cpu`; the model is on `meta`"),
        mistake(lambda cell: lambda batch, model: batch.cuda(), "`.cuda()` works only where CUDA exists", Status.ERROR)
        if not has_cuda()
        else right(lambda cell: lambda batch, model: batch.to(next(model.parameters()).device)),
        mistake(lambda cell: lambda batch, model: batch.to(best_device()), "the model is on `meta`"),
        *perturbed(
            lambda cell: lambda batch, model: batch.to(next(model.parameters()).device),
            dtype="dtype `torch.float64`",
            copy=ACCEPTED,
            shape="shape `(1, 2, 4)`",
            nan="different values",
            device="for a model on the CPU, your batch is on `meta`",
        ),
    ),
)

# ---- q4: predictions as NumPy from any device --------------------------------------------------------


def _numpy_on_device_error(fn: Callable[..., Any], model: torch.nn.Module, x: torch.Tensor) -> str | None:
    """Run ``fn`` on ``meta`` copies; the error text if it called ``.numpy()`` on a tensor off the CPU."""
    try:
        fn(copy.deepcopy(model).to(META), x.to(META))
    except TypeError as exc:
        return str(exc) if "numpy" in str(exc) else None
    except KeyboardInterrupt:
        raise
    except BaseException:  # copying out of `meta` fails too, and is what a function that works on a GPU does
        return None
    return None


def _check_q4(answer: object) -> str:
    fn = _expect_function(answer, "q4.check(predict_numpy)")
    model, x = _linear(3, 2), torch.linspace(-1, 1, 12).reshape(4, 3)
    expected = model(x).detach().numpy().astype(np.float64)
    a = expect_array(_run(fn, "for a model on the CPU", model, x), "your result")
    if a.dtype == np.float64:
        raise Mismatch(
            "your array is float64; the model's output is float32. Something converted it (`.tolist()`, "
            "`astype`, `np.array(..., dtype=float)`): return the tensor's own dtype."
        )
    expect_dtype(a, np.float32, "your array")
    expect_values(a, expected, "your array")
    error = _numpy_on_device_error(fn, model, x)
    if error is not None:
        raise Mismatch(
            "your function calls `.numpy()` on a tensor that is not on the CPU: on a GPU it raises "
            "`TypeError: can't convert cuda:0 device type tensor to numpy`.",
            f"On `meta` it raised `TypeError: {error}`",
            "Copy to the CPU first: `.cpu()`, or `numpy(force=True)`, which detaches and copies as needed.",
            _META_NOTE,
        )
    if has_cuda():
        a = expect_array(_run(fn, "for a model on the GPU", model.cuda(), x.cuda()), "on the GPU, your result")
        expect_shape(a, expected.shape, "on the GPU, your array")
        if not np.allclose(a, expected, rtol=1e-5, atol=1e-6):  # a GPU may round a sum differently
            raise Mismatch("on the GPU, your array holds different values from the model's predictions.")
    return "`y.detach().cpu().numpy()` (or `y.numpy(force=True)`) works for an output on any device."


q4 = Question(
    "04.q4",
    "Return predictions as a NumPy array, from any device",
    _check_q4,
    (
        "Two things stand between a model's output and NumPy: the autograd graph, and the device.",
        "`.detach()` leaves the graph; `.cpu()` brings the values to host memory, the only memory NumPy reads.",
        "`return model(x).detach().cpu().numpy()` (or `model(x).numpy(force=True)`)",
    ),
    "def predict_numpy(model, x):\n    return model(x).detach().cpu().numpy()",
    examples=(
        right(lambda cell: lambda model, x: model(x).detach().cpu().numpy()),
        right(lambda cell: lambda model, x: model(x).numpy(force=True)),
        mistake(lambda cell: lambda model, x: model(x).detach().numpy(), "not on the CPU"),
        mistake(lambda cell: lambda model, x: np.array(model(x).tolist()), "your array is float64"),
        mistake(lambda cell: lambda model, x: model(x).numpy(), "requires grad", Status.ERROR),
        *perturbed(
            lambda cell: lambda model, x: model(x).detach().cpu().numpy(),
            dtype="your array is float64",
            copy=ACCEPTED,
            shape="shape `(1, 4, 2)`",
            nan="different values",
            type="still a tensor",
        ),
    ),
)

# ---- q5: overlap the copies back, safely ----------------------------------------------------------


_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _source_calls(fn: Callable[..., Any]) -> dict[ast.Call, tuple[ast.AST, ...]] | None:
    """The calls in a function's source, each with the loops around it; None where the source cannot be read."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    calls: dict[ast.Call, tuple[ast.AST, ...]] = {}

    def visit(node: ast.AST, loops: tuple[ast.AST, ...]) -> None:
        if isinstance(node, ast.Call):
            calls[node] = loops
        inner = (*loops, node) if isinstance(node, _LOOPS) else loops
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, ())
    return calls


def _method(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _non_blocking_copy_back(call: ast.Call) -> bool:
    """``x.to('cpu', non_blocking=True)`` or ``host.copy_(x, non_blocking=True)``."""
    flag = any(
        k.arg == "non_blocking" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords
    )
    if not flag:
        return False
    return _method(call) == "copy_" or (_method(call) == "to" and "cpu" in ast.unparse(call))


_SYNC_ADVICE = (
    "Where there is no CUDA, `torch.cuda.synchronize()` raises: call it only when the device is CUDA "
    "(`if device.type == 'cuda':`)."
)


def _check_overlap(fn: Callable[..., Any]) -> bool:
    """Whether the source keeps a non-blocking copy back and waits after it, outside every loop around the copy;
    False when the source cannot be read."""
    calls = _source_calls(fn)
    if calls is None:
        return False
    copies = [call for call in calls if _non_blocking_copy_back(call)]
    if not copies:
        raise Mismatch(
            "your function is safe, but its copies back to the CPU no longer overlap: each one makes the CPU wait.",
            "Keep `y.to('cpu', non_blocking=True)` in the loop, and wait once, after the loop, before reading.",
        )
    waits = [call for call in calls if _method(call) == "synchronize"]
    copy_loops = {loop for call in copies for loop in calls[call]}
    if any(copy_loops.intersection(calls[call]) for call in waits):
        raise Mismatch(
            "your function waits inside the loop: a `synchronize()` there makes the CPU wait for each batch's copy "
            "before it queues the next batch, so nothing overlaps any more.",
            "The values come out right, which is why this looks fine; but it waits once per batch, as blocking "
            "copies do.",
            "Wait once, after the loop, before anything reads the copies.",
        )
    last = max((call.end_lineno or call.lineno, call.end_col_offset or 0) for call in copies)
    if not any((call.lineno, call.col_offset) >= last for call in waits):
        raise Mismatch(
            "your function reads the copies without waiting for them: after `.to('cpu', non_blocking=True)` the "
            "values arrive later, and on a GPU `torch.cat` can read them half-copied, with no error.",
            "On the CPU nothing is asynchronous, so the values come out right here: that is why this bug survives "
            "testing on a laptop.",
            "Wait once, after the loop: `torch.cuda.synchronize()` when the device is CUDA.",
        )
    return True


def _check_q5(answer: object) -> str:
    fn = _expect_function(answer, "q5.check(predict_all)")
    model = _linear(4, 2)
    batches = [torch.full((3, 4), float(i)) for i in range(4)]
    with torch.no_grad():
        expected = torch.cat([model(b) for b in batches]).numpy().astype(np.float64)
    a = expect_array(_run(fn, "for a model on the CPU", model, batches, advice=_SYNC_ADVICE), "your result")
    expect_dtype(a, np.float32, "your array")
    expect_values(a, expected, "your array")
    read = _check_overlap(fn)
    if has_cuda():
        gpu_model = _linear(1024, 1024).cuda()
        generator = torch.Generator().manual_seed(0)
        big = [torch.randn(2048, 1024, generator=generator) for _ in range(6)]
        with torch.no_grad():
            want = torch.cat([gpu_model(b.cuda()).cpu() for b in big]).numpy()
        got = expect_array(_run(fn, "for a model on the GPU", gpu_model, big), "on the GPU, your result")
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=1e-4):
            raise Mismatch("on the GPU, your result holds wrong values: it was read before the copies were done.")
    remark = "the CPU never waits inside the loop, and reads only after one synchronize."
    return remark if read else remark + " (The check could not read your function's source, so it checked values.)"


q5 = Question(
    "04.q5",
    "Make this transfer overlap with compute, safely",
    _check_q5,
    (
        "`y.to('cpu', non_blocking=True)` returns before the values have arrived; `torch.cat` reads them at once.",
        "Keep the non-blocking copies, and wait for all of them once, after the loop, before `torch.cat`.",
        "Before the `return`: `if device.type == 'cuda': torch.cuda.synchronize()`",
    ),
    "def predict_all(model, batches):\n"
    "    device = next(model.parameters()).device\n"
    "    outputs = []\n"
    "    with torch.no_grad():\n"
    "        for batch in batches:\n"
    "            y = model(batch.to(device, non_blocking=True))\n"
    "            outputs.append(y.to('cpu', non_blocking=True))\n"
    "    if device.type == 'cuda':\n"
    "        torch.cuda.synchronize(device)  # every copy back is done before anything reads them\n"
    "    return torch.cat(outputs).numpy()",
    examples=(
        right(lambda cell: defined(q5.answer)),
        mistake(lambda cell: defined(_Q5_PLANTED), "reads the copies without waiting for them"),
        mistake(
            lambda cell: defined(_Q5_PLANTED.replace("y.to('cpu', non_blocking=True)", "y.cpu()")),
            "no longer overlap",
        ),
        mistake(
            lambda cell: defined(
                _Q5_PLANTED.replace("outputs.append(y.to('cpu', non_blocking=True))", _Q5_WAIT_IN_LOOP)
            ),
            "waits inside the loop",
        ),
        mistake(
            lambda cell: defined(_Q5_PLANTED.replace("    return", "    torch.cuda.synchronize()\n    return")),
            "CUDA" if not has_cuda() else "",
            Status.ERROR if not has_cuda() else Status.CORRECT,
        ),
        *perturbed(
            lambda cell: defined(q5.answer),
            dtype="dtype `float64`",
            shape="shape `(1, 12, 2)`",
            nan="different values",
            type="still a tensor",
        ),
    ),
)

_Q5_PLANTED = (
    "def predict_all(model, batches):\n"
    "    device = next(model.parameters()).device\n"
    "    outputs = []\n"
    "    with torch.no_grad():\n"
    "        for batch in batches:\n"
    "            y = model(batch.to(device, non_blocking=True))\n"
    "            outputs.append(y.to('cpu', non_blocking=True))\n"
    "    return torch.cat(outputs).numpy()\n"
)
_Q5_WAIT_IN_LOOP = (
    "outputs.append(y.to('cpu', non_blocking=True))\n"
    "            if device.type == 'cuda':\n"
    "                torch.cuda.synchronize()"
)

# ---- q6: which calls wait for the GPU ----------------------------------------------------------------

_Q6_WHY = {
    "A": "`x @ x` only queues the product: the call returns before the GPU has computed it.",
    "B": "`.item()` needs the number in host memory, so it waits for the GPU to produce it.",
    "C": "`.cpu()` returns a filled CPU tensor, so it waits for the work queued before the copy.",
    "D": "`numpy(force=True)` copies to the CPU as `.cpu()` does, so it waits too.",
    "E": "with `non_blocking=True` the copy is queued and the call returns at once; reading it needs a wait first.",
    "F": "`torch.cuda.synchronize()` is the explicit wait: it returns when all queued work is done.",
}


def _check_q6(answer: object) -> str:
    expect_choices(answer, "BCDF", _Q6_WHY, "ABCDEF")
    return "whatever hands values to the host waits; launching work and non-blocking copies do not."


q6 = Question(
    "04.q6",
    "Which of these calls wait for the GPU?",
    _check_q6,
    (
        "A call waits when it must give the host values the GPU has not finished computing.",
        "Launching a computation never waits; a copy with `non_blocking=True` does not either.",
        "`.item()`, `.cpu()` and `.numpy(force=True)` all give the host values; `synchronize()` is a wait by name.",
    ),
    "answer = {'B', 'C', 'D', 'F'}",
    examples=(
        right(lambda cell: {"B", "C", "D", "F"}),
        Example("type", lambda cell: "bcdf", status=Status.CORRECT),
        mistake(lambda cell: {"A", "B", "C", "D", "F"}, "A does not"),
        mistake(lambda cell: {"B", "C", "D", "E", "F"}, "E does not"),
        mistake(lambda cell: {"B", "F"}, "C does too"),
    ),
)

# ---- q7: predict what as_tensor sees -----------------------------------------------------------------


def _pair(answer: object) -> tuple[float, float]:
    if isinstance(answer, (list, tuple)) and len(answer) == 2:
        try:
            first, second = (float(v) for v in answer)
        except (TypeError, ValueError):
            pass
        else:
            return first, second
    raise Mismatch(f"answer with a pair of numbers, `(on_cpu, on_cuda)`, such as `(0.0, 0.0)`; got {a_type(answer)}.")


def _check_q7(answer: object) -> str:
    on_cpu, on_cuda = _pair(answer)
    if (on_cpu, on_cuda) == (0.0, 1.0):
        raise Mismatch("the other way round: the CPU tensor shares the array's memory, the GPU one cannot.")
    if on_cpu != 1.0:
        raise Mismatch(
            f"on the CPU, `g[0]` is not {on_cpu:g}: `torch.as_tensor` of a float32 array on the CPU shares its "
            "memory (lesson 01), so the write to `a` shows."
        )
    if on_cuda != 0.0:
        raise Mismatch(
            f"on CUDA, `g[0]` is not {on_cuda:g}: a GPU has its own memory, so `as_tensor(..., device='cuda')` "
            "must copy, and the later write to `a` does not reach the copy."
        )
    return "on the CPU `as_tensor` shares when it can; a device change is always a copy."


q7 = Question(
    "04.q7",
    "Predict what `torch.as_tensor(a, device=...)` sees after `a` changes",
    _check_q7,
    (
        "Lesson 01: `as_tensor` shares the array's memory when no dtype or device change is needed.",
        "A GPU cannot use host memory as its own: moving there is always a copy, made at the moment of the call.",
    ),
    "answer = (1.0, 0.0)",
    examples=(
        right(lambda cell: (1.0, 0.0)),
        right(lambda cell: [1, 0]),
        mistake(lambda cell: (0.0, 1.0), "the other way round"),
        mistake(lambda cell: (0.0, 0.0), "on the CPU, `g[0]` is not 0"),
        mistake(lambda cell: (1.0, 1.0), "on CUDA, `g[0]` is not 1"),
        mistake(lambda cell: "1, 0", "pair of numbers"),
        Example("nan", lambda cell: (float("nan"), 0.0), "is not nan"),
        Example("type", lambda cell: np.array([1.0, 0.0]), "pair of numbers"),
    ),
)

# ---- q8: what a transfer costs ----------------------------------------------------------------------

_Q8_BYTES = 64 * 3 * 224 * 224 * 4
_Q8_MS = _Q8_BYTES / 50e9 * 1e3
_Q8_SLIPS = (
    (_Q8_MS / 4, "you counted elements, not bytes: each float32 is 4 bytes."),
    (_Q8_MS / 3, "an RGB image has 3 channels: 3 × 224 × 224 values each."),
    (_Q8_BYTES / (50 * 2**30) * 1e3, "you divided by GiB/s (2**30 bytes); a link's GB/s are 10**9 bytes per second."),
    (_Q8_MS * 1e-3, "that looks like seconds; answer in milliseconds."),
    (_Q8_MS * 1e3, "that looks like microseconds; answer in milliseconds."),
)


def _check_q8(answer: object) -> str:
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.floating, np.integer)):
        raise Mismatch(f"answer with a number of milliseconds, such as `1.5`; got {a_type(answer)}.")
    value = float(answer)
    if not np.isfinite(value) or value <= 0:
        raise Mismatch(f"`{value}` ms is not a duration a copy can take.")
    if abs(value - _Q8_MS) <= 0.02 * _Q8_MS:
        return f"{_Q8_BYTES:,} bytes at 50 GB/s: {_Q8_MS:.3f} ms."
    for slip, message in _Q8_SLIPS:
        if abs(value - slip) <= 0.02 * slip:
            raise Mismatch(message)
    raise Mismatch(f"{value:g} ms is not it: count the bytes (images × channels × height × width × 4), then divide.")


q8 = Question(
    "04.q8",
    "How long does a batch take to reach the GPU?",
    _check_q8,
    (
        "Time = bytes / bandwidth. Count the bytes first.",
        "64 images × 3 channels × 224 × 224 values × 4 bytes each; 50 GB/s is 50 × 10**9 bytes per second.",
        f"`answer = 64 * 3 * 224 * 224 * 4 / 50e9 * 1e3`, about {_Q8_MS:.2f} ms",
    ),
    "answer = 64 * 3 * 224 * 224 * 4 / 50e9 * 1e3",
    examples=(
        right(lambda cell: 64 * 3 * 224 * 224 * 4 / 50e9 * 1e3),
        right(lambda cell: 0.77),
        mistake(lambda cell: 64 * 3 * 224 * 224 / 50e9 * 1e3, "counted elements, not bytes"),
        mistake(lambda cell: 64 * 3 * 224 * 224 * 4 / 50e9, "looks like seconds"),
        mistake(lambda cell: -1, "not a duration"),
        Example("nan", lambda cell: float("nan"), "not a duration"),
        Example("type", lambda cell: np.float32(0.7707), status=Status.CORRECT),
        Example("type", lambda cell: "0.77", "a number of milliseconds"),
    ),
)
