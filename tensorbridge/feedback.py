"""What a learner sees after check(), hint() or solution(): one value type, shown as text and as HTML.

The same object renders in a terminal (``repr``) and in JupyterLab (HTML), and carries a small metadata
record of which question it answers, so a learner's progress can be read back from their saved notebook.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not attempted"
    ERROR = "error"
    HINT = "hint"
    SOLUTION = "solution"


_LOOK = {
    # status: (symbol, label, border colour)
    Status.CORRECT: ("✓", "Correct", "#2e7d32"),
    Status.INCORRECT: ("✗", "Not yet", "#c62828"),
    Status.NOT_ATTEMPTED: ("○", "Not attempted yet", "#757575"),
    Status.ERROR: ("!", "Your code raised an error", "#ef6c00"),
    Status.HINT: ("?", "Hint", "#1565c0"),
    Status.SOLUTION: ("→", "Solution", "#6a1b9a"),
}

_CODE_SPAN = re.compile(r"`([^`]+)`")


def inline_html(text: str) -> str:
    """Escape text for HTML, turning `backticked` spans into <code>."""
    parts = _CODE_SPAN.split(text)
    return "".join(f"<code>{html.escape(part)}</code>" if i % 2 else html.escape(part) for i, part in enumerate(parts))


@dataclass(frozen=True)
class Feedback:
    """A verdict or a piece of help about one question."""

    status: Status
    question: str
    message: str
    details: tuple[str, ...] = ()
    code: str = ""
    solved_before: bool = False  # not attempted now, but solved earlier in this session

    @property
    def solved(self) -> bool:
        return self.status is Status.CORRECT

    def text(self) -> str:
        symbol, label, _ = _LOOK[self.status]
        lines = [f"{symbol} {label} ({self.question}): {self.message}"]
        lines += [f"  - {detail}" for detail in self.details]
        if self.code:
            lines += ["", *("    " + line for line in self.code.splitlines())]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        symbol, label, colour = _LOOK[self.status]
        body = [
            f"<strong style='color:{colour}'>{symbol} {label}</strong> "
            f"<span style='opacity:.7'>({html.escape(self.question)})</span>: {inline_html(self.message)}"
        ]
        if self.details:
            items = "".join(f"<li>{inline_html(d)}</li>" for d in self.details)
            body.append(f"<ul style='margin:.3em 0'>{items}</ul>")
        if self.code:
            body.append(f"<pre style='margin:.3em 0'>{html.escape(self.code)}</pre>")
        return (
            f"<div style='border-left:4px solid {colour};padding:.2em .8em;margin:.2em 0'>" + "".join(body) + "</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        data = {"text/plain": self.text(), "text/html": self._repr_html_()}
        record = {"question": self.question, "status": self.status.value}
        if self.solved_before:
            record["solved_before"] = True
        return data, {"tensorbridge": record}
