"""Which devices this machine has: CUDA, Apple's MPS, and the CPU that is always there.

Lessons ask once and adapt: GPU cells run where CUDA exists and show their stored output elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DeviceInfo:
    kind: str
    available: bool
    detail: str


def cuda_info() -> DeviceInfo:
    if not torch.cuda.is_available():
        built = "built without CUDA" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
        return DeviceInfo("cuda", False, f"no CUDA device (this torch is {built})")
    names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return DeviceInfo("cuda", True, ", ".join(names))


def mps_info() -> DeviceInfo:
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return DeviceInfo("mps", True, "Apple GPU (Metal)")
    return DeviceInfo("mps", False, "no Apple GPU")


def devices() -> list[DeviceInfo]:
    """Every device kind the course knows about, available or not, best first."""
    return [cuda_info(), mps_info(), DeviceInfo("cpu", True, "always available")]


def has_cuda() -> bool:
    return torch.cuda.is_available()


def best_device() -> torch.device:
    """The device a lesson's code should use: the first available of cuda, mps, cpu."""
    kind = next(info.kind for info in devices() if info.available)
    return torch.device(kind)
