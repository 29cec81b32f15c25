"""Every explorer, driven headless on whichever ipywidgets is installed (8.x here, 7.7 in the drift runs)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import ipywidgets as widgets
import pytest
from IPython.core.formatters import DisplayFormatter

from tensorbridge.explorers import EXPLORERS, chain_explorer
from tensorbridge.explorers.missing import MESSAGE
from tensorbridge.explorers.to_numpy import StepList

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def another_value(control: Any) -> Any:
    """A valid value for ``control`` other than its current one, as a learner would pick."""
    if isinstance(control, widgets.Checkbox):
        return not control.value
    if isinstance(control, widgets.IntSlider):
        return control.max if control.value != control.max else control.min
    if isinstance(control.value, list):  # the chain of steps
        return ["detach", "numpy"] if control.value != ["detach", "numpy"] else ["numpy"]
    options = [option[1] if isinstance(option, tuple) else option for option in control.options]
    return next(option for option in options if option != control.value)


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_explorer_displays_as_a_widget(name: str) -> None:
    explorer = EXPLORERS[name]()
    data, _ = DisplayFormatter().format(explorer)
    assert data[WIDGET_VIEW]["model_id"] == explorer.widget.model_id
    assert data[WIDGET_VIEW]["version_major"] == 2
    assert data["text/plain"].startswith(explorer.title) and "interactive explorer" in data["text/plain"]


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_every_control_answers(name: str) -> None:
    explorer = EXPLORERS[name]()
    answers = {explorer.result.value}
    for control_name, control in explorer.controls.items():
        shown = explorer.set(**{control_name: another_value(control)})
        assert shown and "could not show this case" not in shown, (control_name, shown)
        answers.add(shown)
    assert len(answers) > len(explorer.controls) / 2, "most controls change the answer"


def test_the_chain_without_tags_input_is_a_step_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """ipywidgets 7 has no TagsInput: the chain is shown as text, edited by the buttons and undo."""
    monkeypatch.delattr(widgets, "TagsInput", raising=False)
    explorer = chain_explorer()
    assert isinstance(explorer.steps, StepList)
    explorer.buttons["clear"].click()
    for name in ["detach", "cpu", "numpy"]:
        explorer.buttons[name].click()
    assert explorer.steps.value == ["detach", "cpu", "numpy"] and "Works." in explorer.result.value
    assert "<code>detach</code> → <code>cpu</code>" in explorer.steps.shown.value
    explorer.steps.undo.click()
    assert explorer.steps.value == ["detach", "cpu"] and "t.detach().cpu()" in explorer.result.value
    explorer.buttons["clear"].click()
    assert "none yet" in explorer.steps.shown.value and "No steps yet" in explorer.result.value


def test_the_chain_uses_tags_input_where_ipywidgets_has_it() -> None:
    explorer = chain_explorer()
    expected = widgets.TagsInput if hasattr(widgets, "TagsInput") else StepList
    assert isinstance(explorer.steps, expected)


def test_without_ipywidgets_a_lesson_still_imports_and_each_explorer_says_what_to_do() -> None:
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "from tensorbridge.lesson00 import widget_check\n"
        "from tensorbridge.explorers import EXPLORERS\n"
        "print(repr(widget_check())); print(len({repr(f()) for f in EXPLORERS.values()}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr, result.stderr
    line, distinct = result.stdout.splitlines()
    assert line == MESSAGE and "pip install 'ipywidgets>=8.1'" in line and distinct == "1"
