"""Slide structure for presenting a lesson live with RISE (jupyterlab-rise), derived from the lesson itself.

Each heading starts a slide; each explanation starts a sub-slide, and the code cells after it appear on it one
keypress at a time (fragments), so a presenter can ask the room to predict an output before revealing it.
Cells whose text starts with the speaker-notes marker are speaker notes, shown in the presenter view only.
Deriving the metadata keeps every lesson's slides consistent; a test checks that the stored metadata matches.
"""

from __future__ import annotations

import nbformat

NOTE_MARKER = "**Speaker notes**"


def slide_type(cell: nbformat.NotebookNode) -> str:
    """The RISE slide type a lesson cell gets: slide, subslide, fragment or notes."""
    if "course-header" in cell.metadata.get("tags", []):  # links and the install cell: not for the room
        return "skip"
    if cell.cell_type != "markdown":
        return "fragment"
    text = cell.source.lstrip()
    if text.startswith(NOTE_MARKER):
        return "notes"
    if any(line.startswith(("# ", "## ")) for line in text.splitlines()):
        return "slide"
    return "subslide"


def assign(nb: nbformat.NotebookNode) -> bool:
    """Set every cell's slideshow metadata; True when anything changed."""
    changed = False
    for cell in nb.cells:
        wanted = {"slide_type": slide_type(cell)}
        if cell.metadata.get("slideshow") != wanted:
            cell.metadata["slideshow"] = wanted
            changed = True
    return changed
