"""Lesson 00's report: versions against the minimums and the recorded set, and what a Colab learner is told."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

from tensorbridge import setup_check
from tensorbridge.lesson00 import setup_report
from tensorbridge.setup_check import MINIMUMS, RECORDED, PackageCheck, status

ROOT = Path(__file__).resolve().parent.parent


def test_recorded_versions_are_the_pins_in_constraints_txt() -> None:
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "constraints.txt").read_text(), re.M))
    assert set(RECORDED) == set(MINIMUMS)
    for name, recorded in RECORDED.items():
        if name != "python":
            assert pins[name] == recorded, f"{name}: constraints.txt pins {pins[name]}, RECORDED says {recorded}"
    assert "Python 3.11" in (ROOT / "constraints.txt").read_text().splitlines()[0] and RECORDED["python"] == "3.11"


def check(name: str, installed: str | None) -> PackageCheck:
    return PackageCheck(name, installed, MINIMUMS[name], RECORDED[name])


def test_a_version_is_compared_with_the_recorded_one_not_only_the_minimum() -> None:
    assert status(check("numpy", "2.4.6")) == "ok, as recorded"
    assert status(check("torch", "2.13.0+cpu")) == "ok, as recorded"
    assert "NumPy 1 rules" in status(check("numpy", "1.26.4"))
    assert "no copy warning" in status(check("numpy", "2.0.2"))
    assert "without its link" in status(check("numpy", "2.1.3"))
    assert status(check("numpy", "2.3.0")).startswith("ok; some printed messages may differ")
    assert status(check("ipywidgets", "7.7.1")).startswith("TOO OLD: pip install -U 'ipywidgets>=8.1'")
    on_colab = PackageCheck("ipywidgets", "7.7.1", setup_check.minimums("colab")["ipywidgets"], "8.1.9")
    assert "buttons" in status(on_colab, "colab")


def test_what_to_do_is_said_for_a_missing_or_old_package() -> None:
    assert status(check("torch", "2.3.1")) == "TOO OLD: pip install -U 'torch>=2.4'"
    assert status(check("numpy", None)) == "MISSING: pip install 'numpy>=1.26'"
    assert "course.py open" in status(check("jupyterlab", None))
    assert status(check("jupyterlab", None), "colab") == "not needed here"


def test_colab_is_recognised_and_told_what_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    assert setup_check.front_end() == "jupyter" and "course.py open" not in setup_report().splitlines()[0]
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert setup_check.front_end() == "colab"
    report = setup_report()
    assert report.startswith("Front end: Google Colab") and "Change runtime type > GPU" in report
    assert "course.py open" not in report


def test_a_too_old_library_gets_one_line_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    assert setup_check.too_old_line() is None
    fake = {"numpy": "1.24.4", "torch": "2.13.0", "ipywidgets": "7.6.5"}
    monkeypatch.setattr(setup_check, "installed_version", fake.get)
    line = setup_check.too_old_line()
    assert line is not None and "\n" not in line
    assert "numpy 1.24.4, ipywidgets 7.6.5" in line and "'numpy>=1.26'" in line
    assert "'ipywidgets>=7.7.1'" in line, "the lessons' code runs on 7.7.1; lesson 00's table: JupyterLab's"
