"""Lesson 01's explorer: the conversion logic over every input, and the widget driven headless."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import torch

from tensorbridge.conversions import CONSTRUCTORS, REQUESTS, SOURCES, convert
from tensorbridge.explorers import constructor_explorer
from tensorbridge.lesson01 import warning_from

ALL_INPUTS = list(itertools.product(CONSTRUCTORS, SOURCES, REQUESTS, [False, True]))


def test_every_combination_answers() -> None:
    for constructor, source, dtype, change in ALL_INPUTS:
        result = convert(constructor, source, dtype, change)
        case = (constructor, source, dtype, change)
        assert f"torch.{constructor}(a" in result.code, case
        if result.ok:
            assert result.dtype.startswith("torch.") and result.shares in {True, False}, case
            assert result.explanation, case
            if change:
                # a shared tensor follows the array's change; a copy keeps the values it was made with
                assert (result.values_after_change != result.values) == result.shares, case
        else:
            assert result.error.split(":")[0] in {"TypeError", "ValueError"}, case


def test_the_lesson_facts_come_out_of_the_logic() -> None:
    assert convert("from_numpy", "int64").shares
    assert convert("as_tensor", "float64").shares
    assert not convert("as_tensor", "float64", "float32").shares
    assert not convert("tensor", "float32").shares
    legacy_float, legacy_int = convert("Tensor", "float32"), convert("Tensor", "int64")
    assert legacy_float.shares and legacy_float.dtype == "torch.float32"
    assert not legacy_int.shares and legacy_int.dtype == "torch.float32"
    assert "takes no keyword arguments" in convert("from_numpy", "int64", "float32").error
    assert "invalid combination of arguments" in convert("Tensor", "int64", "int64").error
    assert "numpy.object_" in convert("tensor", "object").error
    assert "byte order" in convert("as_tensor", "big-endian int32").error


def test_explorer_shows_each_change() -> None:
    explorer = constructor_explorer()
    shared = explorer.set(constructor="from_numpy", source="float32", request="none", change=True)
    assert "shares memory" in shared and "[9.5, 2.5, 3.5]" in shared
    copied = explorer.set(constructor="tensor")
    assert "copied" in copied and "torch.tensor(a)" in copied and copied != shared
    legacy = explorer.set(constructor="Tensor", source="int64")
    assert "torch.float32" in legacy and "copied and cast" in legacy
    failed = explorer.set(request="int64")
    assert "Fails." in failed and "invalid combination of arguments" in failed
    assert explorer.last_update_seconds < 0.1


def test_explorer_controls_offer_every_case() -> None:
    explorer = constructor_explorer()
    options = {
        name: [value for _, value in control.options]
        if isinstance(control.options[0], tuple)
        else list(control.options)
        for name, control in explorer.controls.items()
        if hasattr(control, "options")
    }
    assert options["constructor"] == list(CONSTRUCTORS)
    assert options["source"] == list(SOURCES)
    assert options["request"] == list(REQUESTS)
    for must_have in ["int32", "int64", "float32", "float64", "float16", "uint8", "bool", "complex64", "object", "str"]:
        assert must_have in SOURCES


def test_warning_from_gives_a_once_per_session_warning_every_time_without_its_source() -> None:
    rows = [np.zeros(3), np.ones(3)]
    first, second = (warning_from(lambda: torch.tensor(rows)) for _ in range(2))
    assert first == second
    assert first.startswith("Creating a tensor from a list of numpy.ndarrays is extremely slow.")
    assert "Triggered internally" not in first and not first.endswith(" ")
    assert warning_from(lambda: warnings.warn("plain (kept)", stacklevel=1)) == "plain (kept)"
    assert warning_from(lambda: None) == "no warning"


@pytest.mark.parametrize("before", [False, True])
def test_warning_from_restores_the_warn_always_setting(before: bool) -> None:
    torch.set_warn_always(before)
    try:
        warning_from(lambda: torch.tensor([np.zeros(1)]))
        assert torch.is_warn_always_enabled() is before
        with pytest.raises(ZeroDivisionError):
            warning_from(lambda: 1 / 0)
        assert torch.is_warn_always_enabled() is before
    finally:
        torch.set_warn_always(False)


def test_q3_wants_the_int64_labels_cross_entropy_takes_and_quotes_its_refusal() -> None:
    from tensorbridge.feedback import Status
    from tensorbridge.lesson01 import q3

    labels = np.array([0.0, 1.0, 1.0, 0.0, 2.0], dtype=np.float32)
    assert q3.check(torch.as_tensor(labels, dtype=torch.int64)).status is Status.CORRECT
    assert q3.check(torch.from_numpy(labels).long()).status is Status.CORRECT
    floats = q3.check(torch.from_numpy(labels))
    assert floats.status is Status.INCORRECT
    assert "expected target dtype to be Long or Byte, but got Float" in floats.text()
    assert "but got Int" in q3.check(torch.as_tensor(labels, dtype=torch.int32)).text()
    assert "torch.int64" in q3.check(torch.as_tensor(labels, dtype=torch.uint8)).text()
