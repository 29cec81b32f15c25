"""Lesson 00's widget check: move a slider, see a tensor change. If it moves, widgets work."""

from __future__ import annotations

import html

import ipywidgets as widgets
import torch

from .base import Explorer


def arange_summary(n: int) -> str:
    t = torch.arange(n)
    return f"<code>torch.arange({n})</code> → <code>{html.escape(str(t.tolist()))}</code>, dtype {t.dtype}"


def widget_check() -> Explorer:
    """A one-slider explorer: if the line below the slider follows it, widgets are working."""
    controls = {"n": widgets.IntSlider(value=3, min=0, max=10, description="n")}
    return Explorer("Widget check: move the slider", controls, arange_summary, lambda text: text)
