"""What the capstone's checks look at in a learner's pipeline: plain functions over arrays, tensors and datasets.

The bug hunt (lesson 07) checks objects, not source code: whether a dataset's tensor shares an array's memory,
whether an array still holds raw readings, whether a saved tensor shares another tensor's storage, which way an
array's strides run. Each helper answers one such question and works on any device.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def stack_dataset(dataset: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Every (features, target) pair of a map-style dataset, stacked: read through ``len`` and ``[i]`` only."""
    pairs = [dataset[i] for i in range(len(dataset))]
    features = torch.stack([torch.as_tensor(x) for x, _ in pairs])
    targets = torch.stack([torch.as_tensor(y) for _, y in pairs])
    return features, targets


def first_features(dataset: Any) -> torch.Tensor:
    """The features of a dataset's first item, as the dataset returns them (a view of its storage, usually)."""
    features, _ = dataset[0]
    return features


def same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    """True when two tensors use overlapping memory on the same device (a view, ``detach()``, ...)."""
    if a.device != b.device:
        return False
    sa, sb = a.untyped_storage(), b.untyped_storage()
    if sa.nbytes() == 0 or sb.nbytes() == 0:
        return False
    a_lo, b_lo = sa.data_ptr(), sb.data_ptr()
    return a_lo < b_lo + sb.nbytes() and b_lo < a_lo + sa.nbytes()


def negative_strides(a: np.ndarray) -> tuple[int, ...]:
    """The axes along which an array steps backwards through memory (what ``[::-1]`` and ``np.flip`` make)."""
    return tuple(axis for axis, stride in enumerate(a.strides) if stride < 0)


def not_binary(column: np.ndarray) -> np.ndarray:
    """The distinct values of a 0/1 column that are neither 0 nor 1 (empty when the column is intact)."""
    return np.unique(column[(column != 0) & (column != 1)])


def column_stats(features: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Each column's mean and standard deviation (as NumPy's ``std``), computed in float64."""
    values = features.detach().cpu().double().numpy()
    return values.mean(axis=0), values.std(axis=0)


def rescaled_columns(a: np.ndarray, b: np.ndarray) -> bool:
    """True when each column of ``a`` is ``b``'s column shifted and stretched (what standardising in place does)."""
    if a.ndim != 2 or a.shape != b.shape or a.shape[0] < 2:
        return False
    for got, source in zip(a.T.astype(np.float64), b.T.astype(np.float64), strict=True):
        if np.ptp(source) == 0:
            if np.ptp(got) != 0:
                return False
            continue
        slope, intercept = np.polyfit(source, got, 1)
        if slope <= 0 or not np.allclose(got, slope * source + intercept, rtol=1e-4, atol=1e-4 * np.ptp(got)):
            return False
    return True
