#!/usr/bin/env bash
# Checks the course on a machine with a CUDA GPU and no network, and records lesson 04's GPU outputs.
#
#   gpu/check.sh OUT_DIR            (from anywhere; see gpu/README.md for the one step that needs a network)
#
# 1. installs the wheel kit from ./.whl (../shared/gpu/README.md) unless nbval is already importable;
# 2. runs notebooks/, solutions/ and exercises/ under nbval, GPU cells (tag `gpu`) included, plus the unit
#    tests that have CUDA cases where hypothesis is installed;
# 3. re-executes notebooks/04_gpu.ipynb so that its GPU cells produce real outputs;
# 4. leaves in OUT_DIR: check.log (all of the above), pytest.xml, 04_gpu.executed.ipynb (every cell run on
#    this machine) and 04_gpu.ipynb (the stored lesson with only its GPU cells' outputs taken from this run:
#    copy it over notebooks/04_gpu.ipynb to store them).
# Exit status: 0 when everything passed and every GPU cell ran as intended, 1 otherwise, 2 without CUDA.
set -uo pipefail

out=${1:?usage: gpu/check.sh OUT_DIR}
python=${PYTHON:-python3}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out" && out=$(cd "$out" && pwd)
cd "$root" || exit 1
exec > >(tee "$out/check.log") 2>&1

if ! "$python" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then
    echo "no CUDA device here: nothing to check (the CPU suite is: python3 course.py test)"
    exit 2
fi

site=${TMPDIR:-/tmp}/tensorbridge-gpu-site
if ! "$python" -c 'import nbval, ipykernel, nbclient, ipywidgets' 2>/dev/null; then
    if ! compgen -G ".whl/*.whl" >/dev/null; then
        echo "nbval is missing and there is no .whl/ kit: run ../shared/gpu/fetch-wheels.sh where there is a network"
        exit 1
    fi
    "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$site" .whl/*.whl \
        || exit 1
fi
export PYTHONPATH="$root:$site${PYTHONPATH:+:$PYTHONPATH}" PATH="$site/bin:$PATH"
"$python" -m ipykernel install --user --name python3 >/dev/null || exit 1

echo "== machine"
"$python" -c 'import torch, numpy; print(torch.cuda.get_device_name(0), "| torch", torch.__version__, "| numpy", numpy.__version__)'
nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.max,pcie.link.width.max --format=csv 2>/dev/null || true

echo "== nbval: notebooks, solutions, exercises (GPU cells run)"
tests=(notebooks solutions exercises)
if "$python" -c 'import hypothesis' 2>/dev/null; then
    mapfile -t unit < <(grep -l -i cuda tests/test_*.py | grep -v test_browser)
    tests+=("${unit[@]}")
else
    echo "(hypothesis is not installed: unit tests left out; add it to the kit with fetch-wheels.sh .whl hypothesis)"
fi
# The repository's addopts ask for pytest-xdist, which the GPU image may lack: the same options, without it.
"$python" -m pytest -o addopts="" --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
    -p no:cacheprovider -rs -q --junitxml "$out/pytest.xml" "${tests[@]}"
suite=$?

echo "== notebooks/04_gpu.ipynb, executed on this GPU"
"$python" - "$out" <<'PY'
"""Run every cell of lesson 04 here; store this run's GPU-cell outputs into a copy of the stored lesson."""
import re
import sys
from pathlib import Path

import nbformat

from tensorbridge.build import execute

out = Path(sys.argv[1])
stored = nbformat.read("notebooks/04_gpu.ipynb", as_version=4)
ran = nbformat.read("notebooks/04_gpu.ipynb", as_version=4)
try:
    execute(ran, out, timeout=300)
except Exception as exc:  # keep what ran: the executed copy shows where it stopped
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in str(exc).splitlines() if line.strip()]
    print(f"execution stopped at a cell that raised: {lines[-1] if lines else type(exc).__name__}")
nbformat.write(ran, out / "04_gpu.executed.ipynb")

by_id = {cell.id: cell for cell in ran.cells}
problems = []
for number, cell in enumerate(stored.cells):
    tags = cell.metadata.get("tags", [])
    if "gpu" not in tags:
        continue
    new = by_id[cell.id]
    first = cell.source.splitlines()[1] if "\n" in cell.source else cell.source
    errors = [o for o in new.outputs if o.output_type == "error"]
    if new.execution_count is None:
        problems.append(f"cell {number} did not run: {first}")
    elif errors and "raises-exception" not in tags:
        problems.append(f"cell {number} raised {errors[0].ename}: {errors[0].evalue} ({first})")
    elif "raises-exception" in tags and not errors:
        problems.append(f"cell {number} is tagged raises-exception but did not raise ({first})")
    cell.outputs, cell.execution_count = new.outputs, new.execution_count
nbformat.write(stored, out / "04_gpu.ipynb")
print("\n".join(problems) or "every GPU cell ran as intended")
sys.exit(1 if problems else 0)
PY
executed=$?

echo "== summary: pytest exit $suite, lesson 04 on the GPU exit $executed; files in $out"
[ "$suite" -eq 0 ] && [ "$executed" -eq 0 ]
