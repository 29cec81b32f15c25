"""Lesson 05's explorer: build an array (shape, order, step, flip, read-only), see its strides and flags and what
every constructor does with it."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..feedback import inline_html
from ..layouts import ORDERS, SHAPES, STEPS, ArrayFacts, Fix, LayoutResult, Outcome, explore
from .base import Explorer

_GOOD, _BAD, _NOTE, _WARN = "#2e7d32", "#c62828", "#1565c0", "#ef6c00"


def _code(text: str) -> str:
    return f"<pre style='margin:.3em 0'>{html.escape(text)}</pre>"


def _yes_no(flag: bool) -> str:
    return "True" if flag else "<b>False</b>"


def _array_rows(facts: ArrayFacts) -> str:
    buffer = "" if facts.buffer_nbytes == facts.nbytes else f" (a view into a {facts.buffer_nbytes}-byte buffer)"
    rows = [
        ("shape", f"<code>{facts.shape}</code>"),
        ("strides (bytes)", f"<code>{facts.strides}</code>, {facts.itemsize} bytes per element"),
        ("C_CONTIGUOUS", _yes_no(facts.c_contiguous)),
        ("F_CONTIGUOUS", _yes_no(facts.f_contiguous)),
        ("WRITEABLE", _yes_no(facts.writeable)),
        ("nbytes", f"{facts.nbytes}{buffer}"),
    ]
    return "".join(f"<tr><td style='padding-right:1em'>{k}</td><td>{v}</td></tr>" for k, v in rows)


_COLOURS = {"fails": _BAD, "shares": _NOTE, "shares, warns": _WARN, "copies": _GOOD, "copies, warns": _WARN}


def _outcome_row(outcome: Outcome, shown: set[str]) -> str:
    """One constructor's row; a message already shown in a row above is not repeated in full."""
    text = outcome.error or outcome.warning or ""
    note = "(the same message as above)" if text in shown else html.escape(text)
    shown.add(text)
    verdict = f"<b style='color:{_COLOURS[outcome.verdict]}'>{outcome.verdict}</b>"
    if outcome.error is not None:
        cells = [verdict, "", f"<code>{note}</code>"]
    else:
        layout = f"<code>{outcome.strides}</code>{'' if outcome.contiguous else ', not contiguous'}"
        cells = [verdict, layout, note]
    tds = "".join(f"<td style='padding-right:1em'>{c}</td>" for c in cells)
    return f"<tr><td style='padding-right:1em'><code>{html.escape(outcome.code)}</code></td>{tds}</tr>"


def _fix_row(fix: Fix) -> str:
    if fix.error is not None:
        what = f"<b style='color:{_BAD}'>fails</b>: <code>{html.escape(fix.error)}</code>"
    elif fix.bytes_copied == 0:
        what = "0 bytes: returns the same memory" + ("" if fix.writeable else ", <b>still read-only</b>")
    else:
        what = f"copies {fix.bytes_copied} bytes"
    return f"<tr><td style='padding-right:1em'><code>{html.escape(fix.code)}</code></td><td>{what}</td></tr>"


def render(result: LayoutResult) -> str:
    """The code that built the array, its flags, one row per constructor, what each fix costs, and why."""
    head = "<tr><th>constructor</th><th>does</th><th>tensor strides (elements)</th><th>message</th></tr>"
    shown: set[str] = {""}
    return "".join(
        [
            _code(result.code),
            f"<table>{_array_rows(result.array)}</table>",
            f"<table>{head}{''.join(_outcome_row(o, shown) for o in result.outcomes)}</table>",
            "<p style='margin:.5em 0 .2em'>To get C-contiguous memory:</p>",
            f"<table>{''.join(_fix_row(f) for f in result.fixes)}</table>",
            f"<p>{inline_html(result.explanation)}</p>",
        ]
    )


def layout_explorer() -> Explorer:
    """What does each constructor do with this layout? Builds the array and runs them all on every change."""
    controls = {
        "shape": widgets.Dropdown(options=list(SHAPES), value="(3, 4)", description="shape"),
        "order": widgets.ToggleButtons(options=list(ORDERS), description="order"),
        "step": widgets.ToggleButtons(options=list(STEPS), description="step (last axis)"),
        "flip": widgets.Checkbox(value=False, description="flip (negative step)"),
        "read_only": widgets.Checkbox(value=False, description="read-only"),
    }
    return Explorer("Memory layout → tensor: shares, copies, warns or fails?", controls, explore, render)
