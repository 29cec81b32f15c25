"""Lesson 07, the bug hunt: the pipeline's six bugs, their checks, and the report over them.

The pipeline itself is read from ``solutions/07_capstone_bug_hunt.ipynb`` and run here, cell by cell: fixed, with
every bug planted (what ``exercises/`` holds), with every combination of fixes, and with other fixes a learner may
make. The report must find exactly the bugs that are there.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterable
from typing import Any

import matplotlib
import nbformat
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import Hostile, anything

from tensorbridge import build, lesson07
from tensorbridge.feedback import Feedback, Status
from tensorbridge.pipeline import negative_strides, not_binary, same_storage, stack_dataset

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)

SOLUTION = build.SOLUTIONS / "07_capstone_bug_hunt.ipynb"
QIDS = [bug.question.qid for bug in lesson07.BUGS]
# What each planted bug raises in the exercise, in the order the tagged cells run.
RAISED = [
    (RuntimeError, "Found dtype Double but expected Float"),
    (ValueError, "can't optimize a non-leaf Tensor"),
    (RuntimeError, "Can't call numpy() on Tensor that requires grad"),
    (ValueError, "At least one stride in the given numpy array is negative"),
]


def _cells() -> list[nbformat.NotebookNode]:
    nb = nbformat.read(SOLUTION, as_version=4)
    return [cell for cell in nb.cells if cell.cell_type == "code" and not cell.source.startswith("bug_report(")]


def _block_count() -> int:
    return sum(len(build._CODE_BLOCK.findall(cell.source)) for cell in _cells())


def _with_fixes(fixed: Iterable[int], edits: Iterable[tuple[str, str]] = ()) -> list[tuple[str, bool]]:
    """The pipeline's cells (source, tagged raises-exception) with only the blocks numbered in ``fixed`` fixed.

    ``edits`` are (old, new) replacements made afterwards: a learner's own fix, where the solution has another.
    """
    fixed = set(fixed)
    counter = iter(range(_block_count()))

    def choose(block: re.Match) -> str:
        return block.group(0) if next(counter) in fixed else build.strip_code(block.group(0))

    cells = [
        (build._CODE_BLOCK.sub(choose, cell.source), "raises-exception" in cell.metadata.get("tags", []))
        for cell in _cells()
    ]
    for old, new in edits:
        assert sum(source.count(old) for source, _ in cells) == 1, f"not in the pipeline exactly once: {old}"
        cells = [(source.replace(old, new), may_raise) for source, may_raise in cells]
    return cells


def run_pipeline(
    fixed: Iterable[int], edits: Iterable[tuple[str, str]] = ()
) -> tuple[dict[str, Any], list[BaseException]]:
    """Run the pipeline as a fresh notebook would; return its variables and what the tagged cells raised."""
    namespace: dict[str, Any] = {}
    raised = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # plt.show() on the headless backend
        for source, may_raise in _with_fixes(fixed, edits):
            try:
                exec(compile(source, "<cell>", "exec"), namespace)
            except Exception as exc:
                assert may_raise, f"an untagged cell raised {exc!r}:\n{source}"
                raised.append(exc)
    plt.close("all")
    return namespace, raised


@pytest.fixture(scope="module")
def solved() -> dict[str, Any]:
    namespace, raised = run_pipeline(set(range(len(lesson07.BUGS))))
    assert raised == []
    return namespace


@pytest.fixture(scope="module")
def planted() -> dict[str, Any]:
    namespace, raised = run_pipeline(set())
    assert [(type(exc), str(exc)[: len(text)]) for exc, (_, text) in zip(raised, RAISED, strict=True)] == RAISED
    return namespace


def statuses(namespace: dict[str, Any]) -> dict[str, Status]:
    return {result.question: result.status for result in lesson07.bug_report(namespace).results}


# ---- the pipeline, end to end ----------------------------------------------------------------------


def test_one_block_per_bug() -> None:
    assert _block_count() == len(lesson07.BUGS) == 6


def test_the_solution_trains_and_every_check_passes(solved: dict[str, Any]) -> None:
    report = lesson07.bug_report(solved)
    assert report.remaining == 0 and "All 6 bugs fixed" in report.text()
    x_test, y_test = solved["test_set"].x, solved["y_test"]
    before = np.abs(solved["to_numpy"](solved["predict"](x_test, solved["w_start"], solved["b_start"])) - y_test)
    after = np.abs(solved["to_numpy"](solved["predict"](x_test, solved["w"], solved["b"])) - y_test)
    assert after.mean() < before.mean() / 3, "training must improve the test error clearly"
    assert solved["losses"][-1] < solved["losses"][0] / 3


def test_every_planted_bug_is_reported(planted: dict[str, Any]) -> None:
    assert statuses(planted) == dict.fromkeys(QIDS, Status.INCORRECT)
    report = lesson07.bug_report(planted)
    for bug, result in zip(lesson07.BUGS, report.results, strict=True):
        assert bug.where_taught.capitalize() in result.details[-1] and f"{bug.handle}.hint()" in result.details[-1]
    # one line per bug, with its lesson and nothing about where it is; the details say what each check found
    lines = report.text().splitlines()
    assert lines[0].startswith("✗ 6 of 6 bugs remain (0 fixed).") and "details=True" in lines[0]
    assert lines[1:] == [f"✗ {bug.label}: not fixed yet" for bug in lesson07.BUGS]
    detailed = lesson07.bug_report(planted, details=True).text()
    assert "share memory with `sensors`" not in report.text() and "share memory with `sensors`" in detailed


def _expected(fixed: Iterable[int]) -> dict[str, Status]:
    fixed = set(fixed)
    return {qid: Status.CORRECT if block in fixed else Status.INCORRECT for block, qid in enumerate(QIDS)}


def _subsets(blocks: Iterable[int]) -> list[set[int]]:
    blocks = list(blocks)
    return [set(chosen) for size in range(len(blocks) + 1) for chosen in itertools.combinations(blocks, size)]


def test_every_combination_of_fixes_is_reported_exactly() -> None:
    """Each verdict depends on its own bug only: b4's holds whether or not training ran (b3), say."""
    for fixed in _subsets(range(6)):
        namespace, _ = run_pipeline(fixed)
        assert statuses(namespace) == _expected(fixed), f"fixed: {sorted(fixed)}"


# A learner's fixes where the solution has others: a copy or a cast inside the dataset, float32 where the data is made.
COPIED = (
    ("self.x = torch.from_numpy(readings)", "self.x = torch.from_numpy(readings.copy())"),
    ("self.y = torch.from_numpy(energy)", "self.y = torch.from_numpy(energy.astype(np.float32))"),
)
CAST_AT_THE_SOURCE = (
    ("sensors, energy = hourly(hours)\n", "sensors, energy = hourly(hours)\nenergy = energy.astype(np.float32)\n"),
)


def test_copies_inside_the_dataset_fix_b1_and_b2_and_leave_b6_reported() -> None:
    for fixed in _subsets(range(2, 6)):
        namespace, raised = run_pipeline(fixed, COPIED)
        assert statuses(namespace) == _expected(fixed | {0, 1}), f"fixed: {sorted(fixed)}"
        assert not any("stride" in str(exc) for exc in raised), "the dataset's copy handles the reversed view"
    # the pipeline runs through with b6 planted, so b6's message says why the flip is still copied where it is made
    namespace, raised = run_pipeline({2, 3, 4}, COPIED)
    assert raised == []
    feedback = lesson07.bug_report(namespace, details=True).results[5]
    assert feedback.status is Status.INCORRECT and "only there" in feedback.text()


def test_float32_energy_from_the_data_fixes_b2_only() -> None:
    for fixed in _subsets([0, 2, 3, 4, 5]):
        namespace, _ = run_pipeline(fixed, CAST_AT_THE_SOURCE)
        assert statuses(namespace) == _expected(fixed | {1}), f"fixed: {sorted(fixed)}"
    # with float32 data, the planted `b` is still a float32 copy of a float64 leaf
    namespace, _ = run_pipeline(set(), CAST_AT_THE_SOURCE)
    assert namespace["b"].dtype == torch.float32 and not namespace["b"].is_leaf


# ---- each check names the mistake ---------------------------------------------------------------------


def _message(feedback: Feedback) -> str:
    assert feedback.status is Status.INCORRECT, feedback
    return feedback.text()


def test_b1_shared_memory_stale_data_and_lost_standardisation(solved, planted) -> None:
    assert "share memory with `sensors`" in _message(lesson07.b1.check(planted["train_set"], planted["sensors"]))
    # the symptom the evaluation cell prints: a count of occupied test hours that is no count
    assert solved["X_test"][:, 2].sum() == 10 and not float(planted["X_test"][:, 2].sum()).is_integer()
    # fixed code, but the array still carries an earlier run's in-place change
    stale = _message(lesson07.b1.check(solved["train_set"], planted["sensors"]))
    assert "no longer holds the logged readings" in stale and "run the notebook again from the top" in stale
    raw = solved["sensors"]
    unscaled = lesson07.b1.check([(torch.tensor(row), torch.tensor(0.0)) for row in raw[:144]], raw)
    assert "not standardised any more" in _message(unscaled)
    assert "should be the training dataset" in _message(lesson07.b1.check(raw, raw))
    assert "has 48 items" in _message(lesson07.b1.check(solved["test_set"], raw))


def test_b2_names_the_float64_targets(solved, planted) -> None:
    float64 = _message(lesson07.b2.check(planted["train_set"]))
    assert "Found dtype Double but expected Float" in float64 and "Cannot convert a MPS Tensor to float64" in float64
    features = [(x.double(), y) for x, y in solved["train_set"]]
    assert "feature tensor has dtype `torch.float64`" in _message(lesson07.b2.check(features))


def test_b3_non_leaf_frozen_and_float64_parameters(solved, planted) -> None:
    w = solved["w"]
    assert "`ToCopyBackward0`" in _message(lesson07.b3.check(planted["b"], w))
    assert "does not require grad" in _message(lesson07.b3.check(torch.zeros(1), w))
    float64 = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    assert "dtype `torch.float64`" in _message(lesson07.b3.check(float64, w))
    assert "`w` has shape `(3,)`" in _message(lesson07.b3.check(solved["b"], torch.zeros(3, requires_grad=True)))
    assert "`b` is still a NumPy array" in _message(lesson07.b3.check(np.zeros(1), w))


def test_b4_views_graph_copies_and_late_copies(solved, planted) -> None:
    w, b = solved["w"], solved["b"]
    y_train = solved["y_train"]
    view = lesson07.b4.check(planted["w_start"], planted["b_start"], planted["w"], planted["b"], planted["y_train"])
    assert "`w_start` shares memory with `w`" in _message(view)
    in_graph = lesson07.b4.check(w.clone(), solved["b_start"], w, b, y_train)
    assert "still part of autograd's graph" in _message(in_graph)
    late = lesson07.b4.check(w.detach().clone(), b.detach().clone(), w, b, y_train)
    assert "holds the trained values" in _message(late)
    late_b = lesson07.b4.check(solved["w_start"], b.detach().clone(), w, b, y_train)
    assert "`b_start` holds the trained values, not `b`'s starting value (the average use" in _message(late_b)
    ones = lesson07.b4.check(torch.ones(1, 3), solved["b_start"], w, b, y_train)
    assert "`w_start` holds [1.0, 1.0, 1.0], not `w`'s starting zeros" in _message(ones)
    args = (solved["w_start"], solved["b_start"])
    assert "needs the model's `w` too" in _message(lesson07.b4.check(*args, 1, b, y_train))
    assert "needs `y_train` from the data cell" in _message(lesson07.b4.check(*args, w, b, None))
    # training never ran (bug b3), but the one-batch cell gave `w` a gradient: the copies are still right
    untrained = w.detach().clone().zero_().requires_grad_()
    untrained.grad = torch.ones_like(untrained)
    assert lesson07.b4.check(*args, untrained, b, y_train).status is Status.CORRECT


def test_b5_reports_what_the_function_raises_or_returns(planted) -> None:
    raised = _message(lesson07.b5.check(planted["to_numpy"]))
    assert "requires grad" in raised and "still in autograd's graph" in raised
    assert "still a tensor" in _message(lesson07.b5.check(lambda t: t.detach()))
    assert "dtype `float64`" in _message(lesson07.b5.check(lambda t: t.detach().double().numpy()))
    assert "changes the values" in _message(lesson07.b5.check(lambda t: t.detach().numpy() + 1))
    assert "pass the function itself" in _message(lesson07.b5.check(np.zeros(3)))


def test_b6_reversed_views_wrong_order_and_wrong_values(solved, planted) -> None:
    live_s, live_e = solved["live_sensors"], solved["live_energy"]
    view = lesson07.b6.check(planted["today_sensors"], planted["today_energy"], live_s, live_e)
    assert "reversed view of `live_sensors` (strides (-12, 4))" in _message(view) and "only there" in _message(view)
    newest_first = lesson07.b6.check(live_s.copy(), live_e, live_s, live_e)
    assert "newest first" in _message(newest_first)
    other = lesson07.b6.check(np.zeros_like(live_s), live_e, live_s, live_e)
    assert "does not hold `live_sensors`'s readings in time order" in _message(other)
    energy_view = lesson07.b6.check(solved["today_sensors"], live_e[::-1], live_s, live_e)
    assert "`today_energy` is a reversed view" in _message(energy_view)
    # standardised in place by the dataset afterwards (bug b1): still in time order, and the remark says why
    standardised = (solved["today_sensors"] - live_s.mean(axis=0)) / live_s.std(axis=0)
    later = lesson07.b6.check(standardised, solved["today_energy"], live_s, live_e)
    assert later.status is Status.CORRECT and "bug b1's doing" in later.message


# ---- the report ----------------------------------------------------------------------------------


def test_report_says_what_is_missing_and_never_raises() -> None:
    empty = lesson07.bug_report({})
    assert {result.status for result in empty.results} == {Status.NOT_ATTEMPTED}
    assert (
        "b1, lessons 01 and 05 (memory shared by an array and a tensor): not checked: `train_set`, `sensors` are not "
        "defined: run the notebook from the top." in empty.text()
    )
    assert "bug_report(globals())" in lesson07.bug_report(None).text()

    class Exploding(dict):
        def __getitem__(self, key: str) -> Any:
            raise RuntimeError("lookup exploded")

    odd = lesson07.bug_report(Exploding.fromkeys(["train_set", "sensors"]))
    assert "could not be read" in odd.text()


def test_report_renders_as_text_html_and_progress_metadata(solved) -> None:
    data, metadata = lesson07.bug_report(solved)._repr_mimebundle_()
    assert data["text/plain"].startswith("✓ All 6 bugs fixed") and data["text/plain"].count(": fixed") == 6
    assert data["text/html"].count("<li") == 6 and "details=True" not in data["text/html"]
    assert metadata == {"tensorbridge": {"question": "07.report", "bugs": dict.fromkeys(QIDS, "correct")}}
    detailed = lesson07.bug_report(solved, details=True)._repr_html_()
    assert detailed.count("✓ Correct") == 6


NAMES = sorted({name for bug in lesson07.BUGS for name in bug.names})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NAMES), st.one_of(anything, st.just(Hostile())), max_size=len(NAMES)))
def test_report_answers_any_namespace(namespace: dict[str, Any]) -> None:
    report = lesson07.bug_report(namespace, details=True)
    assert len(report.results) == 6 and report.text() and report._repr_html_()
    assert all(result.message.strip() for result in report.results)


# ---- the helpers behind the checks -----------------------------------------------------------------------


def test_pipeline_helpers() -> None:
    t = torch.arange(6.0)
    assert same_storage(t, t[2:]) and same_storage(t, t.detach()) and not same_storage(t, t.clone())
    assert not same_storage(t, torch.empty(0))
    a = np.arange(12).reshape(3, 4)
    assert negative_strides(a[::-1]) == (0,) and negative_strides(a[:, ::-1]) == (1,) and negative_strides(a) == ()
    assert not_binary(np.array([0.0, 1.0, 1.0])).size == 0
    assert not_binary(np.array([0.0, -0.5, 1.5, -0.5])).tolist() == [-0.5, 1.5]
    features, targets = stack_dataset([(torch.ones(3), torch.tensor(2.0))] * 4)
    assert features.shape == (4, 3) and targets.tolist() == [2.0] * 4
