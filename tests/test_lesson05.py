"""Lesson 05: the layout explorer over every input, the widget driven headless, and the questions' feedback."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from strategies import anything

from tensorbridge import lesson05 as l05
from tensorbridge.explorers import layout_explorer
from tensorbridge.feedback import Feedback, Status
from tensorbridge.layouts import ORDERS, SHAPES, STEPS, explore
from tensorbridge.memory import shares_memory

ALL_INPUTS = list(itertools.product(SHAPES, ORDERS, STEPS, [False, True], [False, True]))
SHARING = ("from_numpy", "Tensor", "as_tensor")  # the array is float32, so torch.Tensor shares too


# ---- the explorer's logic -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ALL_INPUTS, ids=[str(c) for c in ALL_INPUTS])
def test_every_combination_answers(case: tuple) -> None:
    shape, order, step, flip, read_only = case
    result = explore(*case)
    facts = result.array
    assert result.code.startswith("a = np.arange(") and result.explanation
    assert ("a.flags.writeable = False" in result.code) == read_only == (not facts.writeable)
    assert len(result.outcomes) == 4 and len(result.fixes) == 3
    if flip:
        assert facts.strides[-1] < 0
        for outcome in result.outcomes:
            assert outcome.verdict == "fails" and "negative" in outcome.error, outcome
        ascontiguous, copy, contiguous = result.fixes
        assert copy.bytes_copied == facts.nbytes and copy.writeable
        if facts.c_contiguous:  # a reversed axis of length 1: ascontiguousarray hands back `a` itself
            assert ascontiguous.bytes_copied == 0 and "no fix here" in result.explanation
        else:
            assert ascontiguous.bytes_copied == facts.nbytes and ascontiguous.writeable
        assert contiguous.error is not None and "negative" in contiguous.error
        return
    elements = tuple(s // facts.itemsize for s in facts.strides)
    for name in SHARING:
        outcome = result.outcome(name)
        assert outcome.shares and outcome.strides == elements, outcome
        assert outcome.contiguous == facts.c_contiguous, outcome
        assert (outcome.warning is not None) == read_only, outcome
        if read_only:
            assert "not writable" in outcome.warning and "Triggered internally" not in outcome.warning
    tensor = result.outcome("tensor")
    assert tensor.verdict == "copies", tensor  # copies, never warns
    ascontiguous, copy, contiguous = result.fixes
    assert copy.bytes_copied == facts.nbytes and copy.writeable
    assert ascontiguous.bytes_copied == contiguous.bytes_copied == (0 if facts.c_contiguous else facts.nbytes)
    if facts.c_contiguous:
        assert result.flat_view_error is None
    else:
        assert ("`.view(-1)` does not" in result.explanation) == (result.flat_view_error is not None)
    if facts.c_contiguous and read_only:
        assert ascontiguous.writeable is False and "still read-only" in result.explanation


def test_the_lesson_facts_come_out_of_the_logic() -> None:
    fortran = explore("(3, 4)", "F")
    assert fortran.array.strides == (4, 12) and fortran.outcome("from_numpy").strides == (1, 3)
    assert fortran.outcome("tensor").strides == (1, 3), "torch.tensor keeps the Fortran layout when it copies"
    one_channel = explore("(2, 3, 1)", "C", flip=True)
    assert one_channel.array.c_contiguous and one_channel.array.strides[-1] < 0
    assert one_channel.fixes[0].bytes_copied == 0 and one_channel.fixes[1].bytes_copied == one_channel.array.nbytes
    strided = explore("(3, 4)", "C", step=2)
    assert strided.outcome("from_numpy").strides == (4, 2) and strided.array.buffer_nbytes == 48
    assert strided.outcome("tensor").strides == (2, 1), "a copy of a strided view is compact"
    assert strided.flat_view_error is None, "evenly spaced elements: one stride describes them"
    assert "view size is not compatible" in fortran.flat_view_error
    assert "view size is not compatible" in explore("(3, 4)", "C", step=3).flat_view_error
    flipped = explore("(6,)", "C", flip=True)
    assert flipped.outcome("tensor").error.startswith("ValueError: At least one stride in the given numpy array")
    read_only = explore(read_only=True)
    assert read_only.outcome("from_numpy").verdict == "shares, warns"
    assert read_only.outcome("tensor").verdict == "copies"


def test_warnings_are_seen_every_time_and_the_setting_is_restored() -> None:
    assert not torch.is_warn_always_enabled()
    for _ in range(3):  # torch gives this warning once per process; the explorer must see it on every run
        assert explore(read_only=True).outcome("from_numpy").warning
    assert not torch.is_warn_always_enabled()


# ---- the widget, headless ------------------------------------------------------------------------------------


def test_explorer_shows_each_change() -> None:
    explorer = layout_explorer()
    start = explorer.result.value
    assert "C_CONTIGUOUS" in start and "torch.from_numpy(a)" in start and "0 bytes: returns the same memory" in start
    fortran = explorer.set(order="F")
    assert "order=&quot;F&quot;" in fortran and "(1, 3)" in fortran and "not contiguous" in fortran
    flipped = explorer.set(order="C", flip=True)
    assert "a = a[:, ::-1]" in flipped and "fails" in flipped and "negative strides are not currently" in flipped
    read_only = explorer.set(flip=False, read_only=True)
    assert "shares, warns" in read_only and "not writable" in read_only and "still read-only" in read_only
    stepped = explorer.set(shape="(2, 3, 4)", step=3, read_only=False)
    assert "a = a[:, :, ::3]" in stepped and "(2, 3, 2)" in stepped and "48-byte buffer" not in stepped
    assert "96-byte buffer" in stepped


def test_every_combination_renders_quickly_in_the_widget() -> None:
    explorer = layout_explorer()
    names = ["shape", "order", "step", "flip", "read_only"]
    for case in ALL_INPUTS:
        html = explorer.set(**dict(zip(names, case, strict=True)))
        assert "could not show" not in html and "<table>" in html, case
        assert explorer.last_update_seconds < 0.1, case


def test_explorer_controls_offer_every_case() -> None:
    explorer = layout_explorer()
    assert list(explorer.controls["shape"].options) == list(SHAPES)
    assert list(explorer.controls["order"].options) == list(ORDERS)
    assert list(explorer.controls["step"].options) == list(STEPS)
    assert {"flip", "read_only"} <= set(explorer.controls)


# ---- the questions -----------------------------------------------------------------------------------------


def _read_only_weights() -> np.ndarray:
    return np.frombuffer(l05.weights_values().tobytes(), dtype=np.float32)


def _bad_normalize(x: torch.Tensor) -> torch.Tensor:
    x -= x.mean(0)
    x /= x.std(0)
    return x


def _reader_batches(copy: bool) -> tuple[list[torch.Tensor], np.ndarray]:
    buf = np.zeros(3, dtype=np.float32)
    batches = []
    for i in range(4):
        buf[:] = i
        batches.append(torch.tensor(buf) if copy else torch.from_numpy(buf))
    return batches, buf


def test_solutions_pass() -> None:
    bgr, f, weights = l05.bgr_image(), l05.fortran_array(), _read_only_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        answers = [
            l05.q1.check(torch.from_numpy(np.ascontiguousarray(bgr[..., ::-1])), bgr),
            l05.q1.check(torch.from_numpy(bgr).flip(-1), bgr),
            l05.q2.check({"A", "B", "C", "F"}),
            l05.q3.check(torch.from_numpy(f).contiguous(), f),
            l05.q3.check(torch.from_numpy(np.ascontiguousarray(f)), f),
            l05.q4.check(torch.tensor(weights), weights),
            l05.q4.check(torch.from_numpy(weights.copy()), weights),
            l05.q5.check(lambda x: (x - x.mean(0)) / x.std(0)),
            l05.q5.check(lambda x: _bad_normalize(x.clone())),
            l05.q6.check("ACF"),
            l05.q7.check((1, 3)),
            l05.q7.check(torch.Size([1, 3])),
            l05.q8.check(*_reader_batches(copy=True)),
        ]
    for feedback in answers:
        assert feedback.status is Status.CORRECT, feedback


def test_feedback_names_the_mistake() -> None:
    bgr, f, weights = l05.bgr_image(), l05.fortran_array(), _read_only_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = [
            (l05.q1.check(torch.from_numpy(bgr), bgr), "still in BGR order"),
            (l05.q1.check(torch.from_numpy(bgr).flip(1), bgr), "reversed the columns"),
            (l05.q1.check(torch.from_numpy(bgr).flip(0), bgr), "upside down"),
            (l05.q1.check(torch.from_numpy(bgr.copy()).flip(0, 1, 2), bgr), "over every axis"),
            (l05.q1.check(torch.from_numpy(bgr).flip(-1).permute(2, 0, 1), bgr), "channels-first"),
            (l05.q1.check(torch.from_numpy(bgr).flip(-1).float(), bgr), "keep the image's `torch.uint8`"),
            (l05.q1.check(bgr[..., ::-1], bgr), "still a NumPy array"),
            (l05.q1.check(torch.from_numpy(bgr).flip(-1)), "call it as `q1.check(answer, bgr)`"),
            (l05.q2.check("ABF"), "C does too: `torch.tensor` copies"),
            (l05.q2.check("ABCDF"), "D does not: `.copy()`"),
            (l05.q3.check(torch.from_numpy(f), f), "shares `f`'s Fortran-order memory"),
            (l05.q3.check(torch.tensor(f), f), "kept the Fortran layout"),
            (l05.q3.check(torch.from_numpy(f).clone(), f), "kept the Fortran layout"),
            (l05.q3.check(torch.from_numpy(f).contiguous().view(12), f), "you flattened it"),
            (l05.q4.check(torch.from_numpy(weights), weights), "shares the read-only buffer"),
            (l05.q4.check(torch.as_tensor(weights), weights), "shares the read-only buffer"),
            (l05.q4.check(torch.tensor(weights, dtype=torch.float64), weights), "is float64"),
            (l05.q4.check(torch.tensor(weights), np.zeros(6)), "should be the array `weights`"),
            (l05.q5.check(_bad_normalize), "changed its input in place"),
            (l05.q5.check(lambda x: x.sub_(x.mean(0)).div(x.std(0))), "changed its input in place"),
            (l05.q5.check(lambda x: (x - x.mean(0)) / x.std(0, correction=0)), "population standard deviation"),
            (l05.q5.check(lambda x: ((x - x.mean(0)) / x.std(0)).float()), "dtype `torch.float32`"),
            (l05.q5.check(lambda x: (x - x.mean(0)).numpy()), "still a NumPy array"),
            (l05.q6.check("AE"), "E does not: `t.T` is not contiguous"),
            (l05.q6.check("ACFG"), "G does not: `clone()` copies"),
            (l05.q7.check((4, 12)), "in bytes"),
            (l05.q7.check((4, 1)), "C order"),
            (l05.q7.check((1, 3, 1)), "two strides"),
            (l05.q7.check("(1, 3)"), "tuple of ints"),
            (l05.q8.check(*_reader_batches(copy=False)), "all four show the last read"),
            (l05.q8.check(_reader_batches(copy=True)[0][:3], np.zeros(3, dtype=np.float32)), "holds 3 items"),
            (l05.q8.check(torch.stack(_reader_batches(copy=True)[0]), np.zeros(3, dtype=np.float32)), "the list"),
        ]
    for feedback, expected in cases:
        assert feedback.status is Status.INCORRECT, feedback
        assert expected in feedback.text(), feedback


def test_q4_feedback_says_which_copy_warns() -> None:
    weights = _read_only_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feedback = l05.q4.check(torch.from_numpy(weights).clone(), weights)
    assert feedback.status is Status.CORRECT, feedback
    assert "`torch.from_numpy(weights).clone()` gives the same copy but warns" in feedback.text()


def test_learner_errors_and_placeholders() -> None:
    assert l05.q5.check(lambda x: 1 / 0).status is Status.ERROR
    assert l05.q5.check(lambda x: l05.____).status is Status.NOT_ATTEMPTED
    buf = np.zeros(3, dtype=np.float32)
    assert l05.q8.check([l05.____] * 4, buf).status is Status.NOT_ATTEMPTED


def test_q2_key_is_what_the_lines_do() -> None:
    raised = set()
    for letter, line in l05.Q2_LINES.items():
        try:
            eval(line, {"a": np.arange(6.0), "np": np, "torch": torch})
        except ValueError as error:
            assert "negative" in str(error)
            raised.add(letter)
    assert raised == {"A", "B", "C", "F"}
    assert l05.q2.check(raised).status is Status.CORRECT


def test_q6_key_is_what_the_lines_do() -> None:
    changed = set()
    for letter, line in l05.Q6_LINES.items():
        X = np.ones((4, 3))
        exec(line, {"t": torch.from_numpy(X), "torch": torch})
        if not np.array_equal(X, np.ones((4, 3))):
            changed.add(letter)
    assert changed == {"A", "C", "F"}
    assert l05.q6.check(changed).status is Status.CORRECT


def test_q7_key_is_what_torch_gives() -> None:
    strides = torch.from_numpy(np.zeros((3, 4), dtype=np.float32, order="F")).stride()
    assert l05.q7.check(strides).status is Status.CORRECT


def test_checks_do_not_change_the_learners_arrays() -> None:
    bgr, f, weights = l05.bgr_image(), l05.fortran_array(), _read_only_weights()
    batches, buf = _reader_batches(copy=True)
    l05.q1.check(torch.from_numpy(bgr).flip(-1), bgr)
    l05.q3.check(torch.from_numpy(f), f)
    l05.q8.check(batches, buf)
    assert np.array_equal(bgr, l05.bgr_image()) and np.array_equal(f, l05.fortran_array())
    assert shares_memory(torch.from_numpy(buf), buf) and buf.tolist() == [3.0, 3.0, 3.0]
    assert weights.tolist() == l05.weights_values().tolist()


QUESTIONS = [l05.q1, l05.q2, l05.q3, l05.q4, l05.q5, l05.q6, l05.q7, l05.q8]
VALID_GIVEN = {"bgr": l05.bgr_image, "f": l05.fortran_array, "weights": _read_only_weights}


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=anything)
def test_any_answer_with_the_right_inputs_gets_feedback(question, answer: object) -> None:
    """test_questions.py throws anything at check(); here the given inputs are valid, so the checkers run deep."""
    given_values = [
        VALID_GIVEN[name]() if name in VALID_GIVEN else np.zeros(3, dtype=np.float32) for name in question.given
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feedback = question.check(answer, *given_values)
    assert isinstance(feedback, Feedback) and feedback.message.strip()
    assert feedback.status in {Status.CORRECT, Status.INCORRECT, Status.ERROR, Status.NOT_ATTEMPTED}
