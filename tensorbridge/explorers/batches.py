"""Lesson 08's explorer: pick what ``__getitem__`` returns and its dtype; see the batch ``default_collate`` builds."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..batches import DTYPES, KINDS, Collated, Leaf, collate
from ..feedback import inline_html
from .base import Explorer

_GOOD, _BAD, _WARN = "#2e7d32", "#c62828", "#ef6c00"


def _code(text: str) -> str:
    return f"<pre style='margin:.3em 0'>{html.escape(text)}</pre>"


def _leaf_rows(leaves: tuple[Leaf, ...]) -> str:
    rows = []
    for leaf in leaves:
        colour = _WARN if leaf.dtype == "float64" else "inherit"
        dtype = f"<b style='color:{colour}'>{leaf.dtype}</b>" if leaf.dtype else ""
        shape = f"<code>{leaf.shape}</code>" if leaf.dtype else ""
        cells = [f"<code>{html.escape(leaf.path)}</code>", html.escape(leaf.kind), dtype, shape]
        rows.append("<tr>" + "".join(f"<td style='padding-right:1em'>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("where", "what", "dtype", "shape"))
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render(result: Collated) -> str:
    """The code that ran, then each tensor in the batch (or the exact error), a float32 layer's verdict, the fix."""
    parts = [_code(result.code)]
    if not result.ok:
        parts.append(f"<p><b style='color:{_BAD}'>Fails</b>: <code>{html.escape(result.error or '')}</code></p>")
        if result.note:
            parts.append(f"<p>{inline_html(result.note)}</p>")
        return "".join(parts)
    parts += [_leaf_rows(result.leaves), f"<p>{inline_html(result.note)}</p>", _code(f"batch = {result.shown}")]
    if result.model:
        colour = _GOOD if result.model.startswith("works") else _BAD
        parts.append(
            f"<p>A float32 layer (<code>nn.Linear</code>) given the features: "
            f"<b style='color:{colour}'>{html.escape(result.model)}</b></p>"
        )
    if result.fix:
        parts.append(
            f"<p><b style='color:{_GOOD}'>Fix at the source</b>: return <code>{html.escape(result.fix)}</code> "
            "from <code>__getitem__</code> (convert once, in <code>__init__</code>). Collated for real:</p>"
        )
        parts.append(_leaf_rows(result.fixed))
    return "".join(parts)


def collate_explorer() -> Explorer:
    """What batch does the default collate build from these items? Calls the real ``default_collate``."""
    controls = {
        "kind": widgets.Dropdown(options=list(KINDS), value="NumPy array", description="each item"),
        "dtype": widgets.ToggleButtons(
            options=list(DTYPES), value="float64", description="dtype", style={"button_width": "5.5em"}
        ),
        "ragged": widgets.Checkbox(value=False, description="items of different lengths", indent=False),
    }
    return Explorer("DataLoader: what batch does the default collate build?", controls, collate, render)
