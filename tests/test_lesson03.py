"""Lesson 03: the question bank, the chain logic over every input, and the explorer driven headless."""

from __future__ import annotations

import itertools

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import anything

from tensorbridge import lesson03 as l03
from tensorbridge.chains import DEVICES, STEPS, run_chain
from tensorbridge.devices import devices, has_cuda
from tensorbridge.explorers import chain_explorer
from tensorbridge.feedback import Status

QUESTIONS = [l03.q1, l03.q2, l03.q3, l03.q4, l03.q5, l03.q6, l03.q7, l03.q8]
AVAILABLE = {info.kind for info in devices() if info.available}
TOGGLES = list(itertools.product([False, True], DEVICES, [False, True], [False, True]))
CHAINS = [(), *((name,) for name in STEPS), *itertools.product(STEPS, repeat=2)]
ERROR_TYPES = {"RuntimeError", "TypeError", "ValueError", "AttributeError"}
# np.array(t) warns that torch's __array__ takes no copy keyword from NumPy 2.1 on (measured: 1.26 and 2.0 do not)
COPY_WARNS = np.lib.NumpyVersion(np.__version__) >= "2.1.0"


# ---- the questions ---------------------------------------------------------------------------------


def _inputs() -> dict[str, object]:
    """What each exercise cell makes, fresh."""
    w = torch.tensor([0.0, 2.0, 4.0], requires_grad=True)
    return {
        "w": torch.linspace(0, 1, 5, requires_grad=True),
        "t": torch.arange(4.0),
        "z": torch.tensor([1 + 2j, 3 - 4j]).conj(),
        "loss": ((w - 1) ** 2).mean(),
    }


def _solutions() -> dict[str, tuple]:
    v = _inputs()

    def to_numpy(t: torch.Tensor) -> np.ndarray:
        return t.numpy(force=True)

    return {
        "03.q1": (v["w"].detach().numpy(), v["w"]),
        "03.q2": ({"B", "D", "F", "H"},),
        "03.q3": ({"A", "B", "D", "F"},),
        "03.q4": (v["t"].numpy().copy(), v["t"]),
        "03.q5": (v["z"].resolve_conj().numpy(),),
        "03.q6": (v["loss"].item(),),
        "03.q7": ([1, 1, 1],),
        "03.q8": (to_numpy,),
    }


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
def test_the_solution_is_correct(question) -> None:
    feedback = question.check(*_solutions()[question.qid])
    assert feedback.status is Status.CORRECT, feedback


def test_other_right_answers_are_accepted() -> None:
    v = _inputs()
    assert l03.q1.check(np.asarray(v["w"].detach()), v["w"]).solved
    assert l03.q4.check(np.array(v["t"].numpy()), v["t"]).solved
    assert l03.q5.check(v["z"].numpy(force=True)).solved
    assert l03.q7.check(np.ones(3)).solved
    assert l03.q8.check(lambda t: t.detach().cpu().resolve_conj().resolve_neg().numpy()).solved


def test_feedback_names_the_mistake() -> None:
    v = _inputs()
    w, t, z, loss = v["w"], v["t"], v["z"], v["loss"]
    cases = [
        (l03.q1.check(w.detach().numpy().copy(), w), "your array is a copy"),
        (l03.q1.check(w.detach(), w), "still a tensor"),
        (l03.q1.check(w.tolist(), w), "is a `list`"),
        (l03.q1.check(w.detach().numpy()), "call it as `q1.check(answer, w)`"),
        (l03.q1.check(w.detach().numpy(), torch.zeros(5)), "should be the tensor `w`"),
        (l03.q2.check({"A", "B"}), "A does not: `.numpy()` refuses a tensor that requires grad"),
        (l03.q2.check("BCDFH"), "C does not: `.cpu()` on a CPU tensor returns the same tensor"),
        (l03.q3.check("ABCDF"), "C does not: `np.array` copies by default"),
        (l03.q3.check("AB"), "D does too"),
        (l03.q4.check(t.numpy(), t), "shares memory with `t`"),
        (l03.q4.check(np.array(t.tolist()), t), "your array is float64; `t` is float32"),
        (l03.q4.check(t.double().numpy(), t), "`.tolist()` (Python floats become float64), `.double()`"),
        (l03.q5.check(z.conj().numpy()), "values *before* conjugation"),
        (l03.q5.check(z.real.numpy()), "imaginary parts are gone"),
        (l03.q6.check(loss), "still a tensor (torch.float32, still attached to the graph)"),
        (l03.q6.check(loss.detach().numpy()), "0-d NumPy array"),
        (l03.q6.check(np.float64(loss.item())), "NumPy scalar"),
        (l03.q6.check(3.5), "the loss is 3.6666667"),
        (l03.q7.check([0, 0, 0]), "`t += 1` works in place"),
        (l03.q7.check([2, 2, 2]), "`t = t * 2` is not in place"),
        (l03.q7.check([1, 1]), "three elements"),
        (l03.q7.check("111"), "a list of three numbers"),
        (l03.q8.check(3), "pass your function itself"),
        (l03.q8.check(lambda t: np.array(t.numpy(force=True))), "your array is a copy"),
        (l03.q8.check(lambda t: t.detach()), "returned a tensor"),
        (l03.q8.check(lambda t: t.tolist()), "is a `list`"),
        (l03.q8.check(lambda t: t.detach().conj().numpy() if t.is_conj() else t.detach().numpy()), "conj bit"),
        (l03.q8.check(lambda t: t.numpy(force=True).astype(np.float64)), "dtype `float64`; expected `float32`"),
        (
            l03.q8.check(lambda t: t.neg().numpy(force=True) if t.is_neg() else t.numpy(force=True)),
            "values before negation: the neg bit was dropped",
        ),
    ]
    for feedback, expected in cases:
        assert feedback.status is Status.INCORRECT, feedback
        assert expected in feedback.text(), (expected, feedback)


def test_errors_in_the_learners_function_name_the_tensor() -> None:
    blocked = l03.q8.check(lambda t: t.numpy())
    assert blocked.status is Status.ERROR
    assert "for a tensor that requires grad" in blocked.text() and "requires grad" in blocked.text()
    conj = l03.q8.check(lambda t: t.detach().numpy())
    assert conj.status is Status.ERROR and "for a conjugated tensor" in conj.text()
    neg = l03.q8.check(lambda t: t.detach().resolve_conj().numpy())
    assert neg.status is Status.ERROR and "for a tensor with the negative bit" in neg.text()
    assert "resolve_neg" in neg.text()
    assert l03.q8.check(lambda t: l03.____).status is Status.NOT_ATTEMPTED


def test_without_cuda_the_success_message_says_the_gpu_case_was_not_tested() -> None:
    no_cpu_step = l03.q8.check(lambda t: t.detach().resolve_conj().resolve_neg().numpy())
    if has_cuda():
        assert no_cpu_step.status is Status.ERROR and "a CUDA tensor" in no_cpu_step.text()
        assert "devices" in l03.q8.check(lambda t: t.numpy(force=True)).text()
    else:
        assert no_cpu_step.solved
        assert "GPU case was not tested" in no_cpu_step.text() and "`.cpu()`" in no_cpu_step.text()


chain_functions = st.lists(st.sampled_from(list(STEPS)), max_size=4).map(lambda steps: lambda t: _apply(steps, t))


def _apply(steps: list[str], value: object) -> object:
    for name in steps:
        value = STEPS[name][1](value)
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=st.one_of(anything, chain_functions), extra=st.lists(anything, max_size=2))
def test_check_never_raises(answer: object, extra: list) -> None:
    for question in QUESTIONS:
        feedback = question.check(answer, *extra)
        assert feedback.message.strip() and feedback.text()


# ---- the chain logic -------------------------------------------------------------------------------


def test_every_combination_answers() -> None:
    for requires_grad, device, conj, single in TOGGLES:
        for chain in CHAINS:
            case = (requires_grad, device, conj, single, chain)
            result = run_chain(requires_grad, device, conj, chain, single)
            assert result.expression.count("(") >= len(chain), case
            if device not in AVAILABLE:
                assert result.unavailable and not result.steps and not result.ok, case
                continue
            assert result.explanation, case
            for step in result.steps[:-1]:
                assert step.ok, case  # a chain stops at its first error
            if result.ok:
                assert len(result.steps) == len(chain) and result.shares in {True, False}, case
            else:
                assert result.failed_step is result.steps[-1], case
                assert result.failed_step.error.split(":")[0] in ERROR_TYPES, case


def test_three_step_chains_answer_too() -> None:
    for requires_grad, conj, single in itertools.product([False, True], repeat=3):
        for chain in itertools.product(STEPS, repeat=3):
            result = run_chain(requires_grad, "cpu", conj, chain, single)
            assert result.ok or result.failed_step.error.split(":")[0] in ERROR_TYPES


def test_the_lesson_facts_come_out_of_the_logic() -> None:
    grad = run_chain(True, "cpu", False, ["numpy"])
    assert "Can't call numpy() on Tensor that requires grad" in grad.failed_step.error
    detached = run_chain(True, "cpu", False, ["detach", "numpy"])
    assert detached.ok and detached.shares
    same = run_chain(True, "cpu", False, ["cpu"])
    assert "very same object" in same.steps[0].note and "requires_grad" in same.steps[0].produced
    assert not run_chain(True, "cpu", False, ["cpu", "numpy"]).ok
    forced = run_chain(True, "cpu", False, ["numpy(force=True)"])
    assert forced.ok and forced.shares
    conj_forced = run_chain(False, "cpu", True, ["numpy(force=True)"])
    assert conj_forced.ok and not conj_forced.shares
    assert "conjugate bit" in run_chain(False, "cpu", True, ["numpy"]).failed_step.error
    assert not run_chain(False, "cpu", True, ["resolve_conj", "numpy"]).shares
    copied = run_chain(False, "cpu", False, ["np.array"])
    assert not copied.shares and bool(copied.steps[0].warnings) == COPY_WARNS
    assert "copy keyword" in "".join(copied.steps[0].warnings) or not COPY_WARNS
    assert run_chain(False, "cpu", False, ["np.asarray"]).shares
    assert "3 elements" in run_chain(False, "cpu", False, ["item"]).failed_step.error
    assert run_chain(True, "cpu", False, ["item"], single=True).value == "1.5"
    odd = run_chain(False, "cpu", False, ["tolist", "detach"])
    assert "'list' object has no attribute 'detach'" in odd.failed_step.error
    assert "Python list, not a tensor" in odd.failed_step.note
    empty = run_chain(False, "cpu", False, [])
    assert empty.ok and empty.shares and "No steps yet" in empty.explanation


def test_missing_devices_say_why() -> None:
    for kind in set(DEVICES) - AVAILABLE:
        result = run_chain(False, kind, False, ["numpy"])
        assert f"`{kind}` is not available here" in result.unavailable


# ---- the widget, headless --------------------------------------------------------------------------


def test_explorer_shows_each_change() -> None:
    explorer = chain_explorer()
    start = explorer.result.value
    assert "Fails." in start and "requires grad" in start
    fixed = explorer.set(steps=["detach", "numpy"])
    assert "Works." in fixed and "shares memory with <code>t</code>" in fixed
    conj = explorer.set(conj=True)
    assert "conjugate bit" in conj and "resolve_conj" in conj
    forced = explorer.set(steps=["numpy(force=True)"])
    assert "own copy" in forced
    warned = explorer.set(requires_grad=False, conj=False, steps=["np.array"])
    assert ("warning:" in warned and "copy keyword" in warned) == COPY_WARNS
    odd = explorer.set(steps=["tolist", "detach"])
    assert "not a tensor" in odd
    assert explorer.last_update_seconds < 0.1


def test_buttons_append_steps_in_order() -> None:
    explorer = chain_explorer()
    explorer.buttons["clear"].click()
    assert explorer.steps.value == [] and "No steps yet" in explorer.result.value
    for name in ["detach", "cpu", "numpy"]:
        explorer.buttons[name].click()
    assert explorer.steps.value == ["detach", "cpu", "numpy"]
    assert "t.detach().cpu().numpy()" in explorer.result.value and "Works." in explorer.result.value


def test_controls_offer_every_step_and_only_present_devices() -> None:
    explorer = chain_explorer()
    if hasattr(widgets, "TagsInput"):  # ipywidgets 8; 7.x gets a StepList (tests/test_explorers.py)
        assert explorer.steps.allowed_tags == list(STEPS) and explorer.steps.allow_duplicates
    assert set(explorer.buttons) == {*STEPS, "clear"}
    row = explorer.widget.children[2].children
    greyed = {child.description for child in row if isinstance(child, widgets.Button)}
    assert all(child.disabled for child in row if isinstance(child, widgets.Button))
    assert greyed == set(DEVICES) - AVAILABLE
    for kind in greyed:
        assert f"<s>{kind}</s>" in row[-1].value
    if len(AVAILABLE) > 1:  # a choice only where there is one to make
        assert set(explorer.controls["device"].options) == AVAILABLE
        assert "device=" in explorer.set(device=sorted(AVAILABLE - {"cpu"})[0])
    else:
        assert "device" not in explorer.controls and ">cpu</b>" in row[1].value
