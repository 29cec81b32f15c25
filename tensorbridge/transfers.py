"""What a copy between host memory and a GPU costs, and whether its values can be read yet.

``transfer()`` runs one copy for real on a CUDA device (a size, a direction, pageable or pinned host memory,
``non_blocking`` or not, synchronize or not) and reports its time, its bandwidth and whether the values read
back were right. Without CUDA it measures nothing, says so, and returns what a recorded run on a real GPU saw
for the same case. ``sweep()`` measures bandwidth over sizes for lesson 04's plot; ``recorded_sweep()`` is the
recorded one. The recorded run (``recorded/gpu-h200.json``, copied from the course's facts) also holds the
other GPU experiments lesson 04 shows where no GPU exists: ``recorded(name)``.
The arithmetic (GB/s, a PCIe link's nominal bandwidth) is plain functions, tested without a GPU.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import torch

RECORDED_PATH = Path(__file__).resolve().parent / "recorded" / "gpu-h200.json"

KiB, MiB = 2**10, 2**20
SIZES: dict[str, int] = {"64 KiB": 64 * KiB, "1 MiB": MiB, "16 MiB": 16 * MiB}
DIRECTIONS: dict[str, str] = {"h2d": "host to device", "d2h": "device to host"}
MEMORY: tuple[str, ...] = ("pageable", "pinned")
# 64 KiB to 64 MiB: past the size where the link is saturated, and under 1 GiB of host memory in all.
SWEEP_SIZES: tuple[int, ...] = tuple(2**k for k in range(16, 27, 2))


# ---- arithmetic ---------------------------------------------------------------------------------


def gbps(nbytes: int, seconds: float) -> float:
    """Bandwidth in GB/s: 10**9 bytes per second, the unit link speeds are quoted in."""
    return nbytes / seconds / 1e9


def gib_to_gb(value: float) -> float:
    """GiB/s (2**30 bytes per second) to GB/s (10**9)."""
    return value * 2**30 / 1e9


def format_size(nbytes: int) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", MiB), ("KiB", KiB)):
        if nbytes >= size:
            return f"{nbytes / size:g} {unit}"
    return f"{nbytes} B"


def lane_gbps(gts: float) -> float:
    """One PCIe lane's bandwidth in one direction: its transfer rate times its line code's efficiency."""
    if gts <= 5:  # Gen1, Gen2: 8b/10b
        efficiency = 8 / 10
    elif gts <= 32:  # Gen3 to Gen5: 128b/130b
        efficiency = 128 / 130
    else:  # Gen6: 256-byte FLITs carrying 242 bytes
        efficiency = 242 / 256
    return gts * efficiency / 8


_GENERATIONS = {2.5: 1, 5.0: 2, 8.0: 3, 16.0: 4, 32.0: 5, 64.0: 6}


@dataclass(frozen=True)
class Link:
    """A PCIe link between host and GPU: its rate per lane (GT/s) and its width (lanes)."""

    gts: float
    width: int

    @property
    def generation(self) -> int | None:
        return _GENERATIONS.get(self.gts)

    @property
    def nominal_gbps(self) -> float:
        """The most one direction can carry before protocol overhead: real copies reach 80-90% of it."""
        return lane_gbps(self.gts) * self.width

    @property
    def label(self) -> str:
        name = f"PCIe Gen{self.generation}" if self.generation else f"PCIe {self.gts:g} GT/s"
        return f"{name} x{self.width}"


def parse_link(speed: str, width: str) -> Link | None:
    """A link from sysfs' texts, e.g. ``'32.0 GT/s PCIe'`` and ``'16'``; None when they do not parse."""
    match = re.match(r"\s*([\d.]+)\s*GT/s", speed)
    try:
        lanes = int(width.strip())
    except ValueError:
        return None
    if match is None or lanes <= 0:
        return None
    return Link(float(match.group(1)), lanes)


def read_link(folder: Path) -> Link | None:
    """The link a PCI device can train to: the lower of its own maximum and its upstream port's."""
    links = []
    for device in (folder, folder.resolve().parent):
        try:
            speed = (device / "max_link_speed").read_text()
            width = (device / "max_link_width").read_text()
        except OSError:
            continue
        link = parse_link(speed, width)
        if link is not None:
            links.append(link)
    if not links:
        return None
    return Link(min(link.gts for link in links), min(link.width for link in links))


def pci_address(domain: int, bus: int, device: int) -> str:
    return f"{domain:04x}:{bus:02x}:{device:02x}.0"


def link_info(index: int = 0, root: Path = Path("/sys/bus/pci/devices")) -> Link | None:
    """The PCIe link of CUDA device ``index``, read from Linux's sysfs; None without CUDA or sysfs."""
    if not torch.cuda.is_available():
        return None
    props = torch.cuda.get_device_properties(index)
    ids = [getattr(props, name, None) for name in ("pci_domain_id", "pci_bus_id", "pci_device_id")]
    if any(not isinstance(i, int) for i in ids):
        return None
    return read_link(root / pci_address(*ids))


# ---- the recorded run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Experiment:
    """One experiment of the recorded run: the code it ran and what that printed, labelled with where."""

    name: str
    title: str
    code: tuple[str, ...]
    printed: tuple[str, ...]
    note: str
    label: str

    def text(self) -> str:
        lines = [self.label, f"experiment: {self.title}", "code:", *(f"    {line}" for line in self.code), "printed:"]
        lines += [f"    {line}" for line in self.printed]
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class RecordedRun:
    """Where the recorded run happened, and what it printed."""

    gpu: str
    link: Link
    torch: str
    numpy: str
    date: str
    experiments: dict[str, Experiment]
    bandwidth: dict[str, tuple[float, ...]]

    @property
    def label(self) -> str:
        return (
            f"Recorded on {self.gpu} ({self.link.label}), torch {self.torch}, numpy {self.numpy}, "
            f"{self.date} or earlier (not run here)"
        )


@cache
def recorded_run() -> RecordedRun:
    data = json.loads(RECORDED_PATH.read_text(encoding="utf-8"))
    link = Link(data["link_gts"], data["link_width"])
    run = RecordedRun(data["gpu"], link, data["torch"], data["numpy"], data["date"], {}, {})
    experiments = {
        name: Experiment(
            name, entry["title"], tuple(entry["code"]), tuple(entry["printed"]), entry.get("note", ""), run.label
        )
        for name, entry in data["experiments"].items()
    }
    bandwidth = {key: tuple(values) for key, values in data["bandwidth_gib_per_s"].items()}
    return RecordedRun(run.gpu, link, run.torch, run.numpy, run.date, experiments, bandwidth)


def recorded(name: str) -> Experiment:
    """What the recorded GPU run printed for one experiment (``leaf``, ``to_numpy``, ``non_blocking``, ...)."""
    return recorded_run().experiments[name]


# ---- bandwidth sweeps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line of a bandwidth plot: GB/s against size, for one way of copying."""

    label: str
    direction: str
    memory: str
    sizes: tuple[int, ...]
    gbps: tuple[float, ...]


@dataclass(frozen=True)
class Sweep:
    """Bandwidth against size for several ways of copying, and where it was measured."""

    source: str
    series: tuple[Series, ...]
    link: Link | None

    def at(self, nbytes: int, direction: str, memory: str) -> float:
        """The bandwidth of the first series for this direction and memory, at this size."""
        line = next(s for s in self.series if s.direction == direction and s.memory == memory)
        return line.gbps[line.sizes.index(nbytes)]

    def summary(self) -> str:
        """A table of GB/s by size, the largest size's figure against the link's nominal bandwidth."""
        nominal = self.link.nominal_gbps if self.link else None
        head = f"link: {self.link.label}, nominal {nominal:.1f} GB/s each way" if nominal else "link: unknown"
        width = max(len(line.label) for line in self.series)
        sizes = "".join(f"{format_size(size):>9}" for size in self.series[0].sizes)
        lines = [self.source, head, f"{'GB/s':<{width}}{sizes}" + ("  largest/nominal" if nominal else "")]
        for line in self.series:
            row = f"{line.label:<{width}}" + "".join(f"{value:9.1f}" for value in line.gbps)
            lines.append(row + (f"  {line.gbps[-1] / nominal:15.0%}" if nominal else ""))
        return "\n".join(lines)


def recorded_sweep() -> Sweep:
    """The recorded run's bandwidths, converted from the GiB/s its script printed to GB/s."""
    run = recorded_run()
    sizes = tuple(mib * MiB for mib in run.bandwidth["mib"])
    labels = {
        "h2d_pageable": ("host to device, pageable", "h2d", "pageable"),
        "h2d_pinned": ("host to device, pinned", "h2d", "pinned"),
        "d2h_cpu_new_buffer": ("device to host, .cpu() (a new buffer each time)", "d2h", "pageable"),
        "d2h_copy_into_reused_buffer": ("device to host, copy_ into a reused buffer", "d2h", "reused"),
    }
    series = tuple(
        Series(label, direction, memory, sizes, tuple(round(gib_to_gb(v), 1) for v in run.bandwidth[key]))
        for key, (label, direction, memory) in labels.items()
    )
    return Sweep(run.label, series, run.link)


def _synchronizer(device: torch.device) -> Callable[[], None]:
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None


def _buffers(nbytes: int, direction: str, memory: str, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """(source, destination) of a copy: float32 host memory (pinned or pageable) and device memory."""
    count = nbytes // 4
    host = torch.zeros(count, pin_memory=memory == "pinned")
    on_device = torch.zeros(count, device=device)
    return (host, on_device) if direction == "h2d" else (on_device, host)


def time_copies(dst: torch.Tensor, src: torch.Tensor, repeats: int, device: torch.device) -> float:
    """Seconds per copy: one warm-up, then ``repeats`` copies back to back and one synchronize."""
    sync = _synchronizer(device)
    dst.copy_(src)
    sync()
    start = time.perf_counter()
    for _ in range(repeats):
        dst.copy_(src, non_blocking=True)
    sync()
    return (time.perf_counter() - start) / repeats


def measure_sweep(sizes: tuple[int, ...], device: torch.device, memories: tuple[str, ...] = MEMORY) -> Sweep:
    """Bandwidth of each direction and kind of host memory at each size, measured on ``device``."""
    series = []
    for direction, words in DIRECTIONS.items():
        for memory in memories:
            values = []
            for nbytes in sizes:
                src, dst = _buffers(nbytes, direction, memory, device)
                repeats = max(3, min(20, 256 * MiB // nbytes))
                values.append(gbps(nbytes, time_copies(dst, src, repeats, device)))
                if memory == "pinned" and not (src if direction == "h2d" else dst).is_pinned():
                    raise RuntimeError("the pinned buffer is not pinned: the figures would mislead")
                del src, dst
            series.append(Series(f"{words}, {memory}", direction, memory, tuple(sizes), tuple(values)))
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else str(device)
    source = f"Measured here on {name}, torch {torch.__version__}"
    return Sweep(source, tuple(series), link_info(device.index or 0) if device.type == "cuda" else None)


def sweep(sizes: tuple[int, ...] = SWEEP_SIZES) -> Sweep:
    """Measure host/device bandwidth on this machine's CUDA device: a few seconds, under 1 GiB of host memory."""
    if not torch.cuda.is_available():
        raise RuntimeError("sweep() measures a CUDA device, and this machine has none: see recorded_sweep().")
    return measure_sweep(sizes, torch.device("cuda"))


# ---- one transfer, for the explorer ---------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    """One copy: the code, and what happened (measured) or what the recorded run saw (not measured)."""

    code: str
    measured: bool
    where: str
    nbytes: int
    seconds: float | None = None
    gbps: float | None = None
    values_right: bool | None = None
    recorded: tuple[str, ...] = ()
    explanation: tuple[str, ...] = ()
    launch_only: bool = False
    error: str | None = None


def code_for(size: str, direction: str, memory: str, non_blocking: bool, synchronize: bool) -> str:
    count = SIZES[size] // 4
    pin = ", pin_memory=True" if memory == "pinned" else ""
    lines = [
        f"host = torch.zeros({count:_}{pin})  # {size} of float32, {memory}",
        f'gpu = torch.zeros({count:_}, device="cuda")',
    ]
    dst, src = ("gpu", "host") if direction == "h2d" else ("host", "gpu")
    flag = ", non_blocking=True" if non_blocking else ""
    lines.append(f"{dst}.copy_({src}{flag})  # {DIRECTIONS[direction]}")
    if synchronize:
        lines.append("torch.cuda.synchronize()")
    lines.append(
        "host.sum()  # the host reads its buffer"
        if direction == "d2h"
        else "host.fill_(-1.0)  # the host reuses its buffer"
    )
    return "\n".join(lines)


def explain(direction: str, memory: str, non_blocking: bool, synchronize: bool) -> tuple[str, ...]:
    """Why a copy behaves as it does, from how CUDA copies work (true whether or not it was measured here)."""
    host_side = "reads the destination" if direction == "d2h" else "overwrites the source"
    lines = []
    if memory == "pageable":
        lines.append(
            "From or into pageable memory the driver stages the copy through a pinned buffer of its own, and the "
            "call returns only once the host's side of it is done, `non_blocking` or not: safe, and slower."
        )
    elif non_blocking:
        lines.append(
            "With pinned memory the GPU's copy engine reaches the host buffer directly, and `non_blocking=True` "
            "makes the call return at once: the copy runs later, in order with the GPU's other work."
        )
        if not synchronize:
            lines.append(
                f"Nothing waits for it here, so the host {host_side} while the copy may not have run yet: "
                "the values can be wrong, with no error."
            )
    else:
        lines.append("With pinned memory and `non_blocking=False` the call waits until the copy is done.")
    if synchronize:
        lines.append("`torch.cuda.synchronize()` waits for all queued GPU work, so the time includes the whole copy.")
    elif memory == "pinned" and non_blocking:
        lines.append(
            "Without a synchronize the clock stops when the call returns, before the copy has run: that time is "
            "the launch, not the copy. Time GPU work only after synchronizing."
        )
    return tuple(lines)


def _recalled(size: str, direction: str, memory: str, non_blocking: bool, synchronize: bool) -> tuple[str, ...]:
    """What the recorded run saw for this case, if it has it; never an estimate."""
    run = recorded_run()
    lines = []
    nbytes = SIZES[size]
    mib = min(run.bandwidth["mib"], key=lambda m: abs(m * MiB - nbytes))
    at = run.bandwidth["mib"].index(mib)
    key = {
        ("h2d", "pageable"): "h2d_pageable",
        ("h2d", "pinned"): "h2d_pinned",
        ("d2h", "pageable"): "d2h_cpu_new_buffer",
    }.get((direction, memory))
    closest = "" if mib * MiB == nbytes else f" (the closest size it measured to {size})"
    if key is None:
        lines.append(
            "bandwidth: not recorded (the recording has no pinned device-to-host figure: its reused buffer was "
            "pageable)"
        )
    else:
        how = " with .cpu(), a new buffer each time" if key == "d2h_cpu_new_buffer" else ""
        value = gib_to_gb(run.bandwidth[key][at])
        lines.append(f"bandwidth at {mib} MiB{closest}{how}: {value:.1f} GB/s, synchronized")
    if not synchronize and memory == "pinned" and non_blocking:
        lines.append("time without synchronizing: not recorded")
    if direction == "d2h" and memory == "pinned" and non_blocking:
        verdict = "right" if synchronize else "wrong"
        printed = recorded("non_blocking").printed[1 if synchronize else 0]
        lines.append(f"values read back: {verdict}: `{printed}` (64 MiB, pinned, non_blocking)")
    else:
        lines.append("values read back: not in the recorded run")
    return tuple(lines)


def _busy(device: torch.device) -> None:
    """Queue some milliseconds of GPU work, as a training step would, so that a copy waits behind it."""
    if device.type != "cuda":
        return
    a = torch.ones(2048, 2048, device=device)
    for _ in range(10):
        torch.mm(a, a)


def _values_right(
    src: torch.Tensor, dst: torch.Tensor, direction: str, non_blocking: bool, synchronize: bool, device: torch.device
) -> bool:
    """Copy known values while the GPU is busy, then do what the host would do next, and check."""
    sync = _synchronizer(device)
    value = 7.0
    dst.zero_()
    if direction == "h2d":
        src.fill_(value)
    _busy(device)
    if direction == "d2h":
        src.fill_(value)  # computed on the GPU, queued behind the busy work
    dst.copy_(src, non_blocking=non_blocking)
    if synchronize:
        sync()
    if direction == "d2h":
        right = bool((dst == value).all())  # the host reads its copy now
    else:
        src.fill_(-1.0)  # the host refills its buffer for the next batch
        sync()
        right = bool((dst == value).all())
    sync()
    return right


def measure(
    nbytes: int, direction: str, memory: str, non_blocking: bool, synchronize: bool, device: torch.device
) -> tuple[float, bool]:
    """(seconds until the clock stopped, whether the values were right) for one copy on ``device``."""
    src, dst = _buffers(nbytes, direction, memory, device)
    sync = _synchronizer(device)
    dst.copy_(src)  # warm-up: the first copy pays for setting things up
    sync()
    start = time.perf_counter()
    dst.copy_(src, non_blocking=non_blocking)
    if synchronize:
        sync()
    seconds = time.perf_counter() - start
    sync()
    return seconds, _values_right(src, dst, direction, non_blocking, synchronize, device)


NO_CUDA = "No CUDA device here: nothing was measured."


def transfer(size: str, direction: str, memory: str, non_blocking: bool, synchronize: bool) -> Transfer:
    """Run one copy on the CUDA device and report it; without one, say so and recall the recorded run."""
    code = code_for(size, direction, memory, non_blocking, synchronize)
    why = explain(direction, memory, non_blocking, synchronize)
    nbytes = SIZES[size]
    launch_only = memory == "pinned" and non_blocking and not synchronize
    if not torch.cuda.is_available():
        recalled = _recalled(size, direction, memory, non_blocking, synchronize)
        where = f"{NO_CUDA} {recorded_run().label.removesuffix(' (not run here)')}, for this case:"
        return Transfer(code, False, where, nbytes, recorded=recalled, explanation=why, launch_only=launch_only)
    device = torch.device("cuda")
    where = f"Measured just now on {torch.cuda.get_device_name(device)}."
    try:
        seconds, right = measure(nbytes, direction, memory, non_blocking, synchronize, device)
    except Exception as exc:  # out of memory, say: the explorer shows it rather than dying
        error = f"{type(exc).__name__}: {exc}"
        return Transfer(code, True, where, nbytes, explanation=why, launch_only=launch_only, error=error)
    rate = gbps(nbytes, seconds)
    return Transfer(code, True, where, nbytes, seconds, rate, right, explanation=why, launch_only=launch_only)
