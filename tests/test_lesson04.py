"""Lesson 04: the questions (checked without a GPU), the transfer logic and its recorded run, the explorer
driven headless, and the lesson notebook's GPU cells. Tests marked for CUDA run only where it exists."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import anything

from tensorbridge import lesson04 as l04
from tensorbridge import transfers as tr
from tensorbridge.devices import has_cuda
from tensorbridge.explorers.transfers import plot_bandwidth, transfer_explorer
from tensorbridge.feedback import Feedback, Status

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [l04.q1, l04.q2, l04.q3, l04.q4, l04.q5, l04.q6, l04.q7, l04.q8]
COMBINATIONS = list(itertools.product(tr.SIZES, tr.DIRECTIONS, tr.MEMORY, [False, True], [False, True]))
needs_cuda = pytest.mark.skipif(not has_cuda(), reason="needs a CUDA device")


# ---- the learner's functions, right and wrong -----------------------------------------------------------


def pick_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def init_weights(device: torch.device) -> torch.Tensor:
    return torch.zeros(3, device=device, requires_grad=True)


def init_weights_planted(device: torch.device) -> torch.Tensor:
    return torch.zeros(3, requires_grad=True).to(device)


def to_model_device(batch: torch.Tensor, model: torch.nn.Module) -> torch.Tensor:
    return batch.to(next(model.parameters()).device)


def predict_numpy(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    return model(x).detach().cpu().numpy()


def predict_all(model: torch.nn.Module, batches: list[torch.Tensor]) -> np.ndarray:
    device = next(model.parameters()).device
    outputs = []
    with torch.no_grad():
        for batch in batches:
            y = model(batch.to(device, non_blocking=True))
            outputs.append(y.to("cpu", non_blocking=True))
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return torch.cat(outputs).numpy()


def predict_all_planted(model: torch.nn.Module, batches: list[torch.Tensor]) -> np.ndarray:
    device = next(model.parameters()).device
    outputs = []
    with torch.no_grad():
        for batch in batches:
            y = model(batch.to(device, non_blocking=True))
            outputs.append(y.to("cpu", non_blocking=True))
    return torch.cat(outputs).numpy()


def predict_all_waits_in_the_loop(model: torch.nn.Module, batches: list[torch.Tensor]) -> np.ndarray:
    device = next(model.parameters()).device
    outputs = []
    with torch.no_grad():
        for batch in batches:
            y = model(batch.to(device, non_blocking=True))
            outputs.append(y.to("cpu", non_blocking=True))
            if device.type == "cuda":
                torch.cuda.synchronize(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return torch.cat(outputs).numpy()


def predict_all_waits_before_each_copy(model: torch.nn.Module, batches: list[torch.Tensor]) -> np.ndarray:
    device = next(model.parameters()).device
    outputs = []
    with torch.no_grad():
        for batch in batches:
            if device.type == "cuda":
                torch.cuda.current_stream().synchronize()
            outputs.append(model(batch.to(device, non_blocking=True)).to("cpu", non_blocking=True))
    return torch.cat(outputs).numpy()


def predict_all_blocking(model: torch.nn.Module, batches: list[torch.Tensor]) -> np.ndarray:
    device = next(model.parameters()).device
    with torch.no_grad():
        return torch.cat([model(batch.to(device)).to("cpu") for batch in batches]).numpy()


def predict_all_unguarded(model: torch.nn.Module, batches: list[torch.Tensor]) -> np.ndarray:
    device = next(model.parameters()).device
    outputs = []
    with torch.no_grad():
        for batch in batches:
            outputs.append(model(batch.to(device)).to("cpu", non_blocking=True))
    torch.cuda.synchronize()
    return torch.cat(outputs).numpy()


SOLUTIONS = {
    "04.q1": (pick_device,),
    "04.q2": (init_weights,),
    "04.q3": (to_model_device,),
    "04.q4": (predict_numpy,),
    "04.q5": (predict_all,),
    "04.q6": ({"B", "C", "D", "F"},),
    "04.q7": ((1.0, 0.0),),
    "04.q8": (64 * 3 * 224 * 224 * 4 / 50e9 * 1e3,),
}


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
def test_the_solution_is_correct(question) -> None:
    feedback = question.check(*SOLUTIONS[question.qid])
    assert feedback.status is Status.CORRECT, feedback


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.qid for q in QUESTIONS])
def test_the_shown_solution_code_passes_its_own_check(question) -> None:
    namespace = {"torch": torch, "np": np}
    exec(question.answer, namespace)
    defined = [v for k, v in namespace.items() if callable(v) and k not in {"torch", "np"} and not k.startswith("_")]
    answer = defined[0] if defined else namespace["answer"]
    assert question.check(answer).status is Status.CORRECT, question.answer


def test_other_right_answers_are_accepted() -> None:
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None:

        def modern() -> torch.device:
            return torch.accelerator.current_accelerator() or torch.device("cpu")

        assert l04.q1.check(modern).solved
    assert l04.q1.check(l04.best_device).solved
    assert l04.q2.check(lambda device: torch.zeros(3).to(device).requires_grad_()).solved
    assert l04.q2.check(lambda device: torch.nn.Parameter(torch.zeros(3, device=device))).solved
    assert l04.q3.check(lambda batch, model: batch.to(model.weight.device)).solved
    assert l04.q4.check(lambda model, x: model(x).numpy(force=True)).solved
    assert l04.q4.check(lambda model, x: model(x).detach().to("cpu").numpy()).solved

    def with_event(model, batches):
        device = next(model.parameters()).device
        outputs = [model(b.to(device)).detach().to("cpu", non_blocking=True) for b in batches]
        if device.type == "cuda":
            done = torch.cuda.Event()
            done.record()
            done.synchronize()
        return torch.cat(outputs).numpy()

    assert l04.q5.check(with_event).solved
    assert l04.q6.check("bcdf").solved and l04.q7.check([1, 0]).solved
    assert l04.q8.check(0.77).solved and l04.q8.check(np.float32(0.7707)).solved


def test_feedback_names_the_mistake() -> None:
    def string_device():
        return "cuda" if torch.cuda.is_available() else "cpu"

    def always_cuda():
        return torch.device("cuda")

    def no_mps():
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")

    cases = [
        (l04.q1.check(pick_device()), "pass your function itself"),
        (l04.q1.check(string_device), "returned the string `'cuda'`"),
        (l04.q1.check(always_cuda), "on a Mac with an Apple GPU, your function returned `cuda`"),
        (l04.q1.check(always_cuda), "That machine has no `cuda`"),
        (
            l04.q1.check(lambda: torch.device("mps") if torch.backends.mps.is_available() else torch.device("cuda")),
            "on a laptop with neither",
        ),
        (l04.q1.check(no_mps), "on a Mac with an Apple GPU, your function returned `cpu`; expected `mps`"),
        (l04.q1.check(lambda: torch.device("cpu")), "on a machine with an NVIDIA GPU"),
        (l04.q2.check(init_weights_planted), "on the `meta` device, your weights are not a leaf"),
        (l04.q2.check(init_weights_planted), "`ToCopyBackward0` made them"),
        (l04.q2.check(init_weights_planted), "stands in for a GPU"),
        (l04.q2.check(lambda device: torch.zeros(3, device=device)), "do not require grad"),
        (
            l04.q2.check(lambda device: torch.zeros(3, requires_grad=True)),
            "weights are on `cpu`; they belong on `meta`",
        ),
        (l04.q2.check(lambda device: torch.zeros(3, requires_grad=True, dtype=torch.float64)), "float64"),
        (
            l04.q2.check(lambda device: torch.zeros(3, requires_grad=True, dtype=torch.float64)),
            "your weight tensor has",
        ),
        (l04.q2.check(lambda device: torch.ones(3, device=device, requires_grad=True)), "your weight tensor holds"),
        (l04.q2.check(lambda device: torch.ones(3, device=device, requires_grad=True)), "Keep them zeros"),
        (l04.q2.check(lambda device: torch.zeros(3, requires_grad=True).to(device).retain_grad()), "is `None`"),
        (l04.q3.check(lambda batch, model: batch), "your batch is on `cpu`; the model is on `meta`"),
        (l04.q3.check(lambda batch, model: model.to("meta") and batch), "moved the model"),
        (l04.q3.check(lambda batch, model: batch.to(l04.best_device())), "next(model.parameters()).device"),
        (l04.q4.check(lambda model, x: model(x).detach().numpy()), "calls `.numpy()` on a tensor that is not on"),
        (l04.q4.check(lambda model, x: np.asarray(model(x).detach())), "on a GPU it raises"),
        (l04.q4.check(lambda model, x: np.array(model(x).tolist())), "float64"),
        (l04.q4.check(lambda model, x: model(x).detach().numpy().astype(float)), "return the tensor's own dtype"),
        (l04.q4.check(lambda model, x: model(x).detach()), "still a tensor"),
        (l04.q4.check(lambda model, x: model(x).detach().numpy()[:2]), "shape `(2, 2)`"),
        (l04.q5.check(predict_all_planted), "reads the copies without waiting for them"),
        (l04.q5.check(predict_all_planted), "survives testing on a laptop"),
        (l04.q5.check(predict_all_blocking), "no longer overlap"),
        (l04.q5.check(predict_all_waits_in_the_loop), "your function waits inside the loop"),
        (l04.q5.check(predict_all_waits_in_the_loop), "Wait once, after the loop"),
        (l04.q5.check(predict_all_waits_before_each_copy), "your function waits inside the loop"),
        (l04.q6.check({"A", "B", "C", "D", "F"}), "A does not: `x @ x` only queues"),
        (l04.q6.check("BCDEF"), "E does not: with `non_blocking=True`"),
        (l04.q6.check("BC"), "D does too"),
        (l04.q7.check((1.0, 1.0)), "on CUDA, `g[0]` is not 1"),
        (l04.q7.check((0.0, 0.0)), "on the CPU, `g[0]` is not 0"),
        (l04.q7.check((0.0, 1.0)), "the other way round"),
        (l04.q7.check(1.0), "a pair of numbers"),
        (l04.q8.check(64 * 3 * 224 * 224 / 50e9 * 1e3), "counted elements, not bytes"),
        (l04.q8.check(64 * 224 * 224 * 4 / 50e9 * 1e3), "3 channels"),
        (l04.q8.check(64 * 3 * 224 * 224 * 4 / (50 * 2**30) * 1e3), "GiB/s"),
        (l04.q8.check(0.00077), "seconds"),
        (l04.q8.check(770.7), "microseconds"),
        (l04.q8.check(5.0), "count the bytes"),
        (l04.q8.check(-1), "not a duration"),
        (l04.q8.check("0.77"), "a number of milliseconds"),
    ]
    for feedback, expected in cases:
        assert feedback.status is Status.INCORRECT, (expected, feedback)
        assert expected in feedback.text(), (expected, feedback)


@pytest.mark.skipif(has_cuda(), reason="the CPU-only error of an unguarded torch.cuda call")
def test_cuda_only_calls_get_advice_where_there_is_no_cuda() -> None:
    unguarded = l04.q5.check(predict_all_unguarded)
    assert unguarded.status is Status.ERROR and "only when the device is CUDA" in unguarded.text()
    hard_coded = l04.q3.check(lambda batch, model: batch.cuda())
    assert hard_coded.status is Status.ERROR and "`.cuda()` works only where CUDA exists" in hard_coded.text()


def test_placeholders_and_crashes_get_feedback() -> None:
    for question in QUESTIONS[:5]:
        assert question.check(lambda *args: l04.____).status is Status.NOT_ATTEMPTED
        crashed = question.check(lambda *args: 1 / 0)
        assert crashed.status is Status.ERROR and "ZeroDivisionError" in crashed.text()
    assert "on a machine with an NVIDIA GPU, your function raised" in l04.q1.check(lambda: 1 / 0).text()


def test_simulated_machines_are_restored_even_after_an_error() -> None:
    originals = (torch.cuda.is_available, torch.backends.mps.is_available, torch.cuda.device_count)
    with pytest.raises(ZeroDivisionError), l04.simulated_machine(cuda=True, mps=False):
        assert torch.cuda.is_available() and torch.cuda.device_count() == 1
        raise ZeroDivisionError
    assert (torch.cuda.is_available, torch.backends.mps.is_available, torch.cuda.device_count) == originals
    with l04.simulated_machine(cuda=False, mps=True):
        assert not torch.cuda.is_available() and torch.backends.mps.is_available()
    assert l04.q1.check(lambda: 1 / 0).status is Status.ERROR
    assert torch.cuda.is_available is originals[0]


def test_checks_leave_the_learners_objects_alone() -> None:
    batch = torch.arange(8.0).reshape(2, 4)
    seen = []

    def spy(b, model):
        seen.append(model)
        return b.to(next(model.parameters()).device)

    assert l04.q3.check(spy).solved
    assert batch.tolist() == torch.arange(8.0).reshape(2, 4).tolist()
    assert [next(m.parameters()).device.type for m in seen][:2] == ["cpu", "meta"]


@needs_cuda
def test_the_gpu_cases_run_where_cuda_exists() -> None:
    assert l04.q2.check(init_weights_planted).status is Status.INCORRECT
    broken = l04.q4.check(lambda model, x: model(x).detach().numpy())
    assert broken.status is Status.INCORRECT
    for question in QUESTIONS[:5]:
        assert question.check(*SOLUTIONS[question.qid]).solved, question.qid


functions = st.builds(lambda value: lambda *args: value, anything)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=st.one_of(anything, functions), extra=st.lists(anything, max_size=1))
def test_check_never_raises(answer: object, extra: list) -> None:
    for question in QUESTIONS:
        feedback = question.check(answer, *extra)
        assert isinstance(feedback, Feedback) and feedback.message.strip() and feedback.text()


# ---- the arithmetic ---------------------------------------------------------------------------------------


def test_bandwidth_arithmetic() -> None:
    assert tr.gbps(10**9, 1.0) == 1.0 and tr.gbps(2 * 10**9, 0.5) == 4.0
    assert tr.gib_to_gb(1.0) == pytest.approx(1.073741824)
    assert [tr.format_size(n) for n in (512, 64 * 2**10, 2**20, 3 * 2**20, 2**30)] == [
        "512 B",
        "64 KiB",
        "1 MiB",
        "3 MiB",
        "1 GiB",
    ]


@pytest.mark.parametrize(
    ("gts", "width", "label", "nominal"),
    [
        (2.5, 16, "PCIe Gen1 x16", 4.0),
        (8.0, 16, "PCIe Gen3 x16", 15.754),
        (16.0, 16, "PCIe Gen4 x16", 31.508),
        (32.0, 16, "PCIe Gen5 x16", 63.015),
        (32.0, 8, "PCIe Gen5 x8", 31.508),
        (64.0, 16, "PCIe Gen6 x16", 121.0),
        (20.0, 4, "PCIe 20 GT/s x4", 9.846),
    ],
)
def test_nominal_link_bandwidth(gts: float, width: int, label: str, nominal: float) -> None:
    link = tr.Link(gts, width)
    assert link.label == label and link.nominal_gbps == pytest.approx(nominal, abs=1e-3)


def test_links_parse_from_sysfs_texts() -> None:
    assert tr.parse_link("32.0 GT/s PCIe\n", "16\n") == tr.Link(32.0, 16)
    assert tr.parse_link("8 GT/s", "8") == tr.Link(8.0, 8)
    assert tr.parse_link("Unknown", "16") is None and tr.parse_link("16 GT/s", "x") is None
    assert tr.parse_link("16 GT/s", "0") is None
    assert tr.pci_address(0, 0x41, 0) == "0000:41:00.0"


def test_the_link_is_the_lower_of_the_gpu_and_its_port(tmp_path: Path) -> None:
    port = tmp_path / "0000:40:01.1"
    gpu = port / "0000:41:00.0"
    gpu.mkdir(parents=True)
    (gpu / "max_link_speed").write_text("32.0 GT/s PCIe\n")
    (gpu / "max_link_width").write_text("16\n")
    assert tr.read_link(gpu) == tr.Link(32.0, 16)
    (port / "max_link_speed").write_text("16.0 GT/s PCIe\n")
    (port / "max_link_width").write_text("16\n")
    assert tr.read_link(gpu) == tr.Link(16.0, 16)
    assert tr.read_link(tmp_path / "missing") is None


def test_no_link_and_no_sweep_without_cuda() -> None:
    if has_cuda():
        pytest.skip("this machine has CUDA")
    assert tr.link_info() is None
    with pytest.raises(RuntimeError, match="recorded_sweep"):
        tr.sweep()


# ---- the recorded run ---------------------------------------------------------------------------------------


def test_the_recorded_run_says_where_it_came_from() -> None:
    run = tr.recorded_run()
    assert run.gpu == "NVIDIA H200" and run.torch == "2.11.0+cu130" and run.numpy == "2.5.2"
    assert run.link == tr.Link(32.0, 16)
    assert run.label.startswith("Recorded on NVIDIA H200 (PCIe Gen5 x16), torch 2.11.0+cu130, numpy 2.5.2, 20")
    assert run.label.endswith("(not run here)")
    for name in ("leaf", "to_numpy", "cpu_grad_fn", "as_tensor", "non_blocking", "bandwidth"):
        experiment = tr.recorded(name)
        text = repr(experiment)
        assert experiment.code and experiment.printed and text.startswith(run.label)
        assert "code:" in text and "printed:" in text


def test_the_recorded_facts_are_the_lessons_claims() -> None:
    assert "False" in tr.recorded("leaf").printed[0] and "ToCopyBackward0" in tr.recorded("leaf").printed[0]
    assert tr.recorded("as_tensor").printed[0].endswith("sees later write: False")
    before, after = tr.recorded("non_blocking").printed
    assert before.endswith("all 7?: False") and after.startswith("after sync all 7?: True")
    assert "ToCopyBackward0" in tr.recorded("cpu_grad_fn").printed[0]


def test_the_recorded_bandwidth_table_matches_the_printed_lines() -> None:
    run = tr.recorded_run()
    for i, line in enumerate(tr.recorded("bandwidth").printed):
        numbers = [float(n) for n in re.findall(r"(\d+\.\d+) GB/s", line)]
        mib = int(line.split()[0])
        assert mib == run.bandwidth["mib"][i]
        keys = ("h2d_pageable", "h2d_pinned", "d2h_cpu_new_buffer", "d2h_copy_into_reused_buffer")
        assert numbers == [run.bandwidth[key][i] for key in keys], line


def test_the_recorded_sweep_is_in_gb_per_s() -> None:
    recorded = tr.recorded_sweep()
    assert recorded.at(2**30, "h2d", "pinned") == 55.5
    assert recorded.at(2**30, "h2d", "pageable") == 9.2
    assert recorded.at(2**20, "h2d", "pinned") == 31.0
    summary = recorded.summary()
    assert "nominal 63.0 GB/s" in summary and "88%" in summary and summary.startswith("Recorded on NVIDIA H200")


# ---- one transfer, every input -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", COMBINATIONS, ids=[str(c) for c in COMBINATIONS])
def test_every_combination_answers(case: tuple) -> None:
    size, direction, memory, non_blocking, synchronize = case
    result = tr.transfer(*case)
    assert result.code.startswith("host = torch.zeros(") and result.explanation and result.error is None
    assert ("non_blocking=True" in result.code) == non_blocking
    assert ("torch.cuda.synchronize()" in result.code) == synchronize
    assert ("pin_memory=True" in result.code) == (memory == "pinned")
    assert result.nbytes == tr.SIZES[size]
    assert result.launch_only == (memory == "pinned" and non_blocking and not synchronize)
    if has_cuda():
        assert result.measured and result.seconds > 0 and result.gbps > 0
        if memory == "pageable" or synchronize or not non_blocking:
            assert result.values_right, case
        return
    assert not result.measured and result.seconds is None and result.values_right is None
    assert result.where.startswith("No CUDA device here: nothing was measured. Recorded on NVIDIA H200")
    recalled = " ".join(result.recorded)
    assert "values read back:" in recalled
    if direction == "d2h" and memory == "pinned" and non_blocking:
        assert ("values read back: wrong" in recalled) == (not synchronize)
    else:
        assert "values read back: not in the recorded run" in recalled
    if (direction, memory) == ("d2h", "pinned"):
        assert "has no pinned device-to-host figure" in recalled
    else:
        assert re.search(r"bandwidth at \d+ MiB.*: \d+\.\d GB/s", recalled)


def test_recalled_numbers_come_from_the_recorded_run() -> None:
    pinned = " ".join(tr.transfer("16 MiB", "h2d", "pinned", True, True).recorded)
    assert "bandwidth at 16 MiB: 53.0 GB/s" in pinned
    small = " ".join(tr.transfer("64 KiB", "h2d", "pageable", False, True).recorded)
    assert "at 1 MiB (the closest size it measured to 64 KiB)" in small and "10.8 GB/s" in small
    assert "not recorded" in " ".join(tr.transfer("1 MiB", "d2h", "pinned", True, False).recorded)


@pytest.mark.parametrize("case", list(itertools.product(tr.SIZES, tr.DIRECTIONS, [False, True], [False, True])))
def test_the_measurement_runs_on_any_device(case: tuple) -> None:
    """The code path the GPU takes, run on the CPU: pageable memory, no CUDA calls."""
    size, direction, non_blocking, synchronize = case
    seconds, right = tr.measure(tr.SIZES[size], direction, "pageable", non_blocking, synchronize, torch.device("cpu"))
    assert seconds > 0 and right


def test_a_sweep_runs_on_any_device() -> None:
    result = tr.measure_sweep((2**16, 2**20), torch.device("cpu"), ("pageable",))
    assert [s.label for s in result.series] == ["host to device, pageable", "device to host, pageable"]
    assert all(len(s.gbps) == 2 and min(s.gbps) > 0 for s in result.series)
    assert result.link is None and "link: unknown" in result.summary()


@needs_cuda
def test_a_real_sweep_finds_pinned_memory_faster() -> None:
    result = tr.sweep((2**20, 2**24))
    assert result.at(2**24, "h2d", "pinned") > result.at(2**24, "h2d", "pageable")


@needs_cuda
def test_reading_a_non_blocking_copy_before_synchronizing_is_wrong() -> None:
    result = tr.transfer("16 MiB", "d2h", "pinned", True, False)
    assert result.measured and result.values_right is False


def test_the_explanations_follow_the_mechanism() -> None:
    hazard = " ".join(tr.explain("d2h", "pinned", True, False))
    assert "reads the destination" in hazard and "the launch, not the copy" in hazard
    assert "overwrites the source" in " ".join(tr.explain("h2d", "pinned", True, False))
    assert "safe, and slower" in " ".join(tr.explain("h2d", "pageable", True, False))
    assert "waits until the copy is done" in " ".join(tr.explain("d2h", "pinned", False, False))
    assert "includes the whole copy" in " ".join(tr.explain("d2h", "pinned", True, True))


# ---- the views ----------------------------------------------------------------------------------------------------


def test_explorer_shows_each_change() -> None:
    explorer = transfer_explorer()
    start = explorer.result.value
    assert "host.copy_(gpu, non_blocking=True)" in start
    if not has_cuda():
        assert "No CUDA device here: nothing was measured." in start and "NVIDIA H200" in start
        assert "values read back: wrong" in start
    synced = explorer.set(synchronize=True)
    assert "torch.cuda.synchronize()" in synced
    assert "gpu.copy_(host)" in explorer.set(direction="h2d", non_blocking=False, synchronize=False)
    assert "pin_memory" not in explorer.set(memory="pageable")


def test_every_combination_renders_quickly_in_the_widget() -> None:
    explorer = transfer_explorer()
    for size, direction, memory, non_blocking, synchronize in COMBINATIONS:
        shown = explorer.set(
            size=size, direction=direction, memory=memory, non_blocking=non_blocking, synchronize=synchronize
        )
        assert "could not show" not in shown and "<pre" in shown
        assert explorer.last_update_seconds < 0.1


def test_explorer_controls_offer_every_case() -> None:
    explorer = transfer_explorer()
    assert list(explorer.controls["size"].options) == list(tr.SIZES)
    assert [value for _, value in explorer.controls["direction"].options] == list(tr.DIRECTIONS)
    assert list(explorer.controls["memory"].options) == list(tr.MEMORY)


def test_the_bandwidth_plot_draws_every_series_and_the_link() -> None:
    import matplotlib.pyplot as plt

    fig = plot_bandwidth(tr.recorded_sweep())
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert len(labels) == 5 and labels[-1] == "PCIe Gen5 x16 nominal, 63 GB/s"
    assert "NVIDIA H200" in ax.get_title() and ax.get_xscale() == "log"
    plt.close(fig)


# ---- the lesson notebook -------------------------------------------------------------------------------------------


def _lesson() -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / "04_gpu.ipynb", as_version=4)


def test_gpu_cells_are_marked_and_tagged_alike() -> None:
    code = [cell for cell in _lesson().cells if cell.cell_type == "code"]
    gpu = [cell for cell in code if "gpu" in cell.metadata.get("tags", [])]
    assert len(gpu) >= 10
    for cell in code:
        assert cell.source.startswith("%%gpu\n") == (cell in gpu), cell.source
        code_only = re.sub(r"#.*", "", cell.source)
        uses_cuda = re.search(
            r"\.cuda\(|\"cuda\"\)|device=\"cuda\"|pin_memory|torch\.cuda\.(?!is_available)", code_only
        )
        if cell not in gpu and uses_cuda:
            assert "torch.device(" in cell.source, f"a CPU cell uses CUDA:\n{cell.source}"


def test_gpu_cells_store_only_real_gpu_output() -> None:
    for cell in _lesson().cells:
        if "gpu" in cell.metadata.get("tags", []):
            if cell.execution_count is None:
                assert not cell.outputs, "an unrun GPU cell must not carry outputs"
            else:
                assert not any("Torch not compiled with CUDA" in str(o) for o in cell.outputs)


def test_every_recorded_experiment_the_lesson_shows_exists() -> None:
    names = re.findall(r'recorded\("(\w+)"\)', "\n".join(cell.source for cell in _lesson().cells))
    assert names and all(name in tr.recorded_run().experiments for name in names)
