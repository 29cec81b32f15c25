"""Lesson 04's views: the transfer explorer (one copy, measured live or recalled) and the bandwidth plot."""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..feedback import inline_html
from ..transfers import DIRECTIONS, MEMORY, SIZES, MiB, Sweep, Transfer, transfer
from .base import Explorer

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_GOOD, _BAD, _NOTE = "#2e7d32", "#c62828", "#1565c0"


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1e3:.2f} ms"


def render(result: Transfer) -> str:
    """The code, then what happened (or what the recorded run saw), then why."""
    parts = [f"<pre style='margin:.3em 0'>{html.escape(result.code)}</pre>"]
    if result.error is not None:
        parts.append(f"<p><b style='color:{_BAD}'>The copy failed:</b> <code>{html.escape(result.error)}</code></p>")
    elif not result.measured:
        items = "".join(f"<li>{inline_html(line)}</li>" for line in result.recorded)
        parts.append(f"<p><b style='color:{_NOTE}'>{html.escape(result.where)}</b></p><ul>{items}</ul>")
    else:
        rate = f"{result.gbps:.1f} GB/s"
        if result.launch_only:
            rate += f" <b style='color:{_BAD}'>: not a transfer rate, the clock stopped before the copy ran</b>"
        right = (
            f"<b style='color:{_GOOD}'>right</b>"
            if result.values_right
            else f"<b style='color:{_BAD}'>wrong</b>, and nothing raised an error"
        )
        rows = [("time until the clock stopped", _duration(result.seconds)), ("bandwidth", rate)]
        rows.append(("values, copied while the GPU was busy", right))
        table = "".join(f"<tr><td style='padding-right:1em'>{k}</td><td>{v}</td></tr>" for k, v in rows)
        parts.append(f"<p>{html.escape(result.where)}</p><table>{table}</table>")
    parts.append("".join(f"<p>{inline_html(line)}</p>" for line in result.explanation))
    return "".join(parts)


def transfer_explorer() -> Explorer:
    """What does one host/device copy cost, and can its values be read yet? Measured live where CUDA exists."""
    controls = {
        "size": widgets.Dropdown(options=list(SIZES), value="16 MiB", description="size"),
        "direction": widgets.ToggleButtons(
            options=[(words, key) for key, words in DIRECTIONS.items()], value="d2h", description="copy"
        ),
        "memory": widgets.ToggleButtons(options=list(MEMORY), value="pinned", description="host memory"),
        "non_blocking": widgets.Checkbox(value=True, description="non_blocking=True"),
        "synchronize": widgets.Checkbox(
            value=False,
            description="torch.cuda.synchronize() before reading",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        ),
    }
    return Explorer("Host ↔ GPU copies: how long, and are the values there yet?", controls, transfer, render)


def plot_bandwidth(sweep: Sweep) -> Figure:
    """Bandwidth against copy size, one line per way of copying, with the link's nominal bandwidth."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for line in sweep.series:
        style = "-" if line.direction == "h2d" else "--"
        ax.plot([size / MiB for size in line.sizes], line.gbps, style, marker="o", label=line.label)
    if sweep.link is not None:
        nominal = sweep.link.nominal_gbps
        ax.axhline(nominal, color="grey", linestyle=":", label=f"{sweep.link.label} nominal, {nominal:.0f} GB/s")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("copy size (MiB)")
    ax.set_ylabel("bandwidth (GB/s)")
    ax.set_ylim(bottom=0)
    ax.set_title("\n".join(textwrap.wrap(sweep.source, 70)), fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
