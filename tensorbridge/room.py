"""The instructor's view of a room: every learner's saved progress, question by question, and the course fixes
that a hub's nbgitpuller dropped from a learner's copy. Only reads the learners' homes.

    python3 course.py room /home          # a hub's homes, each holding a copy of the course
    python -m tensorbridge.room /home

A question where many learners tried and few solved is where the room is stuck.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tensorbridge.progress import course_progress, holds_exercises
from tensorbridge.update import MERGE_MESSAGE

SOLVED, FAILED, UNTRIED = "solved", "tried, not solved", "not tried"


def outcome(status: str | None) -> str:
    """A question's last saved status, as the room sees it; any status other than right or untouched is a try."""
    if status == "correct":
        return SOLVED
    if status in (None, "not attempted"):
        return UNTRIED
    return FAILED


@dataclass
class Question:
    id: str
    counts: dict[str, int] = field(default_factory=lambda: {SOLVED: 0, FAILED: 0, UNTRIED: 0})
    failed_by: list[str] = field(default_factory=list)


@dataclass
class Room:
    learners: list[str]
    questions: dict[str, Question]  # in course order
    without_course: list[str]  # homes with no copy of the course in them


def find_copy(home: Path) -> Path | None:
    """The exercises folder of the course copy in a home: ``home/exercises`` or one level down (nbgitpuller's)."""
    for candidate in (home / "exercises", *sorted(home.glob("*/exercises"))):
        if holds_exercises(candidate):
            return candidate
    return None


def read_room(homes: Path) -> Room:
    """Every learner's last saved status for every question, from the homes under ``homes``."""
    learners, without_course = [], []
    per_learner: dict[str, dict[str, str]] = {}
    order: dict[str, None] = {}
    for home in sorted(p for p in homes.iterdir() if p.is_dir() and not p.name.startswith(".")):
        exercises = find_copy(home)
        if exercises is None:
            without_course.append(home.name)
            continue
        learners.append(home.name)
        statuses = {q: s for lesson in course_progress(exercises) for q, s in lesson.statuses.items()}
        per_learner[home.name] = statuses
        order.update(dict.fromkeys(statuses))
    questions = {q: Question(q) for q in order}
    for learner, statuses in per_learner.items():
        for q, question in questions.items():
            result = outcome(statuses.get(q))
            question.counts[result] += 1
            if result == FAILED:
                question.failed_by.append(learner)
    return Room(learners, questions, without_course)


def format_room(room: Room, names: bool = False) -> str:
    width = max((len(q) for q in room.questions), default=8)
    lines = [f"{len(room.learners)} learners.", f"{'question':<{width}}  {SOLVED:>6}  {FAILED:>17}  {UNTRIED:>9}"]
    for q, question in room.questions.items():
        c = question.counts
        stuck = "  <- stuck" if c[FAILED] > c[SOLVED] else ""
        who = f"  ({', '.join(question.failed_by)})" if names and question.failed_by else ""
        lines.append(f"{q:<{width}}  {c[SOLVED]:>6}  {c[FAILED]:>17}  {c[UNTRIED]:>9}{stuck}{who}")
    if room.without_course:
        lines.append(f"No copy of the course in: {', '.join(room.without_course)}")
    lines.append("Only saved notebooks count: ask learners to save (Ctrl+S) first.")
    return "\n".join(lines)


def _read_only_git(clone: Path, *args: str) -> str:
    """git in a learner's clone, as any user (root on a hub), with new objects kept out of it in a scratch store."""
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(
            os.environ,
            GIT_OBJECT_DIRECTORY=scratch,
            GIT_ALTERNATE_OBJECT_DIRECTORIES=str(clone / ".git" / "objects"),
            LC_ALL="C",
        )
        result = subprocess.run(
            ["git", "-c", "safe.directory=*", *args], cwd=clone, env=env, capture_output=True, text=True
        )
    if result.returncode not in (0, 1):  # merge-tree exits 1 when the merge has conflicts
        raise RuntimeError(f"git {' '.join(args)} in {clone}: {result.stderr.strip()}")
    return result.stdout


def dropped_by_pulls(clone: Path) -> list[str]:
    """Files where a merge in the clone's history kept the learner's side over a conflicting course change.

    nbgitpuller merges with ``-Xours``: the learner's side of a conflicting hunk wins without a word. Merging the
    same two parents again without that option shows exactly the files where it had to choose. (``course.py
    update`` merges the other way round, with both versions kept, so its merges are left out.)
    """
    merges = _read_only_git(clone, "log", "--merges", "--format=%P%x00%s", "HEAD").split("\n")
    dropped: dict[str, None] = {}
    for line in filter(None, merges):
        parents, subject = line.split("\0", 1)
        if subject == MERGE_MESSAGE:
            continue
        learner, course = parents.split()[:2]
        out = _read_only_git(clone, "merge-tree", "--write-tree", "--name-only", "--no-messages", learner, course)
        dropped.update(dict.fromkeys(out.split("\n")[1:]))
    return [path for path in dropped if path]


def dropped_in_room(homes: Path) -> dict[str, list[str]]:
    """Learner -> files in their copy where a course change was dropped by a pull."""
    report = {}
    for home in sorted(p for p in homes.iterdir() if p.is_dir()):
        exercises = find_copy(home)
        if exercises is not None and (exercises.parent / ".git").is_dir():
            files = dropped_by_pulls(exercises.parent)
            if files:
                report[home.name] = files
    return report


def main(argv: list[str]) -> int:
    names = "--names" in argv
    args = [a for a in argv if a != "--names"]
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m tensorbridge.room HOMES_FOLDER [--names]   (e.g. /home on a hub)", file=sys.stderr)
        return 2
    homes = Path(args[0])
    print(format_room(read_room(homes), names=names))
    dropped = dropped_in_room(homes)
    if dropped:
        print("\nCourse changes a pull dropped in favour of the learner's edit (nbgitpuller keeps the learner's side):")
        for learner, files in dropped.items():
            print(f"  {learner}: {', '.join(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
