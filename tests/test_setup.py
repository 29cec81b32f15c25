"""The set-up: the launcher's install-once logic, lesson 00's version minimums, and lint."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import course  # noqa: E402
from tensorbridge.setup_check import (  # noqa: E402
    FRONT_END_ONLY,
    MINIMUMS,
    PackageCheck,
    check_versions,
    too_old_line,
)


def test_minimums_match_requirements_txt() -> None:
    declared = dict(re.findall(r"^([A-Za-z_-]+)>=([\d.]+)", (ROOT / "requirements.txt").read_text(), re.M))
    assert {k: v for k, v in MINIMUMS.items() if k != "python"} == declared
    python = re.search(r'requires-python = ">=([\d.]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert MINIMUMS["python"] == python


def test_this_environment_passes_its_own_check() -> None:
    # ipywidgets against the lessons' own need (7.7.1) and JupyterLab only where installed: the Colab-like run passes
    checks = [c for c in check_versions("jupyter") if c.name != "ipywidgets"]
    assert all(c.ok for c in checks if c.installed is not None or c.name not in FRONT_END_ONLY)
    assert too_old_line() is None
    assert not PackageCheck("torch", "2.3.1", "2.4").ok
    assert PackageCheck("torch", "2.13.0+cpu", "2.4").ok
    assert not PackageCheck("numpy", None, "1.26").ok


def test_constraints_pin_torch_and_every_requirement() -> None:
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "constraints.txt").read_text(), re.M))
    assert pins["torch"] == "2.13.0"
    for name in [*MINIMUMS, "pytest", "nbval", "pytest-xdist", "hypothesis", "ruff", "nbclient"]:
        if name != "python":
            assert name in pins, f"{name} is not pinned in constraints.txt"


def test_second_run_installs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(course, "VENV", tmp_path)
    monkeypatch.setattr(course, "PYTHON", Path(sys.executable))
    monkeypatch.setattr(course, "STAMP", tmp_path / "stamp")
    monkeypatch.setattr(course, "install_cpu_torch_if_needed", lambda: None)  # tested in test_course.py
    calls = []
    monkeypatch.setattr(course.subprocess, "run", lambda *a, **k: calls.append(a) or subprocess.CompletedProcess(a, 0))
    course.ensure_environment()
    assert len(calls) == 1, "the first run installs"
    course.ensure_environment()
    assert len(calls) == 1, "an unchanged second run installs nothing"
    (tmp_path / "stamp").write_text("something older\n")
    course.ensure_environment()
    assert len(calls) == 2, "a changed requirements set installs again"


def test_failed_install_is_not_marked_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(course, "VENV", tmp_path)
    monkeypatch.setattr(course, "PYTHON", Path(sys.executable))
    monkeypatch.setattr(course, "STAMP", tmp_path / "stamp")
    monkeypatch.setattr(course, "install_cpu_torch_if_needed", lambda: None)  # tested in test_course.py
    monkeypatch.setattr(course.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1))
    with pytest.raises(SystemExit, match="Installing failed"):
        course.ensure_environment()
    assert not (tmp_path / "stamp").exists()


def test_open_listens_on_localhost_with_a_token() -> None:
    source = (ROOT / "course.py").read_text()
    assert "--ServerApp.ip=127.0.0.1" in source
    assert "token=''" not in source and 'token=""' not in source and "disable_check_xsrf" not in source


def test_ruff_is_clean_over_package_tests_and_notebooks() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "ipynb"
        in subprocess.run(
            [str(ruff), "check", "--no-cache", "--show-files", str(ROOT)], capture_output=True, text=True
        ).stdout
    ), "ruff must see the notebooks too"
