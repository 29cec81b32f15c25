"""Lesson 02: the question bank, the cast logic over every input, and the explorer driven headless."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import anything

from tensorbridge import lesson02 as l02
from tensorbridge.casts import (
    KEPT,
    ROUNDED,
    SAMPLES,
    SOURCES,
    TARGETS,
    TO_BOOL,
    TRUNCATED,
    UNDEFINED,
    UNEXPECTED,
    WRAPPED,
    cast,
)
from tensorbridge.explorers import casting_explorer
from tensorbridge.feedback import Status

NUMPY2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"
QUESTIONS = [l02.q1, l02.q2, l02.q3, l02.q4, l02.q5, l02.q6, l02.q7, l02.q8]
ALL_INPUTS = list(itertools.product(SOURCES, TARGETS, SAMPLES))

# ---- the questions ---------------------------------------------------------------------------------


def _bf16() -> torch.Tensor:
    return torch.tensor([1.5, 3.0e38, 1 / 3, -2.0e-5], dtype=torch.bfloat16)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
def test_the_stored_solution_is_correct(question) -> None:
    namespace = {"np": np, "torch": torch, "w": _bf16()}
    exec(question.answer, namespace)
    answer = namespace.get("load_features", namespace.get("answer", namespace.get("a")))
    feedback = question.check(answer)
    assert feedback.status is Status.CORRECT, feedback


def test_other_right_answers_pass_too() -> None:
    w = _bf16()
    right = [
        (l02.q1, lambda raw: torch.as_tensor(raw, dtype=torch.float32)),
        (l02.q1, lambda raw: torch.tensor(raw).float()),
        (l02.q2, "ace"),
        (l02.q3, torch.tensor([2.9, -2.9, 0.5, -0.5]).to(torch.int64)),
        (l02.q4, (255, 0, 44, 255)),
        (l02.q5, "torch.float32"),
        (l02.q6, {"a": "float64", "b": torch.float32, "c": "torch.int16", "d": torch.float32, "e": "float64"}),
        (l02.q7, np.dtype("float64")),
        (l02.q7, "np.float64"),
        (l02.q8, w.to(torch.float32).numpy()),
    ]
    for question, answer in right:
        assert question.check(answer).status is Status.CORRECT, (question.qid, answer)


def test_the_predictions_are_what_the_libraries_do() -> None:
    assert torch.tensor([2.9, -2.9, 0.5, -0.5]).to(torch.int64).tolist() == eval(l02.q3.answer.split("=")[1])
    assert torch.tensor([255, 256, 300, -1]).to(torch.uint8).tolist() == eval(l02.q4.answer.split("=")[1])
    assert (torch.tensor([1, 2, 3]) + np.float64(0.5)).dtype == torch.float32
    lines = {
        "A": torch.ones(2) + torch.ones(2, dtype=torch.float64),
        "B": torch.ones(2) + torch.tensor(1.0, dtype=torch.float64),
        "C": torch.ones(2, dtype=torch.uint8) + torch.ones(2, dtype=torch.int8),
        "D": torch.ones(2, dtype=torch.int32) + torch.ones(2),
        "E": torch.ones(2, dtype=torch.int64) + torch.tensor(0.5, dtype=torch.float64),
    }
    assert {k: v.dtype for k, v in lines.items()} == l02._Q6_EXPECTED
    assert (np.ones(2, dtype=np.float32) + np.float64(0.5)).dtype == (np.float64 if NUMPY2 else np.float32)  # NEP 50
    t = torch.zeros(3)
    same = {"A": t.float(), "C": t.to(torch.float32), "E": t.type(torch.float32)}
    new = {"B": t.double(), "D": t.to(torch.float32, copy=True), "F": t.clone()}
    assert all(r is t for r in same.values()) and not any(r is t for r in new.values())


def test_a_float64_batch_really_fails_the_training_step() -> None:
    model = l02._fresh_model()
    with pytest.raises(RuntimeError, match="mat1 and mat2 must have the same dtype"):
        l02.train_step(model, torch.zeros(8, 3, dtype=torch.float64))
    assert l02._fresh_model().weight.tolist() == model.weight.tolist(), "the check's model is reproducible"


def test_the_check_does_not_disturb_the_learners_random_state() -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    l02.q1.check(lambda raw: torch.from_numpy(raw.astype(np.float32)))
    assert torch.equal(torch.rand(3), expected)


def test_feedback_names_the_mistake() -> None:
    w = _bf16()
    cases = [
        (l02.q1.check(lambda raw: torch.from_numpy(raw)), "still float64"),
        (l02.q1.check(lambda raw: torch.from_numpy(raw)), "mat1 and mat2 must have the same dtype"),
        (l02.q1.check(lambda raw: torch.from_numpy(raw).long()), "drops the features' fractions"),
        (l02.q1.check(lambda raw: torch.from_numpy(raw).half()), "float16"),
        (l02.q1.check(lambda raw: torch.from_numpy(raw).bool()), "became True"),
        (l02.q1.check(lambda raw: raw.astype(np.float32)), "still a NumPy array"),
        (l02.q1.check(lambda raw: torch.from_numpy(raw.astype(np.float32)).T), "shape `(3, 8)`"),
        (l02.q1.check(lambda raw: torch.from_numpy(raw.astype(np.float32)) * 2), "different values"),
        (l02.q1.check(lambda raw: None), "is `None`"),
        (l02.q1.check(torch.zeros(8, 3)), "wants the function itself"),
        (l02.q1.check(lambda raw: torch.empty(8, 3, device="meta")), "is on `meta`"),
        (l02.q2.check({"A", "B"}), "B does not: `t.double()` changes the dtype"),
        (l02.q2.check({"A", "C"}), "E does too"),
        (l02.q3.check([3, -3, 0, 0]), "you rounded"),
        (l02.q3.check([2, -3, 0, -1]), "that is `floor`"),
        (l02.q3.check([3, -2, 1, 0]), "that is `ceil`"),
        (l02.q3.check([2, -2, 0, 1]), "value 3: you have 1, the cast gives 0"),
        (l02.q3.check([2, -2]), "gives 4 values; your list has 2"),
        (l02.q3.check("2, -2, 0, 0"), "answer with a list of 4 numbers"),
        (l02.q3.check([2, -2, 0, "0"]), "every item should be a number"),
        (l02.q4.check([255, 255, 255, 0]), "you clamped"),
        (l02.q4.check([255, 256, 300, -1]), "uint8 holds only 0..255"),
        (l02.q4.check([255, 0, 45, 255]), "300 mod 256"),
        (l02.q5.check(torch.float64), "NumPy 2's answer"),
        (l02.q5.check("int64"), "must become a float"),
        (l02.q5.check(np.float32), "NumPy dtype"),
        (l02.q6.check({**l02._Q6_EXPECTED, "A": torch.float32}), "A: "),
        (l02.q6.check({**l02._Q6_EXPECTED, "B": torch.float64}), "0-d"),
        (l02.q6.check({**l02._Q6_EXPECTED, "C": torch.uint8}), "8-bit"),
        (l02.q6.check({**l02._Q6_EXPECTED, "D": torch.float64}), "beats"),
        (l02.q6.check({"A": torch.float64}), "B, C, D, E are missing"),
        (l02.q6.check({**l02._Q6_EXPECTED, "E": torch.float32}), "higher kind"),
        (l02.q6.check({**l02._Q6_EXPECTED, "A": "bogus", "B": 1}), "not a torch dtype"),
        (l02.q6.check([torch.float64]), "answer with a dict"),
        (l02.q7.check(np.float32 if NUMPY2 else np.float16), "NumPy 1's answer" if NUMPY2 else "not what you get"),
        (l02.q7.check(torch.float64), "torch dtype"),
        (l02.q7.check("int64"), "not what you get"),
        (l02.q7.check("nonsense"), "not a NumPy dtype"),
        (l02.q7.check(3), "expected a NumPy dtype"),
        (l02.q8.check(w.half().numpy()), "65504"),
        (l02.q8.check(w.double().numpy()), "twice the memory"),
        (l02.q8.check(w.float()), "still a tensor"),
        (l02.q8.check(w.float().numpy()[:2]), "shape"),
        (l02.q8.check(w.int().numpy()), "dtype `int32`"),
        (l02.q8.check(np.zeros(4, dtype=np.float32)), "different values"),
    ]
    for feedback, expected in cases:
        assert feedback.status is Status.INCORRECT, feedback
        assert expected in feedback.text(), (expected, feedback)


def test_q7_accepts_what_the_installed_numpy_gives() -> None:
    here = (np.ones(2, dtype=np.float32) + np.float64(0.5)).dtype
    assert l02.q7.check(here).status is Status.CORRECT and l02.q7.check(np.float64).status is Status.CORRECT
    assert np.__version__.rsplit(".", 1)[0] in l02.q7.hint().text()


def test_a_failing_learner_function_is_reported_as_an_error() -> None:
    feedback = l02.q1.check(lambda raw: 1 / 0)
    assert feedback.status is Status.ERROR and "ZeroDivisionError" in feedback.text()
    assert l02.q1.check(lambda raw: l02.____).status is Status.NOT_ATTEMPTED


learner_functions = st.builds(lambda value: lambda raw: value, anything)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fn=learner_functions)
def test_any_function_a_learner_writes_gets_feedback(fn) -> None:
    feedback = l02.q1.check(fn)
    assert feedback.status in {Status.INCORRECT, Status.NOT_ATTEMPTED, Status.ERROR}
    assert feedback.message.strip()


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=anything)
def test_check_never_raises(question, answer) -> None:
    feedback = question.check(answer)
    assert feedback.text() and feedback.message.strip()


@settings(max_examples=40, deadline=None)
@given(
    answer=st.dictionaries(
        st.sampled_from(["A", "b", "C", "d", "E"]), st.sampled_from([*TARGETS, "torch.int16", None, 3]), max_size=5
    )
)
def test_q6_any_dict_gets_feedback(answer) -> None:
    assert l02.q6.check(answer).status in {Status.CORRECT, Status.INCORRECT}


# ---- the cast logic: every input answers, and the rules agree with the measured values ---------------


def test_every_combination_answers_quickly() -> None:
    for source, target, samples in ALL_INPUTS:
        case = (source, target, samples)
        start = time.perf_counter()
        result = cast(source, target, samples)
        assert time.perf_counter() - start < 0.1, case
        assert result.error is None, case
        assert f"dtype=np.{source}" in result.code and f"torch.{target}" in result.code, case
        assert result.summary, case
        assert len(result.values) + len(result.left_out) == len(SAMPLES[samples]), case
        for value in result.values:
            assert value.outcome != UNEXPECTED, (case, value)
            assert value.why, (case, value)
            if target == "bfloat16":
                assert value.numpy_value is None, case
            elif value.outcome != UNDEFINED:
                assert value.numpy_agrees, (case, value)
        if result.values:
            mix = result.mixing
            assert mix is not None and mix.torch_explanation and mix.numpy_explanation, case


def test_the_lesson_facts_come_out_of_the_logic() -> None:
    truncated = cast("float64", "int64", "fractions")
    assert [v.torch_value for v in truncated.values] == [2, -2, 0, 0, 1]
    assert [v.outcome for v in truncated.values] == [TRUNCATED] * 4 + [KEPT]
    wrapped = {v.source: v for v in cast("int64", "uint8", "out of range").values}
    assert wrapped[300].torch_value == 44 and wrapped[300].outcome == WRAPPED
    assert wrapped[-1].torch_value == 255 and wrapped[255].outcome == KEPT
    big = {v.source: v for v in cast("int64", "float32", "big integers").values}
    assert big[2**24 + 1].torch_value == 2**24 and big[2**24 + 1].outcome == ROUNDED
    assert big[2**24 + 3].torch_value == 2**24 + 4
    nan = cast("float64", "int32", "NaN and inf")
    assert [v.outcome for v in nan.values] == [UNDEFINED] * 4 + [KEPT]
    assert any("invalid value encountered in cast" in w for w in nan.numpy_warnings) and not nan.torch_warnings
    half = {v.picked: v for v in cast("float64", "float16", "tiny and huge").values}
    assert half[70_000.0].torch_value == float("inf") and half[1e-8].torch_value == 0.0
    assert cast("int64", "bool", "small integers").values[3].outcome == TO_BOOL
    assert cast("float64", "bfloat16", "fractions").numpy_twin is None


def test_values_the_source_cannot_hold_are_left_out_with_a_reason() -> None:
    result = cast("int8", "int64", "fractions")
    assert [v.source for v in result.values] == [1]
    assert all("not a whole number" in reason for reason in result.left_out)
    assert "no NaN or infinity" in cast("int64", "float32", "NaN and inf").left_out[0]
    empty = cast("bool", "int64", "big integers")
    assert not empty.values and empty.mixing is None and "None of these values" in empty.summary
    nearest = {v.picked: v for v in cast("float32", "float64", "tiny and huge").values}
    assert nearest[0.1].source != 0.1, "a float32 array holds the nearest float32 to 0.1"


def test_mixing_with_a_numpy_scalar() -> None:
    weak = cast("float64", "int64", "fractions").mixing
    assert weak.torch_result == "tensor, torch.float32" and weak.numpy_result == "NumPy array, float64"
    same = cast("float64", "float16", "fractions").mixing
    assert same.torch_result == "tensor, torch.float16" and "never the size" in same.torch_explanation
    quirk = cast("bool", "int64", "small integers").mixing
    assert quirk.torch_result == "tensor, torch.float32" and "NumPy bool scalar" in quirk.torch_explanation
    refused = cast("int64", "uint16", "small integers").mixing
    assert refused.torch_result.startswith("NotImplementedError") and "signed" in refused.torch_explanation


# ---- the widget, headless ------------------------------------------------------------------------------


def test_explorer_shows_each_change() -> None:
    explorer = casting_explorer()
    first = explorer.result.value
    assert "truncated" in first and "torch.int32" in first and "NumPy → int32" in first
    undefined = explorer.set(samples="NaN and inf")
    assert "<i>undefined</i>" in undefined and "NumPy warned" in undefined and "torch gave no warning" in undefined
    wrapped = explorer.set(source="int64", target="uint8", samples="out of range")
    assert "wrapped around" in wrapped and "<code>44</code>" in wrapped
    bf16 = explorer.set(target="bfloat16", samples="big integers")
    assert "NumPy (has no bfloat16)" in bf16 and "rounded" in bf16
    empty = explorer.set(source="bool")
    assert "None of these values fits" in empty and "Left out" in empty
    assert explorer.last_update_seconds < 0.1


def test_explorer_controls_offer_every_case() -> None:
    explorer = casting_explorer()
    options = {name: [o[1] if isinstance(o, tuple) else o for o in c.options] for name, c in explorer.controls.items()}
    assert options == {"source": list(SOURCES), "target": list(TARGETS), "samples": list(SAMPLES)}
