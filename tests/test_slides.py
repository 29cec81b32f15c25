"""Every lesson presents as slides: structure derived from the lesson, speaker notes for the presenter."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from tensorbridge import slides

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_slides_and_speaker_notes(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert not slides.assign(copy.deepcopy(nb)), f"run: python -m tensorbridge.build slides {path.relative_to(ROOT)}"
    kinds = [cell.metadata["slideshow"]["slide_type"] for cell in nb.cells]
    shown = [kind for kind in kinds if kind != "skip"]  # the Colab/Binder header is skipped
    assert shown[0] == "slide" and "fragment" in kinds and "subslide" in kinds
    assert "notes" in kinds, f"{path.name}: no speaker notes (a markdown cell starting with {slides.NOTE_MARKER})"


def test_slide_rules() -> None:
    cell = nbformat.v4.new_markdown_cell
    assert slides.slide_type(cell("# Title")) == "slide"
    assert slides.slide_type(cell("## 2. Section")) == "slide"
    assert slides.slide_type(cell("Some prose.")) == "subslide"
    assert slides.slide_type(cell(f"{slides.NOTE_MARKER}: ask the room")) == "notes"
    assert slides.slide_type(nbformat.v4.new_code_cell("x = 1")) == "fragment"
    assert slides.slide_type(nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["course-header"]})) == "skip"
