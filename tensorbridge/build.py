"""Build exercises from solutions, and execute notebooks so their stored outputs are real.

    python -m tensorbridge.build exercises [--check] [LESSON ...]
    python -m tensorbridge.build execute NOTEBOOK ...
    python -m tensorbridge.build slides [NOTEBOOK ...]
    python -m tensorbridge.build links

``solutions/NN_*.ipynb`` is the only source: each answer sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (or ``<!-- BEGIN SOLUTION -->`` / ``<!-- END SOLUTION -->`` in Markdown). An exercise
keeps everything else; each answer becomes a placeholder: ``name = ____`` for what the answer assigned, a
function's signature returning ``____`` for what it defined. A block may instead say what the exercise starts
from: after an ``### EXERCISE`` line inside it come commented-out lines (a planted bug, say), which replace the
whole block in the exercise with one ``#`` taken off each line; the solution never runs them.
An exercise a learner has edited is copied to ``exercises/.backups/`` before it is rebuilt, so regenerating
never loses their work.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import os
import re
import shutil
import sys
import textwrap
import time
from pathlib import Path

import nbformat

from . import header, slides

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SPEAKER_NOTES = ROOT / "docs" / "speaker-notes.md"
PLACEHOLDER = "____"
# Warnings name the temporary file the kernel gave a cell; stored outputs say "<cell>" instead, and the
# test suite's sanitizer does the same to live outputs (tests/sanitize.cfg). Naming every cell "<cell>" in the
# kernel itself (IPYKERNEL_CELL_NAME) would be simpler, but then a traceback through a function defined in an
# earlier cell shows the wrong source line.
CELL_FILE = re.compile(r"\S*ipykernel_\d+[/\\]\d+\.py")
CELL_NAME = "<cell>"

_CODE_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.M | re.S)
_EXERCISE_LINE = re.compile(r"^[ \t]*### EXERCISE[^\n]*\n", re.M)
_MARKDOWN_BLOCK = re.compile(r"\n?<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.S)


def placeholder_for(answer: str, indent: str = "") -> str:
    """What replaces an answer: its assignments as ``name = ____``, its functions returning ``____``."""
    lines = []
    for node in ast.parse(textwrap.dedent(answer)).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines += [f"{indent}{ast.unparse(target)} = {PLACEHOLDER}" for target in targets]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stub = copy.copy(node)
            docstring = [node.body[0]] if ast.get_docstring(node) else []
            stub.body = [*docstring, ast.Return(ast.Name(PLACEHOLDER))]
            lines.append(textwrap.indent(ast.unparse(ast.fix_missing_locations(stub)), indent))
        elif isinstance(node, ast.Return):
            lines.append(f"{indent}return {PLACEHOLDER}")
    return "\n".join([f"{indent}# Your code here: replace {PLACEHOLDER}", *lines]) + "\n"


def _uncomment(line: str) -> str:
    """``    # x = 1`` -> ``    x = 1``: one comment marker off, indentation kept."""
    code = line.lstrip()
    margin = line[: len(line) - len(code)]
    if code.startswith("# "):
        return margin + code[2:]
    return margin + code.removeprefix("#")


def _exercise_text(block: re.Match) -> str:
    """What an answer block becomes: its ``### EXERCISE`` part un-commented if it has one, else placeholders."""
    indent, body = block.group(1), block.group(2)
    parts = _EXERCISE_LINE.split(body, maxsplit=1)
    if len(parts) == 1:
        return placeholder_for(body, indent)
    return "".join(_uncomment(line) for line in parts[1].splitlines(keepends=True))


def strip_code(source: str) -> str:
    return _CODE_BLOCK.sub(_exercise_text, source)


def strip_markdown(source: str) -> str:
    return _MARKDOWN_BLOCK.sub("", source)


def sources_digest(nb: nbformat.NotebookNode) -> str:
    """A fingerprint of what a learner can edit: cell types and sources, not outputs."""
    text = "\x00".join(f"{cell.cell_type}\x01{cell.source}" for cell in nb.cells)
    return hashlib.sha256(text.encode()).hexdigest()


def _editable_metadata(cell: nbformat.NotebookNode) -> dict:
    """A cell's metadata without what execution records."""
    return {key: value for key, value in cell.metadata.items() if key != "execution"}


def source_digest(source: str) -> str:
    """A short fingerprint of one cell's source; progress (standard library only) computes the same in ``_digest``."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def exercise_from(solution: nbformat.NotebookNode, solution_name: str) -> nbformat.NotebookNode:
    """The exercise notebook for a solution notebook, unexecuted.

    Its metadata records each answer cell's source as built, so that progress can tell a cell the learner has not
    touched (a "fix this code" question starts from code that its check calls wrong) from one they have.
    """
    nb = nbformat.v4.new_notebook(metadata=dict(solution.metadata))
    answer_cells = {}
    for cell in solution.cells:
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(strip_code(cell.source), metadata=_editable_metadata(cell))
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(strip_markdown(cell.source), metadata=_editable_metadata(cell))
        else:
            new = nbformat.v4.new_raw_cell(cell.source, metadata=_editable_metadata(cell))
        new.id = cell.get("id", new.id)
        if cell.cell_type == "code" and new.source != cell.source:
            answer_cells[new.id] = source_digest(new.source)
        nb.cells.append(new)
    header.apply(nb, f"exercises/{solution_name}", header.site())
    nb.metadata["tensorbridge"] = {
        "generated_from": f"solutions/{solution_name}",
        "sources": sources_digest(nb),
        "answer_cells": answer_cells,
    }
    return nb


def exercise_path(solution_path: Path) -> Path:
    return EXERCISES / solution_path.name


def learner_edited(path: Path) -> bool:
    """True when the exercise's cells no longer match what the build wrote into it."""
    nb = nbformat.read(path, as_version=4)
    recorded = nb.metadata.get("tensorbridge", {}).get("sources")
    return recorded != sources_digest(nb)


def is_stale(solution_path: Path, target: Path) -> bool:
    """True when the exercise is missing or its cells differ from what the solution would build."""
    if not target.exists():
        return True
    expected = exercise_from(nbformat.read(solution_path, as_version=4), solution_path.name)
    current = nbformat.read(target, as_version=4)
    return current.metadata.get("tensorbridge") != expected.metadata["tensorbridge"] or learner_edited(target)


def back_up(path: Path) -> Path:
    """Copy a notebook into .backups/ beside it, under a name that never overwrites an earlier copy."""
    folder = path.parent / ".backups"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    copy, n = folder / f"{path.stem}.{stamp}{path.suffix}", 1
    while copy.exists():
        copy, n = folder / f"{path.stem}.{stamp}-{n}{path.suffix}", n + 1
    shutil.copy2(path, copy)
    return copy


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 120, record_timing: bool = False) -> None:
    """Run every cell in a fresh kernel of this Python, storing outputs and widget state.

    Stored notebooks leave timing out (it would change on every run); the benchmark asks for it.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--log-level=ERROR"]
            return KernelSpec(argv=argv, display_name="this Python", language="python")

    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
    # Without CUDA, GPU cells are not run: they keep the outputs a real GPU run stored in them.
    skip = "gpu" if not _cuda_available() else "skip-execution"
    client = NotebookClient(
        nb,
        km=manager,
        timeout=timeout,
        record_timing=record_timing,
        skip_cells_with_tag=skip,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    portable_outputs(nb)


def portable(text: str) -> str:
    """Text as any machine would print it: repository paths relative, kernel cell files as ``<cell>``."""
    return CELL_FILE.sub(CELL_NAME, text.replace(f"{ROOT}{os.sep}", ""))


def portable_outputs(nb: nbformat.NotebookNode) -> None:
    """Stored outputs name no file by this machine's paths: not in tracebacks, not in printed warnings."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [portable(line) for line in output["traceback"]]
            elif output.get("output_type") == "stream":
                output["text"] = portable(output["text"])


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def build_exercise(solution_path: Path, target: Path, run: bool = True) -> str:
    """Write one exercise notebook (executed, unless ``run`` is false); returns a line for the report."""
    note = ""
    if target.exists() and learner_edited(target):
        note = f" (your edited copy was kept as {back_up(target)})"
    nb = exercise_from(nbformat.read(solution_path, as_version=4), solution_path.name)
    if run:
        execute(nb, target.parent)
    nbformat.write(nb, target)
    return f"built {target}{note}"


def solutions_for(lessons: list[str]) -> list[Path]:
    paths = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not lessons or p.name[:2] in {lesson.zfill(2) for lesson in lessons}]


def write_slides(paths: list[Path]) -> list[str]:
    """Slide metadata and hidden speaker notes in the lessons, and the presenter's notes beside them; a report."""
    report = []
    for path in paths or LESSONS:
        nb = nbformat.read(path, as_version=4)
        if slides.assign(nb):
            nbformat.write(nb, path)
            report.append(f"slides set in {path}")
    notes = slides.notes_document([(p.stem, nbformat.read(p, as_version=4)) for p in LESSONS])
    if not SPEAKER_NOTES.exists() or SPEAKER_NOTES.read_text() != notes:
        SPEAKER_NOTES.write_text(notes)
        report.append(f"speaker notes written to {SPEAKER_NOTES.relative_to(ROOT)}")
    return report


def write_links() -> list[str]:
    """Every lesson and exercise opens with the current header, and the README lists the links; returns a report."""
    where, report = header.site(), []
    paths = header.notebook_paths()
    for path in paths:
        nb = nbformat.read(ROOT / path, as_version=4)
        if path.startswith("exercises/") and learner_edited(ROOT / path):
            report.append(f"skipped {path}: you have edited it (python3 course.py build rebuilds it, keeping a copy)")
            continue
        if header.apply(nb, path, where):
            if path.startswith("exercises/"):
                nb.metadata["tensorbridge"]["sources"] = sources_digest(nb)
            nbformat.write(nb, ROOT / path)
            report.append(f"header set in {path}")
    readme = ROOT / "README.md"
    text = readme.read_text()
    updated = header.apply_readme(text, header.readme_block(paths, where))
    if updated != text:
        readme.write_text(updated)
        report.append("links set in README.md")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tensorbridge.build", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ex = commands.add_parser("exercises", help="rebuild exercises/ from solutions/ (learners' edits are backed up)")
    ex.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 01 (default: all)")
    ex.add_argument("--check", action="store_true", help="only report stale exercises; exit 1 if any")
    ex.add_argument("--all", action="store_true", help="rebuild even exercises that are up to date")
    run = commands.add_parser("execute", help="execute notebooks in place, storing their outputs")
    run.add_argument("notebooks", nargs="+", type=Path)
    show = commands.add_parser("slides", help="set slide metadata and hide speaker notes, from each lesson's structure")
    show.add_argument("notebooks", nargs="*", type=Path, help="default: every lesson in notebooks/")
    commands.add_parser("links", help="put the Colab/Binder links and the install cell atop every notebook")
    args = parser.parse_args(argv)

    if args.command == "links":
        print("\n".join(write_links()) or "links are up to date")
        return 0

    if args.command == "slides":
        print("\n".join(write_slides(args.notebooks)) or "slides are up to date")
        return 0

    if args.command == "execute":
        for path in args.notebooks:
            nb = nbformat.read(path, as_version=4)
            execute(nb, path.resolve().parent)
            nbformat.write(nb, path)
            print(f"executed {path}")
        return 0
    stale = [p for p in solutions_for(args.lessons) if args.all or is_stale(p, exercise_path(p))]
    if args.check:
        for path in stale:
            print(f"stale: exercises/{path.name} (run: python3 course.py build)")
        return 1 if stale else 0
    for path in stale:
        print(build_exercise(path, exercise_path(path)))
    if not stale:
        print("exercises are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
