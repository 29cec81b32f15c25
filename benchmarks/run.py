"""Time the course the way a learner and CI meet it, and report against the targets.

    python3 course.py bench [--skip-suite] [--repeat N]

One run reports: the test suite's wall time; each lesson's end-to-end execution time, as a ratio over the floor,
and every cell over a second; each explorer's update time; the peak memory of each lesson's kernel; and the
floor, the time to start a kernel and import torch, measured in the same run. The suite is compared with the
floor times the notebooks it runs, over the workers it uses: once whole, as CI runs it, and once without the
real-browser test, whose time goes mostly to a browser rendering JupyterLab rather than to kernels. A JSON copy
of the figures goes to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tensorbridge.build import execute  # noqa: E402

TARGETS = {
    "lesson_over_floor": 2.0,
    "cell_s": 1.0,
    "explorer_ms": 100.0,
    "kernel_mib": 1024.0,
    "suite_over_floor": 2.0,
}
# Lessons that time things on purpose get more room over the floor; their cells that measure take what they take.
MEASURING_LESSONS = {"04_gpu": 3.0, "06_performance": 3.0}
# Explorers whose update is itself a measurement: the 100 ms target does not apply to them.
MEASURING = {"performance_explorer", "transfer_explorer"}
PEAK_RSS = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def _seconds(cell: nbformat.NotebookNode) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def run_notebook(path: Path) -> dict:
    """Execute a copy of a notebook as Restart & Run All would; time it, and read its kernel's peak memory."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_RSS))
    start = time.perf_counter()
    execute(nb, path.parent, record_timing=True)
    total = time.perf_counter() - start
    header = lambda cell: "course-header" in cell.metadata.get("tags", [])  # noqa: E731 - Colab's install cell
    cells = [(i, _seconds(c)) for i, c in enumerate(nb.cells[:-1]) if c.cell_type == "code" and not header(c)]
    # The first code cell after the header imports torch: that is the floor's cost, reported on its own.
    (_, import_s), *rest = cells
    slowest = max(rest, key=lambda item: item[1])
    over = [(nb.cells[i].get("id", str(i)), s) for i, s in rest if s >= TARGETS["cell_s"]]
    peak_kib = int(nb.cells[-1].outputs[0]["text"])
    return {
        "seconds": total,
        "import_cell_s": import_s,
        "slowest_cell": slowest[0],
        "slowest_cell_s": slowest[1],
        "cells_over_target": over,
        "kernel_peak_mib": peak_kib / 1024,
    }


def floor_seconds(repeat: int) -> float:
    """Median time to start a kernel and import torch and NumPy: what every notebook pays before its first cell."""
    times = []
    for _ in range(repeat):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import numpy, torch")])
        start = time.perf_counter()
        execute(nb, ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def control_values(control) -> list:
    """Values to step a control through: each option, both states of a box, a slider's ends."""
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    options = getattr(control, "options", None)
    if options:
        return [o[1] if isinstance(o, tuple) else o for o in options]
    if hasattr(control, "min") and hasattr(control, "max"):
        return [control.min, control.max, control.value]
    return []


def explorer_update_ms() -> dict[str, dict[str, float]]:
    """Each explorer's update time over every value of every control (median and worst)."""
    report = {}
    from tensorbridge.explorers import EXPLORERS

    for name, factory in EXPLORERS.items():
        explorer = factory()
        times = []
        for control in explorer.controls.values():
            for value in control_values(control):
                if value != control.value:
                    control.value = value
                    times.append(explorer.last_update_seconds * 1000)
        if times:
            report[name] = {"median_ms": statistics.median(times), "max_ms": max(times), "updates": len(times)}
    return report


def suite_seconds(*pytest_args: str) -> float:
    """Wall time of the test suite as `python3 course.py test` runs it (plus any extra pytest arguments)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *pytest_args], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit("The suite failed; fix it before timing it:\n" + result.stdout[-3000:])
    return elapsed


def mark(ok: bool) -> str:
    return "ok " if ok else "OVER"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-suite", action="store_true", help="leave out the test suite's wall time")
    parser.add_argument("--repeat", type=int, default=3, help="kernel starts for the floor's median")
    args = parser.parse_args(argv)
    figures: dict = {"python": sys.version.split()[0], "cpus": os.cpu_count()}

    floor = floor_seconds(args.repeat)
    figures["floor_s"] = floor
    print(f"floor: kernel start + import torch, numpy   {floor:6.2f} s (median of {args.repeat})")

    figures["lessons"] = {}
    print("\nlesson                              total   over floor      import   slowest other cell   kernel peak")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        r = run_notebook(path)
        limit = MEASURING_LESSONS.get(path.stem, TARGETS["lesson_over_floor"])
        r["over_floor"], r["over_floor_target"] = r["seconds"] / floor, limit
        figures["lessons"][path.name] = r
        total, cell, peak = r["seconds"], r["slowest_cell_s"], r["kernel_peak_mib"]
        cell_ok = cell < TARGETS["cell_s"] or path.stem in MEASURING_LESSONS
        print(
            f"{path.stem:<34} {total:5.2f} s {r['over_floor']:4.2f} x {mark(r['over_floor'] <= limit)} (<= {limit:.0f})"
            f"  {r['import_cell_s']:5.2f} s  cell {r['slowest_cell']:>2}: {cell:5.2f} s {mark(cell_ok)}"
            f"  {peak:6.0f} MiB {mark(peak < TARGETS['kernel_mib'])}"
        )
        for cell_id, seconds in r["cells_over_target"]:
            print(f"{'':36}cell {cell_id} took {seconds:.2f} s (target < {TARGETS['cell_s']:.0f} s)")

    figures["explorers"] = explorer_update_ms()
    print("\nexplorer                         median      worst   (updates)")
    for name, r in figures["explorers"].items():
        verdict = "measures" if name in MEASURING else mark(r["max_ms"] < TARGETS["explorer_ms"])
        print(f"{name:<30} {r['median_ms']:7.2f} ms {r['max_ms']:7.2f} ms {verdict} ({r['updates']})")

    if not args.skip_suite:
        # The floor bounds what kernels cost: every notebook nbval runs starts one and imports torch.
        notebooks = sum(
            len(list((ROOT / d).glob("[0-9][0-9]_*.ipynb"))) for d in ("notebooks", "solutions", "exercises")
        )
        workers = os.cpu_count() or 1
        bound = floor * notebooks / workers
        full = suite_seconds()
        without_browser = suite_seconds("--ignore", "tests/test_browser.py")
        figures["suite"] = {
            "seconds": full,
            "seconds_without_browser_test": without_browser,
            "notebooks": notebooks,
            "workers": workers,
            "floor_bound_s": bound,
        }
        print(f"\nsuite floor: {floor:.2f} s x {notebooks} notebooks / {workers} workers = {bound:.1f} s")
        for label, seconds in (("whole suite", full), ("without the browser test", without_browser)):
            ratio = seconds / bound
            print(
                f"{label:<26} {seconds:6.1f} s wall, {ratio:4.2f} x the floor "
                f"{mark(ratio <= TARGETS['suite_over_floor'])} (target <= {TARGETS['suite_over_floor']})"
            )

    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
