#!/usr/bin/env python3
"""Open the Tensor Bridge course, or test it, creating the environment it needs on the way.

    python3 course.py open     # JupyterLab at lesson 00 (127.0.0.1, with a token)
    python3 course.py test     # the whole test suite; extra arguments go to pytest
    python3 course.py test --drift   # the course on the oldest and newest versions it admits, and Colab's

Both create ``.venv`` on first use and install the pinned versions from ``constraints.txt``; a second
run installs nothing unless a requirements file changed. Only the standard library is used here, so this
runs on a bare Python 3.11+ (the pinned NumPy needs 3.11).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / "tensorbridge-installed.sha256"
REQUIREMENTS = ["requirements.txt", "tests/requirements.txt"]
INPUTS = [*REQUIREMENTS, "constraints.txt", "pyproject.toml"]


def digest() -> str:
    """Changes whenever anything that decides the installed set changes."""
    hasher = hashlib.sha256(sys.version.encode())
    for name in INPUTS:
        hasher.update((ROOT / name).read_bytes())
    return hasher.hexdigest()


def ensure_environment() -> None:
    """Create .venv and install the pinned set, unless that is already done for these files."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must run, and explain, on any Python 3
        sys.exit(f"Tensor Bridge needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = digest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV.relative_to(ROOT)} ...", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing the course's packages (the first time takes a few minutes) ...", flush=True)
    args = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-c", "constraints.txt"]
    for name in REQUIREMENTS:
        args += ["-r", name]
    result = subprocess.run(args, cwd=ROOT)
    if result.returncode != 0:
        sys.exit("Installing failed (see pip's message above); nothing was marked as installed.")
    STAMP.write_text(wanted + "\n")


def course_env() -> dict[str, str]:
    env = dict(os.environ)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"  # this environment's kernel, not one installed elsewhere
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(*args: str) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, env=course_env()).returncode


def open_lab(extra: list[str]) -> int:
    """JupyterLab at lesson 00, on this machine only, with its token (as root, e.g. in a container, too)."""
    args = [
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={ROOT}",
        "notebooks/00_start_here.ipynb",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return run(*args, *extra)


def test(extra: list[str]) -> int:
    """The suite; with --drift, tests/drift.py instead (its own environments, in .venv-drift/)."""
    if "--drift" in extra:
        return run("tests/drift.py", *[arg for arg in extra if arg != "--drift"])
    return run("-m", "pytest", *extra)


COMMANDS = {
    "open": open_lab,
    "test": test,
    "build": lambda extra: run("-m", "tensorbridge.build", "exercises", *extra),
    "bench": lambda extra: run("benchmarks/run.py", *extra),
    "progress": lambda extra: run("-m", "tensorbridge.progress", *extra),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip())
        print("\nAlso: progress (your solved exercises), build (rebuild exercises/), bench (time the course).")
        return 2
    ensure_environment()
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
