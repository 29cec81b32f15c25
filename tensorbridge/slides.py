"""Slide structure for presenting a lesson live with jupyterlab-slideshow, derived from the lesson itself.

The slideshow is the live notebook itself, so explorers run and answer on their slide. Each heading starts a
slide; each explanation starts a sub-slide, and the code cells after it appear on it one keypress at a time
(fragments), so a presenter can ask the room to predict an output before revealing it. Cells whose text starts
with the speaker-notes marker are speaker notes: left out of the slides, folded into a closed "Speaker notes"
block for a learner reading the lesson, and collected per lesson for the presenter (``docs/speaker-notes.md``).
An explorer's cell starts a sub-slide of its own, so its controls and answer fit on the screen. Text is enlarged
only while presenting. Deriving all of this keeps every lesson's slides consistent; a test checks the stored metadata.
"""

from __future__ import annotations

import re

import nbformat

NOTE_MARKER = "**Speaker notes**"
NOTE_TAG = "speaker-notes"
# A note becomes a collapsed <details> block: closed wherever Markdown renders (JupyterLab, VS Code, GitHub),
# where hiding the cell's input would still show its first line.
NOTE_OPEN = "<details><summary>Speaker notes (for the presenter)</summary>"
NOTE_CLOSE = "</details>"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# jupyterlab-fonts styles, applied to this notebook only while jupyterlab-slideshow presents it: body text
# readable from the back of a room, code small enough that a 120-character line fits 1366 pixels.
FONTS_KEY = "@deathbeds/jupyterlab-fonts"
PRESENTING = "body[data-jp-deck-mode='presenting'] &"
PRESENTING_STYLES = {
    "--jp-content-font-size1": "22px",
    "--jp-content-font-size0": "20px",
    "--jp-code-font-size": "16px",
    "--jp-widgets-font-size": "18px",
    "--jp-widgets-inline-label-width": "120px",  # labels such as "array dtype" whole at 18 px
    "--jp-widgets-inline-width": "400px",  # and a checkbox's text beside them
}
_HEADING = re.compile(r"^#{1,2} +(.*)$", re.M)


def is_note(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith((NOTE_MARKER, NOTE_OPEN))


def shows_widget(cell: nbformat.NotebookNode) -> bool:
    """True for an explorer's cell: its stored output is a widget."""
    return any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))


def slide_type(cell: nbformat.NotebookNode) -> str:
    """The slide type a lesson cell gets: slide, subslide, fragment, notes or skip."""
    if "course-header" in cell.metadata.get("tags", []):  # links and the install cell: not for the room
        return "skip"
    if cell.cell_type != "markdown":
        return "subslide" if shows_widget(cell) else "fragment"
    if is_note(cell):
        return "notes"
    if _HEADING.search(cell.source.lstrip()):
        return "slide"
    return "subslide"


def note_text(cell: nbformat.NotebookNode) -> str:
    """What a speaker note says, without its marker or its <details> wrapping."""
    text = cell.source.strip()
    if text.startswith(NOTE_OPEN):
        return text.removeprefix(NOTE_OPEN).removesuffix(NOTE_CLOSE).strip()
    return text.removeprefix(NOTE_MARKER).lstrip(":").strip()


def hide_note(cell: nbformat.NotebookNode) -> bool:
    """Fold a speaker note away from the learner, its text kept; True when anything changed."""
    text = note_text(cell)
    wanted = f"{NOTE_OPEN}\n\n{text[:1].upper()}{text[1:]}\n\n{NOTE_CLOSE}"
    changed = cell.source != wanted
    cell.source = wanted
    tags = cell.metadata.get("tags", [])
    if NOTE_TAG not in tags:
        cell.metadata["tags"] = [*tags, NOTE_TAG]
        changed = True
    return changed


def hide_notes(nb: nbformat.NotebookNode) -> bool:
    """Fold away every speaker note in a notebook; True when anything changed."""
    changed = False
    for cell in nb.cells:
        if is_note(cell):
            changed = hide_note(cell) or changed
    return changed


def visible_notes(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of speaker notes a learner would read as ordinary text, before any prediction."""
    return [i for i, cell in enumerate(nb.cells) if is_note(cell) and not cell.source.startswith(NOTE_OPEN)]


def assign(nb: nbformat.NotebookNode) -> bool:
    """Set every cell's slide type, hide the speaker notes, size the text for presenting; True when anything changed."""
    changed = hide_notes(nb)
    for cell in nb.cells:
        wanted = {"slide_type": slide_type(cell)}
        if cell.metadata.get("slideshow") != wanted:
            cell.metadata["slideshow"] = wanted
            changed = True
    styles = {"styles": {"": {PRESENTING: PRESENTING_STYLES}}}
    if nb.metadata.get(FONTS_KEY) != styles:
        nb.metadata[FONTS_KEY] = styles
        changed = True
    return changed


def notes_by_slide(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Each speaker note with the heading of the slide it belongs to, in lesson order."""
    heading, notes = "", []
    for cell in nb.cells:
        if is_note(cell):
            notes.append((heading, note_text(cell)))
        elif cell.cell_type == "markdown" and (found := _HEADING.search(cell.source)):
            heading = found.group(1).strip()
    return notes


def notes_document(lessons: list[tuple[str, nbformat.NotebookNode]]) -> str:
    """The presenter's notes for every lesson, as Markdown: what to ask, slide by slide."""
    lines = [
        "# Speaker notes",
        "",
        "Generated from the lessons by `python -m tensorbridge.build slides`; edit the notes in the lessons.",
        "In a lesson they are collapsed cells (click one to read it) and the slideshow leaves them out.",
    ]
    for name, nb in lessons:
        lines += ["", f"## {name}"]
        for heading, text in notes_by_slide(nb):
            lines += ["", f"**{heading}**" if heading else "**Before the first slide**", "", text]
    return "\n".join(lines) + "\n"
