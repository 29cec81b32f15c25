"""Lesson 03's explorer: a tensor (grad or not, on a device, conjugated or not) and a chain of steps, in order."""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial

import ipywidgets as widgets
import traitlets

from ..chains import DEVICES, STEPS, ChainResult, run_chain
from ..devices import devices
from ..feedback import inline_html
from .base import Explorer

_GOOD, _BAD, _NOTE = "#2e7d32", "#c62828", "#1565c0"


def _code(text: str) -> str:
    return f"<pre style='margin:.3em 0'>{html.escape(text)}</pre>"


def _memory(shares: bool | None) -> str:
    if shares:
        return f"<b style='color:{_NOTE}'>yes</b>"
    return f"<span style='color:{_GOOD}'>no</span>"


def _cell(content: str | tuple[str, int]) -> str:
    text, span = content if isinstance(content, tuple) else (content, 1)
    return f"<td colspan='{span}' style='padding-right:1em;vertical-align:top'>{text}</td>"


def render(result: ChainResult) -> str:
    """The code that ran, a row per step (what it gave, memory, why), then the verdict or the exact error."""
    parts = [_code(f"{result.setup}\nresult = {result.expression}")]
    if result.unavailable is not None:
        parts.append(f"<p><b style='color:{_BAD}'>Not run.</b> {inline_html(result.unavailable)}</p>")
        return "".join(parts)
    rows = []
    for i, step in enumerate(result.steps, start=1):
        code = f"<code>{html.escape(step.code)}</code>"
        if step.ok:
            notes = [inline_html(step.note)] + [f"warning: {html.escape(w)}" for w in step.warnings]
            cells = [code, html.escape(step.produced), _memory(step.shares), "<br>".join(n for n in notes if n)]
        else:
            error = f"<b style='color:{_BAD}'>fails</b>: <code>{html.escape(step.error or '')}</code>"
            cells = [code, (error, 2), inline_html(step.note)]
        rows.append(f"<tr>{''.join(_cell(c) for c in [str(i), *cells])}</tr>")
    if rows:
        titles = ["", "step", "gives", "shares <code>t</code>'s memory", "why"]
        head = "<tr>" + "".join(f"<th style='text-align:left'>{title}</th>" for title in titles) + "</tr>"
        parts.append(f"<table>{head}{''.join(rows)}</table>")
    colour = _GOOD if result.ok else _BAD
    parts.append(f"<p><b style='color:{colour}'>{'Works.' if result.ok else 'Fails.'}</b> ")
    parts.append(f"{inline_html(result.explanation)}</p>")
    if result.ok and result.steps:
        parts.append(f"result: <code>{html.escape(result.value)}</code>")
    return "".join(parts)


def _device_row(available: list[str], control: widgets.ToggleButtons | None) -> widgets.HBox:
    """The device choice: a toggle over the devices present, the absent ones as disabled buttons with a note."""
    absent = [info for info in devices() if not info.available]
    chooser = control if control is not None else widgets.HTML(f"<b style='padding:0 .6em'>{available[0]}</b>")
    greyed = [widgets.Button(description=info.kind, disabled=True, tooltip=info.detail) for info in absent]
    notes = "; ".join(f"<s>{info.kind}</s>: {html.escape(info.detail)}" for info in absent)
    note = widgets.HTML(f"<span style='opacity:.6'>not on this machine: {notes}</span>" if absent else "")
    return widgets.HBox([widgets.Label("device:"), chooser, *greyed, note])


class StepList(widgets.HBox):
    """The chain as text plus an "undo" button, for ipywidgets 7 (Colab's), which has no ``TagsInput``.

    Its ``value`` is a list of step names, as ``TagsInput``'s is, so the explorer reads either the same way.
    """

    value = traitlets.List(traitlets.Unicode())

    def __init__(self, value: list[str]) -> None:
        self.shown = widgets.HTML()
        self.undo = widgets.Button(description="undo", layout=widgets.Layout(width="auto"))
        self.undo.on_click(lambda _: setattr(self, "value", self.value[:-1]))
        super().__init__([self.shown, self.undo])
        self.observe(self._show, names="value")
        self.value = value
        self._show()

    def _show(self, _change: dict | None = None) -> None:
        chain = " → ".join(f"<code>{html.escape(step)}</code>" for step in self.value)
        self.shown.value = chain or "<i>none yet</i>"


def steps_control(value: list[str]) -> widgets.DOMWidget:
    """A ``TagsInput`` where ipywidgets has one (8.x: drag to reorder, x to remove), else a ``StepList``."""
    if hasattr(widgets, "TagsInput"):
        return widgets.TagsInput(value=value, allowed_tags=list(STEPS), allow_duplicates=True)
    return StepList(value)


class ChainExplorer(Explorer):
    """The controls, plus a row of buttons that append a step (or clear the chain) for those who would rather click.

    With one device present there is nothing to choose, so the device is shown, not offered as a control.
    """

    def __init__(self) -> None:
        available = sorted((info.kind for info in devices() if info.available), key=DEVICES.index)
        self.steps = steps_control(["numpy"])
        controls: dict[str, widgets.ValueWidget] = {
            "requires_grad": widgets.Checkbox(value=True, description="requires_grad=True", indent=False),
            "conj": widgets.Checkbox(
                value=False, description="conjugate bit (a complex tensor, .conj())", indent=False
            ),
            "single": widgets.Checkbox(value=False, description="a single element", indent=False),
            "steps": self.steps,
        }
        device = None
        if len(available) > 1:
            device = controls["device"] = widgets.ToggleButtons(options=available, value="cpu")
        compute = run_chain if device is not None else partial(run_chain, device=available[0])
        super().__init__("Tensor → NumPy: which chain of steps works?", controls, compute, render)
        self.buttons = {name: self._button(name, lambda _, name=name: self.add(name)) for name in STEPS}
        self.buttons["clear"] = self._button("clear", lambda _: self.clear(), style="warning")
        how = "undo removes the last" if isinstance(self.steps, StepList) else "drag to reorder"
        self.widget.children = [
            self.widget.children[0],
            controls["requires_grad"],
            _device_row(available, device),
            controls["conj"],
            controls["single"],
            widgets.HBox([widgets.Label(f"steps, in order ({how}):"), self.steps]),
            widgets.HBox(
                [widgets.Label("add a step:"), *self.buttons.values()], layout=widgets.Layout(flex_flow="row wrap")
            ),
            self.result,
        ]

    @staticmethod
    def _button(name: str, action: Callable[[widgets.Button], None], style: str = "") -> widgets.Button:
        button = widgets.Button(
            description=name, button_style=style, layout=widgets.Layout(width="auto", flex="0 0 auto")
        )
        button.on_click(action)
        return button

    def add(self, name: str) -> None:
        self.steps.value = [*self.steps.value, name]

    def clear(self) -> None:
        self.steps.value = []


def chain_explorer() -> ChainExplorer:
    """Which chain of detach/cpu/numpy/... works for this tensor, and does the result share its memory?"""
    return ChainExplorer()
