"""Lesson headers state the time the reading-time estimate gives, and the estimate counts what it says it counts."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tensorbridge import reading_time as rt

LESSONS = sorted((rt.ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _lesson(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_the_stated_time_agrees_with_the_estimate(path: Path) -> None:
    lesson = nbformat.read(path, as_version=4)
    guess = rt.estimate(lesson, rt.solution_for(path))
    said = rt.stated(lesson)
    assert said is not None, f"{path.name} states no time"
    minutes, exercises = said
    assert rt.agrees(minutes, guess.lesson_minutes), (path.name, minutes, guess)
    assert exercises is not None and rt.agrees(exercises, guess.exercise_minutes), (path.name, exercises, guess)


def test_words_count_a_code_span_as_one_and_table_rules_as_none() -> None:
    assert rt.words("Call `torch.from_numpy(a)` once.") == 3
    assert rt.words("| a | b |\n|---|---|\n| one two | three |") == 5
    assert rt.words("## 1. Share memory") == 3


def test_the_estimate_counts_prose_code_explorers_and_answers_but_not_speaker_notes() -> None:
    lesson = _lesson(
        nbformat.v4.new_markdown_cell(" ".join(["word"] * 240)),
        nbformat.v4.new_markdown_cell("**Speaker notes**: " + " ".join(["secret"] * 1000)),
        *[nbformat.v4.new_code_cell("x = 1") for _ in range(3)],
        nbformat.v4.new_code_cell("chain_explorer()"),
    )
    solution = _lesson(nbformat.v4.new_code_cell("### BEGIN SOLUTION\nt = 1\n### END SOLUTION\n" * 5))
    guess = rt.estimate(lesson, solution)
    assert (guess.words, guess.code_cells, guess.explorers, guess.answers) == (240, 4, 1, 5)
    # 2 minutes of prose + 3 of code + 3 of explorer = 8, to the nearest 5 (up at 3 or more over): 10
    assert guess.lesson_minutes == 10 and guess.exercise_minutes == 20
    assert guess.line() == "**Time**: about 10 minutes, then about 20 for the exercises."


def test_the_time_line_is_read_and_replaced_in_place() -> None:
    header = nbformat.v4.new_markdown_cell("**What you need**: lesson 01. **Time**: 25 minutes. Outputs come from")
    lesson = _lesson(header)
    assert rt.stated(lesson) == (25, None)
    assert rt.write_line(lesson, "**Time**: about 40 minutes, then about 30 for the exercises.")
    assert header.source.endswith("**Time**: about 40 minutes, then about 30 for the exercises. Outputs come from")
    assert rt.stated(lesson) == (40, 30)
    assert not rt.write_line(_lesson(nbformat.v4.new_markdown_cell("no header here")), "x")
    assert rt.stated(_lesson(nbformat.v4.new_markdown_cell("no header here"))) is None


def test_the_margin_is_a_quarter_of_the_estimate_and_at_least_five_minutes() -> None:
    assert rt.agrees(25, 30) and rt.agrees(35, 30) and not rt.agrees(20, 30)
    assert rt.agrees(50, 60) and rt.agrees(45, 60) and not rt.agrees(30, 60)


def test_writing_reports_a_lesson_without_a_time_line(tmp_path: Path) -> None:
    path = tmp_path / "09_none.ipynb"
    nbformat.write(_lesson(nbformat.v4.new_markdown_cell("# A lesson")), path)
    assert rt.main(["--write", str(path)]) == 1
