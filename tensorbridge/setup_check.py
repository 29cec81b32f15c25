"""Lesson 00's set-up check: installed versions against the minimums (requirements.txt) and against the
versions the stored outputs were recorded with (constraints.txt), and which front end this is.
"""

from __future__ import annotations

import platform
import sys
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
    "jupyterlab-slideshow": "0.3.4",
}
# The versions every stored output comes from (constraints.txt; a test keeps the two in step).
RECORDED = {
    "python": "3.11",
    "numpy": "2.4.6",
    "torch": "2.13.0",
    "ipywidgets": "8.1.9",
    "jupyterlab": "4.6.6",
    "matplotlib": "3.11.2",
    "pandas": "3.1.1",
    "jupyterlab-slideshow": "0.3.4",
}
# What the lessons' Python code runs on: ipywidgets 7.7.1 too (Colab's front end renders it; JupyterLab 4 needs 8).
KERNEL_MINIMUMS = {"ipywidgets": "7.7.1"}
# What only opening the course in JupyterLab needs: another front end (Colab, VS Code) brings its own.
FRONT_END_ONLY = {"jupyterlab", "jupyterlab-slideshow"}
# Where a version's output differs from the stored one in a way a lesson shows (measured by the drift run).
DIFFERENCES = {
    "numpy": [
        ((0,), (2,), "NumPy 1 rules: lessons 02 and 03 print NumPy 1's answers where they compare the two"),
        ((2, 0), (2, 1), "NumPy 2.0: np.array(t) gives no copy warning in lesson 03 (2.1 and newer do)"),
        ((2, 1), (2, 2), "NumPy 2.1: lesson 03's copy warning is worded without its link to NumPy's guide"),
    ],
    "ipywidgets": [((7,), (8,), "ipywidgets 7: lesson 03's chain of steps is edited with buttons, not dragged")],
    "pandas": [((0,), (3,), "pandas 2: in lesson 08 a DataFrame column's array is writeable (pandas 3: read-only)")],
}


@dataclass(frozen=True)
class PackageCheck:
    name: str
    installed: str | None
    minimum: str
    recorded: str = ""

    @property
    def ok(self) -> bool:
        return self.installed is not None and _release(self.installed) >= _release(self.minimum)

    @property
    def as_recorded(self) -> bool:
        depth = len(_release(self.recorded))
        return self.installed is not None and _release(self.installed)[:depth] == _release(self.recorded)


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


def front_end() -> str:
    """'colab' inside Google Colab (its kernel imports google.colab), else 'jupyter'."""
    return "colab" if "google.colab" in sys.modules else "jupyter"


def minimums(where: str = "jupyter") -> dict[str, str]:
    return {**MINIMUMS, **KERNEL_MINIMUMS} if where == "colab" else MINIMUMS


def check_versions(where: str | None = None) -> list[PackageCheck]:
    wanted = minimums(where or front_end())
    return [PackageCheck(name, installed_version(name), low, RECORDED[name]) for name, low in wanted.items()]


def status(check: PackageCheck, where: str = "jupyter") -> str:
    """One line: whether it runs the lessons, and what to expect against the stored outputs."""
    if check.installed is None:
        if check.name in FRONT_END_ONLY:
            return "not needed here" if where == "colab" else "MISSING: python3 course.py open installs it"
        return f"MISSING: pip install '{check.name}>={check.minimum}'"
    if not check.ok:
        return f"TOO OLD: pip install -U '{check.name}>={check.minimum}'"
    if check.as_recorded:
        return "ok, as recorded"
    installed = _release(check.installed)
    notes = [note for low, high, note in DIFFERENCES.get(check.name, []) if low <= installed < high]
    return "ok; " + ("; ".join(notes) if notes else "some printed messages may differ from the stored ones")


def format_checks(checks: list[PackageCheck], where: str = "jupyter") -> str:
    lines = [f"{'package':<15} {'installed':<12} {'recorded':<9} {'needs':<9} status"]
    for c in checks:
        needs = ">= " + c.minimum
        lines.append(f"{c.name:<15} {c.installed or '-':<12} {c.recorded:<9} {needs:<9} {status(c, where)}")
    return "\n".join(lines)


def front_end_report(where: str) -> str:
    if where == "colab":
        return (
            "Front end: Google Colab. Explorers work (ipywidgets 7). For lesson 04's GPU cells, choose\n"
            "Runtime > Change runtime type > GPU. Slides and `course.py progress` need the repository on your\n"
            "machine; to keep your answers, File > Save a copy in Drive."
        )
    return "Front end: Jupyter (JupyterLab, Notebook or VS Code); on Colab this line says what applies there."


def too_old_line(names: tuple[str, ...] = ("numpy", "torch", "ipywidgets")) -> str | None:
    """One line naming what the lessons' code runs on that is older than it supports, with the fix; else None."""
    wanted = {**MINIMUMS, **KERNEL_MINIMUMS}
    old = [PackageCheck(n, installed_version(n), wanted[n]) for n in names]
    old = [c for c in old if c.installed is not None and not c.ok]
    if not old:
        return None
    found = ", ".join(f"{c.name} {c.installed}" for c in old)
    wanted = " ".join(f"'{c.name}>={c.minimum}'" for c in old)
    return f"Tensor Bridge needs newer versions than {found}: run  %pip install -U {wanted}  and restart the kernel."
