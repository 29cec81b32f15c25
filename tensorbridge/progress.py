"""A learner's progress, read from their own exercise notebooks (never written to).

Every ``check()`` output carries ``{"tensorbridge": {"question": ..., "status": ...}}`` in its metadata (a report
over several questions carries ``"bugs": {question: status}``), and the exercise notebooks are stored executed,
so each question appears in its notebook from the start. Progress is the last status each question shows in the
saved file, with three corrections, so that the count is of questions and never of accidents:

- a cell that calls ``qN.check(...)`` (or the capstone's ``bug_report``) but raised before it printed a verdict
  counts its questions as "error" (``!``), instead of dropping them;
- a question whose answer cells are exactly as the exercise was built is "not attempted", even where its check
  calls the code it starts from wrong (a "fix this code" question);
- a question checked "not attempted" after it was solved earlier in the session is noted as once solved.

Only the standard library is used here, so progress runs without the course's environment.

    python3 course.py progress                 # needs no environment: only the standard library is used
    python -m tensorbridge.progress [FOLDER]   # the same, in any Python where the course is (Binder, a hub, Colab)
    print(progress.report())                   # the same, from a notebook cell
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
EXERCISE_FILES = "[0-9][0-9]_*.ipynb"  # what counts as an exercise notebook
_SYMBOL = {"correct": "✓", "incorrect": "✗", "error": "!", "not attempted": "○"}
_CHECK_CALL = re.compile(r"^[ \t]*(q\d+|b\d+|practice)\.check\(", re.M)
# A cell that reports on several questions at once, and the questions it reports (lesson 07's bug report).
REPORTS = {"bug_report": ("b1", "b2", "b3", "b4", "b5", "b6")}


@dataclass(frozen=True)
class LessonProgress:
    notebook: str
    statuses: dict[str, str]  # question id -> last status shown in the saved notebook
    once_solved: frozenset[str] = field(default_factory=frozenset)  # not attempted now, solved earlier

    @property
    def solved(self) -> int:
        return sum(status == "correct" for status in self.statuses.values())


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _digest(source: str) -> str:
    """The same fingerprint as ``build.source_digest``."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def _asked(cell: dict, lesson: str) -> list[str]:
    """The questions a code cell checks, by the calls in its source."""
    source = _source(cell)
    asked = [f"{lesson}.{handle}" for handle in _CHECK_CALL.findall(source)]
    for call, handles in REPORTS.items():
        if re.search(rf"^[ \t]*{call}\(", source, re.M):  # a call, not a mention in a comment
            asked += [f"{lesson}.{handle}" for handle in handles]
    return asked


def read_progress(path: Path) -> tuple[dict[str, str], frozenset[str]]:
    """Question id -> status, in cell order, and the questions once solved; see the module's docstring."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    lesson = path.name[:2]
    built = notebook.get("metadata", {}).get("tensorbridge", {}).get("answer_cells")
    statuses: dict[str, str] = {}
    once_solved: set[str] = set()
    earlier_touched = False  # any answer cell above this one changed
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        untouched = None  # unknown: a notebook built before answer cells were recorded
        if isinstance(built, dict):
            if cell.get("id") in built:
                untouched = built[cell["id"]] == _digest(_source(cell))
                earlier_touched = earlier_touched or not untouched
            else:
                untouched = not earlier_touched
        shown: dict[str, str] = {}
        raised = False
        for output in cell.get("outputs", []):
            raised = raised or output.get("output_type") == "error"
            record = output.get("metadata", {}).get("tensorbridge", {})
            if record.get("status") in _SYMBOL and record.get("question"):
                shown[record["question"]] = record["status"]
                if record.get("solved_before"):
                    once_solved.add(record["question"])
            # a report that checks several questions at once (lesson 07's bug report)
            for question, status in record.get("bugs", {}).items():
                if status in _SYMBOL:
                    shown[question] = status
        for question in _asked(cell, lesson):
            if question not in shown:
                shown[question] = "error" if raised else "not attempted"
        if untouched:
            # the answer is as the exercise was built: what the check says is about the exercise, not the learner
            shown = {q: "not attempted" if s == "incorrect" else s for q, s in shown.items()}
        statuses.update(shown)
    once_solved = {q for q in once_solved if statuses.get(q) == "not attempted"}
    return statuses, frozenset(once_solved)


def read_statuses(path: Path) -> dict[str, str]:
    """Question id -> the last check status stored in a notebook, in cell order."""
    return read_progress(path)[0]


def course_progress(folder: Path = EXERCISES) -> list[LessonProgress]:
    """Progress for every exercise notebook in the folder; an unreadable notebook is reported, not fatal."""
    report = []
    for path in sorted(folder.glob(EXERCISE_FILES)):
        try:
            statuses, once_solved = read_progress(path)
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            statuses, once_solved = {f"{path.stem} (unreadable: {exc.__class__.__name__})": "error"}, frozenset()
        report.append(LessonProgress(path.name, statuses, once_solved))
    return report


def format_progress(report: list[LessonProgress]) -> str:
    lines = []
    for lesson in report:
        marks = "  ".join(
            f"{_SYMBOL[s]} {q.split('.')[-1]}{' (solved before)' if q in lesson.once_solved else ''}"
            for q, s in lesson.statuses.items()
        )
        lines.append(f"{lesson.notebook:<32} {lesson.solved:>2}/{len(lesson.statuses):<2}  {marks}")
    solved = sum(lesson.solved for lesson in report)
    total = sum(len(lesson.statuses) for lesson in report)
    lines.append(f"\n{solved} of {total} questions solved.  ✓ solved  ✗ not yet  ! raised an error  ○ not attempted")
    lines.append("Only saved notebooks count: save (Ctrl+S) before asking.")
    return "\n".join(lines)


def holds_exercises(folder: Path) -> bool:
    return any(folder.glob(EXERCISE_FILES))


def find_exercises(start: Path) -> Path:
    """The exercises folder of the copy of the course that ``start`` is in (a hub installs the package apart from
    each learner's copy), else the one beside this package."""
    for folder in (start, *start.parents):
        if folder.name == "exercises" and holds_exercises(folder):
            return folder
        if holds_exercises(folder / "exercises"):
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
