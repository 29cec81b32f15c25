"""A learner's progress, read from their own exercise notebooks (never written to).

Every ``check()`` output carries ``{"tensorbridge": {"question": ..., "status": ...}}`` in its metadata (a report
over several questions carries ``"bugs": {question: status}``), and
the exercise notebooks are stored executed, so each question appears in its notebook from the start (as "not
attempted"). Progress is the last status each question shows in the saved file.

    python3 course.py progress                 # needs no environment: only the standard library is used
    python -m tensorbridge.progress [FOLDER]   # the same, in any Python where the course is (Binder, a hub, Colab)
    print(progress.report())                   # the same, from a notebook cell
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
_SYMBOL = {"correct": "✓", "incorrect": "✗", "error": "!", "not attempted": "○"}


@dataclass(frozen=True)
class LessonProgress:
    notebook: str
    statuses: dict[str, str]  # question id -> last status shown in the saved notebook

    @property
    def solved(self) -> int:
        return sum(status == "correct" for status in self.statuses.values())


def read_statuses(path: Path) -> dict[str, str]:
    """Question id -> the last check status stored in a notebook, in cell order."""
    statuses: dict[str, str] = {}
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("tensorbridge", {})
            if record.get("status") in _SYMBOL and record.get("question"):
                statuses[record["question"]] = record["status"]
            # a report that checks several questions at once (lesson 07's bug report)
            for question, status in record.get("bugs", {}).items():
                if status in _SYMBOL:
                    statuses[question] = status
    return statuses


def course_progress(folder: Path = EXERCISES) -> list[LessonProgress]:
    """Progress for every exercise notebook in the folder; an unreadable notebook is reported, not fatal."""
    report = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        try:
            statuses = read_statuses(path)
        except (OSError, ValueError) as exc:
            statuses = {f"{path.stem} (unreadable: {exc.__class__.__name__})": "error"}
        report.append(LessonProgress(path.name, statuses))
    return report


def format_progress(report: list[LessonProgress]) -> str:
    lines = []
    for lesson in report:
        marks = "  ".join(f"{_SYMBOL[s]} {q.split('.')[-1]}" for q, s in lesson.statuses.items())
        lines.append(f"{lesson.notebook:<32} {lesson.solved:>2}/{len(lesson.statuses):<2}  {marks}")
    solved = sum(lesson.solved for lesson in report)
    total = sum(len(lesson.statuses) for lesson in report)
    lines.append(f"\n{solved} of {total} questions solved.  ✓ solved  ✗ not yet  ! raised an error  ○ not attempted")
    lines.append("Only saved notebooks count: save (Ctrl+S) before asking.")
    return "\n".join(lines)


def find_exercises(start: Path) -> Path:
    """The exercises folder of the copy of the course that ``start`` is in (a hub installs the package apart from
    each learner's copy), else the one beside this package."""
    for folder in (start, *start.parents):
        if folder.name == "exercises" and any(folder.glob("[0-9][0-9]_*.ipynb")):
            return folder
        if any((folder / "exercises").glob("[0-9][0-9]_*.ipynb")):
            return folder / "exercises"
    return EXERCISES


def report(folder: Path | None = None) -> str:
    """The progress table as text; in a notebook, ``print(report())``. Defaults to the copy the kernel runs in."""
    return format_progress(course_progress(folder or find_exercises(Path.cwd())))


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else None
    if folder is not None and not folder.is_dir():
        print(f"{folder} is not a folder; give the exercises folder of a copy of the course.", file=sys.stderr)
        return 2
    print(report(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
