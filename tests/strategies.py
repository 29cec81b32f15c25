"""Hypothesis strategies for "anything a learner might pass to check()"."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


class Hostile:
    """An object whose every dunder a checker might call raises."""

    def __repr__(self) -> str:
        raise RuntimeError("repr exploded")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq exploded")

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise RuntimeError("bool exploded")

    def __len__(self) -> int:
        raise RuntimeError("len exploded")

    def __iter__(self):
        raise RuntimeError("iter exploded")

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise RuntimeError(f"getattr {name} exploded")


def _raises(*args: object) -> object:
    raise ValueError("learner code failed")


TORCH_DTYPES = [
    torch.float32,
    torch.float64,
    torch.float16,
    torch.bfloat16,
    torch.int64,
    torch.int32,
    torch.uint8,
    torch.bool,
    torch.complex64,
]

tensors = st.builds(
    lambda shape, dtype, grad, conj: _tensor(shape, dtype, grad, conj),
    hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    st.sampled_from(TORCH_DTYPES),
    st.booleans(),
    st.booleans(),
)


def _tensor(shape: tuple[int, ...], dtype: torch.dtype, grad: bool, conj: bool) -> torch.Tensor:
    t = torch.ones(shape, dtype=dtype)
    if conj and t.is_complex():
        t = t.conj()
    if grad and (t.is_floating_point() or t.is_complex()):
        t.requires_grad_(True)
    return t


arrays = hnp.arrays(
    st.sampled_from([np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_, np.complex64, object, "U2"]),
    hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.complex_numbers(),
    st.text(max_size=8),
    st.binary(max_size=8),
    st.sampled_from([np.float64(2.5), np.int64(3), np.float32("nan")]),
)

anything = st.one_of(
    scalars,
    tensors,
    arrays,
    st.sampled_from(TORCH_DTYPES + [np.float32, np.dtype("int64"), "float32", "torch.bogus", "ACD", "Z"]),
    st.lists(scalars, max_size=4),
    st.sets(st.text(max_size=2), max_size=4),
    st.tuples(scalars, scalars),
    st.dictionaries(st.text(max_size=3), scalars, max_size=3),
    st.just(_raises),
    st.just(lambda *args: None),
    st.just(lambda *args: args[0] if args else None),
    st.just(torch.nn.Linear(2, 2)),
    st.just(Ellipsis),
    st.just(type),
)


class Departing(Hostile):
    """Like ``Hostile``, but every dunder raises ``SystemExit``, which is no ``Exception``."""

    def __repr__(self) -> str:
        raise SystemExit("repr")

    def __eq__(self, other: object) -> bool:
        raise SystemExit("eq")

    __hash__ = object.__hash__

    def __len__(self) -> int:
        raise SystemExit("len")

    def __iter__(self):
        raise SystemExit("iter")

    def __call__(self, *args: object) -> object:
        raise SystemExit("call")


class Quit(BaseException):
    """A BaseException that is neither Exception, SystemExit nor KeyboardInterrupt."""


def raising(error: BaseException):
    """A learner's function that raises ``error``."""

    def learner_function(*args: object) -> object:
        raise error

    return learner_function


hostile_objects = st.sampled_from([Hostile(), Departing(), [Departing()], {"A": Departing()}])
raising_functions = st.sampled_from(
    [raising(e) for e in (SystemExit(0), Quit(), GeneratorExit(), RecursionError(), MemoryError())]
)

HUGE = 10**8
# Huge inputs that cost no memory: views of one element, a meta tensor, a lazy sparse one, long strings and lists.
huge_values = st.sampled_from(
    [
        torch.zeros(1).expand(HUGE),
        torch.zeros(1, dtype=torch.float64).expand(HUGE // 3, 3),
        torch.empty(HUGE, device="meta"),
        torch.sparse_coo_tensor(torch.zeros(1, 1, dtype=torch.int64), torch.ones(1), (HUGE,), check_invariants=True),
        np.broadcast_to(np.float32(0), (HUGE,)),
        np.broadcast_to(np.uint8(0), (HUGE // 3, 3)),
        "A" * 10**6,
        [0] * 10**6,
        {str(i): i for i in range(10**4)},
    ]
)
