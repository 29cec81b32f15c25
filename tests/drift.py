"""Run the course on the oldest and newest versions requirements.txt admits, and on a Colab-like set.

    python3 course.py test --drift [ENV ...]      # default: every environment below

Each environment is a virtual environment in ``.venv-drift/NAME`` built from requirements.txt with some versions
pinned. torch stays the course's own build (2.13.0): every environment sees the main ``.venv``'s copy through a
``.pth`` file instead of installing its own (a torch wheel is a gigabyte or more), and pip's cache serves the rest.
In each one this runs every lesson (outputs compared, so a version-dependent output shows up), every solution
and exercise (nbval's lax mode: only crashes count), and the unit tests, explorers included (driven headless).
It exits 1 if any cell crashes or any unit test fails; differing outputs are reported, not failed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / ".venv-drift"
TORCH_PARTS = ("torch", "functorch", "torchgen")  # what the shared torch consists of, besides its metadata


def minimums() -> dict[str, str]:
    """``name>=X`` lines of requirements.txt as ``{name: X}``: the oldest versions it admits."""
    text = (ROOT / "requirements.txt").read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)>=([\w.]+)", text, re.M))


def _lowest() -> list[str]:
    """Each minimum's release series at its newest patch (``numpy>=1.26`` -> ``numpy==1.26.*``, so 1.26.4)."""
    return [f"{name}=={low}.*" for name, low in minimums().items() if name != "torch"]


# name -> the pins on top of requirements.txt (everything else resolves to the newest that fits)
ENVIRONMENTS: dict[str, list[str]] = {
    "lowest": _lowest(),
    "newest": [],
    # Colab's runtime as its published freeze lists it: ipywidgets 7.7.1, IPython 7.34, ipykernel 6.17, NumPy 2.1,
    # pandas 2.2
    "colab": ["ipywidgets==7.7.1", "ipython==7.34.0", "ipykernel==6.17.1", "numpy==2.1.3", "pandas==2.2.2"],
}
# Colab reads no requirements.txt: its install cell adds only the package (so no JupyterLab, no ipywidgets 8).
OWN_SET = {"colab": ["matplotlib", "-e", "."]}


@dataclass
class Outcome:
    name: str
    versions: dict[str, str] = field(default_factory=dict)
    crashed: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)
    unit_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not (self.crashed or self.unit_failures or self.error)


def _python(env: Path) -> Path:
    return env / "bin" / "python"


def _site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.strip())


def share_torch(env: Path) -> None:
    """Make the main environment's torch importable in ``env`` without copying it (pip sees it as installed)."""
    source = _site_packages(ROOT / ".venv" / "bin" / "python")
    shelf = HOME / "torch"
    shelf.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name in TORCH_PARTS or (entry.name.startswith("torch-") and entry.name.endswith(".dist-info")):
            link = shelf / entry.name
            if not link.exists():
                link.symlink_to(entry)
    (_site_packages(_python(env)) / "tensorbridge-drift-torch.pth").write_text(f"{shelf}\n")


def build(name: str, pins: list[str]) -> Path:
    """Create (or reuse) the environment; pip installs only what its pins and requirements ask for."""
    env = HOME / name
    stamp = env / "drift-installed.txt"
    wanted = "\n".join([*pins, *OWN_SET.get(name, [(ROOT / "requirements.txt").read_text()])])
    wanted += (ROOT / "tests/requirements.txt").read_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return env
    venv.create(env, with_pip=True, clear=True)
    share_torch(env)
    args = [str(_python(env)), "-m", "pip", "install", "-q", "--disable-pip-version-check", "torch==2.13.0", *pins]
    course = OWN_SET.get(name, ["-r", "requirements.txt"])
    subprocess.run([*args, *course, "-r", "tests/requirements.txt"], cwd=ROOT, check=True)
    stamp.write_text(wanted)
    return env


def _environ(env: Path) -> dict[str, str]:
    environ = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1", VIRTUAL_ENV=str(env))
    environ["PATH"] = f"{env / 'bin'}{os.pathsep}{environ.get('PATH', '')}"
    return environ


def _pytest(env: Path, report: Path, *args: str, workers: int = 2) -> None:
    base = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-n", str(workers), "--dist", "loadscope"]
    subprocess.run(
        [str(_python(env)), *base, f"--junitxml={report}", *args],
        cwd=ROOT,
        env=_environ(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def failures(report: Path) -> list[tuple[str, str]]:
    """(test id, failure text) for every failed or errored test in a JUnit report."""
    if not report.exists():
        return [("pytest", "wrote no report (it could not start)")]
    found = []
    for case in ET.parse(report).iter("testcase"):
        for problem in [*case.iter("failure"), *case.iter("error")]:
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            found.append((name, f"{problem.get('message', '')}\n{problem.text or ''}"))
    return found


# A kernel that dies before its first reply is this machine's hiccup (two kernels starting at once), not a lesson's.
KERNEL_START = "Kernel died before replying to kernel_info"


def notebook_of(test: str) -> str | None:
    """``exercises.04_gpu.ipynb::Cell 0`` -> ``exercises/04_gpu.ipynb``; None for a unit test."""
    match = re.fullmatch(r"(\w+)\.(.+\.ipynb)::.*", test)
    return f"{match.group(1)}/{match.group(2)}" if match else None


def failures_retried(env: Path, report: Path, *args: str) -> list[tuple[str, str]]:
    """A report's failures, with each notebook whose kernel died before starting run once more, on its own."""
    found = failures(report)
    again = sorted({notebook_of(test) for test, text in found if KERNEL_START in text} - {None})
    if not again:
        return found
    retry = report.with_suffix(".retry.xml")
    _pytest(env, retry, *args, *again, workers=1)
    return [(test, text) for test, text in found if notebook_of(test) not in again] + failures(retry)


def cell_name(test: str) -> str:
    """nbval's ``notebooks.02_x.ipynb::Cell 31`` as ``notebooks/02_x.ipynb c53``: the cell's id, which stays put."""
    match = re.fullmatch(r"(\w+)\.(.+\.ipynb)::Cell (\d+)", test)
    if match is None:
        return test
    path = f"{match.group(1)}/{match.group(2)}"
    code = [cell for cell in nbformat.read(ROOT / path, as_version=4).cells if cell.cell_type == "code"]
    index = int(match.group(3))
    return f"{path} {code[index].get('id', f'code cell {index}') if index < len(code) else test}"


def versions(env: Path) -> dict[str, str]:
    code = (
        "from importlib.metadata import version\n"
        "for n in ['numpy', 'torch', 'ipywidgets', 'ipython', 'ipykernel', 'jupyterlab', 'matplotlib', 'pandas']:\n"
        "    print(n, version(n))"
    )
    out = subprocess.run([str(_python(env)), "-c", code], capture_output=True, text=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def run(name: str) -> Outcome:
    outcome = Outcome(name)
    start = time.perf_counter()
    try:
        env = build(name, ENVIRONMENTS[name])
    except subprocess.CalledProcessError as exc:
        outcome.error = f"could not build the environment: {exc}"
        return outcome
    outcome.versions = versions(env)
    reports = env / "reports"
    reports.mkdir(exist_ok=True)
    sanitize = ("--nbval-sanitize-with", "tests/sanitize.cfg", "--nbval-current-env")
    _pytest(env, reports / "lessons.xml", "--nbval", *sanitize, "notebooks")
    _pytest(env, reports / "others.xml", "--nbval-lax", *sanitize, "solutions", "exercises")
    _pytest(env, reports / "unit.xml", "tests", "--ignore=tests/test_browser.py")
    lessons = failures_retried(env, reports / "lessons.xml", "--nbval", *sanitize)
    others = failures_retried(env, reports / "others.xml", "--nbval-lax", *sanitize)
    for test, text in lessons + others:
        (outcome.differing if "Cell outputs differ" in text else outcome.crashed).append(cell_name(test))
    outcome.unit_failures = [test for test, _ in failures(reports / "unit.xml")]
    outcome.seconds = time.perf_counter() - start
    return outcome


def table(outcomes: list[Outcome]) -> str:
    lines = ["| environment | versions | crashed cells | differing outputs (lessons) | unit failures | minutes |"]
    lines.append("|---|---|---|---|---|---|")
    for o in outcomes:
        shown = ", ".join(f"{k} {v}" for k, v in o.versions.items())
        crashed = o.error or (", ".join(o.crashed) if o.crashed else "0")
        differing = ", ".join(o.differing) if o.differing else "0"
        unit = ", ".join(o.unit_failures) if o.unit_failures else "0"
        lines.append(f"| {o.name} | {shown} | {crashed} | {differing} | {unit} | {o.seconds / 60:.1f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    names = argv or list(ENVIRONMENTS)
    unknown = [n for n in names if n not in ENVIRONMENTS]
    if unknown:
        print(f"unknown environment {', '.join(unknown)}; choose from {', '.join(ENVIRONMENTS)}")
        return 2
    outcomes = []
    for name in names:
        print(f"drift: {name} ...", flush=True)
        outcomes.append(run(name))
    print(table(outcomes))
    passed = sum(o.ok for o in outcomes)
    print(f"drift: {passed} passed, {len(outcomes) - passed} failed")  # environments, in the form CI reads
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
