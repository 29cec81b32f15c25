"""What an explorer shows where ipywidgets cannot be imported: one line saying so and what to do, not a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MESSAGE = (
    "This explorer needs ipywidgets (8.1 or newer; 7.7.1 on Colab), which this Python cannot import: "
    "run  %pip install 'ipywidgets>=8.1'  in a cell, restart the kernel, and run the notebook again."
)


class Unavailable:
    """Stands in for an explorer; the rest of the lesson runs as usual."""

    def __repr__(self) -> str:
        return MESSAGE

    def _repr_html_(self) -> str:
        return f"<p><b>Explorer not available.</b> {MESSAGE}</p>"


def unavailable(*_args: Any, **_kwargs: Any) -> Unavailable:
    return Unavailable()


def stand_ins(names: list[str]) -> dict[str, Callable[..., Unavailable]]:
    return dict.fromkeys(names, unavailable)
