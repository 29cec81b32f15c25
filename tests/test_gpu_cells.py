"""GPU cells: skipped with a reason a learner can read where there is no CUDA, run where there is."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import conftest as wiring  # noqa: E402  (the repository's root conftest.py)


class FakeCell(pytest.Item):
    """Stands in for an nbval cell item: what the hook reads is `.cell.metadata`."""

    def runtest(self) -> None:  # pragma: no cover - never run
        pass


def make_items(request: pytest.FixtureRequest, *tag_lists: list[str]) -> list[pytest.Item]:
    items = []
    for i, tags in enumerate(tag_lists):
        item = FakeCell.from_parent(request.node.parent, name=f"cell{i}")
        item.cell = SimpleNamespace(metadata={"tags": tags})
        items.append(item)
    return items


def skip_reasons(item: pytest.Item) -> list[str]:
    return [mark.kwargs["reason"] for mark in item.iter_markers("skip")]


def test_gpu_cells_are_skipped_with_a_reason_without_cuda(request, monkeypatch) -> None:
    monkeypatch.setattr(wiring, "_cuda_available", lambda: False)
    gpu, plain, other = make_items(request, ["gpu"], [], ["raises-exception"])
    wiring.pytest_collection_modifyitems(request.config, [gpu, plain, other])
    assert skip_reasons(gpu) == [wiring.NO_GPU_REASON]
    assert "no CUDA device" in wiring.NO_GPU_REASON and "Recorded on" in wiring.NO_GPU_REASON
    assert skip_reasons(plain) == [] and skip_reasons(other) == []


def test_gpu_cells_run_where_cuda_exists(request, monkeypatch) -> None:
    monkeypatch.setattr(wiring, "_cuda_available", lambda: True)
    (gpu,) = make_items(request, ["gpu"])
    wiring.pytest_collection_modifyitems(request.config, [gpu])
    assert skip_reasons(gpu) == []


def test_cuda_is_not_probed_when_no_cell_needs_it(request, monkeypatch) -> None:
    monkeypatch.setattr(wiring, "_cuda_available", lambda: pytest.fail("probed CUDA for nothing"))
    wiring.pytest_collection_modifyitems(request.config, make_items(request, [], ["nbval-ignore-output"]))


def test_gpu_magic_says_it_did_not_run_without_cuda(monkeypatch, capsys) -> None:
    from tensorbridge import gpu_cells

    monkeypatch.setattr(gpu_cells.torch.cuda, "is_available", lambda: False)
    namespace: dict = {}
    assert gpu_cells.run_gpu_cell("x = 1\nx + 1", namespace) is None
    assert namespace == {} and gpu_cells.NOT_RUN in capsys.readouterr().out
    # It points at the recordings, which only some GPU cells have, not at "the cell after it".
    assert "Recorded on ..." in gpu_cells.NOT_RUN and "where the course has a recording" in gpu_cells.NOT_RUN


def test_gpu_magic_runs_the_cell_like_a_cell_where_cuda_exists(monkeypatch) -> None:
    from tensorbridge import gpu_cells

    monkeypatch.setattr(gpu_cells.torch.cuda, "is_available", lambda: True)
    namespace: dict = {"y": 2}
    assert gpu_cells.run_gpu_cell("x = y * 3\nx + 1", namespace) == 7
    assert namespace["x"] == 6
    assert gpu_cells.run_gpu_cell("z = 1", namespace) is None and namespace["z"] == 1
    with pytest.raises(ZeroDivisionError):
        gpu_cells.run_gpu_cell("1 / 0", namespace)
