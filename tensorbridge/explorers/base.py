"""A thin ipywidgets view: controls in, one HTML result out, recomputed whenever a control changes.

Results live in an ``HTML`` widget (its value is widget state, so a stored notebook replays cleanly under
nbval); the computation is a plain function that tests call without widgets.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets


class Explorer:
    """Controls, a compute function over their values, and a renderer of its result."""

    def __init__(
        self,
        title: str,
        controls: Mapping[str, widgets.ValueWidget],
        compute: Callable[..., Any],
        render: Callable[[Any], str],
    ) -> None:
        self.title = title
        self.controls = dict(controls)
        self.compute = compute
        self.render = render
        self.result = widgets.HTML()
        self.last_update_seconds = 0.0
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), *self.controls.values(), self.result])
        self.update()

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: Any) -> str:
        """Set several controls at once (as a learner would, one by one) and return the shown HTML."""
        for name, value in values.items():
            self.controls[name].value = value
        return self.result.value

    def update(self) -> None:
        start = time.perf_counter()
        try:
            self.result.value = self.render(self.compute(**self.values()))
        except Exception as exc:  # a view must never leave a learner with a dead widget
            self.result.value = f"<pre>The explorer could not show this case: {html.escape(repr(exc))}</pre>"
        self.last_update_seconds = time.perf_counter() - start

    def _on_change(self, _change: dict) -> None:
        self.update()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """The widget view, built here: ipywidgets 8 widgets have this method, 7.x (Colab's) widgets do not."""
        return {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.widget.model_id,
            },
            "text/plain": (
                f"{self.title}: an interactive explorer. This front end cannot show widgets: run this cell in "
                "JupyterLab (python3 course.py open), or in VS Code with ipywidgets 8.1.8."
            ),
        }
