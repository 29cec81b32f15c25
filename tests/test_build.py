"""Exercises are built from solutions, are never stale, and rebuilding never loses a learner's edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tensorbridge import build

SOLUTIONS = sorted(build.SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))


def test_there_is_an_exercise_for_every_lesson() -> None:
    lessons = {p.name for p in (build.ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert lessons and {p.name for p in SOLUTIONS} == lessons
    assert {p.name for p in build.EXERCISES.glob("[0-9][0-9]_*.ipynb")} == lessons


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_exercises_are_up_to_date(solution: Path) -> None:
    assert not build.is_stale(solution, build.exercise_path(solution)), (
        f"exercises/{solution.name} is out of date with solutions/: run `python3 course.py build`"
    )


@pytest.mark.parametrize("solution", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_exercises_hold_no_answers(solution: Path) -> None:
    exercise = nbformat.read(build.exercise_path(solution), as_version=4)
    text = "\n".join(cell.source for cell in exercise.cells)
    assert "BEGIN SOLUTION" not in text and "answer key" not in text
    cells = nbformat.read(solution, as_version=4).cells
    blocks = [cell.source for cell in cells if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source]
    placeholders = [block for block in blocks if "### EXERCISE" not in block]
    assert blocks and text.count("____") >= len(placeholders)


def test_placeholders_keep_names_and_signatures() -> None:
    source = (
        "x = 1\n### BEGIN SOLUTION\nt = torch.from_numpy(a)\ny: int = 2\n### END SOLUTION\nq1.check(t)\n"
        "### BEGIN SOLUTION\ndef to_numpy(t):\n    '''Doc.'''\n    return t.numpy()\n### END SOLUTION\n"
        "def f():\n    ### BEGIN SOLUTION\n    return 3\n    ### END SOLUTION\n"
    )
    stripped = build.strip_code(source)
    assert "t = ____\ny = ____\nq1.check(t)" in stripped
    assert 'def to_numpy(t):\n    """Doc."""\n    return ____' in stripped
    assert "def f():\n    # Your code here: replace ____\n    return ____" in stripped
    assert "from_numpy" not in stripped and "t.numpy()" not in stripped
    compile(stripped, "<exercise>", "exec")


def test_a_block_can_say_what_the_exercise_starts_from() -> None:
    source = (
        "def f(rows):\n    ### BEGIN SOLUTION\n    x = np.stack(rows)\n"
        "    ### EXERCISE\n    # x = np.array(rows)[::-1]  # bug\n    # # a comment the exercise keeps\n"
        "    ### END SOLUTION\n    return x\n"
    )
    stripped = build.strip_code(source)
    assert stripped == (
        "def f(rows):\n    x = np.array(rows)[::-1]  # bug\n    # a comment the exercise keeps\n    return x\n"
    )
    compile(stripped, "<exercise>", "exec")


def test_markdown_answers_are_removed() -> None:
    assert build.strip_markdown("Intro.\n<!-- BEGIN SOLUTION -->\nKey.\n<!-- END SOLUTION -->\nEnd.") == "Intro.\nEnd."


def test_rebuilding_keeps_a_copy_of_a_learners_edits(tmp_path: Path) -> None:
    solution = SOLUTIONS[0]
    target = tmp_path / solution.name
    shutil.copy(build.exercise_path(solution), target)

    assert build.build_exercise(solution, target, run=False).startswith("built")
    assert not (tmp_path / ".backups").exists(), "an untouched exercise needs no backup"

    edited = nbformat.read(target, as_version=4)
    edited.cells[-1].source += "\n# my own notes"
    nbformat.write(edited, target)
    assert build.learner_edited(target)

    report = build.build_exercise(solution, target, run=False)
    backups = list((tmp_path / ".backups").glob("*.ipynb"))
    assert len(backups) == 1 and str(backups[0]) in report
    assert "# my own notes" in nbformat.read(backups[0], as_version=4).cells[-1].source
    assert not build.learner_edited(target)

    build.build_exercise(solution, target, run=False)  # untouched again: no second copy
    assert len(list((tmp_path / ".backups").glob("*.ipynb"))) == 1


def test_check_mode_reports_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(build, "EXERCISES", tmp_path)
    assert build.main(["exercises", "--check", "00"]) == 1
    assert "stale: exercises/00_start_here.ipynb" in capsys.readouterr().out


def test_stored_outputs_do_not_name_this_machines_paths() -> None:
    nb = nbformat.v4.new_notebook()
    error = nbformat.v4.new_output("error", ename="E", evalue="v", traceback=[f"File {build.ROOT}/.venv/x.py:3"])
    warning = nbformat.v4.new_output("stream", name="stderr", text="/tmp/ipykernel_4242/1234.py:8: UserWarning: w\n")
    nb.cells.append(nbformat.v4.new_code_cell("1/0", outputs=[error, warning]))
    build.portable_outputs(nb)
    assert nb.cells[0].outputs[0]["traceback"] == ["File .venv/x.py:3"]
    assert nb.cells[0].outputs[1]["text"] == "<cell>:8: UserWarning: w\n"


@pytest.mark.parametrize("path", sorted((build.ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_every_lesson_cell_tagged_to_raise_shows_its_error(path: Path) -> None:
    """nbval accepts a `raises-exception` cell that runs clean, so a claim "this raises" needs its own check.
    A lesson stores what it runs: only GPU cells, skipped without CUDA, may stand without a stored error."""
    nb = nbformat.read(path, as_version=4)
    silent = [
        cell.get("id", str(index))
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and "raises-exception" in cell.metadata.get("tags", [])
        and "gpu" not in cell.metadata.get("tags", [])
        and not any(output.get("output_type") == "error" for output in cell.get("outputs", []))
    ]
    assert not silent, f"tagged to raise, but no error is stored: {silent}"
