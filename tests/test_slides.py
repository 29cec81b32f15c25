"""Every lesson presents as slides: structure derived from the lesson, speaker notes for the presenter only."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from tensorbridge import build, slides

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_has_slides_and_speaker_notes(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert not slides.assign(copy.deepcopy(nb)), f"run: python -m tensorbridge.build slides {path.relative_to(ROOT)}"
    kinds = [cell.metadata["slideshow"]["slide_type"] for cell in nb.cells]
    shown = [kind for kind in kinds if kind != "skip"]  # the Colab/Binder header is skipped
    assert shown[0] == "slide" and "fragment" in kinds and "subslide" in kinds
    assert "notes" in kinds, f"{path.name}: no speaker notes (a markdown cell starting with {slides.NOTE_MARKER})"
    explorers = [kinds[i] for i, cell in enumerate(nb.cells) if slides.shows_widget(cell)]
    assert set(explorers) <= {"subslide"}, f"{path.name}: an explorer shares its slide and may not fit"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOKS])
def test_no_speaker_note_is_visible_to_a_learner(path: Path) -> None:
    hidden = slides.visible_notes(nbformat.read(path, as_version=4))
    assert not hidden, f"{path.relative_to(ROOT)} cells {hidden}: run python -m tensorbridge.build slides"


def test_speaker_notes_document_is_up_to_date() -> None:
    lessons = [(p.stem, nbformat.read(p, as_version=4)) for p in LESSONS]
    expected = slides.notes_document(lessons)
    assert build.SPEAKER_NOTES.read_text() == expected, "run: python -m tensorbridge.build slides"
    assert all(text for _, nb in lessons for _, text in slides.notes_by_slide(nb))


def test_slide_rules() -> None:
    cell = nbformat.v4.new_markdown_cell
    assert slides.slide_type(cell("# Title")) == "slide"
    assert slides.slide_type(cell("## 2. Section")) == "slide"
    assert slides.slide_type(cell("### A smaller heading, then prose.")) == "subslide"
    assert slides.slide_type(cell("Some prose.")) == "subslide"
    assert slides.slide_type(cell(f"{slides.NOTE_MARKER}: ask the room")) == "notes"
    assert slides.slide_type(nbformat.v4.new_code_cell("x = 1")) == "fragment"
    assert slides.slide_type(nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["course-header"]})) == "skip"
    widget = nbformat.v4.new_output("display_data", {slides.WIDGET_VIEW: {"model_id": "m"}, "text/plain": "x"})
    assert slides.slide_type(nbformat.v4.new_code_cell("explorer()", outputs=[widget])) == "subslide"


def test_a_note_is_folded_away_with_its_text_kept_once() -> None:
    note = nbformat.v4.new_markdown_cell(f"{slides.NOTE_MARKER}: ask the room *before* the reveal.")
    assert slides.visible_notes(nbformat.v4.new_notebook(cells=[note])) == [0]
    assert slides.hide_note(note)
    assert note.source.startswith(slides.NOTE_OPEN) and note.source.endswith(slides.NOTE_CLOSE)
    assert slides.note_text(note) == "Ask the room *before* the reveal."
    assert slides.NOTE_TAG in note.metadata["tags"]
    folded = note.source
    assert not slides.hide_note(note) and note.source == folded
    assert slides.visible_notes(nbformat.v4.new_notebook(cells=[note])) == []


def test_text_is_enlarged_only_while_presenting() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    assert slides.assign(nb) and not slides.assign(nb)
    styles = nb.metadata[slides.FONTS_KEY]["styles"][""]
    assert list(styles) == [slides.PRESENTING] and slides.PRESENTING.startswith("body[data-jp-deck-mode='presenting']")
    assert int(styles[slides.PRESENTING]["--jp-content-font-size1"].removesuffix("px")) >= 20
