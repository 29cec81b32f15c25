"""Whether a tensor and a NumPy array use the same bytes, decided from addresses, for any dtype.

``np.shares_memory(a, t.numpy())`` only works for tensors that ``.numpy()`` accepts; comparing address
ranges works for every CPU tensor (bfloat16, conjugated, requiring grad) and never copies.
"""

from __future__ import annotations

import numpy as np
import torch

try:  # NumPy 2
    from numpy.lib.array_utils import byte_bounds
except ImportError:  # NumPy 1
    from numpy import byte_bounds


def tensor_bounds(t: torch.Tensor) -> tuple[int, int]:
    """The [start, end) addresses of the storage behind a CPU tensor."""
    storage = t.untyped_storage()
    start = storage.data_ptr()
    return start, start + storage.nbytes()


def shares_memory(t: torch.Tensor, a: np.ndarray) -> bool:
    """True when the tensor's storage overlaps the array's bytes (False for tensors off the CPU)."""
    if t.device.type != "cpu" or a.nbytes == 0:
        return False
    t_lo, t_hi = tensor_bounds(t)
    a_lo, a_hi = byte_bounds(a)
    return t_lo < a_hi and a_lo < t_hi
