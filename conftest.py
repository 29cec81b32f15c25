"""Test wiring for the notebooks: kernels kept offline, and GPU cells skipped, visibly, without CUDA.

Warning text that names a kernel's temporary cell file is made comparable by tests/sanitize.cfg.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Every kernel the tests start loads tests/offline/sitecustomize.py: a lesson that reaches the network fails.
OFFLINE = str(Path(__file__).resolve().parent / "tests" / "offline")
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (OFFLINE, os.environ.get("PYTHONPATH", "")) if p)

# `course.py update` keeps a learner's changed notebook beside the course's as yours-NAME: theirs, not a lesson to test.
collect_ignore_glob = ["*/yours-*.ipynb"]

GPU_TAG = "gpu"
NO_GPU_REASON = "GPU cell: no CUDA device on this machine (the lesson's 'Recorded on ...' cells show a real GPU run)"


def _cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def _tags(item: pytest.Item) -> list[str]:
    """An nbval cell item's tags (other items have none)."""
    cell = getattr(item, "cell", None)
    return cell.metadata.get("tags", []) if cell is not None else []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    gpu_cells = [item for item in items if GPU_TAG in _tags(item)]
    if gpu_cells and not _cuda_available():
        for item in gpu_cells:
            item.add_marker(pytest.mark.skip(reason=NO_GPU_REASON))
