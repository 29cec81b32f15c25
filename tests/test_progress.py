"""Progress is read from a learner's saved exercise notebooks, without changing them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import torch

from tensorbridge import progress
from tensorbridge.build import EXERCISES
from tensorbridge.lesson00 import q1


def test_fresh_exercises_show_every_question_and_none_solved() -> None:
    report = {lesson.notebook: lesson for lesson in progress.course_progress()}
    assert set(report["00_start_here.ipynb"].statuses) == {"00.q1", "00.q2"}
    assert len(report["01_numpy_to_tensor.ipynb"].statuses) == 8
    assert len(report["07_capstone_bug_hunt.ipynb"].statuses) == 6, "the bug report counts each of the six bugs"
    assert all(lesson.statuses for lesson in report.values())
    # a "fix this code" question starts from the buggy code, so it shows as not yet solved rather than untouched
    assert all(s in {"not attempted", "incorrect"} for lesson in report.values() for s in lesson.statuses.values())


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


def test_progress_runs_without_creating_an_environment(tmp_path: Path) -> None:
    """On Binder or a hub the packages are installed: `course.py progress` must not build .venv there."""
    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "course.py", tmp_path)
    shutil.copytree(root / "tensorbridge", tmp_path / "tensorbridge", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(EXERCISES, tmp_path / "exercises", ignore=shutil.ignore_patterns(".*"))
    result = subprocess.run([sys.executable, "course.py", "progress"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "questions solved" in result.stdout and "00_start_here.ipynb" in result.stdout
    assert not (tmp_path / ".venv").exists()


def test_report_from_a_notebook_reads_the_copy_the_kernel_runs_in(tmp_path: Path, monkeypatch) -> None:
    """A hub installs the package once; each learner's copy is elsewhere, and a kernel's cwd is inside it."""
    copy = tmp_path / "tensor-bridge"
    (copy / "exercises").mkdir(parents=True)
    shutil.copy(EXERCISES / "00_start_here.ipynb", copy / "exercises")
    for cwd in (copy, copy / "exercises"):
        monkeypatch.chdir(cwd)
        assert progress.find_exercises(Path.cwd()) == copy / "exercises"
        assert progress.report().splitlines()[0].startswith("00_start_here.ipynb")
    monkeypatch.chdir(tmp_path)
    assert progress.find_exercises(tmp_path) == EXERCISES, "outside any copy: the one beside the package"


def test_progress_module_rejects_a_missing_folder(tmp_path: Path, capsys) -> None:
    assert progress.main([str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
