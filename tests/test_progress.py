"""Progress is read from a learner's saved exercise notebooks, without changing them."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import torch

from tensorbridge import progress
from tensorbridge.build import EXERCISES
from tensorbridge.lesson00 import q1
from tensorbridge.questions import ____


def test_fresh_exercises_show_every_question_and_none_solved() -> None:
    report = {lesson.notebook: lesson for lesson in progress.course_progress()}
    assert set(report["00_start_here.ipynb"].statuses) == {"00.q1", "00.q2"}
    assert len(report["01_numpy_to_tensor.ipynb"].statuses) == 8
    assert len(report["07_capstone_bug_hunt.ipynb"].statuses) == 6, "the bug report counts each of the six bugs"
    assert all(lesson.statuses for lesson in report.values())
    # a "fix this code" question starts from code its check calls wrong; untouched, it is still "not attempted"
    assert all(s == "not attempted" for lesson in report.values() for s in lesson.statuses.values())


def test_a_learners_saved_answers_are_counted_and_the_file_is_untouched(tmp_path: Path) -> None:
    target = tmp_path / "00_start_here.ipynb"
    shutil.copy(EXERCISES / "00_start_here.ipynb", target)
    nb = nbformat.read(target, as_version=4)
    check_cells = [cell for cell in nb.cells if "q1.check(t)" in cell.source]
    data, metadata = q1.check(torch.tensor([1, 2, 3]))._repr_mimebundle_()
    check_cells[0].outputs = [nbformat.v4.new_output("execute_result", data, metadata=metadata, execution_count=2)]
    nbformat.write(nb, target)
    before = target.read_bytes()

    (lesson,) = progress.course_progress(tmp_path)
    assert lesson.statuses == {"00.q1": "correct", "00.q2": "not attempted"}
    assert lesson.solved == 1
    text = progress.format_progress([lesson])
    assert "1/2" in text and "✓ q1" in text and "○ q2" in text and "1 of 2 questions solved" in text
    assert target.read_bytes() == before


def test_an_unreadable_notebook_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "01_broken.ipynb").write_text("{ not json")
    (lesson,) = progress.course_progress(tmp_path)
    assert "unreadable" in next(iter(lesson.statuses))


def _learner_copy(tmp_path: Path, name: str) -> tuple[Path, nbformat.NotebookNode]:
    target = tmp_path / name
    shutil.copy(EXERCISES / name, target)
    return target, nbformat.read(target, as_version=4)


def _cell(nb: nbformat.NotebookNode, text: str) -> nbformat.NotebookNode:
    (cell,) = [cell for cell in nb.cells if cell.cell_type == "code" and text in cell.source]
    return cell


def test_a_check_cell_that_raised_counts_as_an_error_not_as_missing(tmp_path: Path) -> None:
    target, nb = _learner_copy(tmp_path, "01_numpy_to_tensor.ipynb")
    cell = _cell(nb, "q3.check(y)")
    cell.source = cell.source.replace("y = ____", "y = torch.as_tensor(label)")
    cell.outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="name 'label' is not defined")]
    nbformat.write(nb, target)
    (lesson,) = progress.course_progress(tmp_path)
    assert lesson.statuses["01.q3"] == "error" and len(lesson.statuses) == 8
    assert "! q3" in progress.format_progress([lesson]) and "0 of 8 questions" in progress.format_progress([lesson])


def test_the_bug_report_raising_counts_all_six_bugs_as_errors(tmp_path: Path) -> None:
    target, nb = _learner_copy(tmp_path, "07_capstone_bug_hunt.ipynb")
    _cell(nb, "bug_report(globals())").outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="x")]
    nbformat.write(nb, target)
    (lesson,) = progress.course_progress(tmp_path)
    assert lesson.statuses == {f"07.b{i}": "error" for i in range(1, 7)}


def test_untouched_fix_this_code_questions_are_not_attempted_and_touched_ones_count(tmp_path: Path) -> None:
    stored = nbformat.read(EXERCISES / "04_gpu.ipynb", as_version=4)
    assert any(
        o.get("metadata", {}).get("tensorbridge", {}).get("status") == "incorrect"
        for o in _cell(stored, "q2.check(init_weights)").outputs
    ), "the planted bug's check says incorrect: only the untouched cell makes it 'not attempted'"
    target, nb = _learner_copy(tmp_path, "04_gpu.ipynb")
    assert progress.read_statuses(target)["04.q2"] == "not attempted"
    cell = _cell(nb, "q2.check(init_weights)")
    cell.source += "\n# looked at it"
    nbformat.write(nb, target)
    assert progress.read_statuses(target)["04.q2"] == "incorrect"
    assert progress.read_statuses(target)["04.q5"] == "not attempted"


def test_the_placeholder_put_back_after_a_right_answer_is_noted_as_solved_before(tmp_path: Path) -> None:
    from tensorbridge.lesson00 import q2
    from tensorbridge.questions import Question

    fresh = Question(q2.qid, q2.title, q2.checker, q2.hints, q2.answer)
    assert fresh.check(torch.tensor([0.5, 1.5], dtype=torch.float64)).solved
    again = fresh.check(____)
    assert again.status.value == "not attempted" and again.solved_before and "earlier" in again.text()
    target, nb = _learner_copy(tmp_path, "00_start_here.ipynb")
    data, metadata = again._repr_mimebundle_()
    _cell(nb, "q2.check(t)").outputs = [nbformat.v4.new_output("execute_result", data, metadata=metadata)]
    nbformat.write(nb, target)
    (lesson,) = progress.course_progress(tmp_path)
    assert lesson.statuses["00.q2"] == "not attempted" and lesson.once_solved == {"00.q2"}
    assert "○ q2 (solved before)" in progress.format_progress([lesson])


def test_totals_are_the_number_of_questions_in_each_bank() -> None:
    import importlib

    from tensorbridge.questions import Question

    for lesson in progress.course_progress():
        bank = importlib.import_module(f"tensorbridge.lesson{lesson.notebook[:2]}")
        ids = {v.qid for v in vars(bank).values() if isinstance(v, Question)} - {f"{lesson.notebook[:2]}.practice"}
        assert set(lesson.statuses) == ids, lesson.notebook


def test_the_report_names_the_capstones_bugs() -> None:
    from tensorbridge import lesson07

    assert progress.REPORTS["bug_report"] == tuple(bug.handle for bug in lesson07.BUGS)
