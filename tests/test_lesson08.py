"""Lesson 08: the question bank (answer keys checked against what torch does), the collate logic, the explorer."""

from __future__ import annotations

import contextlib
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import anything
from torch.utils.data import DataLoader, Dataset, default_collate

from tensorbridge import lesson08 as l08
from tensorbridge import progress
from tensorbridge.batches import DTYPES, KINDS, collate
from tensorbridge.explorers import collate_explorer
from tensorbridge.feedback import Status

QUESTIONS = [l08.q1, l08.q2, l08.q3, l08.q4, l08.q5, l08.q6, l08.q7]
IMG = (np.arange(4 * 6 * 3).reshape(4, 6, 3) * 3 % 256).astype(np.uint8)


def _age() -> pd.DataFrame:
    return pd.DataFrame({"age": pd.array([31, 45, None, 27], dtype="Int64")})


def predict(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return model(x).numpy()


def _solutions() -> dict[str, tuple]:
    return {
        "08.q1": (torch.as_tensor(np.array([0, 2, 1, 0], dtype=np.int32), dtype=torch.int64),),
        "08.q2": ({"B", "C", "F", "G"},),
        "08.q3": (torch.from_numpy(IMG).permute(2, 0, 1).unsqueeze(0).float() / 255,),
        "08.q4": (torch.float64,),
        "08.q5": (torch.from_numpy(_age()["age"].to_numpy(dtype=np.float32, na_value=np.nan)),),
        "08.q6": (predict,),
        "08.q7": ({"A", "C"},),
    }


# ---- the questions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
def test_the_solution_is_correct(question) -> None:
    feedback = question.check(*_solutions()[question.qid])
    assert feedback.status is Status.CORRECT, feedback


def test_other_right_answers_are_accepted() -> None:
    labels = np.array([0, 2, 1, 0], dtype=np.int32)
    assert l08.q1.check(torch.from_numpy(labels).long()).solved
    assert "uint8 indices too" in l08.q1.check(torch.tensor([0, 2, 1, 0], dtype=torch.uint8)).text()
    assert l08.q3.check(torch.from_numpy(IMG.transpose(2, 0, 1)[None].astype(np.float32) / 255)).solved
    assert l08.q4.check("float64").solved and l08.q4.check("torch.float64").solved
    age = _age()["age"]
    assert l08.q5.check(torch.tensor(age.to_numpy(dtype=np.float64, na_value=np.nan), dtype=torch.float32)).solved

    def predict_inference(model, x):
        model.eval()
        with torch.inference_mode():
            return model(x).numpy()

    assert l08.q6.check(predict_inference).solved
    assert l08.q6.check(lambda m, x: m.eval()(x).detach().numpy()).solved


def test_the_choice_keys_are_what_torch_does() -> None:
    """q2's answer key is run, not remembered: each line either raises or it does not."""
    torch.manual_seed(0)
    logits, score = torch.randn(4, 3), torch.randn(4)
    lines = {
        "A": lambda: F.cross_entropy(logits, torch.tensor([0.0, 2.0, 1.0, 0.0])),
        "B": lambda: F.cross_entropy(logits, torch.tensor([0, 2, 1, 0])),
        "C": lambda: F.cross_entropy(logits, torch.full((4, 3), 1 / 3)),
        "D": lambda: F.cross_entropy(logits, F.one_hot(torch.tensor([0, 2, 1, 0]))),
        "E": lambda: F.binary_cross_entropy_with_logits(score, torch.tensor([1, 0, 0, 1])),
        "F": lambda: F.binary_cross_entropy_with_logits(score, torch.tensor([1.0, 0.0, 0.0, 1.0])),
        "G": lambda: F.mse_loss(score, torch.zeros(4, 1)),
        "H": lambda: F.binary_cross_entropy(
            torch.sigmoid(score), torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
        ),
    }
    runs = set()
    for letter, line in lines.items():
        try:
            with pytest.warns(UserWarning, match="broadcasting") if letter == "G" else contextlib.nullcontext():
                line()
        except (RuntimeError, ValueError) as exc:
            assert str(exc) in l08._Q2_WHY[letter], (letter, exc)  # the feedback quotes the real error
            continue
        runs.add(letter)
    assert runs == _solutions()["08.q2"][0]


def test_q4_and_q7_keys_are_what_torch_does() -> None:
    class Readings(Dataset):
        def __init__(self, x):
            self.x = x.astype(np.float32)

        def __len__(self):
            return len(self.x)

        def __getitem__(self, i):
            return self.x[i].item()

    batch = next(iter(DataLoader(Readings(np.arange(6.0)), batch_size=3)))
    assert l08.q4.check(batch.dtype).solved
    w = torch.ones(2, requires_grad=True)
    loss = (w * 2).sum()
    kept = {"A": 0 + loss, "B": loss.item(), "C": [loss], "D": [loss.detach()], "F": loss.tolist()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch warns about float() of a grad tensor once per process
        kept["E"] = float(loss)
    graphs = {k for k, v in kept.items() if getattr(v[0] if isinstance(v, list) else v, "grad_fn", None) is not None}
    assert graphs == _solutions()["08.q7"][0]


def test_feedback_names_the_mistake() -> None:
    labels = np.array([0, 2, 1, 0], dtype=np.int32)
    x = torch.from_numpy(IMG).permute(2, 0, 1).unsqueeze(0)
    age = _age()["age"]
    cases = [
        (l08.q1.check(torch.tensor(labels, dtype=torch.float32)), "but got Float"),
        (l08.q1.check(torch.from_numpy(labels)), "only int64 (or uint8)"),
        (l08.q1.check(labels), "still a NumPy array"),
        (l08.q1.check(torch.tensor([0, 1, 1, 0])), "different values"),
        (l08.q1.check(torch.tensor([0, 2, 1, 0], device="meta")), "is on `meta`"),
        (l08.q3.check(torch.zeros(1, 3, 4, 6, device="meta")), "is on `meta`"),
        (l08.q5.check(torch.zeros(4, device="meta")), "is on `meta`"),
        (l08.q2.check({"A", "B"}), "A does not: `F.cross_entropy` wants int64 class indices"),
        (l08.q2.check("BCF"), "G does too"),
        (l08.q2.check("BCFGH"), "H does not"),
        (l08.q3.check(torch.from_numpy(IMG).unsqueeze(0).float() / 255), "channels last"),
        (l08.q3.check(x[0].float() / 255), "Add the batch axis"),
        (l08.q3.check(x), "a uint8 input raises"),
        (l08.q3.check(x.float()), "divide by 255"),
        (l08.q3.check(torch.from_numpy(IMG).reshape(1, 3, 4, 6).float() / 255), "pixels are scrambled"),
        (l08.q3.check(x.double() / 255), "expected `torch.float32`"),
        (l08.q3.check((x.float() / 255).contiguous().index_fill_(3, torch.tensor([0]), float("nan"))), "differ"),
        (l08.q4.check(torch.float32), "`.item()` made them Python floats"),
        (l08.q4.check(np.float64), "NumPy dtype"),
        (l08.q5.check(age.to_numpy(dtype=np.float32, na_value=np.nan)), "still a NumPy array"),
        (l08.q5.check(torch.from_numpy(age.to_numpy(dtype=np.float32, na_value=0.0))), "came out as 0.0"),
        (l08.q5.check(torch.tensor(age.fillna(0).to_numpy())), "integers cannot hold"),
        (l08.q5.check(torch.from_numpy(age.to_numpy(dtype=np.float64, na_value=np.nan))), "expected `torch.float32`"),
        (l08.q6.check(3), "pass your function itself"),
        (l08.q6.check(lambda m, x: m(x).numpy(force=True)), "dropout is still on"),
        (l08.q6.check(lambda m, x: m.eval()(x)), "returned a tensor"),
        (l08.q7.check("AB"), "B does not: `.item()` gives a Python float"),
        (l08.q7.check("A"), "C does too"),
    ]
    for feedback, expected in cases:
        assert feedback.status is Status.INCORRECT, (expected, feedback)
        assert expected in feedback.text(), (expected, feedback)


def test_errors_in_the_learners_function_are_reported() -> None:
    blocked = l08.q6.check(lambda m, x: m.eval()(x).numpy())
    assert blocked.status is Status.ERROR and "requires grad" in blocked.text()
    assert "predict(model, x)" in blocked.text()
    assert l08.q6.check(lambda m, x: l08.____).status is Status.NOT_ATTEMPTED


def test_a_global_switch_is_named_and_undone() -> None:
    def switched_off(model, x):
        torch.set_grad_enabled(False)
        model.eval()
        return model(x).numpy()

    feedback = l08.q6.check(switched_off)
    assert feedback.status is Status.INCORRECT and "for the whole session" in feedback.text()
    assert torch.is_grad_enabled()

    def double(model, x):
        torch.set_default_dtype(torch.float64)
        return predict(model, x)

    l08.q6.check(double)
    assert torch.get_default_dtype() == torch.float32


def test_checks_leave_random_state_and_modes_as_they_were() -> None:
    torch.manual_seed(123)
    state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    for question in QUESTIONS:
        question.check(*_solutions()[question.qid])
    l08.q6.check(lambda m, x: torch.manual_seed(5) and predict(m, x))
    assert torch.equal(torch.get_rng_state(), state)
    assert np.array_equal(np.random.get_state()[1], numpy_state)
    assert torch.is_grad_enabled() and torch.get_default_dtype() == torch.float32


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=anything, extra=st.lists(anything, max_size=1))
def test_check_never_raises(answer: object, extra: list) -> None:
    for question in QUESTIONS:
        feedback = question.check(answer, *extra)
        assert feedback.message.strip() and len(feedback.message) <= 500, feedback
    assert torch.is_grad_enabled()


def test_a_huge_answer_is_not_copied() -> None:
    huge = torch.zeros(10**7, dtype=torch.uint8)  # 10 MB: the checks look at its shape, not its values
    for question in (l08.q1, l08.q3, l08.q5):
        assert "shape" in question.check(huge).text()


# ---- the collate logic -----------------------------------------------------------------------------


def test_every_combination_answers() -> None:
    for kind, dtype, ragged in itertools.product(KINDS, DTYPES, [False, True]):
        result = collate(kind, dtype, ragged)
        assert "default_collate(items)" in result.code, (kind, dtype)
        if result.ok:
            assert result.leaves and result.note and result.shown, (kind, dtype, ragged)
            float64 = any(leaf.dtype == "float64" for leaf in result.leaves)
            assert bool(result.fix) == float64, (kind, dtype, ragged)
            assert all(leaf.dtype != "float64" for leaf in result.fixed)
        else:
            assert ragged and result.error.split(":")[0] in {"RuntimeError", "TypeError"}, (kind, dtype)


def test_the_lesson_facts_come_out_of_the_logic() -> None:
    arrays = collate("NumPy array", "float64")
    assert [(leaf.dtype, leaf.shape) for leaf in arrays.leaves] == [("float64", (2, 3))]
    assert "mat1 and mat2 must have the same dtype" in arrays.model
    assert [leaf.dtype for leaf in arrays.fixed] == ["float32"] and "dtype=np.float32" in arrays.fix
    assert collate("NumPy array", "float32").model.startswith("works") and not collate("NumPy array", "float32").fix
    for dtype in ("float32", "float64"):
        python = collate("Python number", dtype)
        assert python.leaves[0].dtype == "float64" and "64-bit" in python.note
    assert collate("Python number", "int32").leaves[0].dtype == "int64"
    assert collate("NumPy scalar", "int32").leaves[0].dtype == "int32"
    listed = collate("list of numbers", "float32")
    assert [leaf.shape for leaf in listed.leaves] == [(2,)] * 3 and "transposed" in listed.note
    pair = collate("(features, label) pair", "float32")
    assert [(leaf.path, leaf.dtype) for leaf in pair.leaves] == [("batch[0]", "float32"), ("batch[1]", "int64")]
    assert collate("dict", "int64").model.startswith("RuntimeError")
    assert "stack expects each tensor to be equal size" in collate("NumPy array", "float64", ragged=True).error
    assert "nothing changed" in collate("NumPy scalar", "float64", ragged=True).note
    assert collate("string", "float64").leaves[0].kind.startswith("list")


def test_the_reported_batch_is_the_real_one() -> None:
    result = collate("dict", "float64")
    batch = default_collate([{"x": np.array([0.5, 1.5, 2.5]), "y": 0}, {"x": np.array([10.5, 11.5, 12.5]), "y": 1}])
    assert result.shown == repr(batch)


def test_unknown_choices_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown item kind"):
        collate("bytes", "float64")


# ---- the widget, headless --------------------------------------------------------------------------


def test_explorer_shows_each_change() -> None:
    explorer = collate_explorer()
    start = explorer.result.value
    assert "float64" in start and "Fix at the source" in start and "mat1 and mat2" in start
    fixed = explorer.set(dtype="float32")
    assert "works" in fixed and "Fix at the source" not in fixed
    python = explorer.set(kind="Python number")
    assert "float64" in python and "64-bit" in python
    ragged = explorer.set(kind="NumPy array", ragged=True)
    assert "Fails" in ragged and "equal size" in ragged
    assert explorer.last_update_seconds < 0.1


def test_every_control_changes_the_answer_from_the_start() -> None:
    """What the browser test does: each control, moved from the starting state, changes the shown answer."""
    for name, values in {"kind": list(KINDS)[:4], "dtype": list(DTYPES), "ragged": [True]}.items():
        explorer = collate_explorer()
        seen = {explorer.result.value} | {explorer.set(**{name: value}) for value in values}
        assert len(seen) > 1, name
        assert all("could not show" not in text for text in seen)


def test_progress_counts_the_lessons_seven_questions() -> None:
    report = {lesson.notebook: lesson for lesson in progress.course_progress()}
    assert set(report["08_model_round_trip.ipynb"].statuses) == {q.qid for q in QUESTIONS}
