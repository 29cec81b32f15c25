"""The drift run's own logic: which versions each environment gets, and how a JUnit report is read."""

from __future__ import annotations

from pathlib import Path

import drift


def test_lowest_takes_each_minimum_series_from_requirements_txt() -> None:
    lows = drift.minimums()
    assert {"numpy", "ipywidgets", "jupyterlab", "matplotlib", "torch"} <= set(lows)
    assert drift.ENVIRONMENTS["lowest"] == [f"{name}=={low}.*" for name, low in lows.items() if name != "torch"]
    assert "numpy==1.26.*" in drift.ENVIRONMENTS["lowest"] and "ipywidgets==8.1.*" in drift.ENVIRONMENTS["lowest"]
    assert drift.ENVIRONMENTS["newest"] == [] and "ipywidgets==7.7.1" in drift.ENVIRONMENTS["colab"]
    assert "-r" not in drift.OWN_SET["colab"], "Colab installs only the package, not requirements.txt"


def test_a_report_splits_crashes_from_differing_outputs(tmp_path: Path) -> None:
    report = tmp_path / "r.xml"
    report.write_text(
        "<testsuites><testsuite>"
        '<testcase classname="notebooks.02_dtypes_and_casting.ipynb" name="Cell 1"/>'
        '<testcase classname="notebooks.02_dtypes_and_casting.ipynb" name="Cell 2">'
        '<failure message="Cell outputs differ">x</failure></testcase>'
        '<testcase classname="tests.test_x" name="test_y"><error message="boom">IndexError</error></testcase>'
        "</testsuite></testsuites>"
    )
    found = drift.failures(report)
    assert [name for name, _ in found] == ["notebooks.02_dtypes_and_casting.ipynb::Cell 2", "tests.test_x::test_y"]
    assert "Cell outputs differ" in found[0][1] and "IndexError" in found[1][1]
    assert drift.failures(tmp_path / "missing.xml")[0][1].startswith("wrote no report")


def test_cells_are_named_by_their_id() -> None:
    assert drift.cell_name("notebooks.00_start_here.ipynb::Cell 0") == "notebooks/00_start_here.ipynb header-install"
    assert drift.cell_name("tests.test_x::test_y") == "tests.test_x::test_y"


def test_an_environment_with_a_crash_or_a_unit_failure_fails_the_run() -> None:
    assert drift.Outcome("x", differing=["a cell"]).ok
    assert not drift.Outcome("x", crashed=["a cell"]).ok and not drift.Outcome("x", unit_failures=["t"]).ok
    table = drift.table([drift.Outcome("lowest", {"numpy": "1.26.4"}, crashed=["c53"], seconds=90)])
    assert "| lowest | numpy 1.26.4 | c53 | 0 | 0 | 1.5 |" in table


def test_a_notebook_whose_kernel_died_at_start_is_run_again_alone(tmp_path: Path, monkeypatch) -> None:
    def report(cases: str) -> str:
        return f"<testsuites><testsuite>{cases}</testsuite></testsuites>"

    died = f'<error message="failed on setup with &quot;RuntimeError: {drift.KERNEL_START}&quot;">x</error>'
    first = tmp_path / "others.xml"
    first.write_text(
        report(
            f'<testcase classname="exercises.04_gpu.ipynb" name="Cell 0">{died}</testcase>'
            '<testcase classname="exercises.02_x.ipynb" name="Cell 3"><failure message="boom">IndexError</failure>'
            "</testcase>"
        )
    )
    runs = []

    def rerun(env: Path, out: Path, *args: str, workers: int = 2) -> None:
        runs.append((args, workers))
        out.write_text(report('<testcase classname="exercises.04_gpu.ipynb" name="Cell 0"/>'))

    monkeypatch.setattr(drift, "_pytest", rerun)
    found = drift.failures_retried(tmp_path, first, "--nbval-lax")
    assert runs == [(("--nbval-lax", "exercises/04_gpu.ipynb"), 1)], "only the notebook whose kernel died, alone"
    assert [name for name, _ in found] == ["exercises.02_x.ipynb::Cell 3"], "a real crash stays; the retried one passed"
