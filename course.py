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
import json
import os
import shutil
import signal
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
# PyTorch's index of CPU-only wheels, as its Get Started page gives it for pip.
CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
FIRST_LESSON = "notebooks/00_start_here.ipynb"
# Course-wide JupyterLab settings: no news pop-up, and exercise tabs labelled apart from their lessons'.
LAB_SETTINGS = ROOT / "jupyterlab-settings"


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
    install_cpu_torch_if_needed()
    print("Installing the course's packages (the first time takes a few minutes) ...", flush=True)
    args = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-c", "constraints.txt"]
    for name in REQUIREMENTS:
        args += ["-r", name]
    result = subprocess.run(args, cwd=ROOT)
    if result.returncode != 0:
        sys.exit("Installing failed (see pip's message above); nothing was marked as installed.")
    STAMP.write_text(wanted + "\n")


def torch_index(platform: str, nvidia_gpu: bool, local_torch: bool) -> str | None:
    """The index the first install takes torch from, or None for pip's own sources (PyPI, a mirror).

    On Linux, PyPI's torch is the CUDA build, several GB; a machine without an NVIDIA GPU only needs the CPU
    build. A torch the machine's own sources already offer (a local mirror or wheel folder) is used as it is.
    """
    if not platform.startswith("linux") or nvidia_gpu or local_torch:
        return None
    return CPU_TORCH_INDEX


def has_nvidia_gpu() -> bool:
    """An NVIDIA driver is loaded, or its tool is installed."""
    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


def local_sources(config: str) -> list[str]:
    """pip options for only the sources on this machine (file: URLs, folders) that ``pip config list`` names."""
    indexes, links = [], []
    for line in config.splitlines():
        key, _, value = line.partition("=")
        option = key.rsplit(".", 1)[-1].strip()
        for source in value.strip().strip("'\"").split():
            if source.startswith("file:") or "://" not in source:
                if option in ("index-url", "extra-index-url"):
                    indexes.append(source)
                elif option == "find-links":
                    links.append(source)
    if not indexes and not links:
        return []
    first = ["--index-url", indexes[0]] if indexes else ["--no-index"]
    return [*first, *(f"--extra-index-url={url}" for url in indexes[1:]), *(f"--find-links={link}" for link in links)]


def local_torch_available() -> bool:
    """True when the machine's own configured sources offer the pinned torch: no network is asked."""
    config = subprocess.run([str(PYTHON), "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    sources = local_sources(config)
    if not sources:
        return False
    result = subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--dry-run", "--no-deps", "--ignore-installed", "--quiet",
         "--disable-pip-version-check", *sources, "--report", "-", "-c", "constraints.txt", "torch"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    try:
        return bool(json.loads(result.stdout)["install"])
    except (ValueError, KeyError, TypeError):
        return False


def install_cpu_torch_if_needed() -> None:
    """Before the first install on Linux without an NVIDIA GPU, take torch from PyTorch's CPU wheels."""
    has_torch = subprocess.run([str(PYTHON), "-c", "import importlib.util as u; exit(not u.find_spec('torch'))"])
    if has_torch.returncode == 0:
        return
    gpu = has_nvidia_gpu()
    local = sys.platform.startswith("linux") and not gpu and local_torch_available()
    index = torch_index(sys.platform, gpu, local)
    if index is None:
        return
    print(f"No NVIDIA GPU here: installing PyTorch's CPU build from {index} ...", flush=True)
    args = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-c", "constraints.txt"]
    if subprocess.run([*args, "--index-url", index, "torch"], cwd=ROOT).returncode != 0:
        sys.exit("Installing torch's CPU build failed (see pip's message above); nothing was marked as installed.")


def course_env() -> dict[str, str]:
    env = dict(os.environ)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"  # this environment's kernel, not one installed elsewhere
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(*args: str) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, env=course_env()).returncode


def lab_command(extra: list[str], root: Path = ROOT) -> list[str]:
    """JupyterLab at lesson 00, on this machine only, with its token (as root, e.g. in a container, too).

    The printed link opens lesson 00 as the browser does; Ctrl+C stops it without asking to confirm.
    """
    args = [
        str(PYTHON),
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{FIRST_LESSON}",
        f"--LabApp.app_settings_dir={LAB_SETTINGS}",
        "--LabApp.news_url=None",
        "--ServerApp.answer_yes=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return [*args, *extra]


def supervise(command: list[str]) -> int:
    """Run a server until it ends; Ctrl+C, SIGTERM or a closed terminal stop it, and its kernels, first."""
    child = subprocess.Popen(command, cwd=ROOT, env=course_env())
    signals = [signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]

    def stop(_signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.terminate()  # JupyterLab shuts its kernels down on SIGTERM

    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def open_lab(extra: list[str]) -> int:
    return supervise(lab_command(extra))


def run_here(module: str, extra: list[str]) -> int:
    """This copy's ``module`` with this Python, from the caller's folder (so relative paths mean what they say)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", module, *extra], env=env).returncode


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
    "progress": lambda extra: run_here("tensorbridge.progress", extra),
    "update": lambda extra: run_here("tensorbridge.update", extra),
    "room": lambda extra: run_here("tensorbridge.room", extra),
}
# These use the standard library only: they run with this Python, and never create or install an environment
# (on Binder or a hub the packages are already installed, and a learner may be offline).
WITHOUT_ENVIRONMENT = {"progress", "update", "room"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip())
        print("\nAlso: progress (your solved exercises), build (rebuild exercises/), bench (time the course),")
        print("update (bring in the course's fixes, keeping a copy of every file you changed that they touch),")
        print("room HOMES (an instructor's view of every learner's progress, e.g. room /home on a hub).")
        return 2
    if argv[0] not in WITHOUT_ENVIRONMENT:
        ensure_environment()
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
