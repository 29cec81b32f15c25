"""The instructor's room view, over generated learners' homes: counts per question, and pulls that dropped fixes."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import torch
from test_update import git

from tensorbridge import room
from tensorbridge.build import EXERCISES
from tensorbridge.lesson00 import q1
from tensorbridge.update import update

LESSON00 = "00_start_here.ipynb"


def save_answer(exercises: Path, value: object) -> None:
    """What a learner's saved notebook holds after running ``q1.check(value)``."""
    path = exercises / LESSON00
    nb = nbformat.read(path, as_version=4)
    (cell,) = [cell for cell in nb.cells if "q1.check(t)" in cell.source]
    cell.source = cell.source.replace("= ____", "= answer")  # an untouched answer cell counts as not attempted
    data, metadata = q1.check(value)._repr_mimebundle_()
    cell.outputs = [nbformat.v4.new_output("execute_result", data, metadata=metadata, execution_count=2)]
    nbformat.write(nb, path)


def learner_home(homes: Path, name: str, answer: object = None, copy: str = "tensor-bridge") -> Path:
    exercises = homes / name / copy / "exercises"
    exercises.mkdir(parents=True)
    shutil.copy(EXERCISES / LESSON00, exercises)
    if answer is not None:
        save_answer(exercises, answer)
    return exercises


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_counts_per_question_show_where_the_room_is_stuck(tmp_path: Path) -> None:
    learner_home(tmp_path, "ada", torch.tensor([1, 2, 3]))
    learner_home(tmp_path, "ben", [1, 2, 3])
    learner_home(tmp_path, "cy", "not a tensor")
    learner_home(tmp_path, "dee")
    learner_home(tmp_path, "eve", torch.tensor([1, 2, 3]), copy=".")  # the course at the top of a home
    (tmp_path / "fay").mkdir()  # never clicked the link
    before = snapshot(tmp_path)

    result = room.read_room(tmp_path)

    assert result.learners == ["ada", "ben", "cy", "dee", "eve"] and result.without_course == ["fay"]
    assert result.questions["00.q1"].counts == {room.SOLVED: 2, room.FAILED: 2, room.UNTRIED: 1}
    assert result.questions["00.q1"].failed_by == ["ben", "cy"]
    assert result.questions["00.q2"].counts == {room.SOLVED: 0, room.FAILED: 0, room.UNTRIED: 5}
    text = room.format_room(result, names=True)
    assert "5 learners." in text and "fay" in text and "(ben, cy)" in text
    q1_line = next(line for line in text.splitlines() if line.startswith("00.q1"))
    assert q1_line.split()[1:4] == ["2", "2", "1"] and "stuck" not in q1_line
    assert snapshot(tmp_path) == before, "the room view only reads"


def test_a_question_more_learners_fail_than_solve_is_marked_stuck(tmp_path: Path) -> None:
    learner_home(tmp_path, "ada", [1])
    learner_home(tmp_path, "ben", None)
    learner_home(tmp_path, "cy", torch.tensor([1, 2, 3]))
    learner_home(tmp_path, "dee", "x")
    text = room.format_room(room.read_room(tmp_path))
    assert "stuck" in next(line for line in text.splitlines() if line.startswith("00.q1"))


def test_statuses_the_room_does_not_know_count_as_tries() -> None:
    assert room.outcome("correct") == room.SOLVED
    assert room.outcome("not attempted") == room.UNTRIED and room.outcome(None) == room.UNTRIED
    assert room.outcome("incorrect") == room.outcome("error") == room.outcome("some later status") == room.FAILED


def test_a_course_fix_dropped_by_an_ours_merge_is_listed_and_the_clone_is_untouched(tmp_path: Path) -> None:
    """The commands nbgitpuller runs on a later click: commit the learner's work, then merge with -Xours."""
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    shutil.copy(EXERCISES / LESSON00, course / "exercises")
    (course / "README.md").write_text("one\ntwo\n")
    git(tmp_path, "init", "-q", "-b", "main", str(course))
    git(course, "add", ".")
    git(course, "commit", "-q", "-m", "course")
    homes = tmp_path / "homes"
    (homes / "ada").mkdir(parents=True)
    learner = homes / "ada" / "course"
    git(tmp_path, "clone", "-q", str(course), str(learner))
    save_answer(learner / "exercises", torch.tensor([1, 2, 3]))  # the learner's answer, in the q1 cell
    git(learner, "commit", "-q", "-am", "Automatic commit by nbgitpuller")

    nb = nbformat.read(course / "exercises" / LESSON00, as_version=4)
    (cell,) = [cell for cell in nb.cells if "q1.check(t)" in cell.source]
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a fixed stored output\n")]
    nbformat.write(nb, course / "exercises" / LESSON00)  # the same cell's output: a conflicting hunk
    (course / "README.md").write_text("one\ntwo\nthree\n")  # elsewhere: merges cleanly
    git(course, "commit", "-q", "-am", "course fix")
    git(learner, "fetch", "-q", "origin")
    git(learner, "merge", "-q", "-Xours", "--no-edit", "origin/main")
    assert "three" in (learner / "README.md").read_text()
    assert "a fixed stored output" not in (learner / "exercises" / LESSON00).read_text(), "dropped, silently"
    before = snapshot(learner)

    assert room.dropped_by_pulls(learner) == [f"exercises/{LESSON00}"]
    assert room.dropped_in_room(homes) == {"ada": [f"exercises/{LESSON00}"]}
    assert snapshot(learner) == before, "no object, ref or file was written in the learner's clone"


def test_main_explains_its_argument(tmp_path: Path, capsys) -> None:
    assert room.main([str(tmp_path / "nowhere")]) == 2
    assert "usage" in capsys.readouterr().err


def test_merges_made_by_course_update_are_not_reported_as_dropped(tmp_path: Path) -> None:
    """`course.py update` takes the course's side and keeps the learner's file beside: nothing was dropped."""
    course = tmp_path / "course.git"
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "notes.txt").write_text("one\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "course")
    git(tmp_path, "clone", "-q", "--bare", str(work), str(course))
    git(work, "remote", "add", "origin", str(course))
    learner = tmp_path / "learner"
    git(tmp_path, "clone", "-q", str(course), str(learner))
    (learner / "notes.txt").write_text("mine\n")
    git(learner, "commit", "-q", "-am", "my work")
    (work / "notes.txt").write_text("fixed\n")
    git(work, "commit", "-q", "-am", "fix")
    git(work, "push", "-q", "origin", "main")

    result = update(learner)

    assert result.kept == {"notes.txt": "yours-notes.txt"} and git(learner, "log", "--merges", "--format=%s")
    assert room.dropped_by_pulls(learner) == []
