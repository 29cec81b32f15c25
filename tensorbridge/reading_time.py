"""How long a lesson takes a newcomer: its prose read at a stated pace, its code cells read and run, its exercises.

    python -m tensorbridge.reading_time [--write] [NOTEBOOK ...]

Each lesson states its time in its header ("**Time**: about 40 minutes, then about 25 for the exercises.").
This module computes that line from the notebook and its answer key instead of guessing it: without ``--write`` it
reports each lesson's stated and estimated minutes; with ``--write`` it puts the estimate into the header.
The tests fail when a stated time strays from the estimate by more than ``MARGIN``.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 120  # careful reading of technical prose full of code names, not skimming
MINUTES_PER_CODE_CELL = 0.75  # read the code, predict, run it, compare the output
MINUTES_PER_EXPLORER = 3.0  # try the few things the lesson suggests
MINUTES_PER_ANSWER = 4.0  # one exercise answer: read the task, write it, check it, perhaps take a hint
MARGIN = 0.25  # a stated time may differ from the estimate by this fraction of it, and by at least 5 minutes
NOTES = "**Speaker notes**"  # written for the instructor: a learner's reading time leaves them out
TIME_LINE = re.compile(r"\*\*Time\*\*: [^*\n]*?(?:\.(?=\s|$)|$)", re.M)
_CODE_SPAN = re.compile(r"`[^`]*`")


@dataclass(frozen=True)
class Estimate:
    """A lesson's parts, and the minutes they take at the stated pace."""

    words: int
    code_cells: int
    explorers: int
    answers: int

    @property
    def lesson_minutes(self) -> int:
        minutes = self.words / WORDS_PER_MINUTE + self.code_cells * MINUTES_PER_CODE_CELL
        return round_to_five(minutes + self.explorers * MINUTES_PER_EXPLORER)

    @property
    def exercise_minutes(self) -> int:
        return round_to_five(self.answers * MINUTES_PER_ANSWER)

    def line(self) -> str:
        """The header line a lesson should state."""
        return f"**Time**: about {self.lesson_minutes} minutes, then about {self.exercise_minutes} for the exercises."


def round_to_five(minutes: float) -> int:
    return max(5, 5 * math.ceil(minutes / 5 - 0.2))  # to the nearest 5, a little more often up than down


def words(markdown: str) -> int:
    """Words a reader reads: a code span counts as one, table rules and heading marks as none."""
    text = _CODE_SPAN.sub(" x ", markdown)
    return sum(1 for token in re.split(r"\s+", text) if re.search(r"\w", token))


def estimate(lesson: nbformat.NotebookNode, solution: nbformat.NotebookNode | None) -> Estimate:
    """Count the lesson's prose and code cells, and the answers its exercise notebook asks for."""
    prose = [c.source for c in lesson.cells if c.cell_type == "markdown" and not c.source.startswith(NOTES)]
    code = [c.source for c in lesson.cells if c.cell_type == "code"]
    answers = sum(c.source.count("### BEGIN SOLUTION") for c in solution.cells) if solution else 0
    return Estimate(
        words=sum(words(text) for text in prose),
        code_cells=len(code),
        explorers=sum("_explorer()" in source for source in code),
        answers=answers,
    )


def stated(lesson: nbformat.NotebookNode) -> tuple[int, int | None] | None:
    """(lesson minutes, exercise minutes) from the header's time line; None when it has none."""
    for cell in lesson.cells:
        match = TIME_LINE.search(cell.source) if cell.cell_type == "markdown" else None
        if match:
            numbers = [int(n) for n in re.findall(r"\d+", match.group())]
            return (numbers[0], numbers[1] if len(numbers) > 1 else None) if numbers else None
    return None


def agrees(stated_minutes: int, estimated_minutes: int) -> bool:
    return abs(stated_minutes - estimated_minutes) <= max(5, MARGIN * estimated_minutes)


def solution_for(lesson_path: Path) -> nbformat.NotebookNode | None:
    path = ROOT / "solutions" / lesson_path.name
    return nbformat.read(path, as_version=4) if path.exists() else None


def write_line(lesson: nbformat.NotebookNode, line: str) -> bool:
    """Put ``line`` in place of the header's time line; False when the header has none to replace."""
    for cell in lesson.cells:
        if cell.cell_type == "markdown" and TIME_LINE.search(cell.source):
            cell.source = TIME_LINE.sub(line, cell.source, count=1)
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tensorbridge.reading_time", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every lesson in notebooks/")
    parser.add_argument("--write", action="store_true", help="put the estimate into each lesson's header")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        lesson = nbformat.read(path, as_version=4)
        guess = estimate(lesson, solution_for(path))
        said = stated(lesson)
        report = (
            f"{path.name}: {guess.words} words, {guess.code_cells} code cells, {guess.explorers} explorer(s), "
            f"{guess.answers} answers -> {guess.lesson_minutes} + {guess.exercise_minutes} min; states {said}"
        )
        if args.write:
            if write_line(lesson, guess.line()):
                nbformat.write(lesson, path)
                report += " -> written"
            else:
                report += " -> no time line to replace"
                status = 1
        print(report)
    return status


if __name__ == "__main__":
    sys.exit(main())
