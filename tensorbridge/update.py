"""Bring the course's fixes onto a learner's copy (a git clone) without losing any of the learner's work.

A plain ``git pull`` refuses as soon as JupyterLab has autosaved a lesson, and a merge that prefers one side
drops the other side's change to a cell without a word. Here, a file that both the learner and the course
changed is copied beside itself (``yours-NAME``) before the course's version is taken, and the learner is told;
a file only the learner changed stays as it is; nothing is deleted that is not kept somewhere.

    python3 course.py update
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "yours-"  # not matching NN_*.ipynb, so progress and the exercise build never mistake a copy for a lesson
MERGE_MESSAGE = "Course update (course.py update): both sides' versions kept"


class UpdateError(Exception):
    """Why the update could not run; nothing of the learner's was changed when this is raised."""


@dataclass
class Update:
    before: str
    after: str
    kept: dict[str, str] = field(default_factory=dict)  # a file both sides changed -> where the learner's version is
    untouched: list[str] = field(default_factory=list)  # changed by the learner only: left as the learner has it
    restored: list[str] = field(default_factory=list)  # deleted by the learner, changed by the course: back again

    def describe(self) -> str:
        if self.before == self.after:
            lines = ["The course is up to date."]
        else:
            lines = [f"Course updated ({self.before[:7]} -> {self.after[:7]})."]
        for path, copy in self.kept.items():
            lines.append(f"  {path}: the course changed it too; your version is kept in {copy}")
        for path in self.restored:
            lines.append(f"  {path}: you had deleted it and the course changed it, so it is back")
        if self.untouched:
            lines.append(f"  Your changes to {len(self.untouched)} other file(s) are as you left them.")
        return "\n".join(lines)


def _git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    for name in ("NAME", "EMAIL"):  # a merge commit needs an identity; a learner's clone often has none
        env.setdefault(f"GIT_AUTHOR_{name}", "Tensor Bridge learner" if name == "NAME" else "learner@localhost")
        env.setdefault(f"GIT_COMMITTER_{name}", env[f"GIT_AUTHOR_{name}"])
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise UpdateError(f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def _paths(output: str) -> set[str]:
    return {line for line in output.split("\0") if line}


def _learner_changes(repo: Path, base: str) -> tuple[set[str], set[str]]:
    """(changed or added, deleted) by the learner since ``base``: commits, edits, autosaves and new files."""
    changed = _paths(_git(repo, "diff", "--no-renames", "--name-only", "-z", "--diff-filter=d", base))
    changed |= _paths(_git(repo, "ls-files", "--others", "--exclude-standard", "-z"))
    deleted = _paths(_git(repo, "diff", "--no-renames", "--name-only", "-z", "--diff-filter=D", base))
    return changed, deleted


def _beside(repo: Path, path: str) -> str:
    """A free name next to ``path`` for the learner's copy: yours-NAME, yours-2-NAME, ..."""
    target = Path(path)
    for n in range(1, 1000):
        name = f"{PREFIX}{target.name}" if n == 1 else f"{PREFIX}{n}-{target.name}"
        candidate = target.with_name(name)
        if not (repo / candidate).exists():
            return candidate.as_posix()
    raise UpdateError(f"too many kept copies of {path}; move some away and run the update again")


def update(repo: Path = ROOT) -> Update:
    """Fetch the course's upstream branch and bring it in, keeping every file the learner changed."""
    try:
        upstream = _git(repo, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}").strip()
    except UpdateError as exc:
        raise UpdateError(f"{repo} is not a clone that tracks the course's repository ({exc})") from None
    remote = upstream.split("/", 1)[0]
    _git(repo, "fetch", "--quiet", remote)
    head, theirs = _git(repo, "rev-parse", "HEAD", "@{upstream}").split()
    base = _git(repo, "merge-base", "HEAD", "@{upstream}").strip()
    result = Update(before=head, after=theirs)
    if base == theirs:  # nothing new upstream: the learner's files are left exactly as they are
        result.after = head
        return result

    course = _paths(_git(repo, "diff", "--no-renames", "--name-only", "-z", base, theirs))
    changed, deleted = _learner_changes(repo, base)
    for path in sorted(changed & course):
        copy = _beside(repo, path)
        shutil.copy2(repo / path, repo / copy)
        result.kept[path] = copy
    both = (changed | deleted) & course
    in_head = _paths(_git(repo, "ls-tree", "-r", "--name-only", "-z", "HEAD", "--", *both)) if both else set()
    for path in sorted(both):
        if path in in_head:
            _git(repo, "checkout", "HEAD", "--", path)
        else:  # new on both sides: the learner's file is kept beside, the course's takes its name
            (repo / path).unlink()
    result.restored = sorted(deleted & course & in_head)
    result.untouched = sorted((changed | deleted) - course)

    if base == head:
        _git(repo, "merge", "--ff-only", "--quiet", theirs)
    else:  # the learner committed: conflicting hunks can only be in files already kept beside
        try:
            _git(repo, "merge", "--quiet", "-X", "theirs", "-m", MERGE_MESSAGE, theirs)
        except UpdateError:
            _git(repo, "merge", "--abort")
            raise UpdateError(
                "the course's changes could not be merged with your commits; your files are as they were, "
                f"and copies of those the course changed are kept: {', '.join(result.kept.values()) or 'none'}"
            ) from None
    result.after = _git(repo, "rev-parse", "HEAD").strip()
    return result


def main() -> int:
    try:
        print(update().describe())
    except UpdateError as exc:
        print(f"Nothing was updated: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
