"""Lesson 02's explorer: pick a source dtype, a target dtype and sample values; see what the cast keeps."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..casts import SAMPLES, SOURCES, TARGETS, UNDEFINED, Cast, ValueCast, cast
from ..feedback import inline_html
from .base import Explorer

_GOOD, _BAD, _WARN, _NOTE = "#2e7d32", "#c62828", "#ef6c00", "#1565c0"


def _code(text: str) -> str:
    return f"<pre style='margin:.3em 0'>{html.escape(text)}</pre>"


def _value(value: object) -> str:
    return f"<code>{html.escape(repr(value))}</code>"


def _row(v: ValueCast, source: str) -> str:
    source_cell = _value(v.source)
    if v.source != v.picked and v.source == v.source:
        source_cell += f" <small>(nearest {source} to {html.escape(repr(v.picked))})</small>"
    if v.outcome == UNDEFINED:
        torch_cell = f"<i>undefined</i> <small>(this machine: {html.escape(repr(v.torch_value))})</small>"
        numpy_cell = f"<i>undefined</i> <small>(this machine: {html.escape(repr(v.numpy_value))})</small>"
    else:
        torch_cell = _value(v.torch_value)
        numpy_cell = "—" if v.numpy_value is None else _value(v.numpy_value)
        if v.numpy_agrees is False:
            numpy_cell += " <small>(differs from torch)</small>"
    colour = _GOOD if not v.lost else _WARN if v.outcome == UNDEFINED else _BAD
    what = f"<b style='color:{colour}'>{html.escape(v.outcome)}</b>: {inline_html(v.why)}"
    cells = (source_cell, torch_cell, numpy_cell, what)
    return "<tr>" + "".join(f"<td style='padding:.1em .8em .1em 0'>{c}</td>" for c in cells) + "</tr>"


def render(result: Cast) -> str:
    """The code that ran, a row per value (torch and NumPy side by side), then the NumPy-scalar mix."""
    parts = [_code(result.code), f"<p><b>{html.escape(result.summary)}</b></p>"]
    if result.values:
        twin = f"NumPy → {result.numpy_twin}" if result.numpy_twin else "NumPy (has no bfloat16)"
        head = ("<code>a</code> (" + result.source + ")", f"torch → {result.target}", twin, "what happened")
        header = "".join(f"<th style='text-align:left;padding-right:.8em'>{h}</th>" for h in head)
        rows = "".join(_row(v, result.source) for v in result.values)
        parts.append(f"<table><tr>{header}</tr>{rows}</table>")
    for library, messages in (("torch", result.torch_warnings), ("NumPy", result.numpy_warnings)):
        for message in messages:
            parts.append(f"<p>{library} warned: <code>{html.escape(message)}</code></p>")
    if result.numpy_warnings and not result.torch_warnings:
        parts.append("<p>torch gave no warning for the same cast.</p>")
    if result.left_out:
        items = "".join(f"<li>{html.escape(reason)}</li>" for reason in result.left_out)
        parts.append(f"<p>Left out, because a {result.source} array cannot hold them:</p><ul>{items}</ul>")
    mix = result.mixing
    if mix is not None:
        parts.append(
            f"<p><b style='color:{_NOTE}'>Mixing with a NumPy scalar</b>: <code>t + a[0]</code>, "
            f"where <code>a[0]</code> is <code>{html.escape(mix.scalar)}</code></p><table>"
            f"<tr><td style='padding-right:.8em'>torch</td><td><code>{html.escape(mix.torch_result)}</code></td>"
            f"<td>{inline_html(mix.torch_explanation)}</td></tr>"
            f"<tr><td style='padding-right:.8em'>NumPy</td><td><code>{html.escape(mix.numpy_result)}</code></td>"
            f"<td>{inline_html(mix.numpy_explanation)}</td></tr></table>"
        )
    return "".join(parts)


def _label(name: str) -> str:
    return f"{name}: " + ", ".join(repr(v) for v in SAMPLES[name])


def casting_explorer() -> Explorer:
    """What does this cast do to these values, in torch and in NumPy? Runs both casts on every change."""
    controls = {
        "source": widgets.Dropdown(options=list(SOURCES), value="float64", description="array dtype"),
        "target": widgets.Dropdown(options=list(TARGETS), value="int32", description="cast to"),
        "samples": widgets.Dropdown(
            options=[(_label(name), name) for name in SAMPLES],
            value="fractions",
            description="values",
            layout=widgets.Layout(width="32em"),
        ),
    }
    return Explorer("Casting: what does a dtype change keep, and what does it lose?", controls, cast, render)
