"""Lesson 00's set-up check: installed versions against the minimums in requirements.txt."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

# The minimums requirements.txt asks for (a test keeps the two in step).
MINIMUMS = {
    "python": "3.11",
    "numpy": "1.26",
    "torch": "2.4",
    "ipywidgets": "8.1",
    "jupyterlab": "4.2",
    "matplotlib": "3.8",
    "pandas": "2.2",
    "jupyterlab-rise": "0.43",
}


@dataclass(frozen=True)
class PackageCheck:
    name: str
    installed: str | None
    minimum: str

    @property
    def ok(self) -> bool:
        return self.installed is not None and _release(self.installed) >= _release(self.minimum)


def _release(text: str) -> tuple[int, ...]:
    """'2.13.0+cpu' -> (2, 13, 0): enough to compare against a minimum."""
    numbers = []
    for part in text.split("+")[0].split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        numbers.append(int(digits))
        if len(digits) < len(part):
            break
    return tuple(numbers)


def installed_version(name: str) -> str | None:
    if name == "python":
        return platform.python_version()
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def check_versions() -> list[PackageCheck]:
    return [PackageCheck(name, installed_version(name), minimum) for name, minimum in MINIMUMS.items()]


def format_checks(checks: list[PackageCheck]) -> str:
    lines = [f"{'package':<15} {'installed':<13} {'needs':<9} status"]
    for c in checks:
        status = "ok" if c.ok else ("MISSING: run python3 course.py open" if c.installed is None else "TOO OLD")
        lines.append(f"{c.name:<15} {c.installed or '-':<13} {'>= ' + c.minimum:<9} {status}")
    return "\n".join(lines)
