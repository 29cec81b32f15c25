"""Lesson 01's explorer: pick a constructor, an array dtype, a requested dtype, whether to change the array."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..conversions import CONSTRUCTORS, REQUESTS, SOURCES, Conversion, convert
from ..feedback import inline_html
from .base import Explorer

_GOOD, _BAD, _NOTE = "#2e7d32", "#c62828", "#1565c0"


def _code(text: str) -> str:
    return f"<pre style='margin:.3em 0'>{html.escape(text)}</pre>"


def render(result: Conversion) -> str:
    """The result as HTML: the code that ran, then what it did (or the error, verbatim)."""
    parts = [_code(result.code)]
    if not result.ok:
        parts.append(f"<b style='color:{_BAD}'>Fails.</b> The exact error:")
        parts.append(_code(result.error))
        return "".join(parts)
    sharing = (
        f"<b style='color:{_NOTE}'>shares memory</b> with <code>a</code>"
        if result.shares
        else f"<b style='color:{_GOOD}'>copied</b>: its own memory"
    )
    rows = [
        ("tensor dtype", f"<code>{result.dtype}</code> (array: <code>{html.escape(result.source_dtype)}</code>)"),
        ("memory", sharing),
        ("t right after", f"<code>{html.escape(repr(result.values))}</code>"),
    ]
    if result.values_after_change is not None:
        rows.append(("a after the change", f"<code>{html.escape(repr(result.array_after_change))}</code>"))
        rows.append(("t after the change", f"<code>{html.escape(repr(result.values_after_change))}</code>"))
    for message in result.warnings:
        rows.append(("warning", html.escape(message)))
    table = "".join(f"<tr><td style='padding-right:1em'>{k}</td><td>{v}</td></tr>" for k, v in rows)
    parts.append(f"<table>{table}</table><p>{inline_html(result.explanation)}</p>")
    return "".join(parts)


def constructor_explorer() -> Explorer:
    """What does this constructor do with this array? Runs the conversion live on every change."""
    controls = {
        "constructor": widgets.ToggleButtons(
            options=[(f"torch.{name}", name) for name in CONSTRUCTORS], description="constructor"
        ),
        "source": widgets.Dropdown(options=list(SOURCES), value="int64", description="array dtype"),
        "request": widgets.Dropdown(
            options=[("(none)" if r == "none" else f"torch.{r}", r) for r in REQUESTS], description="dtype="
        ),
        "change": widgets.Checkbox(value=True, description="then change a[0]"),
    }
    return Explorer("NumPy → tensor: what does each constructor do?", controls, convert, render)
