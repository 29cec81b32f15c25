"""`course.py update` on a learner's clone: course fixes arrive, the learner's work is kept, and said where.

The "upstream" is a local bare repository, so no test reaches the network.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest

from tensorbridge.update import UpdateError, update

LESSON = "notebooks/01_numpy_to_tensor.ipynb"
EXERCISE = "exercises/01_numpy_to_tensor.ipynb"
OTHER = "exercises/02_dtypes_and_casting.ipynb"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def write_notebook(path: Path, *sources: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    for n, cell in enumerate(nb.cells):
        cell.id = f"cell{n}"
    nbformat.write(nb, path)


def cell_sources(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells]


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path]:
    """(the instructor's working copy, which pushes to the bare upstream; the learner's clone of it)."""
    instructor = tmp_path / "instructor"
    for name in (LESSON, EXERCISE, OTHER):
        write_notebook(instructor / name, "import torch", "t = ____", "q1.check(t)")
    (instructor / "README.md").write_text("Tensor Bridge\n")
    git(tmp_path, "init", "-q", "-b", "main", str(instructor))
    git(instructor, "add", ".")
    git(instructor, "commit", "-q", "-m", "course")
    git(tmp_path, "clone", "-q", "--bare", str(instructor), str(tmp_path / "upstream.git"))
    git(instructor, "remote", "add", "origin", str(tmp_path / "upstream.git"))
    git(instructor, "fetch", "-q", "origin")
    git(instructor, "branch", "-q", "--set-upstream-to=origin/main")
    git(tmp_path, "clone", "-q", str(tmp_path / "upstream.git"), str(tmp_path / "learner"))
    return instructor, tmp_path / "learner"


def publish(instructor: Path) -> None:
    git(instructor, "add", "-A")
    git(instructor, "commit", "-q", "-m", "course fix")
    git(instructor, "push", "-q", "origin", "main")


def test_same_cell_changed_on_both_sides_keeps_the_learners_copy_beside_and_says_where(course) -> None:
    instructor, learner = course
    write_notebook(instructor / EXERCISE, "import torch", "t = ____  # a torch.Tensor sharing memory", "q1.check(t)")
    publish(instructor)
    write_notebook(learner / EXERCISE, "import torch", "t = torch.from_numpy(a)", "q1.check(t)")

    result = update(learner)

    assert cell_sources(learner / EXERCISE)[1] == "t = ____  # a torch.Tensor sharing memory", "the fix arrived"
    copy = "exercises/yours-01_numpy_to_tensor.ipynb"
    assert result.kept == {EXERCISE: copy}
    assert cell_sources(learner / copy)[1] == "t = torch.from_numpy(a)", "the learner's answer is kept"
    assert copy in result.describe() and EXERCISE in result.describe()
    assert git(learner, "rev-parse", "HEAD") == git(instructor, "rev-parse", "HEAD")


def test_different_files_changed_each_keeps_its_change(course) -> None:
    instructor, learner = course
    write_notebook(instructor / LESSON, "import torch  # fixed", "t = ____", "q1.check(t)")
    publish(instructor)
    write_notebook(learner / EXERCISE, "import torch", "t = torch.from_numpy(a)", "q1.check(t)")

    result = update(learner)

    assert cell_sources(learner / LESSON)[0] == "import torch  # fixed"
    assert cell_sources(learner / EXERCISE)[1] == "t = torch.from_numpy(a)"
    assert result.kept == {} and result.untouched == [EXERCISE]
    assert not list(learner.rglob("yours-*")), "no copy is made where nothing was at risk"


def test_autosaved_lesson_does_not_block_a_fix_to_it(course) -> None:
    """JupyterLab's autosave after Run All makes a lesson 'changed' for git: a plain pull refuses."""
    instructor, learner = course
    write_notebook(instructor / LESSON, "import torch  # fixed", "t = ____", "q1.check(t)")
    publish(instructor)
    nb = nbformat.read(learner / LESSON, as_version=4)
    nb.cells[0].execution_count = 1
    nbformat.write(nb, learner / LESSON)
    pull = subprocess.run(["git", "pull", "-q"], cwd=learner, capture_output=True, text=True)
    assert pull.returncode != 0 and "overwritten" in pull.stderr

    result = update(learner)

    assert cell_sources(learner / LESSON)[0] == "import torch  # fixed"
    assert nbformat.read(learner / result.kept[LESSON], as_version=4).cells[0].execution_count == 1


def test_deleted_files_come_back_only_where_the_course_changed_them(course) -> None:
    instructor, learner = course
    write_notebook(instructor / EXERCISE, "import torch  # fixed", "t = ____", "q1.check(t)")
    publish(instructor)
    (learner / EXERCISE).unlink()
    (learner / OTHER).unlink()

    result = update(learner)

    assert cell_sources(learner / EXERCISE)[0] == "import torch  # fixed"
    assert result.restored == [EXERCISE] and "is back" in result.describe()
    assert not (learner / OTHER).exists(), "the learner's own deletion of an unchanged file stands"
    assert result.untouched == [OTHER]


def test_a_learners_edit_to_a_file_the_course_removes_is_kept(course) -> None:
    instructor, learner = course
    (instructor / OTHER).unlink()
    publish(instructor)
    write_notebook(learner / OTHER, "my notes")

    result = update(learner)

    assert not (learner / OTHER).exists()
    assert cell_sources(learner / result.kept[OTHER]) == ["my notes"]


def test_untracked_files_stay_and_one_in_the_courses_way_is_kept_beside(course) -> None:
    instructor, learner = course
    write_notebook(instructor / "exercises/08_new.ipynb", "course")
    publish(instructor)
    write_notebook(learner / "exercises/08_new.ipynb", "mine")
    (learner / "notes.txt").write_text("my notes\n")

    result = update(learner)

    assert cell_sources(learner / "exercises/08_new.ipynb") == ["course"]
    assert cell_sources(learner / "exercises/yours-08_new.ipynb") == ["mine"]
    assert (learner / "notes.txt").read_text() == "my notes\n"
    assert "notes.txt" in result.untouched


def test_the_learners_commits_are_merged_and_a_clash_is_kept_beside(course) -> None:
    instructor, learner = course
    write_notebook(instructor / EXERCISE, "import torch", "t = ____  # fixed", "q1.check(t)")
    publish(instructor)
    write_notebook(learner / EXERCISE, "import torch", "t = torch.from_numpy(a)", "q1.check(t)")
    (learner / "notes.txt").write_text("mine\n")
    git(learner, "add", ".")
    git(learner, "commit", "-q", "-m", "my work")

    result = update(learner)

    assert cell_sources(learner / EXERCISE)[1] == "t = ____  # fixed"
    assert cell_sources(learner / result.kept[EXERCISE])[1] == "t = torch.from_numpy(a)"
    assert (learner / "notes.txt").read_text() == "mine\n"
    assert not git(learner, "status", "--porcelain", "--untracked-files=no")


def test_nothing_new_upstream_changes_nothing(course) -> None:
    _, learner = course
    write_notebook(learner / EXERCISE, "mine")
    before = (learner / EXERCISE).read_bytes()

    result = update(learner)

    assert result.before == result.after and "up to date" in result.describe()
    assert (learner / EXERCISE).read_bytes() == before


def test_a_second_kept_copy_does_not_overwrite_the_first(course) -> None:
    instructor, learner = course
    for round_ in ("first", "second"):
        write_notebook(instructor / EXERCISE, f"course {round_}")
        publish(instructor)
        write_notebook(learner / EXERCISE, f"mine {round_}")
        update(learner)
    assert cell_sources(learner / "exercises/yours-01_numpy_to_tensor.ipynb") == ["mine first"]
    assert cell_sources(learner / "exercises/yours-2-01_numpy_to_tensor.ipynb") == ["mine second"]


def test_a_folder_that_is_not_a_clone_gets_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UpdateError, match="not a clone that tracks"):
        update(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "x"


def test_an_unreachable_upstream_changes_nothing(course, tmp_path: Path) -> None:
    _, learner = course
    (tmp_path / "upstream.git").rename(tmp_path / "gone.git")
    write_notebook(learner / EXERCISE, "mine")
    before = (learner / EXERCISE).read_bytes()
    with pytest.raises(UpdateError, match="fetch"):
        update(learner)
    assert (learner / EXERCISE).read_bytes() == before
