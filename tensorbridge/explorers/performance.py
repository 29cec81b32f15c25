"""Lesson 06's explorer: pick a size, an array dtype, a constructor and a dtype change; see what it costs here."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..feedback import inline_html
from ..timing import (
    CONSTRUCTORS,
    ELEMENTS,
    SOURCES,
    TARGETS,
    ConversionCost,
    conversion_cost,
    format_bytes,
    format_rate,
    format_seconds,
)
from .base import Explorer

_GOOD, _BAD, _NOTE, _YARDSTICK = "#2e7d32", "#c62828", "#1565c0", "#616161"


def _code(text: str) -> str:
    return f"<pre style='margin:.3em 0'>{html.escape(text)}</pre>"


def _bar(label: str, seconds: float, longest: float, colour: str) -> str:
    """A horizontal bar on a linear scale shared by both rows, so their lengths compare directly."""
    width = 0.0 if longest <= 0 else max(0.3, 100 * seconds / longest)
    return (
        f"<tr><td style='padding-right:1em'>{label}</td><td style='width:22em'>"
        f"<div style='background:{colour};height:.9em;width:{width:.1f}%'></div></td>"
        f"<td style='padding-left:.5em'>{format_seconds(seconds)}</td></tr>"
    )


def render(result: ConversionCost) -> str:
    """The code that was timed, what it made, its time and bandwidth beside ``a.copy()``, and why."""
    setup = f"a = np.ones({result.elements:_}, dtype=np.{result.source_dtype})  # {format_bytes(result.source_nbytes)}"
    parts = [_code(f"{setup}\nt = {result.code}")]
    if not result.ok:
        parts.append(f"<b style='color:{_BAD}'>Fails.</b> The exact error:{_code(result.error)}")
        return "".join(parts)
    spent, yardstick = result.time, result.yardstick
    memory = (
        f"<b style='color:{_NOTE}'>shares memory</b> with <code>a</code>"
        if result.shares
        else f"<b style='color:{_GOOD}'>copied</b>: {format_bytes(result.result_nbytes)} of its own"
    )
    rows = [
        ("tensor", f"<code>torch.{result.dtype}</code>, {memory}"),
        (
            "time",
            f"<b>{format_seconds(spent.seconds)}</b> per call (median of {len(spent.samples)} samples "
            f"of {spent.calls} call{'s' if spent.calls > 1 else ''})",
        ),
        ("bandwidth", f"{format_rate(spent.bandwidth)} (bytes of <code>a</code> per second)"),
        (
            "the yardstick",
            f"<code>a.copy()</code>: {format_seconds(yardstick.seconds)}, {format_rate(yardstick.bandwidth)} "
            "(reads and writes these bytes once)",
        ),
        ("against it", f"{result.times_yardstick:.2g}× the time of <code>a.copy()</code>"),
    ]
    table = "".join(f"<tr><td style='padding-right:1em'>{k}</td><td>{v}</td></tr>" for k, v in rows)
    longest = max(spent.seconds, yardstick.seconds)
    bars = _bar("this line", spent.seconds, longest, _NOTE if result.shares else _GOOD) + _bar(
        "<code>a.copy()</code>", yardstick.seconds, longest, _YARDSTICK
    )
    parts.append(f"<table>{table}</table><table style='margin-top:.4em'>{bars}</table>")
    parts.append(f"<p>{inline_html(result.explanation)}</p>")
    return "".join(parts)


def performance_explorer() -> Explorer:
    """What does this conversion cost on this machine? Each change runs and times it (well under a second)."""
    controls = {
        "elements": widgets.Dropdown(
            options=[(f"{n:,} elements", n) for n in ELEMENTS], value=2**19, description="size"
        ),
        "source": widgets.ToggleButtons(options=list(SOURCES), value="float64", description="array dtype"),
        "constructor": widgets.ToggleButtons(
            options=[(f"torch.{name}", name) for name in CONSTRUCTORS], value="tensor", description="constructor"
        ),
        "target": widgets.Dropdown(
            options=[("(keep)" if t == "keep" else f"torch.{t}", t) for t in TARGETS], description="to dtype"
        ),
    }
    return Explorer("What does a conversion cost here? Timed live, against a.copy()", controls, conversion_cost, render)
